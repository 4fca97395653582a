from django.urls import path

from ..views import runs

urlpatterns = [
    path("berekeningen/", runs.runs, name="runs"),
    path("berekeningen/<int:year>/herberekenen/", runs.recompute, name="run_recompute"),
    path("berekeningen/<int:year>/publiceren/", runs.publish, name="run_publish"),
    path("berekeningen/run/<int:pk>/", runs.run_progress, name="run_progress"),
]
