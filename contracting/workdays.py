"""Response clocks in Dutch working days: weekends and Dutch public holidays do not count.

GCP: questions within 5 working days, laborious ones within 2 working weeks (10 working days); a knelpunt
within 2 (calendar) weeks. A clock that starts at some moment runs to the end of its last day, local time.
"""

from datetime import date, datetime, timedelta
from functools import lru_cache

import holidays

from .calendar import end_of_day, local_date


@lru_cache(maxsize=64)
def _dutch_holidays(year: int) -> frozenset[date]:
    return frozenset(holidays.country_holidays("NL", years=year).keys())


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and day not in _dutch_holidays(day.year)


def add_working_days(day: date, n: int) -> date:
    """The n-th working day after `day` (which itself does not count)."""
    if n < 1:
        raise ValueError("n must be at least 1")
    current = day
    while n:
        current += timedelta(days=1)
        if is_working_day(current):
            n -= 1
    return current


def working_days_due(start: datetime, n: int) -> datetime:
    """When a clock of n working days that starts at `start` runs out (exclusive, UTC)."""
    return end_of_day(add_working_days(local_date(start), n))


def calendar_days_due(start: datetime, n: int) -> datetime:
    return end_of_day(local_date(start) + timedelta(days=n))


def working_days_between(first: date, last: date) -> int:
    """Working days after `first` up to and including `last`."""
    count, current = 0, first
    while current < last:
        current += timedelta(days=1)
        count += is_working_day(current)
    return count


QUESTION_WORKING_DAYS = 5
LABORIOUS_QUESTION_WORKING_DAYS = 10
KNELPUNT_CALENDAR_DAYS = 14
# [INF] GCP asks for an appeal (beroep) without a term; six weeks is the Dutch norm for objecting to a decision
# (Awb bezwaartermijn), counted in calendar days from the decision.
APPEAL_CALENDAR_DAYS = 42
