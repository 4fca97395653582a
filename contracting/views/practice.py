"""HTML screens of a GP practice (or care group) for its contracts: the year's offers, one offer with its
policy, changes and module menu, signing with two-factor, the receipt (print and PDF), refusing, and offering
the signed contract to other insurers (volgen).

Every view starts from contracting.access, so another organisation's offer is a 404; acting on an offer one
may see but not act on (an insurer, the NZa) is a 403. The rules themselves live in contracting.services:
views show a PortalError's Dutch `detail` and change nothing."""

from datetime import date
from decimal import Decimal

import django_otp
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Case, IntegerField, Prefetch, Q, Value, When
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts.forms import VerifyTokenForm
from accounts.selectors import care_group_ids_of, memberships_of, practice_ids_of
from accounts.services import user_has_two_factor
from core.errors import PortalError
from core.params import parse_id
from insurers.models import Insurer
from providers.models import MarketShare

from ..access import (
    addenda_visible_to,
    follow_requests_visible_to,
    is_holder_member,
    is_holder_signatory,
    is_insurer_purchaser,
    offer_for_user,
    offers_visible_to,
    own_offer_for_user,
    own_offers_visible_to,
    require_holder_member,
    standard_contracts_visible_to,
)
from ..calendar import Deadline, last_day, local_date
from ..forms.practice import (
    AddendumRefuseForm,
    AddendumSignForm,
    ContractRequestForm,
    FollowForm,
    ModuleChoiceForm,
    OwnOfferForm,
    QuestionForm,
    RefuseForm,
    SignForm,
    hours_field_name,
)
from ..models import (
    ContractAddendum,
    ContractYear,
    HolderKind,
    Module,
    Offer,
    Qualification,
    Signature,
    StandardContract,
)
from ..pdf import signed_contract_pdf
from ..pricing import PohsTerms, cap_hours_for, estimate, needs_hours, pohs_terms_of

# The preview on the signing page must be exactly what offer_sign will freeze, so it is built by the very
# functions offer_sign uses (including the rule that mandatory modules are always in), not by a copy here.
from ..selectors import (
    ChoiceState,
    addendum_display,
    addendum_sign_deadline,
    contract_changes_since_last_year,
    contract_terms,
    display_content,
    holder_insured,
    holder_offers,
    holder_signatories,
    offer_addenda,
    offer_contract_modules,
    offer_follow_requests,
    offer_policy_context,
    offer_qualifications,
    offer_questions,
    offers_default_year,
    offers_expected,
    offers_for_year,
    pohs_data,
    practice_care_groups,
    questionnaire_url,
    runs_on,
    saved_choice_state,
    segment_label,
    signing_window_at,
    terms_year,
    unit_label,
    visible_follow_requests,
    with_deadlines,
    with_insured,
)
from ..selectors.indexation import terms_table
from ..selectors.own_offers import own_offer_rows, own_offer_window_at, own_offer_year_default, with_decision_deadline
from ..services import (
    addendum_accept,
    addendum_preview,
    addendum_refuse,
    contract_year_refusal,
    follow_requests_create,
    module_qualification_refusal,
    offer_choose_modules,
    offer_mark_opened,
    offer_refuse,
    offer_request,
    offer_sign,
    own_offer_submit,
    own_offer_withdraw,
    question_ask,
)
from ..services.contracts import content_hash, standard_contract_content
from ..services.follow import follow_decision_due, follow_requests_refusal
from ..services.offers import holder_patients, offer_ask_signatories, offer_sign_preview
from .common import place_error


# --- Reads shared by the screens ------------------------------------------------------------------------
def _offer(request, pk: int) -> Offer:
    return offer_for_user(request.user, pk, queryset=with_insured(offers_visible_to(request.user)).select_related(
        "insurer", "standard_contract__insurer", "practice__pohs_arrangement__care_group", "care_group"))


def _pohs_terms(offer: Offer) -> PohsTerms | None:
    """The practice's POH-S arrangement with its care group, read with the offer (_offer)."""
    if not offer.practice_id:
        return None
    return pohs_terms_of(pohs_data(getattr(offer.practice, "pohs_arrangement", None)))


def _signature(offer: Offer) -> Signature | None:
    return (Signature.objects.select_related("signed_by", "policy_version__policy__insurer").filter(offer=offer)
            .first())


