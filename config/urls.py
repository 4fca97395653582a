from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from core.views import healthz

admin.site.site_header = "Contracteerportaal huisartsenzorg — beheer"
admin.site.site_title = "Contracteerportaal beheer"

urlpatterns = [
    path("", include("contracting.urls")),
    path("overleg/", include("consultations.urls")),
    path("enquetes/", include("surveys.urls")),
    path("monitor/", include("monitor.urls")),
    path("account/", include("accounts.urls")),
    path("organisaties/", include("providers.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("beheer/", admin.site.urls),
    path("api/v1/", include("config.api_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # Swagger UI from the app's own static files (drf-spectacular-sidecar); the split view serves its init script
    # as a file, so the page needs no inline script.
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema", template_name="api/swagger_ui.html"),
         name="api-docs"),
    path("healthz", healthz, name="healthz"),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
