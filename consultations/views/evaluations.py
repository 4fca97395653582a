"""The insurers' evaluations of the previous contracting (GCP phase A). A purchaser writes, finishes and
shares its insurer's (late is shown, never refused); once shared its contractants and overlegteams read it.
Another insurer's evaluation, or one not shared yet, is a 404 to everyone else."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from contracting.calendar import local_date
from contracting.views.common import place_error
from core.errors import PortalError
from core.markdown import render_markdown
from insurers.models import Insurer

from ..access import evaluations_visible_to, found, purchasing_insurer_ids
from ..forms.overleg import EvaluationForm
from ..selectors import evaluation_lateness, evaluations_list
from ..services import evaluation_finish, evaluation_save, evaluation_share


@login_required
def evaluation_list(request):
    now = timezone.now()
    insurers = list(Insurer.objects.filter(pk__in=purchasing_insurer_ids(request.user)).order_by("name"))
    form = None
    if insurers:
        form = EvaluationForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            insurer = next((i for i in insurers if str(i.pk) == request.POST.get("insurer")), insurers[0])
            # An evaluation written in calendar year C is the one due at the end of February C: it sits in
            # the calendar of contract year C+1 (all its dates fall in C) and evaluates the contracting for C.
            year = local_date(now).year + 1
            try:
                evaluation = evaluation_save(actor=request.user, insurer=insurer, year=year,
                                             method=form.cleaned_data["method"], summary=form.cleaned_data["summary"],
                                             now=now)
            except PortalError as exc:
                place_error(form, exc)
            else:
                messages.success(request, _("De evaluatie is opgeslagen."))
                return redirect("consultations:evaluation", pk=evaluation.pk)
    return render(request, "consultations/evaluations.html", {
        "rows": evaluations_list(evaluations_visible_to(request.user), now), "form": form, "insurers": insurers,
        "year": local_date(now).year + 1})


@login_required
def evaluation_detail(request, pk: int):
    evaluation = found(evaluations_visible_to(request.user).select_related("insurer", "contract_year",
                                                                           "finished_by", "shared_by"), pk)
    now = timezone.now()
    is_purchaser = evaluation.insurer_id in purchasing_insurer_ids(request.user)
    form = EvaluationForm(initial={"method": evaluation.method, "summary": evaluation.summary}) if is_purchaser \
        else None
    if request.method == "POST" and is_purchaser:
        action = request.POST.get("action")
        try:
            if action == "save":
                form = EvaluationForm(request.POST)
                if not form.is_valid():
                    raise PortalError("invalid", _("Controleer de gegevens."))
                evaluation_save(actor=request.user, insurer=evaluation.insurer, year=evaluation.contract_year.year,
                                method=form.cleaned_data["method"], summary=form.cleaned_data["summary"], now=now)
                messages.success(request, _("De evaluatie is opgeslagen."))
            elif action == "finish":
                evaluation_finish(actor=request.user, evaluation=evaluation, now=now)
                messages.success(request, _("De evaluatie is afgerond."))
            elif action == "share":
                evaluation_share(actor=request.user, evaluation=evaluation, now=now)
                messages.success(request, _("De evaluatie is gedeeld met alle contractanten en overlegteams."))
        except PortalError as exc:
            if form is not None and action == "save":
                place_error(form, exc)
            else:
                messages.error(request, exc.detail)
                return redirect(request.path)
        else:
            return redirect(request.path)
    elif request.method == "POST":
        raise PermissionDenied(_("Alleen een zorginkoper van deze zorgverzekeraar kan de evaluatie wijzigen."))
    return render(request, "consultations/evaluation.html", {
        "evaluation": evaluation, "is_purchaser": is_purchaser, "form": form, "now": now,
        "summary_html": render_markdown(evaluation.summary),
        "lateness": evaluation_lateness(evaluation, year=evaluation.contract_year.year, now=now)})
