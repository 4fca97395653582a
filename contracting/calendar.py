"""The GCP calendar (domain/gcp-cycle.md) as data, and the time rules behind every deadline.

All dates of contract year Y fall in year Y-1, except the follow decisions due on 1 January of Y.
"By D" means by the end of day D in Europe/Amsterdam; "from D" means from 00:00 on D. Deadlines are stored
as UTC instants: "by the end of D" is the first instant of D+1 (an exclusive bound), so "due_at <= now" is
true from 00:00:00 on D+1 local time, and 23:59:59 on D is still in time, on any DST day.
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
    kind: str
    month: int
    day: int  # 0 means the last day of the month
    boundary: str  # "start" (from D) or "end" (by D)
    who: tuple[str, ...]  # who acts, or is told
    in_contract_year: bool = False  # True: the date falls in Y itself, not Y-1
    phase: str | None = None  # the phase the year enters when this milestone is applied
    enforced: bool = False  # a deadline the portal enforces (gcp-cycle.md, last section)

    def local_day(self, contract_year: int) -> date:
        year = contract_year if self.in_contract_year else contract_year - 1
        day = self.day or _stdcal.monthrange(year, self.month)[1]
        return date(year, self.month, day)

    def due_at(self, contract_year: int) -> datetime:
        day = self.local_day(contract_year)
        return start_of_day(day) if self.boundary == "start" else end_of_day(day)


K = MilestoneKind
A = Audience
# Every row of the calendar table in domain/gcp-cycle.md, in date order.
GCP_CALENDAR: tuple[CalendarRule, ...] = (
    CalendarRule(K.EVALUATION_START, 1, 1, "start", (A.INSURER, A.PRACTICE, A.CAREGROUP, A.OTH)),
    CalendarRule(K.CONSULTATION_START, 2, 1, "start", (A.INSURER, A.OTH, A.CAREGROUP)),
    CalendarRule(K.EVALUATION_FINISHED, 2, 0, "end", (A.INSURER,)),
    CalendarRule(K.EVALUATION_COMMUNICATED, 3, 1, "end", (A.INSURER, A.OTH)),
    CalendarRule(K.POLICY_PUBLICATION, 4, 1, "end", (A.INSURER, A.OTH, A.NZA), enforced=True),
    CalendarRule(K.INNOVATION_EXAMPLES, 5, 1, "end", (A.INSURER,)),
    CalendarRule(K.NZA_TARIFFS, 7, 1, "end", (A.NZA,)),
    CalendarRule(K.PROVISIONAL_POLICY, 7, 1, "end", (A.INSURER,)),
    CalendarRule(K.CONSULTATION_END, 7, 1, "end", (A.INSURER, A.OTH)),
    CalendarRule(K.CAREGROUP_OFFERS, 7, 15, "end", (A.INSURER, A.CAREGROUP, A.NZA),
                 phase=Phase.CAREGROUP_OFFERS, enforced=True),
    CalendarRule(K.INDIVIDUAL_OFFERS_FINAL, 9, 15, "end", (A.INSURER, A.PRACTICE), enforced=True),
    CalendarRule(K.SIGNING_OPEN, 10, 1, "start", (A.PRACTICE, A.CAREGROUP, A.INSURER),
                 phase=Phase.SIGNING_OPEN, enforced=True),
    # Reminders to providers with unsigned offers, 14, 7 and 2 days before 7 November (at 09:00 is not
    # expressible as a day boundary; they go out from 00:00 on that day and are skipped when a day late).
    CalendarRule(K.SIGNING_REMINDER_14, 10, 24, "start", (A.PRACTICE,)),
    CalendarRule(K.SIGNING_REMINDER_7, 10, 31, "start", (A.PRACTICE,)),
    CalendarRule(K.SIGNING_REMINDER_2, 11, 5, "start", (A.PRACTICE,)),
    CalendarRule(K.SIGNING_CLOSE, 11, 7, "end", (A.PRACTICE, A.INSURER, A.NZA),
                 phase=Phase.SIGNING_CLOSED, enforced=True),
    CalendarRule(K.REGISTER_PUBLICATION, 11, 19, "start", (A.INSURER, A.NZA),
                 phase=Phase.REGISTER_PUBLISHED, enforced=True),
    CalendarRule(K.FOLLOW_PROCESSING_START, 12, 1, "start", (A.INSURER,),
                 phase=Phase.FOLLOW_PROCESSING, enforced=True),
    CalendarRule(K.FOLLOW_DECISIONS_DUE, 1, 1, "end", (A.INSURER, A.NZA), in_contract_year=True,
                 phase=Phase.IN_FORCE, enforced=True),
)
RULES_BY_KIND = {rule.kind: rule for rule in GCP_CALENDAR}
# The signing reminders by the number of days they come before the last signing day. They follow that day
# when an admin moves the end of signing.
SIGNING_REMINDER_DAYS = {K.SIGNING_REMINDER_14: 14, K.SIGNING_REMINDER_7: 7, K.SIGNING_REMINDER_2: 2}


def signing_reminder_due_at(kind: str, signing_close: datetime) -> datetime:
    return start_of_day(last_day(signing_close) - timedelta(days=SIGNING_REMINDER_DAYS[kind]))
del K, A
