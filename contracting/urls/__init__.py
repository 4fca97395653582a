from django.urls import include, path

from ..views import home

urlpatterns = [
    path("", home.home, name="home"),
    path("contracten/", include("contracting.urls.practice")),
    path("inkoop/", include("contracting.urls.insurer")),
    path("register/", include("contracting.urls.public")),
    path("inkoopbeleid/", include("contracting.urls.policy_public")),
]
