"""Reads of the calendar: which contract year is current, how its calendar and signing window stand at a
moment, and deadlines as people read them."""

from dataclasses import dataclass
from datetime import date, datetime

from accounts.models import Membership, Role

from ..calendar import (
    PHASE_ORDER,
    Audience,
    Deadline,
    MilestoneKind,
    Phase,
    display_day,
    last_day,
    local_date,
)
from ..engine import calendar_rule, calendar_rules
from ..models import ContractYear, HolderKind, Milestone

# Which calendar audience a role acts as. Administrators keep the whole calendar running, so their next step
# is the next milestone of any audience.
ALL_AUDIENCES = "all"
ROLE_AUDIENCE = {
    Role.INSURER_PURCHASER: Audience.INSURER,
    Role.PRACTICE_MEMBER: Audience.PRACTICE,
    Role.PRACTICE_SIGNATORY: Audience.PRACTICE,
    Role.CAREGROUP_MEMBER: Audience.CAREGROUP,
    Role.CAREGROUP_SIGNATORY: Audience.CAREGROUP,
    Role.OTH_MEMBER: Audience.OTH,
    Role.NZA_ANALYST: Audience.NZA,
    Role.ADMINISTRATOR: ALL_AUDIENCES,
}
PRACTICE_ROLES = frozenset({Role.PRACTICE_MEMBER, Role.PRACTICE_SIGNATORY})
# The phases after signing closed: the home page then also shows the next cycle's first steps.
LAST_PHASES = frozenset({Phase.SIGNING_CLOSED, Phase.REGISTER_PUBLISHED, Phase.FOLLOW_PROCESSING})


def _timeline_hidden_kinds() -> list[str]:
    """Milestones that only trigger notifications (reminders): the calendar people read leaves them out."""
    return [rule.kind for rule in calendar_rules() if not rule.on_timeline]


@dataclass(frozen=True)
class TimelineEntry:
    kind: str
    label: str  # lazy translation: rendered in the language of the request
    short_label: str  # for a one-line summary ("inkoopbeleid")
    boundary: str  # "start" ("vanaf D") or "end" ("uiterlijk D")
    day: date  # the local date a person reads: the last day allowed for an end boundary
    due_at: datetime
    who: tuple[str, ...]
    is_done: bool
    is_next: bool
    days_left: int | None  # steps ahead only: whole local days from today to `day` (0: today)

    @property
    def is_deadline(self) -> bool:
        return self.boundary == "end"

    @property
    def who_labels(self) -> list[str]:
        return [Audience(a).label for a in self.who]


@dataclass(frozen=True)
class Timeline:
    contract_year: ContractYear
    entries: list[TimelineEntry]
    today: date
    phase: str  # the phase the calendar has reached at `now` (Phase value)
    next_entry: TimelineEntry | None

    @property
    def phase_label(self) -> str:
        return Phase(self.phase).label

    @property
    def entries_done(self) -> list[TimelineEntry]:
        return [e for e in self.entries if e.is_done]

    @property
    def entries_ahead(self) -> list[TimelineEntry]:
        return [e for e in self.entries if not e.is_done]

    def entry(self, kind: str) -> TimelineEntry | None:
        return next((e for e in self.entries if e.kind == kind), None)

    def next_for(self, audience: str) -> TimelineEntry | None:
        return next((e for e in self.entries
                     if not e.is_done and (audience == ALL_AUDIENCES or audience in e.who)), None)


@dataclass(frozen=True)
class SigningWindow:
    opens: TimelineEntry
    closes: TimelineEntry
    state: str  # "before", "open" or "closed"


