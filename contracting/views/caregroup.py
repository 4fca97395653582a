"""The care group's pages: its negotiations with insurers (submit begroting and werkplan, counter, accept),
the thread with two steps side by side, and the keten patient numbers of a signed contract. The insurer's
pages of the same thread (contracting/views/insurer.py) use negotiation_page below.

Every page starts from the user's own care groups (or, for the shared thread page, from
access.negotiations_visible_to): another organisation's negotiation is not found."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from accounts.models import Role
from accounts.selectors import memberships_of
from core.errors import PortalError
from core.params import parse_id
from insurers.models import Insurer
from providers.models import CareGroup

from ..access import negotiations_visible_to
from ..forms.caregroup import AcceptForm, KetenReportForm, StepForm, SubmissionForm
from ..models import KetenPatientReport, Negotiation, NegotiationStep, Offer, StepAttachment
from ..pricing import terms_estimate
from ..selectors import caregroup_catalogue, negotiation_thread, negotiations_with_last_step, step_diff
from ..services import (
    Upload,
    keten_patients_report,
    negotiation_accept,
    negotiation_counter,
    negotiation_refusal,
    negotiation_submit,
)
from ..services.negotiation import care_group_population
from .common import chosen_year, place_error

CAREGROUP_ROLES = (Role.CAREGROUP_MEMBER, Role.CAREGROUP_SIGNATORY)


def my_care_groups(user) -> list[CareGroup]:
    groups = {}
    for m in memberships_of(user):
        if m.role in CAREGROUP_ROLES and m.care_group_id:
            groups.setdefault(m.care_group_id, m.care_group)
    return list(groups.values())


def _care_groups_or_404(user) -> list[CareGroup]:
    groups = my_care_groups(user)
    if not groups:
        raise Http404(_("Deze pagina's zijn voor samenwerkingsverbanden."))
    return groups


@login_required
@require_GET
def negotiations(request):
    """The care group's negotiations per insurer and year, newest first, with the last step of each."""
    groups = _care_groups_or_404(request.user)
    rows = list(negotiations_with_last_step(Negotiation.objects.filter(care_group__in=[g.pk for g in groups]))
                .order_by("-year", "insurer__name", "pk"))
    return render(request, "contracting/caregroup/list.html", {"negotiations": rows, "care_groups": groups})


@login_required
@require_http_methods(["GET", "POST"])
def negotiation_new(request):
    """Submit begroting, werkplan and the proposed terms to an insurer of the care group's region."""
    groups = _care_groups_or_404(request.user)
    group = next((g for g in groups if g.pk == parse_id(request.GET.get("groep", ""))), groups[0])
    now = timezone.now()
    year, _years = chosen_year(request, now)
    insurers = Insurer.objects.filter(market_shares__region_id=group.region_id).order_by("name")
    catalogue = caregroup_catalogue()
    form = SubmissionForm(request.POST or None, request.FILES or None, catalogue=catalogue, insurers=insurers)
    closed = negotiation_refusal(year, now)
    if request.method == "POST" and form.is_valid():
        try:
            step = negotiation_submit(
                actor=request.user, care_group=group, insurer=form.cleaned_data["insurer"], year=year,
                terms=form.raw_terms(), note=form.cleaned_data["note"], budget=form.cleaned_data.get("budget"),
                work_plan=form.cleaned_data.get("work_plan"), now=now)
        except PortalError as exc:
            place_error(form, exc)
        else:
            messages.success(request, _("Uw begroting en werkplan zijn ingediend."))
            return redirect("caregroup:negotiation", pk=step.negotiation_id)
    return render(request, "contracting/caregroup/new.html", {
        "form": form, "rows": form.bound_rows(), "care_group": group, "year": year, "closed": closed})


@login_required
@require_http_methods(["GET", "POST"])
def negotiation_detail(request, pk: int):
    groups = _care_groups_or_404(request.user)
    negotiation = (negotiations_visible_to(request.user).filter(care_group__in=[g.pk for g in groups])
                   .select_related("care_group", "insurer", "offer").filter(pk=pk).first())
    if negotiation is None:
        raise Http404(_("Deze onderhandeling bestaat niet of is niet van uw organisatie."))
    return negotiation_page(request, negotiation, side=NegotiationStep.Side.CARE_GROUP,
                            template="contracting/caregroup/detail.html", url_name="caregroup:negotiation")


