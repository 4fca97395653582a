from datetime import UTC, date, datetime

from contracting.calendar import AMSTERDAM
from contracting.workdays import (
    add_working_days,
    calendar_days_due,
    is_working_day,
    working_days_between,
    working_days_due,
)


def test_five_working_days_across_christmas_and_new_year():
    # Asked on Thursday 24 December 2026: Christmas (Fri 25), the weekend and New Year's Day (Fri 1 Jan)
    # do not count, so the fifth working day is Monday 4 January 2027.
    assert add_working_days(date(2026, 12, 24), 5) == date(2027, 1, 4)


def test_answer_due_at_the_end_of_the_fifth_working_day_amsterdam_time():
    asked = datetime(2026, 12, 24, 15, 30, tzinfo=AMSTERDAM)
    assert working_days_due(asked, 5) == datetime(2027, 1, 4, 23, 0, tzinfo=UTC)


def test_working_days_across_easter_2027():
    # Good Friday 26 March and Easter Monday 29 March 2027 are Dutch public holidays.
    assert not is_working_day(date(2027, 3, 26))
    assert not is_working_day(date(2027, 3, 29))
    assert add_working_days(date(2027, 3, 25), 1) == date(2027, 3, 30)
    assert add_working_days(date(2027, 3, 24), 5) == date(2027, 4, 2)


def test_kings_day_is_not_a_working_day():
    # Tuesday 27 April 2027.
    assert not is_working_day(date(2027, 4, 27))
    assert add_working_days(date(2027, 4, 26), 1) == date(2027, 4, 28)


def test_two_working_weeks_is_ten_working_days():
    # From Monday 2 November 2026: no holidays, so two full weeks later.
    assert add_working_days(date(2026, 11, 2), 10) == date(2026, 11, 16)
    assert working_days_between(date(2026, 11, 2), date(2026, 11, 16)) == 10


def test_working_day_clock_over_the_end_of_summer_time():
    # Clocks go back on Sunday 25 October 2026; a question asked late on Friday 23 October.
    asked = datetime(2026, 10, 23, 23, 30, tzinfo=AMSTERDAM)
    due = working_days_due(asked, 5)
    assert due.astimezone(AMSTERDAM) == datetime(2026, 10, 31, 0, 0, tzinfo=AMSTERDAM)  # end of Fri 30 Oct
    assert due == datetime(2026, 10, 30, 23, 0, tzinfo=UTC)


def test_knelpunt_clock_counts_calendar_days():
    raised = datetime(2026, 12, 20, 10, 0, tzinfo=AMSTERDAM)
    assert calendar_days_due(raised, 14) == datetime(2027, 1, 3, 23, 0, tzinfo=UTC)
