from django.urls import path, re_path

from ..views import results as views

FMT = r"(?P<fmt>csv|xlsx)"

urlpatterns = [
    path("resultaten/", views.results_index, name="results_index"),
    path("resultaten/tevredenheid/zorgverzekeraar/<int:insurer_pk>/", views.satisfaction_latest,
         name="satisfaction_latest"),
    path("<int:pk>/resultaten/", views.results, name="results"),
    path("<int:pk>/resultaten/zorgverzekeraar/<int:insurer_pk>/", views.results, name="results_insurer"),
    path("<int:pk>/resultaten/kruistabel/", views.crosstab, name="crosstab"),
    path("<int:pk>/resultaten/zorgverzekeraar/<int:insurer_pk>/kruistabel/", views.crosstab, name="crosstab_insurer"),
    re_path(rf"^(?P<pk>[0-9]+)/resultaten/export\.{FMT}$", views.results_export, name="results_export"),
    re_path(rf"^(?P<pk>[0-9]+)/resultaten/zorgverzekeraar/(?P<insurer_pk>[0-9]+)/export\.{FMT}$",
            views.results_export, name="results_export_insurer"),
    re_path(rf"^(?P<pk>[0-9]+)/antwoorden\.{FMT}$", views.answers_export, name="answers_export"),
    path("reeks/<slug:series>/trend/", views.trend, name="trend"),
    path("reeks/<slug:series>/trend/zorgverzekeraar/<int:insurer_pk>/", views.trend, name="trend_insurer"),
    re_path(rf"^reeks/(?P<series>[-\w]+)/trend/export\.{FMT}$", views.trend_export, name="trend_export"),
    re_path(rf"^reeks/(?P<series>[-\w]+)/trend/zorgverzekeraar/(?P<insurer_pk>[0-9]+)/export\.{FMT}$",
            views.trend_export, name="trend_export_insurer"),
]
