"""The demo's multi-year contracts with an indexation clause and their index figures, and own contract offers
(eigen contractaanbod): one waiting for the insurer's decision and one refused with reasons.

Everything goes through the contracting services at moments fixed relative to the years' milestones, so one
date gives the same data and running the step again adds nothing."""

from datetime import datetime, timedelta

from contracting.calendar import local_date
from contracting.models import HolderKind, Indexation, OwnOffer, StandardContract, covering
from contracting.services import contract_index_set, own_offer_decide, own_offer_submit
from contracting.services.indexation import later_year_deadline
from contracting.services.own_offers import own_offer_window
from insurers.models import Insurer
from providers.models import MarketShare

from .moments import at, contract_years_around
from .registry import DemoContext, demo_step
from .scripted import cast

# The insurer's index figure for each later year of its multi-year contract, by indexation clause.
INDEX_FIGURES = {Indexation.STAFF: ["3.50", "2.75", "2.50", "2.50"], Indexation.ALL: ["2.40", "2.10", "2.00", "2.00"]}

OWN_OFFERS = [
    # (demo practice index, title, text, lines, decision: None (waits) or the refusal's reasons)
    (0, "Eigen aanbod: avondspreekuur en e-consult",
     "Wij bieden twee avondspreekuren per week en e-consult binnen één werkdag, tegen een hogere vergoeding "
     "voor service en bereikbaarheid. Graag overleggen wij over een meerjarige afspraak.",
     [{"module": "service-bereikbaarheid", "tariff": "3.20", "conditions": "Twee avondspreekuren per week."},
      {"module": "kwaliteit", "tariff": "1650.00", "conditions": ""}], None),
    (1, "Eigen aanbod: praktijkmanagement voor twee locaties",
     "Onze praktijk heeft twee locaties; wij vragen een hoger plafond voor praktijkmanagement.",
     [{"module": "praktijkmanagement", "tariff": "2900.00", "conditions": "Twee locaties."}],
     "Een hoger plafond dan 6 uur per normpraktijk past niet in ons inkoopbeleid; wij bieden maatwerk aan "
     "zodra de tweede locatie geopend is."),
]


def _index_figures(contracting_year: int, now: datetime) -> int:
    """Index figures for the later years of the running multi-year practice contracts with an indexation clause,
    set by the insurer's purchaser 60 days after publication (if that moment has come and the year's deadline
    has not passed)."""
    people = cast()
    set_count = 0
    contracts = covering(StandardContract.objects.filter(
        holder_kind=HolderKind.PRACTICE, status=StandardContract.Status.PUBLISHED, term_years__gt=1,
        own_offer__isnull=True).exclude(indexation=Indexation.NONE), contracting_year)
    for contract in contracts.order_by("pk"):
        moment = at(local_date(contract.published_at) + timedelta(days=60), 10)
        if moment > now:
            continue
        for i, year in enumerate(list(contract.years)[1:]):
            deadline = later_year_deadline(contract, year)
            if deadline is None or moment >= deadline.due_at:
                continue
            contract_index_set(actor=people.purchasers.get(contract.insurer_id), contract=contract, year=year,
                               percent_value=INDEX_FIGURES[contract.indexation][i], now=moment)
            set_count += 1
    return set_count


def _own_offer_year(years, now: datetime) -> tuple[int, datetime] | None:
    """The latest of the demo's years whose own-offer window has opened by `now`, with its opening."""
    for year in sorted(years, reverse=True):
        window = own_offer_window(year)
        if window is not None and window[0] <= now:
            return year, window[0]
    return None


def _own_offers(years, now: datetime) -> int:
    found = _own_offer_year(years, now)
    if found is None:
        return 0
    year, opens = found
    people = cast()
    made = 0
    for index, title, text, lines, refusal in OWN_OFFERS:
        practice, member = people.demo_practices.get(index), people.members.get(index)
        if practice is None or member is None:
            continue
        shares = list(MarketShare.objects.filter(region_id=practice.region_id).order_by("-share_percent", "pk")
                      .values_list("insurer_id", flat=True))
        if not shares:
            continue
        insurer_id = shares[0] if refusal else shares[-1]  # the waiting one goes to a smaller insurer
        if OwnOffer.objects.filter(practice=practice, insurer_id=insurer_id, year=year, title=title).exists():
            continue
        submitted = min(at(local_date(opens) + timedelta(days=20 + 7 * index), 10), now - timedelta(hours=1))
        if submitted < opens:
            continue
        own = own_offer_submit(actor=member, practice=practice, insurer=Insurer.objects.get(pk=insurer_id),
                               year=year, title=title, text=text, lines=lines, term_years=2, now=submitted)
        made += 1
        decided = submitted + timedelta(days=30)
        purchaser = people.purchasers.get(insurer_id)
        if refusal and purchaser is not None and decided <= now:
            own_offer_decide(actor=purchaser, own_offer=own, decision=OwnOffer.Status.REFUSED, reason=refusal,
                             now=decided)
    return made


@demo_step("contracting.multiyear", order=45)
def seed_multiyear(ctx: DemoContext) -> dict[str, int]:
    contracting_year = contract_years_around(ctx.now)[1]
    return {"index_figures": _index_figures(contracting_year, ctx.now),
            "own_offers": _own_offers(ctx.years, ctx.now)}
