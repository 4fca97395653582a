"""HTML screens of the insurer purchaser (zorginkoper): dashboard, purchasing policy (draft with PDF attachments,
preview and diff, publication as a new version), contract builder, inbox (the NZa analyst's maximum tariffs are
in views.nza).

Every purchaser view starts from the user's own insurer memberships: another insurer's object is not found
(404), a user without a purchaser membership may not use these pages at all (403). All writes go through
contracting.services; a PortalError is shown to the user in their language and changes nothing."""

from decimal import Decimal

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from core.errors import PortalError
from core.numbers import count
from core.numbers import percent as percent_text
from core.params import parse_id
from core.text import has_changes, paragraph_diff, render_policy_text
from insurers.models import Insurer, PolicyVersion, PurchasingPolicy
from providers.selectors import practices_with_preferent

from ..access import (
    own_offer_for_user,
    policy_versions_readable_by,
    standard_contract_for_insurer_user,
    standard_contracts_readable_by,
)
from ..calendar import CONTRACT_YEAR_START, Deadline, MilestoneKind, local_date
from ..engine import calendar_rule
from ..forms.insurer import (
    AddendumProposeForm,
    AdjustmentForm,
    AttachmentForm,
    ContractCreateForm,
    ContractGeneralForm,
    ContractIndexForm,
    ContractModuleForm,
    ContractPublishForm,
    FollowDecisionForm,
    PolicyDraftForm,
    PolicyPublishForm,
    QuestionAnswerForm,
    addendum_tariff_field,
    contract_builder_rows,
    rows_by_segment,
)
from ..forms.practice import OwnOfferDecisionForm
from ..forms.requests import LaboriousForm
from ..models import (
    ContractAddendum,
    ContractAdjustment,
    FollowRequest,
    HolderKind,
    Indexation,
    Milestone,
    Module,
    Offer,
    OwnOffer,
    Request,
    StandardContract,
)
from ..selectors import (
    addendum_display,
    addendum_sign_deadline,
    caregroup_offers_late,
    contract_preview_modules,
    contract_terms,
    contracts_covering,
    inbox_counts,
    insurer_inbox,
    milestone_deadline,
    offer_addenda,
    offers_deadline_kind,
    signing_reminders_sent,
    signing_watch,
    signing_window_at,
    signing_windows_at,
    terms_year,
    unsigned_offers,
    year_deadlines,
)
from ..selectors.indexation import index_figures
from ..selectors.own_offers import own_offer_rows, with_decision_deadline
from ..selectors.requests import request_clocks
from ..services import (
    addendum_preview,
    addendum_propose,
    addendum_withdraw,
    adjustment_propose,
    contract_index_set,
    contract_year_refusal,
    follow_request_decide,
    own_offer_decide,
    policy_attach,
    policy_detach,
    policy_publish,
    policy_publish_refusal,
    policy_save_draft,
    question_answer,
    request_mark_laborious,
    standard_contract_content,
    standard_contract_create,
    standard_contract_publish,
    standard_contract_publish_refusal,
    standard_contract_remove_module,
    standard_contract_set_module,
    standard_contract_update,
)
from ..services.indexation import later_year_deadline
from ..workdays import LABORIOUS_QUESTION_WORKING_DAYS, QUESTION_WORKING_DAYS
from .common import (
    PurchaserScope,
    chosen_year,
    place_error,
    purchaser_object_required,
    purchaser_required,
    reader_object_required,
)

PAGE_SIZE = 25
# The normpraktijk of the GP financing rules: caps are stated per 2,350 registered patients.
EXAMPLE_PATIENTS = 2350


