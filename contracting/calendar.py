"""The GCP calendar (domain/gcp-cycle.md) as data, and the time rules behind every deadline.

All dates of contract year Y fall in year Y-1; the last one, the follow decisions, is due before 1 January of
Y (at 00:00 on 1 January, read as "uiterlijk 31 december").
"By D" means by the end of day D in Europe/Amsterdam; "from D" means from 00:00 on D. Deadlines are stored
as UTC instants: "by the end of D" is the first instant of D+1 (an exclusive bound), so "due_at <= now" is
true from 00:00:00 on D+1 local time, and 23:59:59 on D is still in time, on any DST day.

The rules here are the contracting app's own; contracting/effects.py registers them with the deadline engine
(contracting/engine.py), where other apps register theirs.
"""

import calendar as _stdcal
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db import models
from django.utils.translation import gettext_lazy as _

AMSTERDAM = ZoneInfo("Europe/Amsterdam")


def start_of_day(day: date) -> datetime:
    """00:00 local time on `day`, as UTC."""
    return datetime.combine(day, time(0), tzinfo=AMSTERDAM).astimezone(UTC)


def end_of_day(day: date) -> datetime:
    """The exclusive end of `day` local time (00:00 the next day), as UTC: 'by D'."""
    return start_of_day(day + timedelta(days=1))


def local_date(moment: datetime) -> date:
    return moment.astimezone(AMSTERDAM).date()


def last_day(deadline: datetime) -> date:
    """The last local day on which an exclusive 'by the end of D' deadline still counts: D itself (a deadline
    stored as 00:00 on 9 December reads "uiterlijk 8 december")."""
    return local_date(deadline - timedelta(microseconds=1))


def display_day(due_at: datetime, boundary: str) -> date:
    """The day a person reads for a moment: the last allowed day of an end boundary ("uiterlijk D"), the day
    itself for a start boundary ("vanaf D")."""
    return last_day(due_at) if boundary == "end" else local_date(due_at)


@dataclass(frozen=True)
class Deadline:
    """A deadline as every page shows it: its moment, the day a person reads, the whole local days left from
    today to that day (0: today, negative: passed days ago) and whether it has passed."""

    due_at: datetime
    day: date
    days_left: int
    passed: bool

    @classmethod
    def of(cls, due_at: datetime, now: datetime, *, boundary: str = "end") -> "Deadline":
        day = display_day(due_at, boundary)
        return cls(due_at=due_at, day=day, days_left=(day - local_date(now)).days, passed=now >= due_at)

    @property
    def days_overdue(self) -> int:
        return max(0, -self.days_left)


class MilestoneKind(models.TextChoices):
    EVALUATION_START = "evaluation_start", _("Evaluatie lopende periode; wensen en dilemma's delen")
    CONSULTATION_START = "consultation_start", _("Start overleg over inhoud van beleid en contracten")
    EVALUATION_FINISHED = "evaluation_finished", _("Evaluatie vorige contractering afgerond")
    EVALUATION_COMMUNICATED = "evaluation_communicated", _("Uitkomsten van de evaluatie gecommuniceerd")
    POLICY_PUBLICATION = "policy_publication", _("Publicatie voorgenomen inkoopbeleid en contracteerprocedure")
    INNOVATION_EXAMPLES = "innovation_examples", _("Voorbeelden van innovatieprojecten verspreid")
    NZA_TARIFFS = "nza_tariffs", _("NZa publiceert beleidsregels en maximumtarieven")
    PROVISIONAL_POLICY = "provisional_policy", _("Voorlopig contracteerbeleid gepubliceerd")
    CONSULTATION_END = "consultation_end", _("Einde overleg over beleid en contracten")
    CAREGROUP_OFFERS = "caregroup_offers", _("Beleid multidisciplinaire zorg definitief; offertes zorggroepen")
    INDIVIDUAL_OFFERS_FINAL = "individual_offers_final", _("Beleid individuele contracten definitief")
    SIGNING_OPEN = "signing_open", _("Contracteerportalen open; ondertekenen mogelijk")
    CAREGROUP_SIGNING_CLOSE = "caregroup_signing_close", _("Onderhandelingen en ondertekening samenwerkingsverbanden "
                                                           "afgerond")
    SIGNING_REMINDER_14 = "signing_reminder_14", _("Herinnering: nog 14 dagen om te ondertekenen")
    SIGNING_REMINDER_7 = "signing_reminder_7", _("Herinnering: nog 7 dagen om te ondertekenen")
    SIGNING_REMINDER_2 = "signing_reminder_2", _("Herinnering: nog 2 dagen om te ondertekenen")
    SIGNING_CLOSE = "signing_close", _("Contractering sluit")
    REGISTER_PUBLICATION = "register_publication", _("Openbaar: met wie is gecontracteerd")
    FOLLOW_PROCESSING_START = "follow_processing_start", _("Verwerking contracten en volgcontracten")
    FOLLOW_DECISIONS_DUE = "follow_decisions_due", _("Besluiten op volgverzoeken genomen")


