"""/monitor/: the NZa monitor's dashboards."""
from django.urls import include, path

app_name = "monitor"

urlpatterns: list = [
    path("", include("monitor.urls.runs")),
    path("", include("monitor.urls.printing")),
    path("", include("monitor.urls.dashboard")),
]