# --- Dashboard -----------------------------------------------------------------------------------------------
@purchaser_required
def dashboard(request, scope: PurchaserScope):
    """The year at a glance: policy, standard contracts, signing progress by region, what waits in the inbox."""
    now = timezone.now()
    year, years = chosen_year(request, now)
    insurer = scope.insurer
    deadlines = year_deadlines(year, now)

    policy = PurchasingPolicy.objects.filter(insurer=insurer, year=year).first()
    latest_version = (PolicyVersion.objects.filter(policy__insurer=insurer, policy__year=year)
                      .order_by("-number").first())
    contracts = contracts_covering(insurer_id=insurer.pk, year=year)

    watch = signing_watch(insurer_id=insurer.pk, year=year)
    unsigned = Paginator(unsigned_offers(insurer_id=insurer.pk, year=year), PAGE_SIZE).get_page(
        request.GET.get("pagina"))
    waiting = inbox_counts(insurer_id=insurer.pk, now=now)
    return render(request, "contracting/insurer/dashboard.html", {
        "caregroup_late": (caregroup_offers_late(year, now=now, insurer_ids=[insurer.pk],
                                                 due=deadlines[MilestoneKind.CAREGROUP_OFFERS].due_at)
                           if MilestoneKind.CAREGROUP_OFFERS in deadlines else []),
        "caregroup_offers_deadline": deadlines.get(MilestoneKind.CAREGROUP_OFFERS),
        "scope": scope, "year": year, "years": years, "now": now,
        "policy": policy, "latest_version": latest_version,
        "policy_deadline": deadlines.get(MilestoneKind.POLICY_PUBLICATION),
        "contracts": contracts,
        "offers_deadline": deadlines.get(MilestoneKind.INDIVIDUAL_OFFERS_FINAL),
        "signing_opens": deadlines.get(MilestoneKind.SIGNING_OPEN),
        "signing_closes": deadlines.get(MilestoneKind.SIGNING_CLOSE),
        "regions": watch.regions, "totals": watch.totals, "unsigned": unsigned,
        "reminders": signing_reminders_sent(year=year),
        "questions": waiting["questions"], "requests": waiting["requests"], "follow": waiting["follow_requests"],
        "question_days": QUESTION_WORKING_DAYS, "page_query": f"year={year}",
    })


# --- Purchasing policy -------------------------------------------------------------------------------------
def _policy_comparison(insurer: Insurer, year: int, policy: PurchasingPolicy | None):
    """The published text the draft is compared with: the policy's latest version, else last year's."""
    if policy is not None:
        latest = policy.versions.order_by("-number").first()
        if latest is not None:
            return latest
    return (PolicyVersion.objects.filter(policy__insurer=insurer, policy__year=year - 1)
            .select_related("policy").order_by("-number").first())


@purchaser_required
@require_http_methods(["GET", "POST"])
def policy_edit(request, scope: PurchaserScope, year: int):
    """Draft the year's purchasing policy: text, PDF attachments, preview and the diff with what is published."""
    insurer = scope.insurer
    policy = PurchasingPolicy.objects.filter(insurer=insurer, year=year).first()
    initial = ({"title": policy.title, "body": policy.body} if policy
               else {"title": _("Inkoopbeleid huisartsenzorg %(year)s") % {"year": year}})
    form = PolicyDraftForm(initial=initial)
    attach_form = AttachmentForm()
    here = request.get_full_path()

    if request.method == "POST":
        action = request.POST.get("action")
        if action == "save":
            form = PolicyDraftForm(request.POST)
            if form.is_valid():
                try:
                    policy_save_draft(actor=request.user, insurer=insurer, year=year, **form.cleaned_data)
                except PortalError as exc:
                    place_error(form, exc)
                else:
                    messages.success(request, _("Het concept is opgeslagen."))
                    return redirect(here)
        elif action == "attach":
            if policy is None:
                messages.error(request, _("Sla eerst het concept op; daarna kunt u bijlagen toevoegen."))
                return redirect(here)
            attach_form = AttachmentForm(request.POST, request.FILES)
            if attach_form.is_valid():
                try:
                    attachment = policy_attach(actor=request.user, policy=policy,
                                               upload=attach_form.cleaned_data["file"])
                except PortalError as exc:
                    attach_form.add_error("file", exc.detail)
                else:
                    messages.success(request, _("Bijlage ‘%(name)s’ is toegevoegd.") % {"name": attachment.name})
                    return redirect(here)
        elif action == "detach":
            attachment_id = parse_id(request.POST.get("attachment", ""))
            if policy is None or attachment_id is None:
                raise Http404
            attachment = get_object_or_404(policy.attachments, pk=attachment_id, removed_from_draft=False)
            policy_detach(actor=request.user, attachment=attachment)
            messages.success(request, _("Bijlage ‘%(name)s’ is uit het concept gehaald. Gepubliceerde versies "
                                        "houden hun bijlagen.") % {"name": attachment.name})
            return redirect(here)
        else:
            return HttpResponseBadRequest(_("Onbekende actie."))

    compared_with = _policy_comparison(insurer, year, policy)
    diff = paragraph_diff(compared_with.body, policy.body) if policy and compared_with else []
    versions = list(policy.versions.order_by("-number")) if policy else []
    now = timezone.now()
    return render(request, "contracting/insurer/policy_edit.html", {
        "scope": scope, "year": year, "policy": policy, "form": form, "attach_form": attach_form,
        "attachments": list(policy.attachments.filter(removed_from_draft=False)) if policy else [],
        "preview": render_policy_text(policy.body, heading_level=4) if policy else "",
        "compared_with": compared_with, "diff": diff, "diff_has_changes": has_changes(diff),
        "versions": versions,
        "deadline": milestone_deadline(year, MilestoneKind.POLICY_PUBLICATION, now),
        "publish_refusal": policy_publish_refusal(policy, now) if policy else None,
        "public_url": reverse("policies:insurer_year", args=[insurer.slug, year]) if versions else "",
    })