class Phase(models.TextChoices):
    POLICY = "policy", _("Inkoopbeleid")
    CAREGROUP_OFFERS = "caregroup_offers", _("Offertes zorggroepen")
    SIGNING_OPEN = "signing_open", _("Ondertekenen geopend")
    SIGNING_CLOSED = "signing_closed", _("Ondertekenen gesloten")
    REGISTER_PUBLISHED = "register_published", _("Register gepubliceerd")
    FOLLOW_PROCESSING = "follow_processing", _("Verwerking volgcontracten")
    IN_FORCE = "in_force", _("Contractjaar loopt")


PHASE_ORDER = list(Phase.values)


class Audience(models.TextChoices):
    INSURER = "insurer", _("zorgverzekeraar")
    PRACTICE = "practice", _("huisartsenpraktijk")
    CAREGROUP = "caregroup", _("samenwerkingsverband")
    OTH = "oth", _("overlegteam")
    NZA = "nza", _("NZa")


@dataclass(frozen=True)
class CalendarRule:
    """One row of a contract year's calendar. Either a fixed day of the year (`month` and `day`, in Y-1 unless
    `in_contract_year`) or a day relative to another milestone of the same year (`relative_to` and
    `offset_days`, counted from the day a person reads for that milestone: its last day for "by D").

    `kind` is the string stored in Milestone.kind; other apps prefix theirs with their app label
    ("consultations.round_closed"). `label` (and the shorter `short_label` for one-line summaries) are lazy
    translations. `who` are the audiences that act or are told, `phase` the phase the year enters when the
    milestone is applied, `enforced` marks a deadline the portal enforces, and `on_timeline` False keeps a
    milestone (a reminder) off the calendar people read."""

    kind: str
    label: str
    boundary: str  # "start" (from D) or "end" (by D)
    who: tuple[str, ...]  # who acts, or is told
    month: int | None = None
    day: int | None = None  # 0 means the last day of the month
    in_contract_year: bool = False  # True: the date falls in Y itself, not Y-1
    relative_to: str | None = None  # the kind of the milestone this one is counted from
    offset_days: int = 0  # days after (negative: before) the anchor's day
    phase: str | None = None
    enforced: bool = False
    on_timeline: bool = True
    short_label: str = ""

    def __post_init__(self):
        if self.boundary not in ("start", "end"):
            raise ValueError(f"{self.kind}: boundary must be 'start' or 'end'")
        if (self.relative_to is None) == (self.month is None):
            raise ValueError(f"{self.kind}: give either month and day or relative_to")

    @property
    def is_relative(self) -> bool:
        return self.relative_to is not None

    @property
    def summary_label(self) -> str:
        return self.short_label or self.label

    def _moment(self, day: date) -> datetime:
        return start_of_day(day) if self.boundary == "start" else end_of_day(day)

    def local_day(self, contract_year: int) -> date:
        if self.is_relative:
            raise ValueError(f"{self.kind} is counted from {self.relative_to}: use due_from_anchor")
        year = contract_year if self.in_contract_year else contract_year - 1
        day = self.day or _stdcal.monthrange(year, self.month)[1]
        return date(year, self.month, day)

    def due_at(self, contract_year: int) -> datetime:
        """The default moment in `contract_year` of a rule with a fixed day."""
        return self._moment(self.local_day(contract_year))

    def due_from_anchor(self, anchor_day: date) -> datetime:
        """The moment of a relative rule, given the day a person reads for its anchor."""
        return self._moment(anchor_day + timedelta(days=self.offset_days))


