"""Qualification questionnaire (uitvraag) pages. The insurer's purchasers attach a questionnaire to a contract
or module and see what came of it (the decisions are taken on contracting's pages); a practice's or care
group's people see the uitvragen they may answer and start answering on the engine's respond page."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.selectors import memberships_of
from contracting.calendar import Deadline
from contracting.models import ContractModule, Qualification, StandardContract
from contracting.views.common import PurchaserScope, place_error, purchaser_required
from core.errors import PortalError
from core.params import parse_id

from ..forms.qualification import QuestionnaireAttachForm
from ..models import QualificationQuestionnaire, Survey
from ..qualification_rules import parse_rule, rule_text
from ..qualification_selectors import qualification_questionnaires_open
from ..qualification_templates import QUALIFICATION_TEMPLATES
from ..services.qualification import (
    qualification_invitation_ensure,
    qualification_questionnaire_attach,
    questionnaire_refusal,
)


def _targets(insurer) -> list[tuple[str, str]]:
    """The insurer's published contracts and modules that need qualification and have no uitvraag yet."""
    taken = set(QualificationQuestionnaire.objects.filter(standard_contract__insurer=insurer)
                .values_list("standard_contract_id", "contract_module_id"))
    contracts = list(StandardContract.objects.filter(insurer=insurer, status=StandardContract.Status.PUBLISHED)
                     .filter(Q(requires_qualification=True) | Q(modules__requires_qualification=True)).distinct()
                     .order_by("-first_year", "title"))
    modules = {}
    for cm in ContractModule.objects.filter(standard_contract__in=contracts, requires_qualification=True) \
            .select_related("module").order_by("module__segment", "module__sort_order"):
        modules.setdefault(cm.standard_contract_id, []).append(cm)
    targets = []
    for contract in contracts:
        if contract.requires_qualification and (contract.pk, None) not in taken:
            targets.append((f"c{contract.pk}", f"{contract.title} ({contract.years_label})"))
        for cm in modules.get(contract.pk, []):
            if (contract.pk, cm.pk) not in taken:
                targets.append((f"m{cm.pk}", f"{contract.title} ({contract.years_label}): {cm.module.name}"))
    return targets


def _target(insurer, value: str) -> tuple[StandardContract, ContractModule | None]:
    pk = parse_id(value[1:]) if value[:1] in ("c", "m") else None
    if pk is None:
        raise Http404
    if value[0] == "m":
        cm = ContractModule.objects.select_related("standard_contract", "module").filter(
            pk=pk, standard_contract__insurer=insurer).first()
        if cm is None:
            raise Http404
        return cm.standard_contract, cm
    contract = StandardContract.objects.filter(pk=pk, insurer=insurer).first()
    if contract is None:
        raise Http404
    return contract, None


@purchaser_required
@require_http_methods(["GET", "POST"])
def insurer_questionnaires(request, scope: PurchaserScope):
    """The insurer's uitvragen with how many answered, qualified and refused, and the form to attach one."""
    targets = _targets(scope.insurer)
    form = QuestionnaireAttachForm(request.POST or None, targets=targets)
    if request.method == "POST" and form.is_valid():
        contract, contract_module = _target(scope.insurer, form.cleaned_data["target"])
        definition, _suggested = QUALIFICATION_TEMPLATES[form.cleaned_data["template"]]
        try:
            qualification_questionnaire_attach(actor=request.user, contract=contract, contract_module=contract_module,
                                               definition=definition, rule=parse_rule(form.cleaned_data["rule"]))
        except PortalError as exc:
            place_error(form, exc)
        else:
            messages.success(request, _("De uitvraag staat open; zorgaanbieders kunnen hem nu beantwoorden."))
            return redirect("surveys:qualification_manage")
    questionnaires = list(QualificationQuestionnaire.objects.filter(standard_contract__insurer=scope.insurer)
                          .select_related("survey", "standard_contract", "contract_module__module")
                          .order_by("-survey__year", "-created_at"))
    counts = {(row["standard_contract"], row["contract_module"]): row for row in Qualification.objects.filter(
        insurer=scope.insurer).values("standard_contract", "contract_module").annotate(
        pending=Count("pk", filter=Q(status=Qualification.Status.PENDING)),
        qualified=Count("pk", filter=Q(status=Qualification.Status.QUALIFIED)),
        refused=Count("pk", filter=Q(status=Qualification.Status.REFUSED))).order_by()}
    for questionnaire in questionnaires:
        questionnaire.counts = counts.get((questionnaire.standard_contract_id, questionnaire.contract_module_id), {})
        questionnaire.rule_label = rule_text(questionnaire.rule)
    return render(request, "surveys/qualification/manage.html", {
        "scope": scope, "questionnaires": questionnaires, "form": form if targets else None,
        "suggestions": [(definition["title"], rule) for definition, rule in QUALIFICATION_TEMPLATES.values()]})