@purchaser_required
@require_http_methods(["GET", "POST"])
def policy_publish_confirm(request, scope: PurchaserScope, year: int):
    """Confirm and publish the saved draft as a new version (after 1 April: recorded as late, not refused)."""
    insurer = scope.insurer
    policy = get_object_or_404(PurchasingPolicy, insurer=insurer, year=year)
    previous = policy.versions.order_by("-number").first()
    form = PolicyPublishForm(request.POST or None)
    now = timezone.now()
    if request.method == "POST" and form.is_valid():
        try:
            version = policy_publish(actor=request.user, policy=policy, now=now)
        except PortalError as exc:
            form.add_error(None, exc.detail)
        else:
            if previous is not None and version.pk == previous.pk:
                messages.info(request, _("Er is niets gewijzigd sinds versie %(number)s; er is geen nieuwe versie "
                                         "gemaakt.") % {"number": version.number})
            elif version.is_late:
                deadline = milestone_deadline(year, MilestoneKind.POLICY_PUBLICATION, now)
                messages.warning(request, _("Versie %(number)s is gepubliceerd, na de termijn van %(day)s: de "
                                            "publicatie is als te laat geregistreerd.")
                                 % {"number": version.number,
                                    "day": date_format(deadline.day, "j F Y") if deadline else "—"})
            else:
                messages.success(request, _("Versie %(number)s is gepubliceerd.") % {"number": version.number})
            return redirect(reverse("purchasing:policy", args=[year]))
    compared_with = previous or _policy_comparison(insurer, year, None)
    diff = paragraph_diff(compared_with.body, policy.body) if compared_with else []
    return render(request, "contracting/insurer/policy_publish.html", {
        "scope": scope, "year": year, "policy": policy, "form": form, "previous": previous,
        "compared_with": compared_with, "diff": diff, "diff_has_changes": has_changes(diff),
        "preview": render_policy_text(policy.body, heading_level=3),
        "attachments": list(policy.attachments.filter(removed_from_draft=False)),
        "deadline": milestone_deadline(year, MilestoneKind.POLICY_PUBLICATION, now),
        "refusal": policy_publish_refusal(policy, now),
        "signing": signing_window_at(year, now),
    })


@reader_object_required
def policy_version(request, scope: PurchaserScope | None, pk: int):
    """One published version with its difference from the one before; read only for an overlegteam member of
    the insurer (scope None)."""
    version = get_object_or_404(
        policy_versions_readable_by(request.user).select_related("policy__insurer", "published_by"), pk=pk)
    previous = version.policy.versions.filter(number__lt=version.number).order_by("-number").first()
    diff = paragraph_diff(previous.body, version.body) if previous else []
    return render(request, "contracting/insurer/policy_version.html", {
        "scope": scope, "version": version, "policy": version.policy, "previous": previous,
        "diff": diff, "diff_has_changes": has_changes(diff),
        "rendered": render_policy_text(version.body, heading_level=2),
        "attachments": list(version.attachments.all()),
    })


# --- Standard contracts --------------------------------------------------------------------------------------
@purchaser_required
@require_http_methods(["GET", "POST"])
def contract_new(request, scope: PurchaserScope):
    now = timezone.now()
    year, years = chosen_year(request, now)
    # Only years the service would accept: once a year's signing has closed, no contract for it can be made.
    windows = signing_windows_at(years, now)  # every year's window in one query
    choices = [y for y in years if contract_year_refusal(y, now, window=windows[y]) is None]
    if year not in choices:
        year = choices[0] if choices else year
    form = ContractCreateForm(request.POST or None, years=choices,
                              initial={"first_year": year, "title": _("Huisartsenzorg %(year)s") % {"year": year}})
    if request.method == "POST" and choices and form.is_valid():
        try:
            contract = standard_contract_create(actor=request.user, insurer=scope.insurer, now=now,
                                                **form.cleaned_data)
        except PortalError as exc:
            place_error(form, exc)
        else:
            messages.success(request, _("Het concept-contract is aangemaakt. Kies nu de modules."))
            return redirect("purchasing:contract_edit", pk=contract.pk)
    return render(request, "contracting/insurer/contract_new.html",
                  {"scope": scope, "form": form, "has_open_year": bool(choices)})


