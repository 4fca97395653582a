"""/api/v1/monitor/indicators/: the monitor's figures as data, from the stored snapshots only (never recomputed
on a request), with the dashboards' visibility: monitor.selectors.monitor_view reads what the viewer may see
(monitor/access.py forces the cut and anonymises other insurers). Someone without a monitor role gets a 403;
a filter that cannot be read is a 400 `invalid_filter` naming the parameter; an unknown indicator a 404."""

from dataclasses import asdict

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.api.serializers import ErrorSerializer
from core.errors import Forbidden, PortalError
from insurers.models import Insurer
from providers.models import Region

from ..access import monitor_access, parse_filters
from ..indicators import Chapter, Unit, get_indicator
from ..models import ProviderType, Segment
from ..selectors import Figure, MonitorView, monitor_view
from .serializers import MonitorIndicatorSeriesSerializer, MonitorIndicatorsSerializer

FILTERS = [
    OpenApiParameter("year", OpenApiTypes.INT, description="Contract year; default the latest year with figures."),
    OpenApiParameter("insurer", OpenApiTypes.INT, description="Insurer id (the NZa chooses any; an insurer gets "
                                                              "its own, an overlegteam its team's)."),
    OpenApiParameter("region", OpenApiTypes.INT, description="Region id."),
    OpenApiParameter("segment", OpenApiTypes.STR, enum=[v for v in Segment.values if v],
                     description="s1 or s2; empty: all segments."),
    OpenApiParameter("provider_type", OpenApiTypes.STR, enum=[v for v in ProviderType.values if v],
                     description="gp, care_group or both; empty: all providers."),
]
ERRORS = {
    400: OpenApiResponse(ErrorSerializer, description="invalid_filter: a parameter could not be read or names "
                                                      "nothing (the fields say which)."),
    403: OpenApiResponse(ErrorSerializer, description="not_authenticated, or monitor_not_allowed: no monitor "
                                                      "role."),
}


def _require_viewer(request) -> None:
    if not monitor_access(request.user).may_view:
        raise Forbidden("monitor_not_allowed", _("De monitor is voor de NZa, zorgverzekeraars, overlegteams en "
                                                 "zorgaanbieders."))


def _view(request, codes=None) -> MonitorView:
    """The viewer's monitor for the request's filters; a filter it cannot read, or one that names a year,
    insurer or region that does not exist, is a 400 (the dashboard would ignore it with a note)."""
    year, filters, errors = parse_filters(request.query_params)
    if filters.insurer is not None and not Insurer.objects.filter(pk=filters.insurer).exists():
        errors["insurer"] = _("Kies een zorgverzekeraar uit de lijst.")
    if filters.region is not None and not Region.objects.filter(pk=filters.region).exists():
        errors["region"] = _("Kies een regio uit de lijst.")
    if errors:
        raise PortalError("invalid_filter", next(iter(errors.values())),
                          fields={name: [message] for name, message in errors.items()})
    view = monitor_view(user=request.user, year=year, filters=filters, codes=codes)
    if year is not None and year not in view.years:
        raise PortalError("invalid_filter", _("Voor %(year)s zijn er geen monitorcijfers.") % {"year": year},
                          fields={"year": [_("Kies een jaar uit de lijst.")]})
    return view


def _cut(dims) -> dict:
    return asdict(dims)


def _figure(figure: Figure) -> dict:
    ind = figure.indicator
    return {
        "code": ind.code, "chapter": ind.chapter, "chapter_label": str(Chapter(ind.chapter).label),
        "title": str(ind.title), "unit": ind.unit, "unit_label": str(Unit(ind.unit).label),
        "formula": str(ind.formula), "source": str(ind.source), "caveats": [str(c) for c in ind.caveats],
        "dimensions": list(ind.dimensions), "cut": _cut(figure.dims), "notes": figure.notes,
        "computed_at": figure.computed_at, "value": figure.value,
        "comparisons": [{"label": str(label), "headline": head} for label, head in figure.comparisons],
    }


def _meta(view: MonitorView) -> dict:
    fresh = view.freshness
    return {
        "year": view.year, "years": view.years, "filters": _cut(view.filters.dims()), "notes": view.notes,
        "freshness": None if fresh is None else {
            "computed_at": fresh.computed_at, "data_until": fresh.data_until, "published": fresh.published,
            "published_at": fresh.published_at},
    }


class MonitorIndicatorsView(APIView):

    @extend_schema(operation_id="monitor_indicators_list", parameters=FILTERS,
                   responses={200: MonitorIndicatorsSerializer, **ERRORS},
                   description="Every indicator of the monitor for one contract year and cut: its definition "
                               "(formula, unit, source, caveats), the table as the viewer may see it, the cuts "
                               "beside it and how fresh the figures are. Read from the stored snapshots only.")
    def get(self, request):
        _require_viewer(request)
        view = _view(request)
        data = {**_meta(view), "indicators": [_figure(f) for f in view.figures]}
        return Response(MonitorIndicatorsSerializer(data).data)


class MonitorIndicatorView(APIView):

    @extend_schema(operation_id="monitor_indicator_series", parameters=FILTERS,
                   responses={200: MonitorIndicatorSeriesSerializer,
                              404: OpenApiResponse(ErrorSerializer, description="No indicator with this code."),
                              **ERRORS},
                   description="One indicator: its figures for the year and cut, and its series over the years "
                               "(each year's headline of the cut and of the cuts beside it).")
    def get(self, request, code: str):
        _require_viewer(request)
        if get_indicator(code) is None:
            raise NotFound(_("Er is geen indicator met deze code."))
        view = _view(request, codes=[code])
        figure = view.figure(code)
        if figure is None:  # an indicator this viewer does not see (only the NZa's)
            raise NotFound(_("Er is geen indicator met deze code."))
        series = [{"label": str(line.label),
                   "points": [{"year": y, "value": v} for y, v in zip(figure.trend_years, line.values, strict=True)]}
                  for line in figure.trend]
        data = {**_meta(view), "indicator": _figure(figure), "series": series}
        return Response(MonitorIndicatorSeriesSerializer(data).data)
