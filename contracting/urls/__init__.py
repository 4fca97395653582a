from django.urls import include, path

from ..views import feed, home
from ..views import requests as request_views
from .public import policy_patterns, register_patterns

urlpatterns = [
    path("", home.home, name="home"),
    path("contracten/", include("contracting.urls.practice")),
    path("inkoop/", include("contracting.urls.insurer")),
    path("samenwerkingsverband/", include("contracting.urls.caregroup")),
    path("samenwerkingsverband/", include("contracting.urls.members")),
    path("register/", include(register_patterns)),
    path("inkoopbeleid/", include(policy_patterns)),
    path("cijfers/verzoeken/", request_views.oversight, name="requests_figures"),
    # A calendar app's subscription: no session, the secret link is the key (made on the profile page).
    path("agenda/<str:token>.ics", feed.calendar_feed, name="calendar_feed"),
]
