"""The request pages of both parties (one thread page each side reads at its own address), the dossier
exports, the insurer's published innovation criteria (public) and the aggregate figures the overlegteam and
the NZa see. Every action calls a service of contracting/services/requests.py; a request outside the user's
scope is a 404 (access.requests_visible_to)."""

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from accounts.models import Role
from accounts.selectors import care_group_ids_of, memberships_of, practice_ids_of
from core.errors import PortalError
from core.params import parse_id
from insurers.models import Insurer

from ..access import request_for_user, request_side_of, requests_visible_to
from ..forms.insurer import AddendumProposeForm
from ..forms.requests import AppealForm, DecisionForm, LaboriousForm, MessageForm, RequestForm
from ..models import InnovationCriteria, Module, Offer, Request
from ..pdf import request_dossier_pdf
from ..selectors.requests import (
    holder_requests,
    insurer_requests,
    published_criteria,
    request_clocks,
    request_dossier,
    request_opening_attachments,
    request_thread,
    requests_aggregate,
    requests_anonymised,
    with_request_clocks,
)
from ..services import (
    innovation_criteria_publish,
    question_answer,
    request_addendum_refusal,
    request_appeal,
    request_close,
    request_decide,
    request_decide_appeal,
    request_escalate,
    request_mark_laborious,
    request_post_message,
    request_propose_addendum,
    request_raise,
    request_withdraw,
)
from ..services.requests import LABORIOUS_KINDS
from .common import PurchaserScope, chosen_year, place_error, purchaser_required, purchaser_scope

PAGE_SIZE = 25
S = Request.Status


def _visible(request, pk: int) -> Request:
    return request_for_user(request.user, pk, queryset=requests_visible_to(request.user).select_related(
        "insurer", "practice", "care_group", "offer__standard_contract", "raised_by", "answered_by", "decided_by",
        "appealed_by", "appeal_decided_by", "module", "addendum", "offer__signature"))


# --- Lists ---------------------------------------------------------------------------------------------------
@login_required
def holder_list(request):
    """The requests of the user's practices and care groups, newest first, each with its clocks."""
    practices, care_groups = practice_ids_of(request.user), care_group_ids_of(request.user)
    if not practices and not care_groups:
        raise PermissionDenied(_("Deze pagina is voor praktijken en samenwerkingsverbanden."))
    page = Paginator(holder_requests(practice_ids=practices, care_group_ids=care_groups), PAGE_SIZE).get_page(
        request.GET.get("pagina"))
    page.object_list = with_request_clocks(page.object_list, timezone.now())
    return render(request, "contracting/requests/holder_list.html", {"page": page, "page_query": ""})


@purchaser_required
def insurer_list(request, scope: PurchaserScope):
    kind = request.GET.get("soort", "")
    kind = kind if kind in Request.Kind.values else ""
    page = Paginator(insurer_requests(insurer_ids=[scope.insurer.pk], kind=kind), PAGE_SIZE).get_page(
        request.GET.get("pagina"))
    page.object_list = with_request_clocks(page.object_list, timezone.now())
    return render(request, "contracting/requests/insurer_list.html", {
        "scope": scope, "page": page, "kind": kind, "kinds": Request.Kind.choices,
        "page_query": f"soort={kind}" if kind else ""})


# --- A new request (holder) -------------------------------------------------------------------------------------
def _new_form_context(request, data=None, files=None):
    user = request.user
    practices, care_groups = practice_ids_of(user), care_group_ids_of(user)
    offers = list(Offer.objects.filter(practice__in=practices).select_related("insurer", "standard_contract")
                  .order_by("-year", "insurer__name")) + list(
        Offer.objects.filter(care_group__in=care_groups).select_related("insurer", "standard_contract")
        .order_by("-year", "insurer__name"))
    now = timezone.now()
    _year, years = chosen_year(request, now)
    form = RequestForm(data, files, insurers=Insurer.objects.order_by("name"), offers=offers,
                       modules=Module.objects.order_by("segment", "code"), years=years,
                       initial={"kind": request.GET.get("soort", Request.Kind.QUESTION)})
    holders = [m for m in memberships_of(user) if m.practice_id or m.care_group_id]
    return form, holders, {o.pk: o for o in offers}