def _form_choice_state(form: ModuleChoiceForm) -> ChoiceState:
    return ChoiceState(ticked=form.ticked(),
                       hours={cm.module.code: form.hours_input(cm.module.code) for cm in form.contract_modules})


def _module_rows(contract_modules, patients: int, state: ChoiceState, errors: dict[str, list[str]],
                 qualified: set[int] = frozenset()) -> list[dict]:
    """The module menu; a module that needs a qualification the holder lacks is shown locked (the service
    refuses it: qualifications.module_qualification_refusal), with where to answer the uitvraag."""
    rows = []
    for cm in contract_modules:
        code = cm.module.code
        locked = module_qualification_refusal(cm, qualified) is not None
        rows.append({
            "locked": locked,
            "questionnaire": questionnaire_url(cm.standard_contract, cm) if locked else None,
            "cm": cm, "code": code, "name": cm.module.name, "description": cm.module.description,
            "segment_label": segment_label(cm.module.segment), "unit_label": unit_label(cm.module.unit),
            "needs_hours": needs_hours(cm), "cap": cap_hours_for(cm, patients),
            "ticked": code in state.ticked, "hours": state.hours.get(code, ""),
            "hours_name": hours_field_name(code), "errors": errors.get(code, []),
        })
    return rows


# --- 1. The year's contracts ----------------------------------------------------------------------------
@login_required
def offer_list(request):
    now = timezone.now()
    years = list(ContractYear.objects.order_by("-year").values_list("year", flat=True))
    requested = parse_id(request.GET.get("jaar", ""))
    year = requested if requested in years else offers_default_year(request.user, now)
    if year not in years:
        years = sorted({*years, year}, reverse=True)
    window = signing_window_at(year, now)

    offers = list(
        offers_for_year(holder_offers(request.user), year)
        .select_related("insurer", "standard_contract", "practice", "care_group")
        .prefetch_related(Prefetch("follow_requests", queryset=visible_follow_requests(request.user)))
        .annotate(preferent_first=Case(When(reason=Offer.Reason.PREFERENT, then=Value(0)), default=Value(1),
                                       output_field=IntegerField()))
        .order_by("preferent_first", "insurer__name", "pk")
    )
    for offer in offers:
        offer.follow_list = with_deadlines(list(offer.follow_requests.all()), now)
        offer.runs_on = runs_on(offer, year)

    # Other insurers' published contracts a practice may still ask for (offer_request's rule).
    practices = list({m.practice_id: m.practice for m in memberships_of(request.user) if m.practice_id}.values())
    requestable = []
    if practices and contract_year_refusal(year, now, window=window) is None:
        contracts = list(standard_contracts_visible_to(request.user).filter(
            status=StandardContract.Status.PUBLISHED, holder_kind=HolderKind.PRACTICE, first_year=year,
        ).select_related("insurer").order_by("insurer__name", "pk"))
        for contract in contracts:  # offered after qualification only: answer the uitvraag instead of asking
            contract.questionnaire = questionnaire_url(contract) if contract.requires_qualification else None
        # An offer for the year, or a signed multi-year contract still running (offers_for_year): nothing to ask.
        has_offer = {(o.practice_id, o.insurer_id) for o in offers if o.practice_id}
        for practice in practices:
            available = [c for c in contracts if (practice.pk, c.insurer_id) not in has_offer]
            requestable.append({"practice": practice, "contracts": available})

    holder_kinds = ([HolderKind.PRACTICE] if practices else []) + (
        [HolderKind.CARE_GROUP] if care_group_ids_of(request.user) else [])
    return render(request, "contracting/practice/list.html", {
        "year": year, "years": years, "window": window, "offers": offers, "requestable": requestable,
        "expected": [] if offers else offers_expected(year, holder_kinds, now, window=window),
        "several_holders": len({(o.practice_id, o.care_group_id) for o in offers}) > 1 or len(practices) > 1,
        "is_provider": bool(holder_kinds),
    })


