"""The demo's requests of every kind, between the demo practices and their preferent insurer, inside and past
their clocks as of the seed's day: a question answered and one waiting past its 5 working days, a laborious one,
maatwerk decided and waiting, an innovation proposal refused on the insurer's published criteria and in appeal,
a module change request, knelpunten from both sides and a dispute at the geschillencommissie. Through the
services, at moments counted back from the seed's day; a request is made once (found again by its raiser, kind
and subject), so a second run, on any day, adds nothing."""

from datetime import datetime, timedelta

from contracting.models import InnovationCriteria, Module, Offer, Request
from contracting.services import (
    innovation_criteria_publish,
    question_answer,
    request_appeal,
    request_decide,
    request_escalate,
    request_mark_laborious,
    request_post_message,
    request_raise,
)
from providers.models import MarketShare

from .cycle import read_handled_notices
from .registry import DemoContext, demo_step
from .scripted import cast

CRITERIA = [
    ("Meetbare zorgdoelen", "Het voorstel noemt doelen met een nulmeting en meet ze tijdens het project."),
    ("Draagvlak in de regio", "De huisartsen in de regio en het overlegteam steunen het voorstel."),
    ("Overdraagbaar", "Wat werkt kan na het project in het standaardcontract of bij andere praktijken."),
    ("Kosten en besparing", "Een begroting en een onderbouwde verwachting van de besparing elders."),
]
CRITERIA_METHOD = ("Elk voorstel wordt door twee zorginkopers aan alle eisen getoetst. Een voorstel dat aan een eis "
                   "niet voldoet, krijgt die eis en de reden terug en kan worden aangepast; afwijzen gebeurt "
                   "alleen op deze eisen.")


def _insurer_of(practice):
    offer = Offer.objects.filter(practice=practice).order_by("-year").select_related("insurer").first()
    if offer is not None:
        return offer.insurer, offer
    share = MarketShare.objects.filter(region_id=practice.region_id).order_by("-share_percent").first()
    return (share.insurer, None) if share else (None, None)


def _once(raiser, kind, subject, **kwargs) -> tuple[Request, bool]:
    found = Request.objects.filter(raised_by=raiser, kind=kind, subject=subject).first()
    if found is not None:
        return found, False
    return request_raise(actor=raiser, kind=kind, subject=subject, **kwargs), True


def seed_requests(*, now: datetime, contracting_year: int) -> dict[str, int]:
    people = cast()
    created = 0
    day = timedelta(days=1)
    for n, practice in sorted(people.demo_practices.items()):
        member = people.members.get(n)
        insurer, offer = _insurer_of(practice)
        purchaser = people.purchasers.get(insurer.pk) if insurer else None
        if member is None or purchaser is None:
            continue
        if not InnovationCriteria.objects.filter(insurer=insurer, year=contracting_year).exists():
            innovation_criteria_publish(actor=purchaser, insurer=insurer, year=contracting_year,
                                        method=CRITERIA_METHOD, items=CRITERIA, now=now - 200 * day)
        common = {"practice": practice, "insurer": insurer}

        # Questions without an offer: one answered in time, one waiting past its 5 working days, one laborious.
        question, new = _once(member, "question", "Declaratie na verhuizing", now=now - 30 * day,
                              text="Hoe declareren wij inschrijftarief voor patiënten die midden in een kwartaal "
                                   "verhuizen?", **common)
        if new:
            question_answer(actor=purchaser, question=question, now=now - 28 * day,
                            answer="Het kwartaal waarin de patiënt op de eerste dag ingeschreven stond, telt.")
        created += new
        created += _once(member, "question", "Vergoeding spoedpost", now=now - 12 * day,
                         text="Telt een waarneming op de spoedpost mee voor het consulttarief?", **common)[1]
        laborious, new = _once(member, "question", "Meerjarige afspraak POH-GGZ", now=now - 3 * day,
                               text="Kunnen wij de POH-GGZ-uren voor drie jaar vastleggen?", **common)
        if new:
            request_mark_laborious(actor=purchaser, request=laborious, now=now - 2 * day,
                                   reason="Dit vraagt overleg met de afdeling meerjarencontracten.")
        created += new

        # Maatwerk: decided, and one waiting inside its clock.
        maatwerk, new = _once(member, "maatwerk", "Uitval van een huisarts", now=now - 40 * day,
                              situation=Request.Situation.GP_LOSS, offer=offer if offer else None,
                              text="Een van onze drie huisartsen valt een half jaar uit; wij vragen een tijdelijke "
                                   "ophoging van de POH-uren.", **({} if offer else common))
        if new:
            request_decide(actor=purchaser, request=maatwerk, outcome="partly", now=now - 36 * day,
                           reasons="Voor zes maanden, met een evaluatie na drie maanden.")
        created += new
        created += _once(member, "maatwerk", "Nieuwbouwwijk", now=now - 1 * day,
                         situation=Request.Situation.POPULATION_CHANGE,
                         text="In onze wijk komen dit jaar 600 woningen bij.", **common)[1]

        # Innovation: refused on a published criterion, then in appeal.
        proposal, new = _once(member, "innovation", "Beeldbellen met ouderen", now=now - 60 * day,
                              year=contracting_year, project_starts=(now + 30 * day).date(),
                              project_ends=(now + 760 * day).date(),
                              text="Een project van twee jaar: wekelijks beeldbellen met kwetsbare ouderen.", **common)
        if new:
            criteria = InnovationCriteria.objects.get(insurer=insurer, year=contracting_year)
            request_decide(actor=purchaser, request=proposal, outcome="refused", now=now - 55 * day,
                           reasons="Er is geen nulmeting van het aantal bezoeken aan de huisartsenpost.",
                           criteria=[criteria.items.get(number=1)])
            request_appeal(actor=member, request=proposal, now=now - 50 * day,
                           text="De nulmeting staat in bijlage 2 van ons voorstel.")
        created += new

        # A module change request and knelpunten from both sides.
        module = Module.objects.filter(code="poh-ggz").first()
        if module is not None:
            created += _once(member, "module_change", "POH-GGZ-norm", now=now - 20 * day, module=module,
                             text="Graag de norm per 2.000 in plaats van 2.350 patiënten.", **common)[1]
        knelpunt, new = _once(member, "knelpunt", "Declaraties geweigerd", now=now - 20 * day,
                              text="Sinds de nieuwe release worden onze M&I-declaraties geweigerd.", **common)
        created += new
        if offer is not None:
            created += _once(purchaser, "knelpunt", "Ontbrekende praktijkgegevens", now=now - 4 * day,
                             text="Wij missen de AGB-codes van uw waarnemers.", **common)[1]

        # A dispute after consultation, at the geschillencommissie.
        dispute, new = _once(member, "dispute", "Terugvordering 2025", now=now - 45 * day,
                             phase=Request.Phase.CONTRACTUAL, follows=knelpunt,
                             text="Wij zijn het niet eens met de terugvordering over 2025.", **common)
        if new:
            request_post_message(actor=purchaser, request=dispute, now=now - 40 * day,
                                 text="Wij houden vast aan de terugvordering; zie de controleregels.")
            request_escalate(actor=member, request=dispute, now=now - 30 * day)
        created += new
    read_handled_notices(contracting_year, now)  # the notices of what was dealt with here are read, too
    return {"requests": created}


@demo_step("contracting.requests", order=45)
def _step(ctx: DemoContext) -> dict[str, int]:
    contracting_year = sorted(ctx.years)[1] if len(ctx.years) > 1 else ctx.years[0]
    return seed_requests(now=ctx.now, contracting_year=contracting_year)
