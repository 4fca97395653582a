from datetime import UTC, date, datetime

import pytest

from contracting.calendar import (
    GCP_CALENDAR,
    RULES_BY_KIND,
    MilestoneKind,
    end_of_day,
    last_day,
    start_of_day,
)
from contracting.engine import relative_due_at


def test_every_milestone_kind_has_a_calendar_rule():
    assert {r.kind for r in GCP_CALENDAR} == set(MilestoneKind.values)


def test_signing_closes_at_midnight_after_7_november_amsterdam():
    # 7 Nov is in winter time (UTC+1): the end of the day is 23:00 UTC.
    assert RULES_BY_KIND[MilestoneKind.SIGNING_CLOSE].due_at(2027) == datetime(2026, 11, 7, 23, 0, tzinfo=UTC)


def test_signing_opens_at_midnight_on_1_october_summer_time():
    # 1 Oct is in summer time (UTC+2).
    assert RULES_BY_KIND[MilestoneKind.SIGNING_OPEN].due_at(2027) == datetime(2026, 9, 30, 22, 0, tzinfo=UTC)


def test_end_of_day_on_the_night_the_clocks_go_back():
    # 25 Oct 2026 has 25 hours in Amsterdam: it starts at 22:00 UTC on the 24th, ends at 23:00 UTC.
    assert start_of_day(date(2026, 10, 25)) == datetime(2026, 10, 24, 22, 0, tzinfo=UTC)
    assert end_of_day(date(2026, 10, 25)) == datetime(2026, 10, 25, 23, 0, tzinfo=UTC)


def test_evaluation_finished_is_the_last_day_of_february_in_a_leap_year():
    assert RULES_BY_KIND[MilestoneKind.EVALUATION_FINISHED].local_day(2029) == date(2028, 2, 29)


@pytest.mark.parametrize("year", [2026, 2027, 2031])
def test_reminders_are_14_7_and_2_days_before_the_last_day(year):
    close = RULES_BY_KIND[MilestoneKind.SIGNING_CLOSE].due_at(year)
    assert last_day(close) == date(year - 1, 11, 7)
    for kind, day in [(MilestoneKind.SIGNING_REMINDER_14, date(year - 1, 10, 24)),
                      (MilestoneKind.SIGNING_REMINDER_7, date(year - 1, 10, 31)),
                      (MilestoneKind.SIGNING_REMINDER_2, date(year - 1, 11, 5))]:
        rule = RULES_BY_KIND[kind]
        assert rule.relative_to == MilestoneKind.SIGNING_CLOSE
        assert relative_due_at(rule, close) == start_of_day(day)


def test_follow_decisions_are_due_before_1_january():
    # "Before 1 January": at 00:00 on 1 January 2027 Amsterdam (23:00 UTC on 31 December), last day 31 December.
    due = RULES_BY_KIND[MilestoneKind.FOLLOW_DECISIONS_DUE].due_at(2027)
    assert due == datetime(2026, 12, 31, 23, 0, tzinfo=UTC)
    assert last_day(due) == date(2026, 12, 31)