@login_required
@require_POST
def contract_request(request):
    form = ContractRequestForm(request.POST)
    if not form.is_valid():
        raise Http404(_("Dit contract bestaat niet."))
    if form.cleaned_data["practice"] not in practice_ids_of(request.user):
        raise Http404(_("Deze praktijk bestaat niet of is niet de uwe."))
    contract = standard_contracts_visible_to(request.user).filter(
        pk=form.cleaned_data["contract"], status=StandardContract.Status.PUBLISHED,
        holder_kind=HolderKind.PRACTICE).select_related("insurer").first()
    if contract is None:
        raise Http404(_("Dit contract bestaat niet of is niet gepubliceerd."))
    practice = next(m.practice for m in memberships_of(request.user)
                    if m.practice_id == form.cleaned_data["practice"])
    list_url = f"{reverse('offers:list')}?jaar={contract.first_year}"
    try:
        offer = offer_request(actor=request.user, practice=practice, contract=contract)
    except PortalError as exc:
        messages.error(request, exc.detail)
        return redirect(list_url)
    messages.success(request, _("Het contract van %(insurer)s staat nu voor %(practice)s klaar.") % {
        "insurer": contract.insurer.name, "practice": practice.name})
    return redirect("offers:detail", pk=offer.pk)


# --- 2. One offer ---------------------------------------------------------------------------------------
def _render_detail(request, offer: Offer, *, choice_form: ModuleChoiceForm | None = None,
                   choice_errors: dict | None = None, question_form: QuestionForm | None = None,
                   status: int = 200):
    now = timezone.now()
    user = request.user
    is_member = is_holder_member(user, offer)
    contract_modules = offer_contract_modules(offer)
    patients = holder_patients(offer)
    signature = _signature(offer) if offer.status == Offer.Status.SIGNED else None
    can_choose = is_member and offer.status == Offer.Status.OPEN
    # Only a contract with an uitvraag (for itself or a module) can have qualifications: no query otherwise.
    qualifications = (offer_qualifications(offer) if offer.standard_contract.requires_qualification
                      or any(cm.requires_qualification for cm in contract_modules) else [])

    if signature is not None:
        state = None  # the page shows the signed content instead of the menu
    elif choice_form is not None and choice_form.is_valid():
        state = _form_choice_state(choice_form)
    else:
        state = saved_choice_state(offer, contract_modules, patients, user=request.user)
    context = {
        "offer": offer,
        "contract": offer.standard_contract,
        "content": display_content(standard_contract_content(offer.standard_contract)) if state else None,
        **offer_policy_context(offer, signature),
        "changes": contract_changes_since_last_year(offer.standard_contract, contract_modules),
        "patients": patients,
        "rows": (_module_rows(contract_modules, patients, state, choice_errors or {},
                              {q.contract_module_id for q in qualifications
                               if q.contract_module_id and q.status == Qualification.Status.QUALIFIED})
                 if state else []),
        "qualifications": qualifications,
        "estimate": (estimate(contract_modules, patients, state.ticked, state.hours, insured=holder_insured(offer),
                              pohs=_pohs_terms(offer)) if state else None),
        "signature": signature,
        "signed": display_content(signature.content) if signature else None,
        "terms_by_year": terms_table(offer, signature),
        "questions": offer_questions(offer, now),
        "question_form": question_form or QuestionForm(),
        "follow_requests": (offer_follow_requests(user, offer, signature, now) if offer.status == Offer.Status.SIGNED
                            else []),
        "window": signing_window_at(offer.year, now, offer.holder_kind),
        "is_member": is_member,
        "can_choose": can_choose,
        "can_sign": is_holder_signatory(user, offer),
        "is_purchaser": is_insurer_purchaser(user, offer.insurer_id),
    }
    if signature is not None:
        context.update(_addenda_context(offer, signature, now))
    if offer.practice_id:
        context["care_groups"], context["pohs_arrangement"] = practice_care_groups(offer.practice)
    return render(request, "contracting/practice/detail.html", context, status=status)


def _addenda_context(offer: Offer, signature: Signature, now) -> dict:
    """The addenda section of a signed offer: its addenda, the one waiting for the holder, and the terms in
    force this year when an accepted addendum changed them."""
    addenda = offer_addenda(offer)
    year = terms_year(offer, local_date(now))
    terms = contract_terms(offer, year, signature=signature, addenda=addenda)
    return {"addenda": addenda, "terms": terms, "terms_year": year,
            "terms_changed": any(line["addenda"] for line in terms),
            "pending_addendum": next((a for a in addenda if a.status == ContractAddendum.Status.PROPOSED), None)}