@login_required
@require_http_methods(["GET", "POST"])
def holder_new(request):
    form, holders, offers = _new_form_context(request, request.POST or None, request.FILES or None)
    if not holders:
        raise PermissionDenied(_("Deze pagina is voor praktijken en samenwerkingsverbanden."))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        chosen = request.POST.get("holder", "")
        membership = next((m for m in holders if chosen in (f"practice:{m.practice_id}",
                                                            f"care_group:{m.care_group_id}")), holders[0])
        offer = offers.get(data["offer"]) if data.get("offer") else None
        try:
            created = request_raise(
                actor=request.user, kind=data["kind"], text=data["text"], now=timezone.now(), offer=offer,
                insurer=None if offer else Insurer.objects.get(pk=data["insurer"]),
                practice=None if offer else membership.practice, care_group=None if offer else membership.care_group,
                subject=data["subject"], year=data.get("year") or (offer.year if offer else None),
                situation=data.get("situation") or "", module=Module.objects.filter(pk=data.get("module")).first(),
                project_starts=data.get("project_starts"), project_ends=data.get("project_ends"),
                phase=data.get("phase") or "", attachments=data.get("attachments") or [])
        except PortalError as exc:
            place_error(form, exc)
        else:
            messages.success(request, _("Uw verzoek is verstuurd."))
            return redirect("offers:request", pk=created.pk)
    return render(request, "contracting/requests/new.html", {"form": form, "holders": holders}, status=200)


# --- One request (both sides) -----------------------------------------------------------------------------------
ACTIONS = ("message", "laborious", "answer", "decide", "appeal", "decide_appeal", "escalate", "withdraw", "close",
           "addendum")


DONE_MESSAGES = {
    "message": gettext_lazy("Uw bericht is verstuurd."),
    "laborious": gettext_lazy("Het verzoek is bewerkelijk verklaard; de indiener ziet de nieuwe termijn."),
    "answer": gettext_lazy("Uw antwoord is verstuurd."),
    "decide": gettext_lazy("Uw besluit is verstuurd."),
    "appeal": gettext_lazy("Uw beroep is ingesteld. Een andere zorginkoper beslist."),
    "decide_appeal": gettext_lazy("Uw besluit op het beroep is verstuurd."),
    "escalate": gettext_lazy("Het geschil is voorgelegd aan de geschillencommissie."),
    "withdraw": gettext_lazy("Het verzoek is ingetrokken."),
    "close": gettext_lazy("Het verzoek is afgerond."),
    "addendum": gettext_lazy("Het addendum is voorgesteld; de tekenbevoegde van de zorgaanbieder kan het "
                             "ondertekenen."),
}


def _addendum_form(obj: Request, side: str | None, data=None):
    """The form to propose the addendum of granted maatwerk on a signed contract, for the insurer; None when
    there is nothing to propose (not granted, no signed contract, an addendum proposed or signed already)."""
    from ..models import ContractAddendum
    from ..selectors import contract_terms, terms_year

    if side != Request.Side.INSURER or request_addendum_refusal(obj) is not None:
        return None
    if obj.addendum_id and obj.addendum.status in (ContractAddendum.Status.PROPOSED, ContractAddendum.Status.ACCEPTED):
        return None
    terms = contract_terms(obj.offer, terms_year(obj.offer, timezone.localdate()))
    return AddendumProposeForm(data, modules=terms, prefix="addendum", initial={
        "kind": ContractAddendum.Kind.MAATWERK, "title": _("Maatwerk: %(subject)s") % {"subject": obj.subject or
                                                                                     obj.get_situation_display()},
        "text": obj.outcome_reasons})


def _criteria_for(obj: Request):
    if obj.kind != Request.Kind.INNOVATION or obj.year is None:
        return None
    return published_criteria(insurer_id=obj.insurer_id, year=obj.year)