@dataclass(frozen=True)
class NextStep:
    membership: Membership
    audience: str
    entry: TimelineEntry | None  # None: nothing ahead for this audience in this year
    signing: SigningWindow | None  # only for practice roles
    can_sign: bool  # one of the user's memberships for this audience is a signatory
    next_cycle: tuple[TimelineEntry, ...] = ()  # the next year's first steps, once this one is in its last phase

    @property
    def entry_beyond_signing(self) -> TimelineEntry | None:
        """The next step unless the signing window already says it."""
        if self.signing and self.entry and self.entry.kind in (MilestoneKind.SIGNING_OPEN, MilestoneKind.SIGNING_CLOSE):
            return None
        return self.entry


# --- The signing window: the one place that reads it ---------------------------------------------------------
@dataclass(frozen=True)
class Window:
    """The signing window of one contract year, as a reader sees it at `now`: from 00:00 on 1 October to the
    end of 7 November (Amsterdam), or whatever an administrator set for that year."""

    opens: datetime
    closes: datetime
    today: date
    state: str  # "before", "open" or "closed"

    @property
    def first_day(self) -> date:
        return local_date(self.opens)

    @property
    def last_day(self) -> date:
        return last_day(self.closes)

    @property
    def days_to_open(self) -> int:
        return (self.first_day - self.today).days

    @property
    def days_left(self) -> int:
        return (self.last_day - self.today).days


# Where each kind of holder's signing window starts and ends. Practices: from 1 October to the end of
# 7 November. Care groups: negotiation from the consultation on 1 February (an agreement may be signed as soon
# as it is reached) to the end of 1 October.
SIGNING_WINDOW_KINDS = {
    HolderKind.PRACTICE: (MilestoneKind.SIGNING_OPEN, MilestoneKind.SIGNING_CLOSE),
    HolderKind.CARE_GROUP: (MilestoneKind.CONSULTATION_START, MilestoneKind.CAREGROUP_SIGNING_CLOSE),
}


def signing_window(year: int, holder_kind: str = HolderKind.PRACTICE) -> tuple[datetime, datetime] | None:
    """(opens, closes) of contract year `year`'s signing window for `holder_kind`; None for a year without a
    calendar. The one home of which milestones bound signing for whom (SIGNING_WINDOW_KINDS)."""
    opens_kind, closes_kind = SIGNING_WINDOW_KINDS[holder_kind]
    rows = dict(Milestone.objects.filter(
        contract_year__year=year, kind__in=[opens_kind, closes_kind],
    ).values_list("kind", "due_at"))
    if len(rows) != 2:
        return None
    return rows[opens_kind], rows[closes_kind]


def _window_at(opens: datetime, closes: datetime, now: datetime) -> Window:
    state = "before" if now < opens else "closed" if now >= closes else "open"
    return Window(opens=opens, closes=closes, today=local_date(now), state=state)


def signing_window_at(year: int, now: datetime, holder_kind: str = HolderKind.PRACTICE) -> Window | None:
    window = signing_window(year, holder_kind)
    if window is None:
        return None
    return _window_at(*window, now)


def signing_windows_at(years, now: datetime, holder_kind: str = HolderKind.PRACTICE) -> dict[int, Window | None]:
    """signing_window_at for each of `years`, in one query (None for a year without both ends)."""
    opens_kind, closes_kind = SIGNING_WINDOW_KINDS[holder_kind]
    ends: dict[int, dict[str, datetime]] = {year: {} for year in years}
    for year, kind, due_at in Milestone.objects.filter(
            contract_year__year__in=list(ends), kind__in=[opens_kind, closes_kind],
    ).values_list("contract_year__year", "kind", "due_at"):
        ends[year][kind] = due_at
    return {year: _window_at(moments[opens_kind], moments[closes_kind], now)
            if len(moments) == 2 else None for year, moments in ends.items()}


def signing_year_default(now: datetime) -> int:
    """The year whose signing window is open or next; after the last one closed, the latest year."""
    upcoming = (Milestone.objects.filter(kind=MilestoneKind.SIGNING_CLOSE, due_at__gt=now)
                .order_by("due_at").values_list("contract_year__year", flat=True).first())
    if upcoming:
        return upcoming
    latest = ContractYear.objects.order_by("-year").values_list("year", flat=True).first()
    return latest or local_date(now).year + 1