def _gcp(kind: "MilestoneKind", boundary: str, who, short_label, **kwargs) -> CalendarRule:
    return CalendarRule(kind=kind.value, label=kind.label, boundary=boundary, who=tuple(who),
                        short_label=short_label, **kwargs)


K = MilestoneKind
A = Audience
# Every row of the calendar table in domain/gcp-cycle.md, in date order.
GCP_CALENDAR: tuple[CalendarRule, ...] = (
    _gcp(K.EVALUATION_START, "start", (A.INSURER, A.PRACTICE, A.CAREGROUP, A.OTH), _("evaluatie"), month=1, day=1),
    _gcp(K.CONSULTATION_START, "start", (A.INSURER, A.OTH, A.CAREGROUP), _("overleg over beleid en contracten"),
         month=2, day=1),
    _gcp(K.EVALUATION_FINISHED, "end", (A.INSURER,), _("evaluatie afgerond"), month=2, day=0),
    _gcp(K.EVALUATION_COMMUNICATED, "end", (A.INSURER, A.OTH), _("uitkomsten van de evaluatie"), month=3, day=1),
    _gcp(K.POLICY_PUBLICATION, "end", (A.INSURER, A.OTH, A.NZA), _("inkoopbeleid"), month=4, day=1, enforced=True),
    _gcp(K.INNOVATION_EXAMPLES, "end", (A.INSURER,), _("voorbeelden van innovatieprojecten"), month=5, day=1),
    _gcp(K.NZA_TARIFFS, "end", (A.NZA,), _("NZa-maximumtarieven"), month=7, day=1),
    _gcp(K.PROVISIONAL_POLICY, "end", (A.INSURER,), _("voorlopig contracteerbeleid"), month=7, day=1),
    _gcp(K.CONSULTATION_END, "end", (A.INSURER, A.OTH), _("einde overleg"), month=7, day=1),
    _gcp(K.CAREGROUP_OFFERS, "end", (A.INSURER, A.CAREGROUP, A.NZA), _("offertes zorggroepen"), month=7, day=15,
         phase=Phase.CAREGROUP_OFFERS, enforced=True),
    _gcp(K.INDIVIDUAL_OFFERS_FINAL, "end", (A.INSURER, A.PRACTICE), _("definitief contractaanbod"), month=9, day=15,
         enforced=True),
    _gcp(K.SIGNING_OPEN, "start", (A.PRACTICE, A.CAREGROUP, A.INSURER), _("ondertekenen"), month=10, day=1,
         phase=Phase.SIGNING_OPEN, enforced=True),
    # Ketenzorg negotiations run until 1 October and care-group negotiations are finished on 1 October (GCP
    # calendar): care-group contracts are negotiated and signed by the end of that day, not in the practices'
    # window to 7 November. Unsigned care-group offers expire then.
    _gcp(K.CAREGROUP_SIGNING_CLOSE, "end", (A.CAREGROUP, A.INSURER, A.NZA), _("einde onderhandeling zorggroepen"),
         month=10, day=1, enforced=True),
    # Reminders to providers with unsigned offers, 14, 7 and 2 days before the last day of signing, from 00:00
    # on that day. Counted from the end of signing, so they move when an administrator moves it.
    _gcp(K.SIGNING_REMINDER_14, "start", (A.PRACTICE,), _("herinnering"), relative_to=K.SIGNING_CLOSE.value,
         offset_days=-14, on_timeline=False),
    _gcp(K.SIGNING_REMINDER_7, "start", (A.PRACTICE,), _("herinnering"), relative_to=K.SIGNING_CLOSE.value,
         offset_days=-7, on_timeline=False),
    _gcp(K.SIGNING_REMINDER_2, "start", (A.PRACTICE,), _("herinnering"), relative_to=K.SIGNING_CLOSE.value,
         offset_days=-2, on_timeline=False),
    _gcp(K.SIGNING_CLOSE, "end", (A.PRACTICE, A.INSURER, A.NZA), _("einde ondertekenen"), month=11, day=7,
         phase=Phase.SIGNING_CLOSED, enforced=True),
    _gcp(K.REGISTER_PUBLICATION, "start", (A.INSURER, A.NZA), _("openbaar register"), month=11, day=19,
         phase=Phase.REGISTER_PUBLISHED, enforced=True),
    _gcp(K.FOLLOW_PROCESSING_START, "start", (A.INSURER,), _("verwerking volgcontracten"), month=12, day=1,
         phase=Phase.FOLLOW_PROCESSING, enforced=True),
    # "Before 1 January": due at 00:00 on 1 January of the contract year, so the last day is 31 December.
    _gcp(K.FOLLOW_DECISIONS_DUE, "end", (A.INSURER, A.NZA), _("besluiten op volgverzoeken"), month=12, day=31,
         phase=Phase.IN_FORCE, enforced=True),
)
RULES_BY_KIND = {rule.kind: rule for rule in GCP_CALENDAR}
SIGNING_REMINDER_KINDS = frozenset(rule.kind for rule in GCP_CALENDAR if rule.relative_to == K.SIGNING_CLOSE)
del K, A