@login_required
@require_http_methods(["GET", "POST"])
def request_detail(request, pk: int):
    obj = _visible(request, pk)
    side = request_side_of(request.user, obj)
    criteria = _criteria_for(obj)
    items = list(criteria.items.all()) if criteria else []
    action = request.POST.get("action") if request.method == "POST" else None
    forms = {
        "message": MessageForm(request.POST if action == "message" else None,
                               request.FILES if action == "message" else None),
        "laborious": LaboriousForm(request.POST if action == "laborious" else None),
        "decide": DecisionForm(request.POST if action == "decide" else None, criteria=items),
        "decide_appeal": DecisionForm(request.POST if action == "decide_appeal" else None, criteria=items,
                                      prefix="appeal"),
        "appeal": AppealForm(request.POST if action == "appeal" else None),
        "answer": MessageForm(request.POST if action == "answer" else None, prefix="answer"),
        "addendum": _addendum_form(obj, side, request.POST if action == "addendum" else None),
    }
    if action in ACTIONS:
        now = timezone.now()
        form = forms.get(action)
        if form is None or form.is_valid():
            data = form.cleaned_data if form is not None else {}
            try:
                if action == "message":
                    request_post_message(actor=request.user, request=obj, text=data["text"], now=now,
                                         attachments=data.get("attachments") or [])
                elif action == "laborious":
                    request_mark_laborious(actor=request.user, request=obj, reason=data["reason"], now=now)
                elif action == "answer":
                    question_answer(actor=request.user, question=obj, answer=data["text"], now=now)
                elif action == "decide":
                    request_decide(actor=request.user, request=obj, outcome=data["outcome"],
                                   reasons=data["reasons"], criteria=data.get("criteria") or [], now=now)
                elif action == "appeal":
                    request_appeal(actor=request.user, request=obj, text=data["text"], now=now)
                elif action == "decide_appeal":
                    request_decide_appeal(actor=request.user, request=obj, outcome=data["outcome"],
                                          reasons=data["reasons"], criteria=data.get("criteria") or [], now=now)
                elif action == "escalate":
                    request_escalate(actor=request.user, request=obj, now=now)
                elif action == "withdraw":
                    request_withdraw(actor=request.user, request=obj, now=now)
                elif action == "close":
                    request_close(actor=request.user, request=obj, now=now)
                elif action == "addendum":
                    request_propose_addendum(actor=request.user, request=obj, title=data["title"], text=data["text"],
                                             changes=form.changes(), effective_from=data["effective_from"], now=now)
            except PortalError as exc:
                if form is not None:
                    place_error(form, exc)
                else:
                    messages.error(request, exc.detail)
                    return redirect(request.path)
            else:
                messages.success(request, DONE_MESSAGES[action])
                return redirect(request.path)
    now = timezone.now()
    addendum = obj.addendum if obj.addendum_id else None
    context = {
        "obj": obj, "side": side, "is_holder": side == Request.Side.HOLDER,
        "is_insurer": side == Request.Side.INSURER, "clocks": request_clocks(obj, now),
        "thread": request_thread(obj), "opening_attachments": request_opening_attachments(obj),
        "criteria": criteria, "cited": list(obj.criteria_cited.order_by("number")),
        "forms": forms, "S": S, "K": Request.Kind, "addendum": addendum,
        "addendum_url": (reverse("offers:addendum", args=[addendum.pk]) if addendum and side == Request.Side.HOLDER
                         else reverse("purchasing:addendum", args=[addendum.pk]) if addendum else None),
        "scope": purchaser_scope(request) if side == Request.Side.INSURER else None,
        "can_laborious": (side == Request.Side.INSURER and obj.side == Request.Side.HOLDER
                          and obj.kind in LABORIOUS_KINDS and obj.laborious_at is None
                          and obj.status in (S.OPEN, S.IN_PROGRESS)),
    }
    return render(request, "contracting/requests/detail.html", context)