@login_required
def offer_detail(request, pk: int):
    offer = _offer(request, pk)
    offer_mark_opened(actor=request.user, offer=offer, now=timezone.now())  # counts only for the holder
    return _render_detail(request, offer)


@login_required
@require_POST
def offer_estimate(request, pk: int):
    """The estimate panel for the module choice as it stands in the form (htmx; nothing is saved)."""
    offer = _offer(request, pk)
    require_holder_member(request.user, offer)
    contract_modules = offer_contract_modules(offer)
    patients = holder_patients(offer)
    form = ModuleChoiceForm(request.POST, contract_modules=contract_modules)
    if form.is_valid():
        state = _form_choice_state(form)
    else:
        state = saved_choice_state(offer, contract_modules, patients, user=request.user)
    return render(request, "contracting/practice/_estimate.html", {
        "offer": offer,
        "estimate": estimate(contract_modules, patients, state.ticked, state.hours, insured=holder_insured(offer),
                             pohs=_pohs_terms(offer))})


@login_required
@require_POST
def offer_choose(request, pk: int):
    """Save the module choice, or (the "Bereken" button, for browsers without JavaScript) only recompute."""
    offer = _offer(request, pk)
    require_holder_member(request.user, offer)
    form = ModuleChoiceForm(request.POST, contract_modules=offer_contract_modules(offer))
    if not form.is_valid():
        messages.error(request, _("Controleer de gekozen modules."))
        return _render_detail(request, offer, choice_form=form)
    if request.POST.get("action") == "bereken":
        return _render_detail(request, offer, choice_form=form)
    try:
        offer_choose_modules(actor=request.user, offer=offer, modules=form.payload())
    except PortalError as exc:
        messages.error(request, exc.detail)
        return _render_detail(request, offer, choice_form=form, choice_errors=exc.fields.get("modules", {}))
    messages.success(request, _("Uw modulekeuze is opgeslagen."))
    return redirect(reverse("offers:detail", args=[offer.pk]) + "#modules")


@login_required
@require_POST
def offer_ask(request, pk: int):
    offer = _offer(request, pk)
    require_holder_member(request.user, offer)
    form = QuestionForm(request.POST)
    if form.is_valid():
        try:
            question = question_ask(actor=request.user, offer=offer, text=form.cleaned_data["text"],
                                    now=timezone.now())
        except PortalError as exc:
            form.add_error("text", exc.detail)
        else:
            messages.success(request, _("Uw vraag is verstuurd. De verzekeraar antwoordt uiterlijk %(day)s.") % {
                "day": _day(last_day(question.due_at))})
            return redirect(reverse("offers:detail", args=[offer.pk]) + "#vragen")
    return _render_detail(request, offer, question_form=form)


def _day(day: date) -> str:
    return date_format(day, "j F Y")