def _boundary(kind: str) -> str:
    rule = calendar_rule(kind)
    return rule.boundary if rule else "end"


def year_deadlines(year: int, now: datetime) -> dict[str, Deadline]:
    """Every milestone of `year` as a Deadline (day read by a person, days left), by kind. One query."""
    return {m.kind: Deadline.of(m.due_at, now, boundary=_boundary(m.kind))
            for m in Milestone.objects.filter(contract_year__year=year)}


def milestone_deadline(year: int, kind: str, now: datetime) -> Deadline | None:
    milestone = Milestone.objects.filter(contract_year__year=year, kind=kind).first()
    return Deadline.of(milestone.due_at, now, boundary=_boundary(kind)) if milestone else None


# When a year's definitive offers are due, by kind of holder: care groups by 15 July, practices by 15 September.
OFFERS_DEADLINE_KIND = {HolderKind.PRACTICE: MilestoneKind.INDIVIDUAL_OFFERS_FINAL,
                        HolderKind.CARE_GROUP: MilestoneKind.CAREGROUP_OFFERS}


def offers_deadline_kind(holder_kind: str) -> str:
    return OFFERS_DEADLINE_KIND[holder_kind]


@dataclass(frozen=True)
class OffersExpected:
    """Where a holder without an offer for `year` stands: when offers were or are due for its kind of holder,
    the signing window, and the first step of the next year's cycle."""

    holder_kind: str
    year: int
    deadline: Deadline | None  # None: the year has no calendar
    window: Window | None
    next_cycle: Deadline

    @property
    def state(self) -> str:
        """"no_calendar", "coming" (offers still due), "late" (due date passed, signing still possible) or
        "closed" (nothing can be signed for this year any more)."""
        if self.deadline is None:
            return "no_calendar"
        if self.window is not None and self.window.state == "closed":
            return "closed"
        return "late" if self.deadline.passed else "coming"


def offers_expected(year: int, holder_kinds: list[str], now: datetime, *,
                    window: Window | None = None) -> list[OffersExpected]:
    """For each kind of holder the user acts for, when the year's offers come (or came). Two queries, three
    without the signing window passed in."""
    deadlines = year_deadlines(year, now)
    window = window or signing_window_at(year, now)
    start = calendar_rule(MilestoneKind.EVALUATION_START)
    # Next year's calendar may not exist yet; its first step then falls on the GCP default (1 January).
    next_cycle = (milestone_deadline(year + 1, MilestoneKind.EVALUATION_START, now)
                  or Deadline.of(start.due_at(year + 1), now, boundary=start.boundary))
    return [OffersExpected(holder_kind=kind, year=year, deadline=deadlines.get(offers_deadline_kind(kind)),
                           window=window, next_cycle=next_cycle) for kind in holder_kinds]


def contract_year_current(now: datetime) -> ContractYear | None:
    """The earliest contract year whose follow decisions (due before 1 January of the year itself) are ahead,
    else the latest year; None when no year exists. At most two queries."""
    current = (
        ContractYear.objects.filter(milestones__kind=MilestoneKind.FOLLOW_DECISIONS_DUE,
                                    milestones__due_at__gt=now)
        .order_by("year").first()
    )
    return current or ContractYear.objects.order_by("-year").first()


def contract_year_timeline(contract_year: ContractYear, now: datetime) -> Timeline:
    """The year's milestones in date order as seen at `now`: done (their moment has passed), the next step
    (every milestone sharing the first moment still ahead) with the days left, and the phase reached.

    Done means the moment has passed, not that the sweep has applied it yet: the deadline checks are made
    at request time too, so the calendar is what a user may rely on. One query.
    """
    milestones = contract_year.milestones.exclude(kind__in=_timeline_hidden_kinds()).order_by("due_at", "pk")
    return _timeline(contract_year, list(milestones), now)