@login_required
def attachment_download(request, pk: int, attachment_pk: int):
    obj = _visible(request, pk)
    attachment = get_object_or_404(obj.attachments, pk=attachment_pk)
    response = HttpResponse(attachment.file.open("rb").read(), content_type=attachment.content_type)
    response["Content-Disposition"] = f'attachment; filename="{_ascii(attachment.name)}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _ascii(name: str) -> str:
    return "".join(ch if ch.isascii() and ch not in '"\\' else "_" for ch in name)


@login_required
def dossier_json(request, pk: int):
    obj = _visible(request, pk)
    response = HttpResponse(json.dumps(request_dossier(obj, timezone.now()), ensure_ascii=False, indent=2),
                            content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="dossier-{obj.pk}.json"'
    return response


@login_required
def dossier_pdf(request, pk: int):
    obj = _visible(request, pk)
    response = HttpResponse(request_dossier_pdf(request_dossier(obj, timezone.now())), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="dossier-{obj.pk}.pdf"'
    return response


# --- Innovation criteria ----------------------------------------------------------------------------------------
def criteria_public(request, slug: str, year: int):
    """An insurer's published requirements for innovation proposals of `year` and how it applies them: public,
    as GCP asks (made known in advance)."""
    insurer = get_object_or_404(Insurer, slug=slug)
    criteria = published_criteria(insurer_id=insurer.pk, year=year)
    return render(request, "contracting/requests/criteria_public.html",
                  {"insurer": insurer, "year": year, "criteria": criteria}, status=200 if criteria else 404)


@purchaser_required
@require_http_methods(["GET", "POST"])
def criteria_edit(request, scope: PurchaserScope, year: int):
    existing = InnovationCriteria.objects.filter(insurer=scope.insurer, year=year).prefetch_related("items").first()
    error = None
    if request.method == "POST":
        titles = request.POST.getlist("title")
        explanations = request.POST.getlist("explanation")
        try:
            innovation_criteria_publish(actor=request.user, insurer=scope.insurer, year=year,
                                        method=request.POST.get("method", ""),
                                        items=list(zip(titles, explanations, strict=False)), now=timezone.now())
        except PortalError as exc:
            error = exc.detail
        else:
            messages.success(request, _("De toetsingscriteria zijn gepubliceerd."))
            return redirect("purchasing:criteria", year=year)
    return render(request, "contracting/requests/criteria_edit.html", {
        "scope": scope, "year": year, "criteria": existing, "error": error, "rows": range(5),
        "public_url": reverse("policies:innovation_criteria", args=[scope.insurer.slug, year])})


# --- Aggregates: overlegteam and NZa -----------------------------------------------------------------------------
@login_required
def oversight(request):
    """Counts of requests for the overlegteam's insurer and region, or for the NZa across all insurers (with an
    anonymised list); never a practice's request."""
    now = timezone.now()
    memberships = memberships_of(request.user)
    teams = [m.overleg_team for m in memberships if m.role == Role.OTH_MEMBER]
    is_nza = any(m.role == Role.NZA_ANALYST for m in memberships) or request.user.is_superuser
    if not teams and not is_nza:
        raise Http404(_("Deze pagina bestaat niet, of is niet voor u zichtbaar."))
    panels = [(f"{team.insurer.name} — {team.region.name}", requests_aggregate(
        insurer_id=team.insurer_id, region_id=team.region_id, now=now)) for team in teams]
    rows = None
    if is_nza:
        insurer_id = parse_id(request.GET.get("insurer", ""))
        panels.append((_("Alle zorgverzekeraars"), requests_aggregate(insurer_id=insurer_id, now=now)))
        page = Paginator(requests_anonymised(insurer_id=insurer_id, now=now), PAGE_SIZE).get_page(
            request.GET.get("pagina"))
        page.object_list = with_request_clocks(page.object_list, now)
        rows = page
    return render(request, "contracting/requests/oversight.html",
                  {"panels": panels, "page": rows, "page_query": ""})
