from django.urls import path

from ..views import caregroup as views

app_name = "caregroup"

urlpatterns = [
    path("", views.negotiations, name="negotiations"),
    path("indienen/", views.negotiation_new, name="negotiation_new"),
    path("onderhandelingen/<int:pk>/", views.negotiation_detail, name="negotiation"),
    path("bijlagen/<int:pk>/", views.step_attachment, name="attachment"),
]
