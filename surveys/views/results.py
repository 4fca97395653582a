"""Survey results pages: the list of results a user may see, a survey's results (in full, or an insurer's
sub-report) split or filtered by one attribute, a cross-tab of two questions, the trend of a series, and their
CSV/XLSX exports. Scope from surveys.results_access (another insurer's results are a 404); every figure from
surveys.results; charts from surveys.charts."""

import json

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from accounts.selectors import is_nza_or_admin
from core.errors import PortalError
from insurers.models import Insurer

from ..charts import block_chart, trend_chart
from ..exports import file_response, results_table, trend_table
from ..models import Survey
from ..results import (
    DIMENSIONS,
    answer_table,
    crosstab_questions,
    survey_crosstab,
    survey_results,
    survey_trend,
)
from ..results_access import (
    full_results_visible_to,
    may_export_answers,
    results_scope,
    series_scope,
    sub_report_insurer_ids,
    sub_reports_visible_to,
)


def _url(name: str, survey_pk: int, insurer, **kwargs) -> str:
    if insurer is not None:
        return reverse(f"surveys:{name}_insurer", kwargs={"pk": survey_pk, "insurer_pk": insurer.pk, **kwargs})
    return reverse(f"surveys:{name}", kwargs={"pk": survey_pk, **kwargs})


def _charted(blocks) -> list[tuple]:
    return [(block, json.dumps(chart) if (chart := block_chart(block)) else "") for block in blocks]


@login_required
@require_GET
def results_index(request):
    """The results the user may see: full results, and sub-reports per insurer (the NZa opens those from a
    survey's full results)."""
    user = request.user
    full = list(full_results_visible_to(user).select_related("owner_insurer").order_by("-year", "title", "pk"))
    insurer_ids = sub_report_insurer_ids(user)
    subs = []
    if insurer_ids:
        insurers = list(Insurer.objects.filter(pk__in=insurer_ids).order_by("name"))
        for survey in sub_reports_visible_to(user).order_by("-year", "title", "pk"):
            subs.extend((survey, insurer) for insurer in insurers)
    if not full and not subs and not is_nza_or_admin(user):
        raise PermissionDenied(_("U heeft geen toegang tot uitkomsten van enquêtes."))
    return render(request, "surveys/results/index.html", {"full": full, "subs": subs})


@login_required
@require_GET
def satisfaction_latest(request, insurer_pk):
    """The latest GP satisfaction survey's sub-report of an insurer: a link other apps can give without knowing
    surveys (an overlegteam's home page). The newest closed one, since results come only after closing; while
    none has closed, the newest one (its page says when results come). Not found when there is none the user
    may see."""
    surveys = sub_reports_visible_to(request.user).filter(kind=Survey.Kind.GP_SATISFACTION).order_by(
        "-year", "-closes_at", "-pk")
    survey = surveys.filter(status=Survey.Status.CLOSED).first() or surveys.first()
    if survey is None:
        raise Http404(_("Er is nog geen tevredenheidsonderzoek met uitkomsten."))
    results_scope(request.user, survey.pk, insurer_pk)  # another insurer's: 404
    return redirect("surveys:results_insurer", pk=survey.pk, insurer_pk=insurer_pk)


def _results_context(request, survey, insurer, results, error=""):
    query = request.GET.urlencode()
    series_url = ""
    if survey.series:
        series_url = (reverse("surveys:trend_insurer", kwargs={"series": survey.series, "insurer_pk": insurer.pk})
                      if insurer else reverse("surveys:trend", kwargs={"series": survey.series}))
    return {
        "survey": survey, "insurer": insurer, "results": results, "blocks": _charted(results.blocks),
        "error": error, "dimensions": DIMENSIONS,
        "export_csv": _url("results_export", survey.pk, insurer, fmt="csv") + (f"?{query}" if query else ""),
        "export_xlsx": _url("results_export", survey.pk, insurer, fmt="xlsx") + (f"?{query}" if query else ""),
        "crosstab_url": _url("crosstab", survey.pk, insurer),
        "results_url": _url("results", survey.pk, insurer),
        "answers_export": may_export_answers(request.user, survey) and insurer is None,
        "trend_url": series_url,
        "insurer_choices": (list(Insurer.objects.order_by("name"))
                            if is_nza_or_admin(request.user) and insurer is None and survey.questions.filter(
                                repeat="insurer").exists() else []),
    }