# "Zorgaanbieders krijgen minimaal 5 weken de tijd om het contract te bestuderen en te ondertekenen" (GCP): from
# the moment an individual offer can be signed (signing opens, or the offer comes later) to the end of signing.
MIN_SIGNING_PERIOD = timedelta(weeks=5)

# The first moment of contract year Y (00:00 on 1 January of Y): running multi-year contracts are indexed then
# (contracting.effects.apply_indexation). Not part of the GCP table, so not on the timeline people read.
CONTRACT_YEAR_START = "contract_year_start"
CONTRACT_YEAR_START_RULE = CalendarRule(
    kind=CONTRACT_YEAR_START, label=_("Contractjaar begint; indexatie van lopende meerjarencontracten"),
    boundary="start", who=(Audience.INSURER, Audience.PRACTICE, Audience.CAREGROUP), month=1, day=1,
    in_contract_year=True, on_timeline=False, short_label=_("begin contractjaar"))

# Every calendar rule of the contracting app, as contracting/effects.py registers them.
CONTRACTING_CALENDAR: tuple[CalendarRule, ...] = (*GCP_CALENDAR, CONTRACT_YEAR_START_RULE)

# The contracting app's per-object clocks (registered in contracting/effects.py; GCP standing rules): a
# reaction to a request within 5 working days ("op vragen of problemen wordt uiterlijk binnen 5 werkdagen
# gereageerd"), a laborious one settled within 2 working weeks, a knelpunt or dispute reacted to within 2
# (calendar) weeks, the window for an appeal against a decision on an innovation proposal; a follow request
# is decided by the follow-decision milestone.
REQUEST_REACTION_CLOCK = "contracting.request.reaction"
REQUEST_SETTLE_CLOCK = "contracting.request.settle"
KNELPUNT_REACTION_CLOCK = "contracting.request.knelpunt_reaction"
APPEAL_WINDOW_CLOCK = "contracting.request.appeal_window"
FOLLOW_DECISION_CLOCK = "contracting.follow_request.decision"