def _save_module(request, contract: StandardContract, form: ContractModuleForm) -> bool:
    """Add, change or remove one module. On a refusal the service's message goes beside the module."""
    if not form.is_valid():
        return False
    data = form.cleaned_data
    try:
        if data["include"]:
            standard_contract_set_module(actor=request.user, contract=contract, module=form.module,
                                         tariff=data["tariff"], conditions=data["conditions"],
                                         cap_hours=data.get("cap_hours") or None, mandatory=data["mandatory"],
                                         requires_qualification=data["requires_qualification"])
        else:
            standard_contract_remove_module(actor=request.user, contract=contract, module=form.module)
    except PortalError as exc:
        place_error(form, exc)
        return False
    return True


@purchaser_object_required
@require_http_methods(["GET", "POST"])
def contract_edit(request, scope: PurchaserScope, pk: int):
    """The contract builder. Each module is saved on its own (htmx swaps just that module; without JavaScript
    the page reloads at the module). Published contracts are shown read-only."""
    contract = standard_contract_for_insurer_user(request.user, pk)
    is_draft = contract.status == StandardContract.Status.DRAFT
    general_form = ContractGeneralForm(holder_kind=contract.holder_kind, initial={
        "title": contract.title, "term_years": contract.term_years, "conditions": contract.conditions,
        "adjustment_clause": contract.adjustment_clause, "indexation": contract.indexation,
        "requires_qualification": contract.requires_qualification})
    bound = None

    if request.method == "POST":
        if not is_draft:
            messages.error(request, _("Dit standaardcontract is gepubliceerd en kan niet meer wijzigen. "
                                      "Maak een nieuw contract voor een wijziging."))
            return redirect("purchasing:contract_edit", pk=contract.pk)
        action = request.POST.get("action")
        if action == "general":
            general_form = ContractGeneralForm(request.POST, holder_kind=contract.holder_kind)
            if general_form.is_valid():
                try:
                    standard_contract_update(actor=request.user, contract=contract, **general_form.cleaned_data)
                except PortalError as exc:
                    place_error(general_form, exc)
                else:
                    messages.success(request, _("De algemene gegevens zijn opgeslagen."))
                    return redirect("purchasing:contract_edit", pk=contract.pk)
        elif action == "module":
            module = Module.objects.filter(code=request.POST.get("module", "")).first()
            if module is None:
                return HttpResponseBadRequest(_("Onbekende module."))
            bound = ContractModuleForm(request.POST, module=module)
            saved = _save_module(request, contract, bound)
            if request.htmx:
                row = next(r for r in contract_builder_rows(contract, None if saved else bound,
                                                   module.code if saved else None) if r.module.pk == module.pk)
                return render(request, "contracting/insurer/_module_row.html",
                              {"row": row, "contract": contract, "is_draft": True})
            if saved:
                messages.success(request, _("%(module)s is opgeslagen.") % {"module": module.name})
                return redirect(reverse("purchasing:contract_edit", args=[contract.pk]) + f"#module-{module.code}")
        else:
            return HttpResponseBadRequest(_("Onbekende actie."))

    rows = contract_builder_rows(contract, bound)
    return render(request, "contracting/insurer/contract_edit.html", {
        "scope": scope, "contract": contract, "is_draft": is_draft, "general_form": general_form,
        "segments": rows_by_segment(rows) if is_draft else [],
        "included": [r for r in rows if r.contract_module is not None],
        "has_errors": bound is not None and bool(bound.errors),
        **_indexation_context(contract, timezone.now()),
    })


def _indexation_context(contract: StandardContract, now, form: ContractIndexForm | None = None) -> dict:
    """The index figures of a published multi-year contract with an indexation clause, one row per later year
    with its figure, the deadline for setting it (date and days left) and when it was applied."""
    if contract.status != StandardContract.Status.PUBLISHED or contract.indexation == Indexation.NONE \
            or contract.term_years == 1:
        return {"index_rows": []}
    figures = {index.year: index for index in index_figures(contract)}
    kind = offers_deadline_kind(contract.holder_kind)
    moments = {(year, k): due for year, k, due in Milestone.objects.filter(
        contract_year__year__in=list(contract.years), kind__in=[kind, CONTRACT_YEAR_START])
        .values_list("contract_year__year", "kind", "due_at")}
    rows, open_years = [], []
    for year in list(contract.years)[1:]:
        deadline = Deadline.of(moments[year, kind], now) if (year, kind) in moments else None
        starts = moments.get((year, CONTRACT_YEAR_START)) or calendar_rule(CONTRACT_YEAR_START).due_at(year)
        rows.append({"year": year, "index": figures.get(year), "deadline": deadline,
                     "starts": Deadline.of(starts, now, boundary="start")})
        if deadline is not None and not deadline.passed:
            open_years.append(year)
    return {"index_rows": rows,
            "index_form": form or (ContractIndexForm(years=open_years) if open_years else None)}