# --- 3. Signing -----------------------------------------------------------------------------------------
@login_required
@require_http_methods(["GET", "POST"])
def offer_sign_view(request, pk: int):
    offer = _offer(request, pk)
    require_holder_member(request.user, offer)
    if offer.status == Offer.Status.SIGNED:
        return redirect("offers:receipt", pk=offer.pk)
    now = timezone.now()
    context = {"offer": offer, "window": signing_window_at(offer.year, now, offer.holder_kind)}
    if offer.status != Offer.Status.OPEN:
        return render(request, "contracting/practice/sign.html", {**context, "state": "not_open"},
                      status=409 if request.method == "POST" else 200)
    if context["window"] is None or context["window"].state != "open":
        # Checked at request time, whatever phase a background job has or has not set.
        return render(request, "contracting/practice/sign.html", {**context, "state": "outside_window"},
                      status=409 if request.method == "POST" else 200)
    if not is_holder_signatory(request.user, offer):
        return render(request, "contracting/practice/sign.html",
                      {**context, "state": "not_signatory", "signatories": holder_signatories(offer)})
    if not user_has_two_factor(request.user):
        return render(request, "contracting/practice/sign.html", {**context, "state": "no_two_factor"})
    def show_preview() -> str | None:
        """The preview of what signing would freeze now, into the context; its digest. None (and the
        'invalid choice' state) when the saved choice cannot be signed as it stands."""
        try:
            preview, _parsed = offer_sign_preview(offer)
        except PortalError as exc:
            context.update(state="invalid_choice", error=exc.detail, field_errors=exc.fields.get("modules", {}))
            return None
        context.update(state="ready", preview=display_content(preview), digest=content_hash(preview),
                       no_choice_saved=not offer.choices.exists())
        return context["digest"]

    digest = show_preview()
    if digest is None:
        return render(request, "contracting/practice/sign.html", context)

    form = SignForm(request.POST if request.method == "POST" else None, initial={"digest": digest})
    code_form = None
    if request.method == "POST" and form.is_valid():
        # The code is checked only once the rest is in order: django-otp refuses a code that was used
        # before, so a forgotten tick must not use it up.
        if not request.user.is_verified():
            code_form = VerifyTokenForm(request.POST, user=request.user, purpose="signing")
            if code_form.is_valid():
                django_otp.login(request, code_form.device)
        if request.user.is_verified():
            try:
                # The saved choice, signed only if it is still exactly the content this page showed.
                offer_sign(actor=request.user, offer=offer, now=timezone.now(),
                           expected_hash=form.cleaned_data["digest"], two_factor_verified=request.user.is_verified())
            except PortalError as exc:
                if exc.code == "already_signed":
                    messages.info(request, exc.detail)
                    return redirect("offers:receipt", pk=offer.pk)
                if exc.code != "content_changed":
                    form.add_error(None, exc.detail)
                else:
                    # Show what would be signed now, and ask to read it again.
                    digest = show_preview()
                    if digest is None:
                        return render(request, "contracting/practice/sign.html", context, status=409)
                    form = SignForm(initial={"digest": digest})
                    context["stale"] = True
            else:
                messages.success(request, _("U heeft het contract ondertekend. Hieronder staat uw bewijs."))
                return redirect("offers:receipt", pk=offer.pk)
    if request.user.is_verified():
        code_form = None
    elif code_form is None:
        # Never render a bound code form that was not checked: showing its errors would check the code.
        code_form = VerifyTokenForm(user=request.user, purpose="signing")
    context.update(form=form, code_form=code_form)
    return render(request, "contracting/practice/sign.html", context,
                  status=400 if request.method == "POST" else 200)


@login_required
@require_POST
def notify_signatories(request, pk: int):
    """A member who may not sign asks the practice's signatories to do it (once per member and offer)."""
    offer = _offer(request, pk)
    require_holder_member(request.user, offer)
    try:
        signatories, sent = offer_ask_signatories(actor=request.user, offer=offer, now=timezone.now())
    except PortalError as exc:
        messages.error(request, exc.detail)
        return redirect("offers:detail", pk=offer.pk)
    if not signatories:
        messages.warning(request, _("Uw organisatie heeft nog geen tekenbevoegde in het portaal. Vraag de "
                                    "beheerder om iemand tekenbevoegd te maken."))
        return redirect("offers:sign", pk=offer.pk)
    names = ", ".join(m.user.get_full_name() for m in signatories)
    if sent:
        messages.success(request, _("Melding verstuurd aan %(names)s.") % {"names": names})
    else:
        messages.info(request, _("U heeft %(names)s hierover al een melding gestuurd.") % {"names": names})
    return redirect("offers:sign", pk=offer.pk)


@login_required
@require_http_methods(["GET", "POST"])
def offer_refuse_view(request, pk: int):
    offer = _offer(request, pk)
    require_holder_member(request.user, offer)
    if not is_holder_signatory(request.user, offer):
        raise PermissionDenied(_("Alleen een tekenbevoegde van de zorgaanbieder kan een aanbod weigeren."))
    if offer.status != Offer.Status.OPEN:
        messages.info(request, _("Dit aanbod is niet meer open: %(status)s.") % {
            "status": offer.get_status_display().lower()})
        return redirect("offers:detail", pk=offer.pk)
    form = RefuseForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            offer_refuse(actor=request.user, offer=offer, now=timezone.now(), reason=form.cleaned_data["reason"])
        except PortalError as exc:
            form.add_error(None, exc.detail)
        else:
            messages.success(request, _("U heeft het aanbod van %(insurer)s geweigerd.") % {
                "insurer": offer.insurer.name})
            return redirect("offers:detail", pk=offer.pk)
    return render(request, "contracting/practice/refuse.html", {"offer": offer, "form": form},
                  status=400 if request.method == "POST" else 200)


