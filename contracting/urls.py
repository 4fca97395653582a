from django.urls import include, path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("contracten/", include("contracting.urls_practice")),
    path("inkoop/", include("contracting.urls_insurer")),
    path("register/", include("contracting.urls_public")),
]
