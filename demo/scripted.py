"""The practices with a story of their own, told through the contracting services one step at a time: the
three demo practices (their members and signatories are demo logins) and one practice per insurer after them.

Demo practices: a member opens the offer soon after publication and saves a module choice late in September;
the offer stays open while the signing window is (someone trying the portal signs it), and once the window
has closed their signatory turns out to have signed on its last day but one. Then they offer the signed
contract to other insurers, who decide in time or only just before 1 January; and every three weeks a member
asks their insurer a question (demo.moments), about the offer of the year being contracted once it is out,
before that about the contract in force.

One practice per insurer (found among the practices after the demo ones, always one whose offer is to be
signed) asks a question in the window, signs through offer_sign at its moment and offers its contract to the
region's next insurer, whose decisions run through followed, partly followed, declined and just in time.
"""

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from accounts.models import User
from contracting.calendar import RULES_BY_KIND, MilestoneKind, display_day, last_day, local_date
from contracting.models import FollowRequest, Milestone, Offer, Request, StandardContract
from contracting.services import (
    follow_request_decide,
    follow_requests_create,
    offer_choose_modules,
    offer_mark_opened,
    offer_sign,
    question_answer,
    question_ask,
)
from demo.organisations import DEMO_PRACTICE_COUNT, INSURERS, demo_practice_agb_codes, practice_agb_code
from insurers.models import Insurer
from providers.models import MarketShare, Practice
from providers.selectors import practices_with_preferent

from .moments import SIGN, YearClock, at, decision_moment, offer_outcome, question_slots
from .signing import choice_for, contract_modules_of, ensure_signatories, practice_rng
from .texts import DECLINE_EXPLANATION, PARTIAL_EXPLANATION, QUESTIONS

FOLLOWED, PARTIAL, DECLINED = (FollowRequest.Status.FOLLOWED, FollowRequest.Status.PARTIAL,
                               FollowRequest.Status.DECLINED)
# Per demo practice: (the how-manieth other insurer of its region by share, days after signing it is asked,
# the decision, days after the request it is taken, or None: two days before the follow deadline).
DEMO_FOLLOW_PLAN = {
    0: [(0, 2, FOLLOWED, 8)],
    1: [(0, 2, PARTIAL, 11), (1, 2, FOLLOWED, None)],
    2: [(0, 3, DECLINED, None)],
}
PICK_DECISIONS = [(FOLLOWED, 6), (PARTIAL, 9), (DECLINED, 12), (FOLLOWED, None)]
PICK_SCAN = 1_500


@dataclass
class Cast:
    """Who acts in the stories: purchasers by insurer id, the demo practices' people by practice index, and
    the picked practices with their signatories."""

    purchasers: dict[int, User]
    members: dict[int, User]
    signatories: dict[int, User]
    demo_practices: dict[int, Practice]
    picks: list[Practice]
    pick_signatories: dict[int, User]

    @property
    def practice_ids(self) -> set[int]:
        return {p.pk for p in self.demo_practices.values()} | {p.pk for p in self.picks}


def purchaser_email(key: str) -> str:
    return f"inkoper@{next(s.email_domain for s in INSURERS if s.key == key)}"


def _picks() -> list[Practice]:
    """The first practice after the demo ones for each insurer as preferent insurer, among those whose offer
    is to be signed, so the outcomes of demo.moments keep their proportions."""
    codes = [practice_agb_code(i) for i in range(DEMO_PRACTICE_COUNT, DEMO_PRACTICE_COUNT + PICK_SCAN)]
    found = {p.agb_code: p for p in practices_with_preferent(
        Practice.objects.filter(agb_code__in=codes).select_related("region"))}
    picks, seen = [], Counter()
    for code in codes:
        practice = found.get(code)
        if practice is None or offer_outcome(code) != SIGN or seen[practice.preferent_insurer_pk]:
            continue
        seen[practice.preferent_insurer_pk] += 1
        picks.append(practice)
    return picks


