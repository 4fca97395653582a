"""When things happen in the demo cycle, and how each offer ends.

Every moment is fixed relative to a contract year's milestones as stored (a date an administrator moved
counts), never to the clock: the clock only decides which of these moments are already past. So one date
always gives the same data, and a later date adds what became due since.

How offers end follows the NZa monitor (nza-monitor-2019.md §2: uncontracted GP care is virtually absent):
of the practice offers of a closed signing window 97% are signed, 1% refused with a reason and 2% left
undecided (the sweep expires them at the end of 7 November). Which practice does what follows from the last
two digits of its AGB code; practice i of the demo has code 01 + (7919·i + 104729) mod 10⁶, whose last two
digits are (19·i + 29) mod 100, so every hundred consecutive practices hold each pair of digits exactly once:
200 practices give exactly 2 refusals and 4 undecided offers. In an open window the same share of the days
gone by has been decided, spread over the window's days from 09:00 to 16:00.
"""

import hashlib
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from contracting.calendar import AMSTERDAM, RULES_BY_KIND, display_day, last_day, local_date
from contracting.models import Milestone

SIGN, REFUSE, UNDECIDED = "sign", "refuse", "undecided"
REFUSE_DIGITS = frozenset({13})
UNDECIDED_DIGITS = frozenset({41, 86})


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=AMSTERDAM)


class YearClock:
    """The milestones of one contract year, as stored."""

    def __init__(self, year: int):
        self.year = year
        self._due = dict(Milestone.objects.filter(contract_year__year=year).values_list("kind", "due_at"))

    def due(self, kind: str) -> datetime:
        return self._due[kind]

    def day(self, kind: str) -> date:
        """The day a person reads: D of "from D" and of "by the end of D"."""
        return display_day(self._due[kind], RULES_BY_KIND[kind].boundary)


def offer_outcome(agb_code: str) -> str:
    digits = int(agb_code) % 100
    if digits in REFUSE_DIGITS:
        return REFUSE
    if digits in UNDECIDED_DIGITS:
        return UNDECIDED
    return SIGN


def _hash(*parts) -> int:
    return int.from_bytes(hashlib.sha256(":".join(map(str, parts)).encode()).digest()[:8], "big")


def decision_moment(agb_code: str, year: int, opens: datetime, closes: datetime) -> datetime:
    """When this practice signs or refuses its offer of `year`: a day of the window and a whole hour from
    09:00 to 16:00, spread evenly over the practices (whole hours, so that one statement per moment updates
    all the offers decided then)."""
    first, final = local_date(opens), last_day(closes)
    days = (final - first).days + 1
    h = _hash("decision", year, agb_code)
    return at(first + timedelta(days=h % days), 9 + (h // days) % 8)


# --- Questions from the demo practices ------------------------------------------------------------------------
# Each demo practice asks its insurer a question every three weeks on a Tuesday, the three practices in
# different weeks, and each question stays open for at least a week: answered on the last day of its
# 5-working-day clock (the next Tuesday, unless a public holiday fell in between), on the Friday after that
# (late), or, for every third question, after three and a half weeks (long overdue). So on every day some demo
# member waits for an answer and some insurer has a question to answer inside its clock, and on most days one
# is past its clock. The first demo practice (the first practice logins) asks in the third week of the cycle.
QUESTION_INTERVAL = timedelta(days=21)
QUESTION_DELAYS = (timedelta(days=7, hours=5), timedelta(days=10, hours=4), timedelta(days=24, hours=5))
QUESTION_WEEK = {0: 2, 1: 1, 2: 0}
TUESDAY = 1


@dataclass(frozen=True)
class QuestionSlot:
    k: int
    asked_at: datetime
    answered_at: datetime


def question_slots(n: int, first_day: date, end_day: date) -> list[QuestionSlot]:
    """The questions of demo practice `n` (0, 1, 2) in the year from `first_day` (the evaluation start of a
    contract year, 1 January of the year before) up to `end_day`."""
    base = first_day + timedelta(days=3)
    first = at(base + timedelta(days=(TUESDAY - base.weekday()) % 7 + 7 * QUESTION_WEEK.get(n, n)), 10, 30)
    end = at(end_day, 0)
    slots, k = [], 0
    while first + k * QUESTION_INTERVAL < end:
        asked = first + k * QUESTION_INTERVAL
        slots.append(QuestionSlot(k, asked, asked + QUESTION_DELAYS[k % len(QUESTION_DELAYS)]))
        k += 1
    return slots


# --- Which years ---------------------------------------------------------------------------------------------
def contract_years_around(now: datetime) -> tuple[int, int, int]:
    """The contract years the demo seeds at `now`: the year in force, the year in contracting and the next.

    The year in contracting is the earliest whose follow decisions (due by 1 January of the year itself) are
    still ahead, as contracting.selectors.contract_year_current reads it: on 1 December 2026 that is 2027
    (signing closed, follow requests being decided), from January to December 2027 it is 2028 (policies by 1
    April, contracts by 15 September, signing in October). The next year gets its calendar, as the engine's
    rollover gives it.

    The year in force is seeded too, with its whole cycle: it is what practices hold while the next year's
    offers are not out yet (from January to September a practice would otherwise have no contract at all),
    what the public register of that year lists, what questions during the year are about, and what "what
    changed since last year" compares a new policy and contract with. It doubles the signatures written (at
    50,000 practices about 48,500 more, in bulk), which keeps seed_demo well within its time at that size.
    """
    from contracting.services.follow import follow_decision_due

    year = local_date(now).year
    while follow_decision_due(year) <= now:
        year += 1
    return year - 1, year, year + 1
