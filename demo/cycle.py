"""The contracting cycle of the demo years: NZa maximum tariffs, each insurer's purchasing policy and practice
standard contract, the offers they send out, and whatever of the signing window, the follow requests and the
questions lies in the past.

Everything goes through the contracting services with `now` set to a moment fixed relative to the year's
milestones (demo.moments), never to the clock: the clock only decides which of those moments are past. So one
date always gives the same data, a later date adds the steps that became due since, and a second run writes
nothing and records no audit events. Per year, in the calendar's order:

- NZa maximum tariffs ten days before 1 July;
- purchasing policies: two versions before 1 April, one insurer (another each year) late, with a draft first;
- standard contracts: a draft from mid-April (insurer by insurer a week apart), published in the first half
  of September, which sends the offers; a contract runs one year, except that the year in contracting gets
  each insurer's term of the NZa monitor (Tabel 2.2: six of eight insurers contract for several years), and
  no insurer offers a new contract for a year its earlier contract still covers;
- about four in ten practices look at their offer in the weeks after it is published;
- the signing window (demo.signing for most practices, demo.scripted for the demo practices and a few more);
- after the window has closed and the sweep has already expired the year's undecided offers, offers of
  practices seeded since are expired the same way;
- notices about what has been dealt with since are read.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from accounts.models import Membership, Notification, User
from accounts.services import notification_mark_read
from contracting.calendar import REQUEST_REACTION_CLOCK, MilestoneKind, local_date
from contracting.effects import follow_overdue_notice_key, request_overdue_notice_key
from contracting.models import (
    FollowRequest,
    HolderKind,
    Indexation,
    Milestone,
    Module,
    NzaMaxTariff,
    Offer,
    Request,
    Signature,
    StandardContract,
    covering,
)
from contracting.services import (
    nza_tariff_set,
    offers_create_for_preferent,
    offers_expire,
    policy_publish,
    policy_save_draft,
    standard_contract_create,
    standard_contract_publish,
    standard_contract_set_module,
)
from contracting.services.follow import follow_decided_notice_key, follow_request_notice_key
from contracting.services.requests import request_notice_key
from core.audit import audit_event
from core.models import AuditEvent
from demo.organisations import INSURERS, InsurerSpec
from demo.registry import DemoContext, demo_step
from insurers.models import Insurer, PolicyVersion, PurchasingPolicy
from providers.models import Practice
from providers.selectors import practices_with_preferent

from .bulk import insert_rows
from .moments import YearClock, at, contract_years_around
from .scripted import Cast, cast, run_stories
from .signing import AUDIT_FIELDS, audit_rows, decide_window
from .texts import CONTRACT_CONDITIONS, MODULE_CONDITIONS, policy_texts

CENT = Decimal("0.01")
# NZa maximum tariffs of the S1 prestaties for BASE_YEAR (demo values of the right order, not the real
# tariefbeschikking); other years follow with a yearly indexation.
BASE_YEAR = 2027
YEARLY_INDEXATION = Decimal("1.032")
NZA_MAX = {
    "inschrijving": Decimal("17.40"),  # per registered patient per quarter
    "consult": Decimal("10.50"),  # per consult
    "poh-ggz": Decimal("4010.00"),  # per weekly hour per year
    "specifieke-verrichtingen": Decimal("30.20"),  # per verrichting
}
# Insurers' own tariffs for the free (S3 and other) modules, before each insurer's factor.
FREE_TARIFFS = {
    "praktijkmanagement": Decimal("2850.00"),  # per weekly hour per year
    "poh-s": Decimal("3350.00"),  # per weekly hour per year
    "kwaliteit": Decimal("2400.00"),  # per practice per year
    "service-bereikbaarheid": Decimal("1.85"),  # per registered patient per year
    "kwetsbare-ouderen": Decimal("1.10"),
    "doelmatig-voorschrijven": Decimal("1.40"),
    "meer-tijd": Decimal("6.50"),
    "advance-care-planning": Decimal("145.00"),  # per terminal patient
}
BASE_MODULES = ("inschrijving", "consult", "specifieke-verrichtingen", "poh-ggz", "praktijkmanagement", "kwaliteit",
                "service-bereikbaarheid")


@dataclass(frozen=True)
class InsurerProfile:
    term_years: int  # of its contract for the year in contracting (NZa monitor, Tabel 2.2)
    s1_share: Decimal  # share of the NZa maximum paid on the S1 prestaties
    free_factor: Decimal  # on FREE_TARIFFS
    pm_cap: Decimal  # praktijkmanagement: hours a week per 2,350 patients (3 to 6)
    extra_modules: tuple[str, ...]
    days_before_offers_due: int  # contract published this many days before 15 September


PROFILES = {
    "zk": InsurerProfile(1, Decimal("1.000"), Decimal("1.00"), Decimal("4"),
                         ("kwetsbare-ouderen", "doelmatig-voorschrijven"), 12),
    "vgz": InsurerProfile(2, Decimal("0.990"), Decimal("0.97"), Decimal("5"),
                          ("kwetsbare-ouderen", "advance-care-planning"), 6),
    "cz": InsurerProfile(2, Decimal("1.000"), Decimal("1.02"), Decimal("3.5"), ("doelmatig-voorschrijven",), 9),
    "menzis": InsurerProfile(2, Decimal("0.985"), Decimal("1.04"), Decimal("6"), ("kwetsbare-ouderen", "meer-tijd"), 4),
    "dsw": InsurerProfile(2, Decimal("1.000"), Decimal("0.95"), Decimal("3"), (), 14),
    "zz": InsurerProfile(2, Decimal("0.995"), Decimal("1.00"), Decimal("4.5"), ("kwetsbare-ouderen",), 8),
    "eno": InsurerProfile(3, Decimal("0.990"), Decimal("0.98"), Decimal("5"), ("advance-care-planning", "poh-s"), 3),
    "df": InsurerProfile(1, Decimal("1.000"), Decimal("1.03"), Decimal("5.5"), ("kwetsbare-ouderen", "poh-s"), 10),
}


# The indexation clause of an insurer's multi-year contract (the others have none).
INDEXATION = {"eno": Indexation.STAFF, "cz": Indexation.ALL, "vgz": Indexation.STAFF}


def indexed(amount: Decimal, year: int) -> Decimal:
    return (amount * YEARLY_INDEXATION ** (year - BASE_YEAR)).quantize(CENT, rounding=ROUND_HALF_UP)


def late_policy_insurer(year: int) -> str:
    """The insurer that publishes its purchasing policy after 1 April in `year`, a different one each year."""
    return INSURERS[year % len(INSURERS)].key


# --- NZa tariffs, policies, contracts --------------------------------------------------------------------------
def _ensure_nza_tariffs(year: int, clock: YearClock, actor, now: datetime) -> None:
    if at(clock.day(MilestoneKind.NZA_TARIFFS) - timedelta(days=10), 14) > now:
        return  # the analyst's to-do until then
    existing = set(NzaMaxTariff.objects.filter(year=year).values_list("module__code", flat=True))
    for module in Module.objects.filter(has_nza_max=True, code__in=NZA_MAX).exclude(code__in=existing):
        nza_tariff_set(actor=actor, module=module, year=year, max_tariff=indexed(NZA_MAX[module.code], year))


def _ensure_policy(spec: InsurerSpec, insurer: Insurer, year: int, term_years: int, clock: YearClock, actor,
                   now: datetime) -> None:
    texts = policy_texts(spec, PROFILES[spec.key], year, term_years)
    policy = PurchasingPolicy.objects.filter(insurer=insurer, year=year).first()
    latest = policy.versions.order_by("-number").first() if policy else None
    published = latest.number if latest else 0
    if published >= len(texts) or (latest and latest.body != texts[published - 1][1]):
        return  # done, or the purchaser has written a policy of their own
    deadline = clock.day(MilestoneKind.POLICY_PUBLICATION)
    n = [s.key for s in INSURERS].index(spec.key)
    if spec.key == late_policy_insurer(year):
        moments = [at(deadline + timedelta(days=9), 10), at(deadline + timedelta(days=23), 14)]
        # A draft that waits: the purchaser's to-do, with a banner counting down to 1 April and then "late".
        title, body = texts[0]
        if policy is None and at(deadline - timedelta(days=12), 16) <= now < moments[0]:
            policy_save_draft(actor=actor, insurer=insurer, year=year, title=title, body=body)
    else:
        moments = [at(deadline - timedelta(days=30 + 2 * n), 10), at(deadline - timedelta(days=4 + n), 14)]
    for (title, body), moment in list(zip(texts, moments, strict=True))[published:]:
        if moment > now:
            break
        policy = policy_save_draft(actor=actor, insurer=insurer, year=year, title=title, body=body)
        policy_publish(actor=actor, policy=policy, now=moment)


def _module_tariff(module: Module, profile: InsurerProfile, year: int) -> Decimal:
    if module.has_nza_max:
        # Before 1 July the NZa has not set the year's maximum yet; a draft uses what it will be.
        row = NzaMaxTariff.objects.filter(module=module, year=year).first()
        maximum = row.max_tariff if row else indexed(NZA_MAX[module.code], year)
        return (maximum * profile.s1_share).quantize(CENT, rounding=ROUND_DOWN)
    return (indexed(FREE_TARIFFS[module.code], year) * profile.free_factor).quantize(CENT, rounding=ROUND_HALF_UP)


def _continuing(insurer: Insurer, year: int) -> bool:
    """An earlier practice contract of the insurer still covers `year`: it offers no new one."""
    return covering(StandardContract.objects.filter(
        insurer=insurer, holder_kind=HolderKind.PRACTICE, status=StandardContract.Status.PUBLISHED,
        first_year__lt=year), year).exists()


def _ensure_contract(spec: InsurerSpec, insurer: Insurer, year: int, term_years: int, clock: YearClock, actor,
                     now: datetime) -> tuple[StandardContract | None, bool]:
    """The insurer's published practice contract for `year` (None while it is a draft or not yet begun), and
    whether it was published just now (which sent the offers). An existing one is kept, whoever published it."""
    published = StandardContract.objects.filter(insurer=insurer, first_year=year, holder_kind=HolderKind.PRACTICE,
                                                status=StandardContract.Status.PUBLISHED).first()
    if published:
        return published, False
    n = [s.key for s in INSURERS].index(spec.key)
    drafted = at(clock.day(MilestoneKind.POLICY_PUBLICATION) + timedelta(days=14 + 7 * n), 10)
    if drafted > now or _continuing(insurer, year):
        return None, False
    profile = PROFILES[spec.key]
    years = str(year) if term_years == 1 else f"{year}–{year + term_years - 1}"
    title = f"Standaardcontract huisartsenzorg {spec.short_name} {years}"
    contract = StandardContract.objects.filter(insurer=insurer, first_year=year, holder_kind=HolderKind.PRACTICE,
                                               status=StandardContract.Status.DRAFT, title=title).first()
    if contract is None:
        contract = standard_contract_create(actor=actor, insurer=insurer, first_year=year, title=title,
                                            term_years=term_years, conditions=CONTRACT_CONDITIONS, now=drafted,
                                            indexation=INDEXATION.get(spec.key, Indexation.NONE) if term_years > 1
                                            else Indexation.NONE)
    modules = {m.code: m for m in Module.objects.filter(code__in=BASE_MODULES + profile.extra_modules)}
    for code in BASE_MODULES + profile.extra_modules:
        module = modules[code]
        standard_contract_set_module(
            actor=actor, contract=contract, module=module, tariff=_module_tariff(module, profile, year),
            conditions=MODULE_CONDITIONS.get(code, ""),
            cap_hours=profile.pm_cap if code == "praktijkmanagement" else None)
    moment = at(clock.day(MilestoneKind.INDIVIDUAL_OFFERS_FINAL) - timedelta(days=profile.days_before_offers_due), 11)
    if moment > now:
        return None, False  # the purchaser's draft, to finish and publish by 15 September
    return standard_contract_publish(actor=actor, contract=contract, now=moment), True


def _mark_offers_opened(contracts: list[StandardContract], excluded: set[int], now: datetime) -> None:
    """About four in ten practices look at their offer in the weeks after publication (the insurer's signing
    watch: sent, opened, signed), chosen by the last digit of the AGB code so it is deterministic. The same
    writes as offer_mark_opened (the offer's opened_at and its contracting.offer.opened audit event, without an
    actor: the demo has no user for the practice's people who look), but set-based for 50,000 practices."""
    for contract in contracts:
        published = local_date(contract.published_at)
        moments = {str(d): at(published + timedelta(days=2 + 4 * d), 9 + d) for d in range(4)}
        moments = {digit: moment for digit, moment in moments.items() if moment <= now}
        if not moments:
            continue
        # Chosen here rather than in the UPDATE's WHERE: inside the seed's transaction the planner has no
        # statistics for the rows just inserted, and a join there can pick a plan that takes minutes.
        offers: dict[str, list[Offer]] = {digit: [] for digit in moments}
        unopened = Offer.objects.filter(standard_contract=contract, opened_at__isnull=True)
        for pk, practice_id, name, agb in unopened.values_list("pk", "practice_id", "practice__name",
                                                               "practice__agb_code"):
            if agb and agb[-1] in offers and practice_id not in excluded:
                offers[agb[-1]].append(Offer(pk=pk, standard_contract=contract,
                                             practice=Practice(pk=practice_id, name=name, agb_code=agb)))
        for digit, moment in moments.items():
            for start in range(0, len(offers[digit]), 5_000):
                batch = offers[digit][start:start + 5_000]
                Offer.objects.filter(pk__in=[o.pk for o in batch]).update(opened_at=moment)
                insert_rows(AuditEvent, AUDIT_FIELDS, audit_rows(
                    [audit_event(actor=None, verb="contracting.offer.opened", obj=offer, after={"opened_at": moment})
                     for offer in batch], timezone.now()))


def _expire_late_offers(year: int) -> None:
    """Offers created after the sweep expired the year's undecided ones (practices seeded since) expire as
    they would have: with the end of signing as their moment."""
    close = Milestone.objects.filter(contract_year__year=year, kind=MilestoneKind.SIGNING_CLOSE,
                                     applied_at__isnull=False).first()
    if close and Offer.objects.filter(year=year, status=Offer.Status.OPEN, practice__isnull=False).exists():
        offers_expire(year=year, effective_at=close.due_at)


# --- Entry point ----------------------------------------------------------------------------------------------
COUNTED = {
    "nza_tariffs": NzaMaxTariff,
    "policy_versions": PolicyVersion,
    "standard_contracts": StandardContract,
    "offers": Offer,
    "signatures": Signature,
    "follow_requests": FollowRequest,
    "questions": Request,
}


def _seed_year(year: int, contracting_year: int, people: Cast, analyst: User | None, now: datetime) -> None:
    clock = YearClock(year)
    _ensure_nza_tariffs(year, clock, analyst, now)
    insurers = {i.name: i for i in Insurer.objects.filter(name__in=[s.name for s in INSURERS])}
    # Publishing sends the offers, but practices seeded since (a larger --practices) have none yet. Not every
    # practice has a preferent offer every year (an insurer whose earlier contract still covers the year sends
    # none), so the check is on the practices added after the last one with a preferent offer of the year,
    # among those whose preferent insurer has a contract for it: a few rows, where finding every practice's
    # preferent insurer again is slow for 50,000 practices.
    last = Offer.objects.filter(year=year, reason=Offer.Reason.PREFERENT).aggregate(pk=Max("practice_id"))["pk"]
    offering = StandardContract.objects.filter(first_year=year, holder_kind=HolderKind.PRACTICE,
                                               status=StandardContract.Status.PUBLISHED).values("insurer_id")
    offers_missing = practices_with_preferent(Practice.objects.filter(pk__gt=last or 0)).filter(
        preferent_insurer_pk__in=offering).exists()
    contracts = []
    for spec in INSURERS:
        insurer = insurers.get(spec.name)
        if insurer is None:
            continue
        term_years = PROFILES[spec.key].term_years if year == contracting_year else 1
        actor = people.purchasers.get(insurer.pk)
        _ensure_policy(spec, insurer, year, term_years, clock, actor, now)
        contract, just_published = _ensure_contract(spec, insurer, year, term_years, clock, actor, now)
        if contract is None:
            continue
        if offers_missing and not just_published:
            offers_create_for_preferent(contract=contract)
        contracts.append(contract)
    if contracts:
        _mark_offers_opened(contracts, people.practice_ids, now)
    run_stories(year, clock, people, now)
    if not contracts:
        return
    opens, closes = clock.due(MilestoneKind.SIGNING_OPEN), clock.due(MilestoneKind.SIGNING_CLOSE)
    if opens <= now:
        decide_window(contracts=contracts, opens=opens, closes=closes, now=now, excluded=people.practice_ids)
    _expire_late_offers(year)


def read_handled_notices(contracting_year: int, now: datetime) -> None:
    """The demo's people have read the notices about what was dealt with since: a question once answered, a
    follow request once decided, and the decisions on follow requests of earlier years, so the unread count
    in the header is what still waits (by the keys the contracting services give their notices).
    Through notification_mark_read, as a user's click, at the seed's moment."""
    answered = Request.objects.filter(answered_at__isnull=False).values_list("pk", flat=True)
    decided = FollowRequest.objects.exclude(status=FollowRequest.Status.PENDING).values_list("pk", "year")
    keys = ([request_notice_key(pk) for pk in answered]
            + [request_overdue_notice_key(pk, REQUEST_REACTION_CLOCK) for pk in answered]
            + [f"request-answered:{pk}" for pk in answered]
            + [follow_request_notice_key(pk) for pk, _year in decided]
            + [follow_overdue_notice_key(pk) for pk, _year in decided]
            + [follow_decided_notice_key(pk) for pk, year in decided if year < contracting_year])
    for start in range(0, len(keys), 500):
        for notice in Notification.objects.filter(key__in=keys[start:start + 500], read_at__isnull=True,
                                                  user__email__endswith=".demo"):
            notification_mark_read(user=notice.user, notification_id=notice.pk, now=now)


def seed_cycle(*, years: Iterable[int], now: datetime) -> dict[str, int]:
    """Run the demo cycle of each contract year up to `now`. The years' calendars must exist. Returns how
    many of each kind were created (signatories of practices count as users and memberships)."""
    before = {kind: model.objects.count() for kind, model in COUNTED.items()}
    users_before, memberships_before = User.objects.count(), Membership.objects.count()
    contracting_year = contract_years_around(now)[1]
    with transaction.atomic():
        people = cast()
        analyst = User.objects.filter(email="analist@nza.demo").first()
        for year in sorted(years):
            _seed_year(year, contracting_year, people, analyst, now)
        read_handled_notices(contracting_year, now)
    created = {kind: model.objects.count() - before[kind] for kind, model in COUNTED.items()}
    created["users"] = User.objects.count() - users_before
    created["memberships"] = Membership.objects.count() - memberships_before
    return created


@demo_step("contracting.cycle", order=40)
def _step(ctx: DemoContext) -> dict[str, int]:
    return seed_cycle(years=ctx.years, now=ctx.now)