def cast() -> Cast:
    insurers = {i.name: i.pk for i in Insurer.objects.all()}
    emails = {purchaser_email(s.key): insurers[s.name] for s in INSURERS if s.name in insurers}
    purchasers = {emails[u.email]: u for u in User.objects.filter(email__in=emails)}
    practices = {p.agb_code: p for p in Practice.objects.filter(agb_code__in=demo_practice_agb_codes())}
    demo_practices = {n: practices[agb] for n, agb in enumerate(demo_practice_agb_codes()) if agb in practices}
    people = {u.email: u for u in User.objects.filter(
        email__regex=r"^(medewerker|tekenbevoegde)@praktijk[0-9]+\.demo$")}
    picks = _picks()
    return Cast(
        purchasers=purchasers,
        members={n: people[f"medewerker@praktijk{n + 1}.demo"] for n in demo_practices
                 if f"medewerker@praktijk{n + 1}.demo" in people},
        signatories={n: people[f"tekenbevoegde@praktijk{n + 1}.demo"] for n in demo_practices
                     if f"tekenbevoegde@praktijk{n + 1}.demo" in people},
        demo_practices=demo_practices, picks=picks, pick_signatories=ensure_signatories(picks))


def _other_insurers(practice: Practice, insurer_id: int) -> list[int]:
    """The region's other insurers, largest share first: whom a practice asks to follow its contract."""
    return list(MarketShare.objects.filter(region_id=practice.region_id).exclude(insurer_id=insurer_id)
                .order_by("-share_percent", "insurer__name").values_list("insurer_id", flat=True))


def _decision_moment(requested_at: datetime, after_days: int | None, follow_due: datetime) -> datetime:
    if after_days is not None:
        return at(local_date(requested_at) + timedelta(days=after_days), 11)
    return at(local_date(follow_due) - timedelta(days=2), 11)


def _follow(offer: Offer, requester: User, targets: list[tuple[int, datetime, str, datetime]],
            purchasers: dict[int, User], now: datetime) -> None:
    """Ask each target insurer (at its moment; those asked at one moment in one action) and decide when due."""
    by_moment: dict[datetime, list[int]] = {}
    for insurer_id, requested_at, _decision, _decide_at in targets:
        if requested_at <= now:
            by_moment.setdefault(requested_at, []).append(insurer_id)
    existing = {fr.insurer_id: fr for fr in FollowRequest.objects.filter(offer=offer)}
    for requested_at, insurer_ids in sorted(by_moment.items()):
        missing = [pk for pk in insurer_ids if pk not in existing]
        if missing:
            for fr in follow_requests_create(actor=requester, offer=offer, now=requested_at,
                                             insurers=list(Insurer.objects.filter(pk__in=missing))):
                existing[fr.insurer_id] = fr
    for insurer_id, _requested_at, decision, decide_at in targets:
        request = existing.get(insurer_id)
        if request is None or request.status != FollowRequest.Status.PENDING or decide_at > now:
            continue
        follow_request_decide(
            actor=purchasers.get(insurer_id), follow_request=request, decision=decision, now=decide_at,
            explanation={PARTIAL: PARTIAL_EXPLANATION, DECLINED: DECLINE_EXPLANATION}.get(decision, ""),
            not_followed=["praktijkmanagement"] if decision == PARTIAL else None)


def _ask(offer: Offer, asker: User, asked_at: datetime, answered_at: datetime, k: int, purchaser: User | None,
         now: datetime) -> None:
    text, answer = QUESTIONS[k % len(QUESTIONS)]
    question = Request.objects.filter(kind=Request.Kind.QUESTION, offer=offer, raised_by=asker,
                                      raised_at=asked_at).first()
    if question is None:
        question = question_ask(actor=asker, offer=offer, text=text, now=asked_at)
    if question.answered_at is None and answered_at <= now:
        question_answer(actor=purchaser, question=question, answer=answer, now=answered_at)


def _preferent_offers(year: int, practices) -> dict[int, Offer]:
    return {o.practice_id: o for o in Offer.objects.filter(
        year=year, reason=Offer.Reason.PREFERENT, practice__in=list(practices),
    ).select_related("standard_contract", "practice", "insurer")}


