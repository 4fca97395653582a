"""Overleg between the LHV overlegteams and their insurer (GCP: overleg, not negotiation)."""
from django.urls import include, path

app_name = "consultations"

urlpatterns: list = [
    path("", include("consultations.urls.overleg")),
]