@purchaser_object_required
@require_POST
def contract_index(request, scope: PurchaserScope, pk: int):
    """Set the index figure of a published multi-year contract for one later year (contract_index_set)."""
    contract = standard_contract_for_insurer_user(request.user, pk)
    years = list(contract.years)[1:]
    form = ContractIndexForm(request.POST, years=years)
    if form.is_valid():
        try:
            index = contract_index_set(actor=request.user, contract=contract, year=form.cleaned_data["year"],
                                       percent_value=form.cleaned_data["percent"], now=timezone.now())
        except PortalError as exc:
            messages.error(request, exc.detail)
        else:
            messages.success(request, _("Het indexcijfer voor %(year)s is vastgesteld op %(percent)s.")
                             % {"year": index.year, "percent": percent_text(index.percent)})
    else:
        # Which field and what is wrong with it ("Indexcijfer (%): … niet meer dan 10 tekens …"), as on any form.
        problems = [f"{form.fields[name].label}: {' '.join(errors)}" for name, errors in form.errors.items()
                    if name in form.fields]
        messages.error(request, " ".join(problems) or _("Kies een jaar en vul een indexcijfer in."))
    return redirect(reverse("purchasing:contract_edit", args=[contract.pk]) + "#indexatie")


@reader_object_required
def contract_preview(request, scope: PurchaserScope | None, pk: int):
    """The contract as a practice of the normpraktijk's size would see it; read only for an overlegteam member
    of the insurer (scope None: published contracts only, never one holder's own)."""
    contract = get_object_or_404(standard_contracts_readable_by(request.user).select_related("insurer"), pk=pk)
    content = standard_contract_content(contract)
    modules = contract_preview_modules(contract, EXAMPLE_PATIENTS)
    return render(request, "contracting/insurer/contract_preview.html", {
        "scope": scope, "contract": contract, "content": content, "modules": modules,
        "patients": EXAMPLE_PATIENTS,
        "estimated_total": sum((m["amount"] for m in modules if m["amount"] is not None), Decimal("0.00")),
    })


@purchaser_object_required
@require_http_methods(["GET", "POST"])
def contract_publish_confirm(request, scope: PurchaserScope, pk: int):
    """Confirm publication: how many offers go out, and the deadline (15 September; care groups 15 July)."""
    contract = standard_contract_for_insurer_user(request.user, pk)
    if contract.status == StandardContract.Status.PUBLISHED:
        messages.info(request, _("Dit contract is al gepubliceerd."))
        return redirect("purchasing:contract_edit", pk=contract.pk)
    form = ContractPublishForm(request.POST or None)
    now = timezone.now()
    if request.method == "POST" and form.is_valid():
        try:
            published = standard_contract_publish(actor=request.user, contract=contract, now=now)
        except PortalError as exc:
            form.add_error(None, exc.detail)
        else:
            sent = published.offers.count()
            text = ngettext("Het contract is gepubliceerd; %(count)s aanbieding is verstuurd.",
                            "Het contract is gepubliceerd; %(count)s aanbiedingen zijn verstuurd.", sent) % {
                "count": count(sent)}
            if published.is_late:
                text += " " + _("De publicatie is na de termijn en is als te laat geregistreerd.")
            (messages.warning if published.is_late else messages.success)(request, text)
            return redirect("purchasing:contract_edit", pk=contract.pk)
    is_practice = contract.holder_kind == HolderKind.PRACTICE
    offers_to_send = (practices_with_preferent().filter(preferent_insurer_pk=contract.insurer_id).count()
                      if is_practice else None)
    kind = offers_deadline_kind(contract.holder_kind)
    return render(request, "contracting/insurer/contract_publish.html", {
        "scope": scope, "contract": contract, "form": form, "offers_to_send": offers_to_send,
        "module_count": contract.modules.count(),
        "deadline": milestone_deadline(contract.first_year, kind, now),
        # What the service would say: the page offers no button that then refuses.
        "refusal": standard_contract_publish_refusal(contract, now),
    })


# --- Inbox ---------------------------------------------------------------------------------------------------
@purchaser_required
def inbox(request, scope: PurchaserScope):
    """One queue of what waits on the insurer, by due date: overdue (red) first, then the nearest."""
    now = timezone.now()
    ids = [scope.insurer.pk]
    queue = insurer_inbox(insurer_ids=ids, now=now)
    page = Paginator(queue, PAGE_SIZE).get_page(request.GET.get("pagina"))
    return render(request, "contracting/insurer/inbox.html", {
        "scope": scope, "page": page, "today": local_date(now), "page_query": "",
        "question_days": QUESTION_WORKING_DAYS,
    })