def _view(request, survey, insurer):
    try:
        return survey_results(survey, insurer=insurer, dimension=request.GET.get("dimension", ""),
                              value=request.GET.get("value", "")), ""
    except PortalError as exc:
        return survey_results(survey, insurer=insurer), exc.detail


@login_required
@require_GET
def results(request, pk, insurer_pk=None):
    survey, insurer = results_scope(request.user, pk, insurer_pk)
    res, error = _view(request, survey, insurer)
    return render(request, "surveys/results/results.html", _results_context(request, survey, insurer, res, error),
                  status=400 if error else 200)


@login_required
@require_GET
def crosstab(request, pk, insurer_pk=None):
    survey, insurer = results_scope(request.user, pk, insurer_pk)
    rows, columns = request.GET.get("rows", ""), request.GET.get("columns", "")
    res, error = None, ""
    if rows or columns:
        try:
            res = survey_crosstab(survey, rows=rows, columns=columns, insurer=insurer)
        except PortalError as exc:
            error = exc.detail
    query = request.GET.urlencode()
    return render(request, "surveys/results/crosstab.html", {
        "survey": survey, "insurer": insurer, "results": res, "blocks": _charted(res.blocks) if res else [],
        "questions": crosstab_questions(survey, insurer), "rows": rows, "columns": columns, "error": error,
        "results_url": _url("results", survey.pk, insurer),
        "export_csv": _url("results_export", survey.pk, insurer, fmt="csv") + f"?{query}" if res else "",
        "export_xlsx": _url("results_export", survey.pk, insurer, fmt="xlsx") + f"?{query}" if res else "",
    }, status=400 if error else 200)


@login_required
@require_GET
def results_export(request, pk, fmt, insurer_pk=None):
    """The table of the results page (or of a cross-tab, with rows and columns) as a file."""
    survey, insurer = results_scope(request.user, pk, insurer_pk)
    try:
        if request.GET.get("rows") or request.GET.get("columns"):
            res = survey_crosstab(survey, rows=request.GET.get("rows", ""), columns=request.GET.get("columns", ""),
                                  insurer=insurer)
        else:
            res = survey_results(survey, insurer=insurer, dimension=request.GET.get("dimension", ""),
                                 value=request.GET.get("value", ""))
    except PortalError as exc:
        res, _error = _view(request, survey, insurer)
        return render(request, "surveys/results/results.html",
                      _results_context(request, survey, insurer, res, exc.detail), status=400)
    header, rows = results_table(res)
    name = f"{survey.title} {survey.year}" + (f" {insurer.name}" if insurer else "")
    return file_response(header, rows, name=name, fmt=fmt)


@login_required
@require_GET
def answers_export(request, pk, fmt):
    """Every answer, for the NZa and the survey's own insurer (an anonymous survey's without identity)."""
    survey, _insurer = results_scope(request.user, pk)
    if not may_export_answers(request.user, survey):
        raise PermissionDenied(_("Alleen de NZa en de zorgverzekeraar van deze enquête downloaden de antwoorden."))
    try:
        table = answer_table(survey)
    except PortalError as exc:
        res = survey_results(survey)
        return render(request, "surveys/results/results.html",
                      _results_context(request, survey, None, res, exc.detail), status=exc.status)
    return file_response(table.header, table.rows, name=f"{survey.title} {survey.year} antwoorden", fmt=fmt)


def _trend(request, series, insurer_pk):
    surveys, insurer = series_scope(request.user, series, insurer_pk)
    return surveys, insurer, survey_trend(surveys, insurer=insurer)


@login_required
@require_GET
def trend(request, series, insurer_pk=None):
    surveys, insurer, tr = _trend(request, series, insurer_pk)
    kwargs = {"series": series, **({"insurer_pk": insurer.pk} if insurer else {})}
    name = "trend_export_insurer" if insurer else "trend_export"
    return render(request, "surveys/results/trend.html", {
        "trend": tr, "insurer": insurer, "survey": surveys[-1],
        "questions": [(q, json.dumps(trend_chart(tr, q))) for q in tr.questions],
        "export_csv": reverse(f"surveys:{name}", kwargs={**kwargs, "fmt": "csv"}),
        "export_xlsx": reverse(f"surveys:{name}", kwargs={**kwargs, "fmt": "xlsx"}),
    })


@login_required
@require_GET
def trend_export(request, series, fmt, insurer_pk=None):
    surveys, insurer, tr = _trend(request, series, insurer_pk)
    header, rows = trend_table(tr)
    return file_response(header, rows, name=f"{surveys[-1].title} trend" + (f" {insurer.name}" if insurer else ""),
                         fmt=fmt)
