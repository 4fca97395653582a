"""The NZa's Berekeningen page (/monitor/berekeningen/): per contract year the latest computation, how fresh
the figures are and from what, "Nu herberekenen" with a progress bar that fills while a worker computes, and
"Publiceren" with a confirmation. The rules live in monitor.services; this page only calls them."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.selectors import is_nza_or_admin
from core.errors import PortalError
from core.numbers import count

from ..models import MonitorRun
from ..selectors import runs_overview
from ..services import monitor_publish, monitor_request_recompute
from ..sources import source_labels


class PublishForm(forms.Form):
    confirm = forms.BooleanField(
        label=gettext_lazy("Ik begrijp dat de cijfers van dit jaar na publicatie niet meer veranderen."),
        error_messages={"required": gettext_lazy("Vink aan dat de cijfers hierna niet meer veranderen; "
                                                 "er is niets gepubliceerd.")})


def _nza_only(request) -> None:
    if not is_nza_or_admin(request.user):
        raise PermissionDenied(_("Alleen analisten van de NZa zien de berekeningen van de monitor."))


def _source_rows(row) -> list[tuple[str, str, object]]:
    """(table, row count, latest change) of what the year's figures were computed from, in the sources' order."""
    tables = row.freshness.source.get("tables", {})
    return [(label, count(tables[key]["rows"]),
             parse_datetime(tables[key]["latest"]) if tables[key].get("latest") else None)
            for key, label in source_labels().items() if key in tables]


def _page(request, *, publish_year=None, publish_form=None, status=200):
    years = runs_overview()
    return render(request, "monitor/runs.html", {
        "years": [(row, publish_form if row.year == publish_year else PublishForm(prefix=str(row.year)),
                   _source_rows(row)) for row in years],
    }, status=status)


@login_required
@require_GET
def runs(request):
    _nza_only(request)
    return _page(request)


@login_required
@require_POST
def recompute(request, year: int):
    _nza_only(request)
    try:
        run = monitor_request_recompute(actor=request.user, year=year)
    except PortalError as exc:
        messages.error(request, exc.detail)
    else:
        messages.success(request, _("De cijfers van %(year)s worden berekend.") % {"year": run.year})
    return redirect(f"{reverse('monitor:runs')}#jaar-{year}")


@login_required
@require_http_methods(["POST"])
def publish(request, year: int):
    _nza_only(request)
    form = PublishForm(request.POST, prefix=str(year))
    if not form.is_valid():
        return _page(request, publish_year=year, publish_form=form, status=400)
    try:
        monitor_publish(actor=request.user, year=year)
    except PortalError as exc:
        form.add_error(None, exc.detail)
        return _page(request, publish_year=year, publish_form=form, status=exc.status)
    messages.success(request, _("De cijfers van %(year)s zijn gepubliceerd.") % {"year": year})
    return redirect(f"{reverse('monitor:runs')}#jaar-{year}")


@login_required
@require_GET
def run_progress(request, pk: int):
    """The progress bar of one run, polled by htmx while the run is queued or running. A run is the NZa's
    object: for anyone else it does not exist (404)."""
    if not is_nza_or_admin(request.user):
        raise Http404
    run = MonitorRun.objects.filter(pk=pk).first()
    if run is None:
        raise Http404
    response = render(request, "monitor/_run_progress.html", {"run": run})
    if request.htmx and run.status not in MonitorRun.ACTIVE:
        # Finished while the page polled: reload it once, so its freshness and buttons are those of this run.
        response["HX-Refresh"] = "true"
    return response
