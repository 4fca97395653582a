from django.urls import path

from ..views import policy_public as views

app_name = "policies"

urlpatterns = [
    path("", views.policy_index, name="index"),
    path("bijlagen/<int:pk>/", views.policy_attachment, name="attachment"),
    path("<slug:slug>/<int:year>/", views.policy_insurer_year, name="insurer_year"),
    path("<slug:slug>/<int:year>/versie/<int:number>/", views.policy_version, name="version"),
]