# --- The signed contract: receipt, print, PDF -----------------------------------------------------------
def _signed(request, pk: int) -> tuple[Offer, Signature]:
    offer = _offer(request, pk)
    signature = _signature(offer)
    if signature is None:
        raise Http404(_("Dit aanbod is (nog) niet ondertekend."))
    return offer, signature


def _receipt_context(offer: Offer, signature: Signature) -> dict:
    return {"offer": offer, "signature": signature, "signed": display_content(signature.content),
            "signed_at": timezone.localtime(signature.signed_at)}


@login_required
def offer_receipt(request, pk: int):
    offer, signature = _signed(request, pk)
    context = _receipt_context(offer, signature)
    context["is_member"] = is_holder_member(request.user, offer)
    context["follow_requests"] = offer_follow_requests(request.user, offer, signature, timezone.now())
    return render(request, "contracting/practice/receipt.html", context)


@login_required
def offer_print(request, pk: int):
    offer, signature = _signed(request, pk)
    return render(request, "contracting/practice/print.html", _receipt_context(offer, signature))


@login_required
def offer_pdf(request, pk: int):
    offer, signature = _signed(request, pk)
    holder = signature.content.get("holder", {})
    filename = f"contract-{offer.insurer.slug}-{offer.year}-{holder.get('agb_code') or holder.get('id', offer.pk)}.pdf"
    response = HttpResponse(signed_contract_pdf(signature), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# --- 4. Volgen ------------------------------------------------------------------------------------------
@login_required
@require_http_methods(["GET", "POST"])
def offer_follow(request, pk: int):
    """Offer the signed contract to other insurers in one action, each with its share in the region."""
    offer = _offer(request, pk)
    require_holder_member(request.user, offer)
    if offer.status != Offer.Status.SIGNED:
        messages.info(request, _("Alleen een ondertekend contract kunt u aan andere verzekeraars aanbieden."))
        return redirect("offers:detail", pk=offer.pk)
    region_id = offer.practice.region_id if offer.practice_id else offer.care_group.region_id
    shares = dict(MarketShare.objects.filter(region_id=region_id).values_list("insurer_id", "share_percent"))
    existing = {fr.insurer_id: fr for fr in follow_requests_visible_to(request.user).filter(offer=offer)}
    insurers = sorted(Insurer.objects.exclude(pk=offer.insurer_id),
                      key=lambda i: (-(shares.get(i.pk) or Decimal(-1)), i.name))
    open_ids = [i.pk for i in insurers if i.pk not in existing]
    form = FollowForm(request.POST if request.method == "POST" else None, insurer_ids=open_ids)
    if request.method == "POST" and form.is_valid():
        chosen = [i for i in insurers if i.pk in set(form.cleaned_data["insurers"])]
        try:
            follow_requests_create(actor=request.user, offer=offer, insurers=chosen, now=timezone.now())
        except PortalError as exc:
            form.add_error(None, exc.detail)
        else:
            messages.success(request, _("Uw contract is aangeboden aan %(names)s. Zij besluiten uiterlijk %(day)s.")
                             % {"names": ", ".join(i.name for i in chosen),
                                "day": _day(last_day(follow_decision_due(offer.year)))})
            return redirect(reverse("offers:detail", args=[offer.pk]) + "#volgen")
    now = timezone.now()
    refusal = follow_requests_refusal(offer.year, now)
    chosen_ids = {str(v) for v in (form.data.getlist("insurers") if form.is_bound else [])}
    rows = [{"insurer": i, "share": shares.get(i.pk), "request": existing.get(i.pk), "checked": str(i.pk) in chosen_ids}
            for i in insurers]
    return render(request, "contracting/practice/follow.html", {
        "offer": offer, "rows": rows, "form": form, "any_open": bool(open_ids) and refusal is None,
        "closed": refusal.detail if refusal else "",
        "region": offer.practice.region if offer.practice_id else offer.care_group.region,
        "decision_deadline": Deadline.of(follow_decision_due(offer.year), now),
    }, status=400 if request.method == "POST" else 200)


# --- 5. Addenda to the signed contract ------------------------------------------------------------------
def _addendum(request, pk: int) -> ContractAddendum:
    addendum = (addenda_visible_to(request.user)
                .select_related("offer__insurer", "offer__standard_contract", "offer__practice",
                                "offer__care_group", "proposed_by", "decided_by")
                .filter(pk=pk).first())
    if addendum is None:
        raise Http404(_("Dit addendum bestaat niet of is niet voor u zichtbaar."))
    return addendum


def _render_addendum(request, addendum: ContractAddendum, *, sign_form=None, refuse_form=None, stale=False,
                     status: int = 200):
    offer = addendum.offer
    is_open = addendum.status == ContractAddendum.Status.PROPOSED
    may_sign = is_open and is_holder_signatory(request.user, offer)
    content = addendum.content if addendum.content is not None else addendum_preview(addendum)
    digest = content_hash(content) if is_open else None
    if may_sign and (sign_form is None or stale):
        sign_form = AddendumSignForm(initial={"digest": digest})  # the digest of what this page shows now
    return render(request, "contracting/practice/addendum.html", {
        "offer": offer, "addendum": addendum, "content": addendum_display(content), "is_open": is_open,
        "may_sign": may_sign, "is_member": is_holder_member(request.user, offer),
        "signatories": holder_signatories(offer) if is_open and not may_sign else [],
        "has_two_factor": user_has_two_factor(request.user) if may_sign else False,
        "sign_form": sign_form if may_sign else None,
        "refuse_form": (refuse_form or AddendumRefuseForm()) if may_sign else None, "stale": stale,
        "sign_deadline": addendum_sign_deadline(addendum, timezone.now()),
    }, status=status)


@login_required
def addendum_detail(request, pk: int):
    """The addendum as its signatory reads and signs it (terms before and after, per module), or as signed."""
    return _render_addendum(request, _addendum(request, pk))


@login_required
@require_POST
def addendum_accept_view(request, pk: int):
    addendum = _addendum(request, pk)
    require_holder_member(request.user, addendum.offer)
    form = AddendumSignForm(request.POST)
    if not form.is_valid():
        return _render_addendum(request, addendum, sign_form=form, status=400)
    try:
        addendum_accept(actor=request.user, addendum=addendum, code=form.cleaned_data["code"],
                        expected_hash=form.cleaned_data["digest"])
    except PortalError as exc:
        if exc.code == "content_changed":
            messages.warning(request, exc.detail)
            return _render_addendum(request, _addendum(request, pk), stale=True, status=409)
        if exc.code in ("addendum_already_accepted", "addendum_not_open"):
            messages.info(request, exc.detail)
            return redirect("offers:addendum", pk=addendum.pk)
        form.add_error("code" if exc.code in ("invalid_otp", "otp_throttled", "no_device") else None, exc.detail)
        return _render_addendum(request, addendum, sign_form=form, status=exc.status)
    messages.success(request, _("U heeft het addendum ondertekend."))
    return redirect("offers:addendum", pk=addendum.pk)


@login_required
@require_POST
def addendum_refuse_view(request, pk: int):
    addendum = _addendum(request, pk)
    require_holder_member(request.user, addendum.offer)
    form = AddendumRefuseForm(request.POST)
    if form.is_valid():
        try:
            addendum_refuse(actor=request.user, addendum=addendum, reason=form.cleaned_data["reason"])
        except PortalError as exc:
            if exc.status == 409:
                messages.info(request, exc.detail)
                return redirect("offers:addendum", pk=addendum.pk)
            place_error(form, exc)
            return _render_addendum(request, addendum, refuse_form=form, status=exc.status)
        messages.success(request, _("U heeft het addendum geweigerd. De verzekeraar krijgt uw reden."))
        return redirect("offers:addendum", pk=addendum.pk)
    return _render_addendum(request, addendum, refuse_form=form, status=400)


# --- 6. Own contract offers (eigen contractaanbod) ------------------------------------------------------
def _holder_choices(request) -> list[tuple[str, str]]:
    """The practices and care groups the user acts for, as "practice-<id>" / "care_group-<id>"."""
    choices = []
    for m in memberships_of(request.user):
        if m.practice_id:
            choices.append((f"practice-{m.practice_id}", m.practice.name))
        elif m.care_group_id:
            choices.append((f"care_group-{m.care_group_id}", m.care_group.name))
    return list(dict.fromkeys(choices))


def _holder_of(request, value: str) -> dict:
    kind, _sep, pk = value.partition("-")
    for m in memberships_of(request.user):
        if kind == "practice" and str(m.practice_id) == pk:
            return {"practice": m.practice}
        if kind == "care_group" and str(m.care_group_id) == pk:
            return {"care_group": m.care_group}
    raise Http404(_("Deze zorgaanbieder bestaat niet of is niet de uwe."))


@login_required
@require_http_methods(["GET", "POST"])
def own_offer_list(request):
    """The holder's own contract offers, and the form for a new one while the year's window is open (the
    window and the rules live in services.own_offers; this page shows its dates and days left)."""
    now = timezone.now()
    year = parse_id(request.GET.get("jaar", "")) or own_offer_year_default(now)
    window = own_offer_window_at(year, now) if year else None
    holders = _holder_choices(request)
    # The modules the user's kinds of holder may propose (Module.offerable_to: S2 only for care groups).
    kinds = {HolderKind.CARE_GROUP if value.startswith("care_group") else HolderKind.PRACTICE for value, _l in holders}
    modules = [m for m in Module.objects.filter(retired=False).order_by("segment", "sort_order", "name")
               if any(m.offerable_to(kind) for kind in kinds)]
    form = None
    if holders and window is not None and window.state == "open":
        form = OwnOfferForm(request.POST or None, insurers=Insurer.objects.order_by("name"), holders=holders,
                            modules=modules)
        if request.method == "POST" and form.is_valid():
            try:
                own = own_offer_submit(
                    actor=request.user, insurer=Insurer.objects.get(pk=form.cleaned_data["insurer"]), year=year,
                    title=form.cleaned_data["title"], text=form.cleaned_data["text"],
                    term_years=form.cleaned_data["term_years"], lines=form.lines(), now=now,
                    **_holder_of(request, form.cleaned_data["holder"]))
            except PortalError as exc:
                form.add_error(None, exc.detail)
                for code, errors in (exc.fields.get("lines") or {}).items():
                    form.add_error(None, f"{code}: {' '.join(errors)}")
            else:
                messages.success(request, _("Uw eigen contractaanbod is verstuurd naar %(insurer)s.")
                                 % {"insurer": own.insurer.name})
                return redirect("offers:own_offer", pk=own.pk)
    elif request.method == "POST":
        messages.error(request, _("Een eigen contractaanbod kan nu niet worden gedaan."))
        return redirect("offers:own_offers")
    rows = with_decision_deadline(own_offer_rows(own_offers_visible_to(request.user).filter(
        Q(practice__in=practice_ids_of(request.user)) | Q(care_group__in=care_group_ids_of(request.user))), now),
        now)
    posted = request.POST if request.method == "POST" else {}
    return render(request, "contracting/practice/own_offers.html", {
        "year": year, "window": window, "form": form, "own_offers": rows, "is_provider": bool(holders),
        "module_rows": [{"module": m, "ticked": bool(posted.get(f"module-{m.code}")),
                         "tariff": posted.get(f"tarief-{m.code}", ""),
                         "conditions": posted.get(f"voorwaarden-{m.code}", "")} for m in modules],
    })


@login_required
def own_offer_detail(request, pk: int):
    own = own_offer_for_user(request.user, pk, holder_only=True)
    now = timezone.now()
    own.deadline = with_decision_deadline([own], now)[0].deadline
    offer = Offer.objects.filter(standard_contract_id=own.contract_id).first() if own.contract_id else None
    return render(request, "contracting/practice/own_offer.html", {
        "own": own, "lines": own.lines.select_related("module"), "offer": offer})


@login_required
@require_POST
def own_offer_withdraw_view(request, pk: int):
    own = own_offer_for_user(request.user, pk, holder_only=True)
    try:
        own_offer_withdraw(actor=request.user, own_offer=own, now=timezone.now())
    except PortalError as exc:
        messages.error(request, exc.detail)
    else:
        messages.success(request, _("Uw eigen contractaanbod is ingetrokken."))
    return redirect("offers:own_offer", pk=own.pk)
