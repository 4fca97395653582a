from django.urls import include, path

from ..views import home
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
]
