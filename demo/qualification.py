"""The demo's uitvraag (qualification questionnaire): one insurer offers a contract for care for frail elderly
only to practices that qualified, and its NHG-accreditation module only after a second uitvraag.

The year is the first of the demo years whose signing is still ahead; the insurer is the first (in the demo's
order) whose multi-year practice contract already covers that year, so it publishes no other practice
contract for it. It publishes the contract and opens both uitvragen 8 days after the previous year's signing
closed (early: the uitvraag comes before the offer). Then, through the surveys and contracting services:
- demo practice 2 answers 3 days later, meets the rule and is qualified at once (its offer shows the answers);
  a day later it answers the accreditation uitvraag with "aangevraagd", which waits for the insurer;
- demo practice 3 answers after 5 days without meeting the rule: it waits for the insurer;
- demo practice 1 has answered nothing, so a demo login has an uitvraag to answer now.
Every moment is fixed relative to the calendar; the clock only decides which are past. A second run adds
nothing."""

from datetime import timedelta

from contracting.calendar import MilestoneKind, local_date
from contracting.models import HolderKind, Milestone, Module, StandardContract, covering
from contracting.services import (
    standard_contract_create,
    standard_contract_publish,
    standard_contract_set_module,
    standard_contract_update,
)
from insurers.models import Insurer
from surveys.models import QualificationQuestionnaire, Response
from surveys.qualification_rules import parse_rule
from surveys.qualification_templates import ACCREDITATION, ELDERLY_CARE, QUALIFICATION_TEMPLATES
from surveys.services import response_save
from surveys.services.qualification import qualification_invitation_ensure, qualification_questionnaire_attach

from .moments import at
from .organisations import INSURERS
from .registry import DemoContext, demo_step
from .scripted import cast

TITLE = "Zorg voor kwetsbare ouderen {year}"
# (demo practice index, uitvraag, days after publication, answers)
ANSWERS = [
    (1, "contract", 3, {"Q1": "ja", "Q2": "6", "Q3": "ja", "Q4": "Casemanager dementie twee dagen per week."}),
    (1, "module", 4, {"Q1": "aangevraagd"}),
    (2, "contract", 5, {"Q1": "ja", "Q2": "2", "Q3": "in_voorbereiding"}),
]


def _signing_close(year: int):
    return Milestone.objects.filter(contract_year__year=year, kind=MilestoneKind.SIGNING_CLOSE).values_list(
        "due_at", flat=True).first()


def _target(ctx: DemoContext) -> tuple[int, Insurer] | None:
    """The year and insurer of the demo's uitvraag, or None when no year or insurer fits."""
    for year in sorted(ctx.years):
        close, previous = _signing_close(year), _signing_close(year - 1)
        if close is None or previous is None or close <= ctx.now:
            continue
        insurers = {i.name: i for i in Insurer.objects.filter(name__in=[s.name for s in INSURERS])}
        for spec in INSURERS:
            insurer = insurers.get(spec.name)
            if insurer is None:
                continue
            running = covering(StandardContract.objects.filter(
                insurer=insurer, holder_kind=HolderKind.PRACTICE, status=StandardContract.Status.PUBLISHED,
                first_year__lt=year, own_offer__isnull=True), year).exists()
            if running:
                return year, insurer
        return None
    return None


def _contract(year: int, insurer: Insurer, purchaser, published) -> StandardContract:
    contract = StandardContract.objects.filter(insurer=insurer, first_year=year, title=TITLE.format(year=year)).first()
    if contract is None:
        contract = standard_contract_create(actor=purchaser, insurer=insurer, first_year=year,
                                            title=TITLE.format(year=year), now=published - timedelta(days=1))
        standard_contract_update(actor=purchaser, contract=contract, requires_qualification=True)
        modules = {m.code: m for m in Module.objects.filter(code__in=["kwetsbare-ouderen", "kwaliteit"])}
        standard_contract_set_module(actor=purchaser, contract=contract, module=modules["kwetsbare-ouderen"],
                                     tariff="48.00", conditions="Per ingeschreven patiënt van 75 jaar of ouder.")
        standard_contract_set_module(actor=purchaser, contract=contract, module=modules["kwaliteit"],
                                     tariff="2400.00", requires_qualification=True)
    return standard_contract_publish(actor=purchaser, contract=contract, now=published)


@demo_step("surveys.qualification", order=47)
def seed_qualification(ctx: DemoContext) -> dict[str, int]:
    target = _target(ctx)
    people = cast()
    if target is None:
        return {"qualification_questionnaires": 0, "qualification_answers": 0}
    year, insurer = target
    purchaser = people.purchasers.get(insurer.pk)
    published = at(local_date(_signing_close(year - 1)) + timedelta(days=8), 10)
    if purchaser is None or published > ctx.now:
        return {"qualification_questionnaires": 0, "qualification_answers": 0}
    made = QualificationQuestionnaire.objects.count()
    contract = _contract(year, insurer, purchaser, published)
    kwaliteit = contract.modules.get(module__code="kwaliteit")
    questionnaires = {
        "contract": qualification_questionnaire_attach(
            actor=purchaser, contract=contract, definition=ELDERLY_CARE, now=published,
            rule=parse_rule(QUALIFICATION_TEMPLATES[ELDERLY_CARE["key"]][1])),
        "module": qualification_questionnaire_attach(
            actor=purchaser, contract=contract, contract_module=kwaliteit, definition=ACCREDITATION, now=published,
            rule=parse_rule(QUALIFICATION_TEMPLATES[ACCREDITATION["key"]][1])),
    }
    answered = 0
    for index, which, days, answers in ANSWERS:
        practice, member = people.demo_practices.get(index), people.members.get(index)
        moment = at(local_date(published) + timedelta(days=days), 11)
        if practice is None or member is None or moment > ctx.now:
            continue
        questionnaire = questionnaires[which]
        if Response.objects.filter(survey=questionnaire.survey, invitation__practice=practice).exists():
            continue
        invitation = qualification_invitation_ensure(actor=member, questionnaire=questionnaire, practice=practice,
                                                     now=moment)
        response_save(actor=member, invitation=invitation, answers=answers, now=moment, submit=True)
        answered += 1
    return {"qualification_questionnaires": QualificationQuestionnaire.objects.count() - made,
            "qualification_answers": answered}