def _holders(user) -> list[dict]:
    """The practices and care groups the user acts for."""
    seen, holders = set(), []
    for m in memberships_of(user):
        if m.practice_id and ("p", m.practice_id) not in seen:
            seen.add(("p", m.practice_id))
            holders.append({"practice": m.practice, "care_group": None, "org": m.practice})
        if m.care_group_id and ("g", m.care_group_id) not in seen:
            seen.add(("g", m.care_group_id))
            holders.append({"practice": None, "care_group": m.care_group, "org": m.care_group})
    return holders


@login_required
def holder_questionnaires(request):
    """The open uitvragen the user's practices and care groups may answer, with what came of each."""
    now = timezone.now()
    holders = _holders(request.user)
    rows = []
    questionnaires = qualification_questionnaires_open(now) if holders else []
    for questionnaire in questionnaires:
        for holder in holders:
            if (holder["practice"] is None) != (questionnaire.standard_contract.holder_kind == "care_group"):
                continue
            refusal = questionnaire_refusal(questionnaire, practice=holder["practice"],
                                            care_group=holder["care_group"], now=now)
            if refusal is not None and refusal.code != "qualification_decided":
                continue
            rows.append({"questionnaire": questionnaire, "holder": holder["org"], "refusal": refusal,
                         "deadline": Deadline.of(questionnaire.survey.closes_at, now, boundary="end")})
    qualifications = list(Qualification.objects.filter(
        Q(practice__in=[h["practice"] for h in holders if h["practice"]])
        | Q(care_group__in=[h["care_group"] for h in holders if h["care_group"]]))
        .select_related("standard_contract__insurer", "contract_module__module", "practice", "care_group")
        .order_by("-submitted_at")) if holders else []
    return render(request, "surveys/qualification/list.html", {"rows": rows, "qualifications": qualifications})


@login_required
@require_http_methods(["GET", "POST"])
def questionnaire_start(request, pk: int):
    """One uitvraag for the user's organisation: what it is for and, on POST, start answering (the
    invitation is made) on the respond page."""
    now = timezone.now()
    questionnaire = (QualificationQuestionnaire.objects
                     .select_related("survey", "standard_contract__insurer", "contract_module__module")
                     .filter(pk=pk, survey__status=Survey.Status.PUBLISHED).first())
    holders = [h for h in _holders(request.user)
               if (h["practice"] is None) == (questionnaire is not None
                                              and questionnaire.standard_contract.holder_kind == "care_group")]
    if questionnaire is None or not holders:
        raise Http404(_("Deze uitvraag bestaat niet, of is niet voor u."))
    if request.method == "POST":
        chosen = parse_id(request.POST.get("holder", ""))
        holder = next((h for h in holders if h["org"].pk == chosen), None)
        if holder is None:
            raise Http404(_("Deze zorgaanbieder is niet de uwe."))
        try:
            invitation = qualification_invitation_ensure(actor=request.user, questionnaire=questionnaire,
                                                         practice=holder["practice"], care_group=holder["care_group"],
                                                         now=now)
        except PortalError as exc:
            messages.error(request, exc.detail)
            return redirect("surveys:qualification_start", pk=questionnaire.pk)
        return redirect(reverse("surveys:respond", args=[questionnaire.survey_id]) + f"?uitnodiging={invitation.pk}")
    rows = [{"holder": h["org"], "refusal": questionnaire_refusal(questionnaire, practice=h["practice"],
                                                                 care_group=h["care_group"], now=now)}
            for h in holders]
    return render(request, "surveys/qualification/start.html", {
        "questionnaire": questionnaire, "rows": rows,
        "deadline": Deadline.of(questionnaire.survey.closes_at, now, boundary="end")})