@purchaser_object_required
@require_http_methods(["GET", "POST"])
def question_detail(request, scope: PurchaserScope, pk: int):
    question = get_object_or_404(
        Request.objects.select_related("offer__practice", "offer__care_group", "offer__standard_contract",
                                       "practice", "care_group", "raised_by", "answered_by"),
        pk=pk, kind=Request.Kind.QUESTION, insurer_id__in=scope.insurer_ids)
    laborious = request.method == "POST" and request.POST.get("action") == "laborious"
    form = QuestionAnswerForm(None if laborious else (request.POST or None))
    laborious_form = LaboriousForm(request.POST if laborious else None)
    if request.method == "POST" and (laborious_form if laborious else form).is_valid():
        try:
            if laborious:
                request_mark_laborious(actor=request.user, request=question,
                                       reason=laborious_form.cleaned_data["reason"], now=timezone.now())
            else:
                question_answer(actor=request.user, question=question, answer=form.cleaned_data["answer"],
                                now=timezone.now())
        except PortalError as exc:
            place_error(laborious_form if laborious else form, exc)
        else:
            if laborious:
                messages.success(request, _("De vraag is bewerkelijk verklaard; de vraagsteller ziet de nieuwe "
                                            "termijn."))
                return redirect("purchasing:question", pk=question.pk)
            messages.success(request, _("Uw antwoord is verstuurd."))
            return redirect("purchasing:inbox")
    history = (list(question.offer.requests.filter(kind=Request.Kind.QUESTION).exclude(pk=question.pk)
                    .select_related("raised_by").order_by("raised_at", "pk")) if question.offer_id else [])
    now = timezone.now()
    deadline = Deadline.of(question.due_at, now)  # the answer clock's stored moment
    return render(request, "contracting/insurer/question.html", {
        "scope": scope, "question": question, "offer": question.offer, "form": form, "history": history,
        "laborious_form": laborious_form, "clocks": request_clocks(question, now),
        "overdue": question.answered_at is None and deadline.passed,
        "due_day": deadline.day, "deadline": deadline, "question_days": QUESTION_WORKING_DAYS,
        "laborious_days": LABORIOUS_QUESTION_WORKING_DAYS,
    })


@purchaser_object_required
@require_http_methods(["GET", "POST"])
def follow_request_detail(request, scope: PurchaserScope, pk: int):
    """The signed contract offered to follow, and the decision: follow, partially (naming the modules not
    followed) or decline; partial and decline need an explanation (the service says so)."""
    follow_request = get_object_or_404(
        FollowRequest.objects.select_related("offer__signature__policy_version__policy__insurer", "offer__insurer",
                                             "offer__practice",
                                             "offer__care_group", "requested_by", "decided_by"),
        pk=pk, insurer_id__in=scope.insurer_ids)
    content = follow_request.offer.signature.content
    modules = content.get("modules", [])
    form = FollowDecisionForm(request.POST or None, modules=modules)
    is_pending = follow_request.status == FollowRequest.Status.PENDING
    if request.method == "POST" and form.is_valid():
        try:
            follow_request_decide(actor=request.user, follow_request=follow_request,
                                  decision=form.cleaned_data["decision"], now=timezone.now(),
                                  explanation=form.cleaned_data["explanation"],
                                  not_followed=form.cleaned_data["not_followed"])
        except PortalError as exc:
            place_error(form, exc)
        else:
            messages.success(request, _("Uw besluit is vastgelegd en aan de aanbieder gemeld."))
            return redirect("purchasing:follow_request", pk=follow_request.pk)
    names = {m["code"]: m["name"] for m in modules}
    deadline = Deadline.of(follow_request.due_at, timezone.now())  # the decision clock's stored moment
    return render(request, "contracting/insurer/follow_request.html", {
        "scope": scope, "follow_request": follow_request, "offer": follow_request.offer,
        "signature": follow_request.offer.signature, "content": content, "modules": modules,
        "form": form, "is_pending": is_pending,
        "not_followed_names": [names.get(code, code) for code in follow_request.not_followed],
        "overdue": is_pending and deadline.passed, "due_day": deadline.day,
    })


# --- Addenda to signed contracts -----------------------------------------------------------------------------
def _signed_offer_of(scope: PurchaserScope, pk: int) -> Offer:
    offer = (Offer.objects.select_related("insurer", "standard_contract", "practice", "care_group", "signature")
             .filter(pk=pk, insurer_id__in=scope.insurer_ids, status=Offer.Status.SIGNED).first())
    if offer is None:
        raise Http404(_("Dit ondertekende contract bestaat niet of is niet van uw organisatie."))
    return offer


