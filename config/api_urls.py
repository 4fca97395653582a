from django.urls import include, path

urlpatterns = [
    path("", include("contracting.api.urls")),
]
