"""Overleg between the LHV overlegteams and their insurer (GCP: overleg, not negotiation)."""
from django.urls import include, path

from ..views import oth

app_name = "consultations"

urlpatterns: list = [
    path("", oth.index, name="index"),
    path("", include("consultations.urls.overleg")),
    path("", include("consultations.urls.regional")),
]