@purchaser_object_required
@require_http_methods(["GET", "POST"])
def addenda_propose(request, scope: PurchaserScope, pk: int):
    """The addenda of one signed contract, and a form to propose a new one (a change of tariffs or hours per
    module, or of the text alone), which the holder's signatory then signs or refuses."""
    offer = _signed_offer_of(scope, pk)
    now = timezone.now()
    year = terms_year(offer, local_date(now))
    terms = contract_terms(offer, year, signature=offer.signature)
    form = AddendumProposeForm(request.POST or None, modules=terms)
    if request.method == "POST" and form.is_valid():
        try:
            addendum = addendum_propose(actor=request.user, offer=offer, kind=form.cleaned_data["kind"],
                                        title=form.cleaned_data["title"], text=form.cleaned_data["text"],
                                        changes=form.changes(), effective_from=form.cleaned_data["effective_from"],
                                        now=now)
        except PortalError as exc:
            place_error(form, exc)
            for code, problems in (exc.fields.get("changes") or {}).items():
                if addendum_tariff_field(code) in form.fields:
                    for problem in problems:
                        form.add_error(addendum_tariff_field(code), problem)
        else:
            messages.success(request, _("Het addendum is voorgesteld. De tekenbevoegden van %(holder)s krijgen "
                                        "een melding.") % {"holder": offer.holder.name})
            return redirect("purchasing:addendum", pk=addendum.pk)
    return render(request, "contracting/insurer/addenda.html", {
        "scope": scope, "offer": offer, "addenda": offer_addenda(offer), "form": form, "terms_year": year,
    }, status=400 if request.method == "POST" else 200)


# --- Care-group negotiations ------------------------------------------------------------------------------
@purchaser_required
def negotiations(request, scope: PurchaserScope):
    """The insurer's negotiations with care groups for the year, and the care groups of its regions that had
    no offer by 15 July (flagged late)."""
    from ..models import Negotiation
    from ..selectors import caregroup_offers_late, negotiations_with_last_step

    now = timezone.now()
    year, years = chosen_year(request, now)
    rows = list(negotiations_with_last_step(Negotiation.objects.filter(insurer=scope.insurer, year=year))
                .order_by("care_group__name", "pk"))
    late = caregroup_offers_late(year, now=now, insurer_ids=[scope.insurer.pk])
    return render(request, "contracting/insurer/negotiations.html", {
        "scope": scope, "year": year, "years": years, "negotiations": rows, "late": late,
        "current": "negotiations"})


@purchaser_required
@require_http_methods(["GET", "POST"])
def negotiation_new(request, scope: PurchaserScope):
    """The insurer's offer to a care group of its regions (the first step of a negotiation, or the answer to a
    care group that has not submitted)."""
    from providers.models import CareGroup

    from ..forms.caregroup import OfferForm
    from ..selectors import caregroup_catalogue
    from ..services import negotiation_offer, negotiation_refusal

    now = timezone.now()
    year, _years = chosen_year(request, now)
    groups = CareGroup.objects.filter(region__market_shares__insurer=scope.insurer).order_by("name").distinct()
    form = OfferForm(request.POST or None, catalogue=caregroup_catalogue(), care_groups=groups)
    if request.method == "POST" and form.is_valid():
        try:
            step = negotiation_offer(actor=request.user, insurer=scope.insurer, year=year,
                                     care_group=form.cleaned_data["care_group"], terms=form.raw_terms(),
                                     note=form.cleaned_data["note"], now=now)
        except PortalError as exc:
            place_error(form, exc)
        else:
            messages.success(request, _("Uw aanbod is verstuurd."))
            return redirect("purchasing:negotiation", pk=step.negotiation_id)
    return render(request, "contracting/insurer/negotiation_new.html", {
        "scope": scope, "form": form, "rows": form.bound_rows(), "year": year,
        "closed": negotiation_refusal(year, now)})


@purchaser_object_required
@require_http_methods(["GET", "POST"])
def addendum_status(request, scope: PurchaserScope, pk: int):
    """One addendum as the insurer follows it: proposed, signed (with its hash), refused (with the reason) or
    withdrawn; a proposed one can be withdrawn here."""
    addendum = get_object_or_404(
        ContractAddendum.objects.select_related("offer__insurer", "offer__standard_contract", "offer__practice",
                                                "offer__care_group", "proposed_by", "decided_by"),
        pk=pk, offer__insurer_id__in=scope.insurer_ids)
    if request.method == "POST":
        try:
            addendum_withdraw(actor=request.user, addendum=addendum)
        except PortalError as exc:
            messages.error(request, exc.detail)
        else:
            messages.success(request, _("Het addendum is ingetrokken."))
        return redirect("purchasing:addendum", pk=addendum.pk)
    content = addendum.content if addendum.content is not None else addendum_preview(addendum)
    return render(request, "contracting/insurer/addendum.html", {
        "scope": scope, "addendum": addendum, "offer": addendum.offer, "content": addendum_display(content),
        "sign_deadline": addendum_sign_deadline(addendum, timezone.now()),
    })