def _window_story(year: int, clock: YearClock, cast: Cast, now: datetime) -> None:
    opens, closes = clock.due(MilestoneKind.SIGNING_OPEN), clock.due(MilestoneKind.SIGNING_CLOSE)
    follow_due = clock.due(MilestoneKind.FOLLOW_DECISIONS_DUE)
    offers = _preferent_offers(year, cast.practice_ids)

    for n, practice in cast.demo_practices.items():
        offer, member, signatory = offers.get(practice.pk), cast.members.get(n), cast.signatories.get(n)
        if offer is None or member is None or signatory is None:
            continue
        published = local_date(offer.standard_contract.published_at)
        opened_at = at(published + timedelta(days=2 + n), 9, 15)
        if opened_at <= now:
            offer_mark_opened(actor=member, offer=offer, now=opened_at)
        chosen_at = at(local_date(opens) - timedelta(days=5 - n), 14)
        if chosen_at <= now and offer.status == Offer.Status.OPEN and not offer.choices.exists():
            modules = contract_modules_of(offer.standard_contract)
            patients = practice.registered_patients
            offer_choose_modules(actor=member, offer=offer, now=chosen_at,
                                 modules=choice_for(modules, patients, practice_rng(year, practice.agb_code)))
        if now >= closes and offer.status == Offer.Status.OPEN:
            # Only once the window has closed: while it is open, the demo signatory signs it.
            offer_sign(actor=signatory, offer=offer, now=at(last_day(closes) - timedelta(days=1), 15 - n),
                       two_factor_verified=True)
            offer.refresh_from_db()
        if offer.status == Offer.Status.SIGNED:
            signed_at = offer.decided_at
            others = _other_insurers(practice, offer.insurer_id)
            targets = []
            for rank, after, decision, decide_after in DEMO_FOLLOW_PLAN.get(n, []):
                if rank < len(others):
                    requested_at = at(local_date(signed_at) + timedelta(days=after), 10)
                    targets.append((others[rank], requested_at, decision,
                                    _decision_moment(requested_at, decide_after, follow_due)))
            _follow(offer, signatory, targets, cast.purchasers, now)

    for i, practice in enumerate(cast.picks):
        offer, signatory = offers.get(practice.pk), cast.pick_signatories.get(practice.pk)
        if offer is None or signatory is None:
            continue
        asked_at = at(local_date(opens) + timedelta(days=2 + i), 11)
        answered_at = asked_at + (timedelta(days=1, hours=-1) if i % 2 == 0 else timedelta(days=9, hours=5))
        if asked_at <= now:
            _ask(offer, signatory, asked_at, answered_at, i + year, cast.purchasers.get(offer.insurer_id), now)
        signed_at = decision_moment(practice.agb_code, year, opens, closes)
        if signed_at > now:
            continue
        if offer.status == Offer.Status.OPEN:
            offer_mark_opened(actor=signatory, offer=offer, now=signed_at - timedelta(days=1, hours=2))
            modules = contract_modules_of(offer.standard_contract)
            offer_sign(actor=signatory, offer=offer, now=signed_at, two_factor_verified=True,
                       modules=choice_for(modules, practice.registered_patients,
                                          practice_rng(year, practice.agb_code)))
            offer.refresh_from_db()
        if offer.status == Offer.Status.SIGNED:
            others = _other_insurers(practice, offer.insurer_id)
            decision, decide_after = PICK_DECISIONS[i % len(PICK_DECISIONS)]
            requested_at = at(local_date(offer.decided_at) + timedelta(days=2), 10)
            if others:
                _follow(offer, signatory, [(others[0], requested_at, decision,
                                            _decision_moment(requested_at, decide_after, follow_due))],
                        cast.purchasers, now)


def _evaluation_start(year: int) -> date:
    """The first day of contract year `year`'s cycle (1 January of the year before), as stored or by rule."""
    milestone = Milestone.objects.filter(contract_year__year=year, kind=MilestoneKind.EVALUATION_START).first()
    rule = RULES_BY_KIND[MilestoneKind.EVALUATION_START]
    return display_day(milestone.due_at if milestone else rule.due_at(year), rule.boundary)


def _question_story(year: int, cast: Cast, now: datetime) -> None:
    """The demo members' questions in contract year `year`'s cycle (from 1 January of the year before): about
    this year's offer once its contract is published, before that about last year's signed contract."""
    start, end = _evaluation_start(year), _evaluation_start(year + 1)
    practices = [p.pk for p in cast.demo_practices.values()]
    this_year, last_year = _preferent_offers(year, practices), _preferent_offers(year - 1, practices)
    for n, practice in cast.demo_practices.items():
        member = cast.members.get(n)
        if member is None:
            continue
        for slot in question_slots(n, start, end):
            if slot.asked_at > now:
                break
            offer = this_year.get(practice.pk)
            if offer is None or offer.standard_contract.published_at > slot.asked_at:
                offer = last_year.get(practice.pk)
                if offer is None or offer.status != Offer.Status.SIGNED or offer.decided_at > slot.asked_at:
                    continue
            _ask(offer, member, slot.asked_at, slot.answered_at, slot.k + 4 * n + year,
                 cast.purchasers.get(offer.insurer_id), now)


def run_stories(year: int, clock: YearClock, cast: Cast, now: datetime) -> None:
    if StandardContract.objects.filter(first_year=year, status=StandardContract.Status.PUBLISHED).exists():
        _window_story(year, clock, cast, now)
    _question_story(year, cast, now)

