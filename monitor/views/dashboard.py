"""The monitor's dashboards (/monitor/): every indicator of a chapter as a card with its chart, data table,
trend, how it is computed and its freshness, for the cut the viewer may see (monitor/access.py decides; the
figures come from the snapshots through monitor.selectors, never recomputed here). Filters are a GET form whose
results region htmx swaps in place, pushing the URL, so a view can be shared; without JavaScript the form
reloads the page. Downloads give exactly the table shown."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import render
from django.utils.cache import patch_vary_headers
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from core.exports import file_response

from ..access import INSURER, NZA, PROVIDER, TEAM, parse_filters
from ..indicators import Chapter, get_indicator
from ..pdf import may_print
from ..selectors import monitor_view
from ..tables import figure_chart, figure_table, trend_chart

OVERVIEW = Chapter.SUMMARY.value


def _view_for(request, codes=None):
    year, filters, errors = parse_filters(request.GET)
    view = monitor_view(user=request.user, year=year, filters=filters, notes=list(errors.values()), codes=codes)
    if not view.access.may_view:
        raise PermissionDenied(_("De monitor is voor de NZa, zorgverzekeraars, overlegteams, praktijken en "
                                 "samenwerkingsverbanden. U heeft geen van die rollen."))
    return view


def _title(kind) -> str:
    return {NZA: _("NZa-monitor"), INSURER: _("Monitor: uw zorgverzekeraar"), TEAM: _("Monitor: uw overlegteam"),
            PROVIDER: _("Mijn positie")}[kind]


@login_required
@require_GET
def dashboard(request):
    view = _view_for(request)
    chapters = view.chapters()
    chapter = request.GET.get("chapter") or OVERVIEW
    if chapter != OVERVIEW and chapter not in {c for c, _l, _f in chapters}:
        chapter = OVERVIEW
    shown = next((figures for c, _l, figures in chapters if c == chapter), []) if chapter != OVERVIEW else []
    cards = []
    for figure in shown:
        query = urlencode(view.query())
        cards.append({"figure": figure, "table": figure_table(figure), "chart": figure_chart(figure),
                      "trend_chart": trend_chart(figure), "query": query,
                      "caveats": [*figure.indicator.caveats, *(figure.value or {}).get("notes", [])]})
    tabs = [(OVERVIEW, _("Overzicht"))] + [(c, label) for c, label, _f in chapters]
    context = {
        "view": view, "title": _title(view.access.kind), "chapter": chapter, "tabs": tabs, "cards": cards,
        "overview": [(label, figures) for _c, label, figures in chapters] if chapter == OVERVIEW else [],
        "chapter_codes": {f.code: c for c, _l, figures in chapters for f in figures},
        "base_query": view.query(), "filters_fixed": view.access.kind in (TEAM, PROVIDER),
        "may_print": may_print(view.access) and view.computed, "may_run": view.access.kind == NZA,
    }
    partial = request.headers.get("HX-Request") and not request.headers.get("HX-History-Restore-Request")
    template = "monitor/_results.html" if partial else "monitor/dashboard.html"
    response = render(request, template, context)
    patch_vary_headers(response, ("HX-Request",))
    return response


@login_required
@require_GET
def figure_export(request, code, fmt):
    """One figure's table, as shown on the dashboard for the same URL parameters, as CSV or XLSX."""
    if get_indicator(code) is None:
        raise Http404(_("Deze indicator bestaat niet."))
    view = _view_for(request, codes=[code])
    figure = view.figure(code)
    if figure is None or figure.value is None:
        raise Http404(_("Voor deze selectie is nog geen cijfer berekend."))
    table = figure_table(figure)
    return file_response(table.header, table.rows, name=f"{code}-{view.year}", fmt=fmt,
                         sheet=str(figure.indicator.title), default_name="monitor")