def negotiation_page(request, negotiation: Negotiation, *, side: str, template: str, url_name: str, extra=None):
    """The thread of one negotiation for one side: every step with who and when, two steps side by side
    (?links=…&rechts=…, default the last two), and the forms to counter or accept when it is this side's turn.
    The services decide; this only shows and posts."""
    now = timezone.now()
    steps = negotiation_thread(negotiation)
    last = steps[-1] if steps else None
    population = care_group_population(negotiation.care_group)
    by_number = {s.number: s for s in steps}
    left = by_number.get(parse_id(request.GET.get("links", ""))) or (steps[-2] if len(steps) > 1 else None)
    right = by_number.get(parse_id(request.GET.get("rechts", ""))) or last
    catalogue = caregroup_catalogue()
    my_turn = (negotiation.status == Negotiation.Status.OPEN and last is not None and last.side != side
               and negotiation_refusal(negotiation.year, now) is None)
    counter_form = StepForm(catalogue=catalogue, terms=last.terms if last else None, prefix="counter")
    accept_form = AcceptForm(initial={"step": last.number if last else 0}, prefix="accept")
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "counter":
                counter_form = StepForm(request.POST, request.FILES, catalogue=catalogue, prefix="counter")
                if counter_form.is_valid():
                    file = counter_form.cleaned_data.get("attachment")
                    negotiation_counter(actor=request.user, negotiation=negotiation, terms=counter_form.raw_terms(),
                                        note=counter_form.cleaned_data["note"], now=now,
                                        attachments=[Upload(StepAttachment.Kind.OTHER, file)] if file else [])
                    messages.success(request, _("Uw tegenvoorstel is verstuurd."))
                    return redirect(url_name, pk=negotiation.pk)
            elif action == "accept":
                accept_form = AcceptForm(request.POST, prefix="accept")
                if accept_form.is_valid():
                    negotiation_accept(actor=request.user, negotiation=negotiation, now=now,
                                       note=accept_form.cleaned_data["note"],
                                       expected_step=accept_form.cleaned_data["step"])
                    messages.success(request, _("U heeft het voorstel aanvaard."))
                    return redirect(url_name, pk=negotiation.pk)
            elif action == "report" and negotiation.offer_id:
                report_form = _report_form(negotiation.offer, request.POST)
                if report_form.is_valid():
                    keten_patients_report(actor=request.user, offer=negotiation.offer, now=now,
                                          **report_form.cleaned_data)
                    messages.success(request, _("Het aantal patiënten in de keten is opgeslagen."))
                    return redirect(url_name, pk=negotiation.pk)
            else:
                raise PortalError("unknown_action", _("Onbekende actie."))
        except PortalError as exc:
            form = {"counter": counter_form, "accept": accept_form}.get(action)
            if form is not None:
                place_error(form, exc)
            else:
                messages.error(request, exc.detail)
    offer = negotiation.offer
    reports = (list(KetenPatientReport.objects.filter(offer=offer).select_related("module")
                    .order_by("module__sort_order", "quarter")) if offer else [])
    can_report = bool(offer and offer.status == Offer.Status.SIGNED and side == NegotiationStep.Side.CARE_GROUP)
    return render(request, template, {
        "negotiation": negotiation, "steps": steps, "last": last, "left": left, "right": right,
        "diff": step_diff(left, right, population) if left and right and left != right else None,
        "estimate": terms_estimate(last.terms, population) if last else None, "population": population,
        "my_turn": my_turn, "side": side, "counter_form": counter_form,
        "counter_rows": counter_form.bound_rows(), "accept_form": accept_form,
        "closed": negotiation_refusal(negotiation.year, now), "offer": offer, "reports": reports,
        "report_form": _report_form(offer) if can_report else None, "url_name": url_name, **(extra or {}),
    })


def _report_form(offer, data=None) -> KetenReportForm:
    lines = offer.signature.content["modules"] if hasattr(offer, "signature") else []
    return KetenReportForm(data, programmes=[(m["code"], m["name"]) for m in lines if "expected_patients" in m])


@login_required
@require_GET
def step_attachment(request, pk: int):
    """A step's PDF, for both sides of the negotiation (and the NZa); anyone else: 404."""
    attachment = (StepAttachment.objects.filter(pk=pk, step__negotiation__in=negotiations_visible_to(request.user))
                  .first())
    if attachment is None:
        raise Http404(_("Deze bijlage bestaat niet of is niet voor u zichtbaar."))
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError:
        raise Http404(_("Deze bijlage bestaat niet of is niet voor u zichtbaar."))
    response = FileResponse(handle, content_type="application/pdf", as_attachment=True, filename=attachment.name)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