def _timeline(contract_year: ContractYear, milestones: list[Milestone], now: datetime) -> Timeline:
    today = local_date(now)
    milestones = [m for m in milestones if calendar_rule(m.kind) is not None]  # a removed app's rows stay silent
    next_due = next((m.due_at for m in milestones if m.due_at > now), None)
    phase = Phase.POLICY
    entries = []
    for m in milestones:
        rule = calendar_rule(m.kind)
        done = m.due_at <= now
        if done and rule.phase and PHASE_ORDER.index(rule.phase) > PHASE_ORDER.index(phase):
            phase = rule.phase
        day = display_day(m.due_at, rule.boundary)
        is_next = m.due_at == next_due
        entries.append(TimelineEntry(
            kind=m.kind, label=rule.label, short_label=rule.summary_label, boundary=rule.boundary, day=day,
            due_at=m.due_at, who=tuple(rule.who), is_done=done, is_next=is_next,
            days_left=None if done else (day - today).days,
        ))
    return Timeline(contract_year=contract_year, entries=entries, today=today, phase=phase,
                    next_entry=next((e for e in entries if e.is_next), None))


def next_cycle_timeline(timeline: Timeline, now: datetime) -> Timeline | None:
    """Once the current year is in its last phase (signing closed, register out, follow contracts being
    processed), the next contract year's calendar, so people see the next cycle coming; else None (no query).
    One query."""
    if timeline.phase not in LAST_PHASES:
        return None
    milestones = list(Milestone.objects.filter(contract_year__year=timeline.contract_year.year + 1)
                      .exclude(kind__in=_timeline_hidden_kinds()).select_related("contract_year")
                      .order_by("due_at", "pk"))
    if not milestones:
        return None
    return _timeline(milestones[0].contract_year, milestones, now)


def cycle_first_steps(timeline: Timeline, audience: str) -> list[TimelineEntry]:
    """The first steps of a cycle for one audience: its first milestone, and the first deadline the portal
    enforces for it after that (for an insurer: the evaluation from 1 January, the purchasing policy by
    1 April)."""
    mine = [e for e in timeline.entries if audience == ALL_AUDIENCES or audience in e.who]
    if not mine:
        return []
    first = mine[0]
    enforced = next((e for e in mine[1:] if calendar_rule(e.kind).enforced), None)
    return [first, enforced] if enforced else [first]


def _signing_window(timeline: Timeline) -> SigningWindow | None:
    opens = timeline.entry(MilestoneKind.SIGNING_OPEN)
    closes = timeline.entry(MilestoneKind.SIGNING_CLOSE)
    if opens is None or closes is None:
        return None
    state = "closed" if closes.is_done else "open" if opens.is_done else "before"
    return SigningWindow(opens=opens, closes=closes, state=state)


def home_next_steps(memberships: list[Membership], timeline: Timeline,
                    next_timeline: Timeline | None = None) -> list[NextStep]:
    """For each membership, the next calendar step for its audience (one per audience, in membership order),
    and with `next_timeline` the next cycle's first steps for it. No queries: works on the loaded memberships
    and the timelines."""
    steps, seen = [], set()
    for membership in memberships:
        audience = ROLE_AUDIENCE.get(membership.role)
        if audience is None or audience in seen:
            continue
        seen.add(audience)
        signing = _signing_window(timeline) if membership.role in PRACTICE_ROLES else None
        can_sign = any(m.is_signatory and ROLE_AUDIENCE.get(m.role) == audience for m in memberships)
        steps.append(NextStep(membership=membership, audience=audience, entry=timeline.next_for(audience),
                              signing=signing, can_sign=can_sign,
                              next_cycle=tuple(cycle_first_steps(next_timeline, audience)) if next_timeline else ()))
    return steps
