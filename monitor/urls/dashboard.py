from django.urls import path

from ..views import dashboard

urlpatterns = [
    path("", dashboard.dashboard, name="dashboard"),
    path("cijfers/<slug:code>.csv", dashboard.figure_export, {"fmt": "csv"}, name="figure_csv"),
    path("cijfers/<slug:code>.xlsx", dashboard.figure_export, {"fmt": "xlsx"}, name="figure_xlsx"),
]
