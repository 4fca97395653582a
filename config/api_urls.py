"""/api/v1/: each app contributes its routes; names are unique across apps (no namespaces, one flat API)."""

from django.urls import include, path

urlpatterns = [
    path("", include("accounts.api.urls")),
    path("", include("providers.api.urls")),
    path("", include("contracting.api.urls")),
    path("", include("consultations.api.urls")),
    path("", include("surveys.api.urls")),
    path("monitor/", include("monitor.api.urls")),
]
