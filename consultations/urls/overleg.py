"""Pages of the overleg rounds and the evaluations (consultations/views/overleg.py, evaluations.py)."""

from django.urls import path

from ..views import evaluations, overleg

urlpatterns = [
    path("rondes/", overleg.round_list, name="rounds"),
    path("rondes/<int:pk>/", overleg.round_detail, name="round"),
    path("overleggen/<int:pk>/", overleg.meeting_detail, name="meeting"),
    path("overleggen/<int:pk>/bijlagen/<int:attachment_pk>/", overleg.meeting_attachment, name="meeting_attachment"),
    path("standpunten/<int:pk>/", overleg.position_detail, name="position"),
    path("teams/<int:pk>/tijdlijn/", overleg.timeline, name="timeline"),
    path("evaluaties/", evaluations.evaluation_list, name="evaluations"),
    path("evaluaties/<int:pk>/", evaluations.evaluation_detail, name="evaluation"),
]
