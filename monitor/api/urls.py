"""/api/v1/monitor/…"""

from django.urls import path

from .views import MonitorIndicatorsView, MonitorIndicatorView

urlpatterns = [
    path("indicators/", MonitorIndicatorsView.as_view(), name="monitor-indicators"),
    path("indicators/<slug:code>/", MonitorIndicatorView.as_view(), name="monitor-indicator"),
]