# --- Own contract offers (eigen contractaanbod) -------------------------------------------------------------
@purchaser_required
def own_offers(request, scope: PurchaserScope):
    """The own contract offers made to the insurer: waiting ones first by their decision deadline (with date
    and days left), then the decided ones. A page of 25 in a fixed number of queries."""
    now = timezone.now()
    rows = own_offer_rows(OwnOffer.objects.filter(insurer=scope.insurer), now)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("pagina"))
    page.object_list = with_decision_deadline(page.object_list, now)
    return render(request, "contracting/insurer/own_offers.html", {"scope": scope, "page": page})


@purchaser_object_required
@require_http_methods(["GET", "POST"])
def own_offer_detail(request, scope: PurchaserScope, pk: int):
    own = own_offer_for_user(request.user, pk, insurer_only=True)
    now = timezone.now()
    form = OwnOfferDecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            own_offer_decide(actor=request.user, own_offer=own, decision=form.cleaned_data["decision"],
                             reason=form.cleaned_data["reason"], now=now)
        except PortalError as exc:
            place_error(form, exc)
        else:
            messages.success(request, _("Uw besluit is opgeslagen en de zorgaanbieder is op de hoogte gebracht."))
            return redirect("purchasing:own_offer", pk=own.pk)
    own.deadline = with_decision_deadline([own], now)[0].deadline
    return render(request, "contracting/insurer/own_offer.html", {
        "scope": scope, "own": own, "lines": own.lines.select_related("module"), "form": form})


# --- Mid-term adjustment under the exception clause ---------------------------------------------------------
@purchaser_object_required
@require_http_methods(["GET", "POST"])
def adjustment_propose_view(request, scope: PurchaserScope, pk: int):
    """Propose a mid-term adjustment of a signed multi-year contract (services.adjustments): per later year the
    deadline for proposing (date and days left), the adjustments so far, and the form."""
    offer = _signed_offer_of(scope, pk)
    now = timezone.now()
    contract = offer.standard_contract
    later = list(contract.years)[1:]
    deadlines = {year: later_year_deadline(contract, year) for year in later}
    rows = [{"year": year, "deadline": Deadline.of(m.due_at, now) if m else None} for year, m in deadlines.items()]
    open_years = [r["year"] for r in rows if r["deadline"] and not r["deadline"].passed]
    modules = contract_terms(offer, contract.first_year, signature=offer.signature)
    form = AdjustmentForm(request.POST or None, years=open_years, modules=modules)
    if request.method == "POST" and form.is_valid():
        try:
            adjustment = adjustment_propose(
                actor=request.user, offer=offer, year=form.cleaned_data["year"], ground=form.cleaned_data["ground"],
                explanation=form.cleaned_data["explanation"], title=form.cleaned_data["title"],
                text=form.cleaned_data["text"], changes=form.changes(), now=now)
        except PortalError as exc:
            place_error(form, exc)
            names = {m["code"]: m["name"] for m in modules}
            for code, problems in (exc.fields.get("changes") or {}).items():
                for problem in problems:
                    if addendum_tariff_field(code) in form.fields:
                        form.add_error(addendum_tariff_field(code), problem)
                    else:
                        form.add_error(None, f"{names.get(code, code)}: {problem}")
        else:
            messages.success(request, _("De aanpassing is voorgesteld. Zij geldt pas als een tekenbevoegde van "
                                        "%(holder)s het addendum ondertekent.") % {"holder": offer.holder.name})
            return redirect("purchasing:addendum", pk=adjustment.addendum_id)
    return render(request, "contracting/insurer/adjustment.html", {
        "scope": scope, "offer": offer, "contract": contract, "rows": rows, "form": form if open_years else None,
        "modules": modules,
        "adjustments": ContractAdjustment.objects.filter(offer=offer).select_related("addendum").order_by("year"),
    }, status=400 if request.method == "POST" else 200)


@purchaser_object_required
@require_http_methods(["GET", "POST"])
def negotiation_detail(request, scope: PurchaserScope, pk: int):
    from ..models import Negotiation, NegotiationStep
    from .caregroup import negotiation_page

    negotiation = get_object_or_404(Negotiation.objects.select_related("care_group", "insurer", "offer"), pk=pk,
                                    insurer_id__in=scope.insurer_ids)
    return negotiation_page(request, negotiation, side=NegotiationStep.Side.INSURER,
                            template="contracting/insurer/negotiation.html", url_name="purchasing:negotiation",
                            extra={"scope": scope})
