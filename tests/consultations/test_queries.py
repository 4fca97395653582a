"""Query budgets: every overleg list page, the round and meeting pages, the timeline and the API lists take the
same number of queries with 1 or 12 meetings, positions and knelpunten and with 1 or 3 rounds."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from consultations.services import (
    evaluation_save,
    knelpunt_raise,
    meeting_plan,
    position_decide,
    position_set_due,
    position_submit,
    round_open,
)
from contracting.services import contract_year_ensure
from tests.consultations.conftest import ams
from tests.helpers import client_for


def _fill(world, round, n: int, *, offset: int = 0):
    for i in range(n):
        meeting = meeting_plan(actor=world["member_a"], round=round, title=f"Overleg {offset + i}",
                               starts_at=ams(2026, 3, 1 + i, 14, 0), agenda="a\nb",
                               attendee_ids=[world["member_a"].pk, world["purchaser_a"].pk], now=ams(2026, 2, 1))
        position = position_submit(actor=world["member_a"], round=round, meeting=meeting, title=f"Standpunt {i}",
                                   text="x", now=ams(2026, 3, 1 + i, 16))
        if i % 3 == 1:
            position_set_due(actor=world["purchaser_a"], position=position, due_on=date(2026, 4, 1),
                             now=ams(2026, 3, 20))
        elif i % 3 == 2:
            position_decide(actor=world["purchaser_a"], position=position, decision="adopted", reasons="",
                            now=ams(2026, 3, 20))
        knelpunt_raise(actor=world["member_a"], round=round, title=f"Knelpunt {i}", text="y", now=ams(2026, 3, 2 + i))


def _count(user, url: str) -> int:
    client = client_for(user)
    client.get(url)  # warm the session and the content-type cache
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return len(queries)


def _urls(world, round_a):
    meeting = round_a.meetings.order_by("pk").first()
    position = round_a.positions.order_by("pk").first()
    return {
        "rounds": reverse("consultations:rounds"),
        "round": reverse("consultations:round", args=[round_a.pk]),
        "meeting": reverse("consultations:meeting", args=[meeting.pk]),
        "position": reverse("consultations:position", args=[position.pk]),
        "timeline": reverse("consultations:timeline", args=[world["team_a"].pk]),
        "evaluations": reverse("consultations:evaluations"),
        "api rounds": "/api/v1/consultation-rounds/",
        "api meetings": "/api/v1/consultation-meetings/",
        "api positions": "/api/v1/consultation-positions/",
        "api knelpunten": "/api/v1/consultation-knelpunten/",
        "api evaluations": "/api/v1/evaluations/",
    }


# Every page starts with 4 queries (session, user, memberships, unread notices); the API with 3 (session, user,
# memberships). Then, e.g. the round page: the round with its team, insurer and year; the year's milestones;
# its meetings; its positions with their clock; its knelpunten with their clock and linked-request count. The
# purchaser's evaluation pages add its insurers (the form) and the evaluations' milestones.
BUDGETS = {
    "member_a": {"rounds": 6, "round": 9, "meeting": 10, "position": 5, "timeline": 10, "evaluations": 5,
                 "api rounds": 6, "api meetings": 7, "api positions": 5, "api knelpunten": 5, "api evaluations": 4},
    "purchaser_a": {"rounds": 6, "round": 9, "meeting": 10, "position": 5, "timeline": 10, "evaluations": 7,
                    "api rounds": 6, "api meetings": 7, "api positions": 5, "api knelpunten": 5,
                    "api evaluations": 6},
}


@pytest.mark.parametrize("role", ["member_a", "purchaser_a"])
def test_overleg_pages_and_lists_do_not_grow_with_their_content(world, round_a, role):
    _fill(world, round_a, 1)
    evaluation_save(actor=world["purchaser_a"], insurer=world["insurer_a"], year=2027, method="survey",
                    summary="x", now=ams(2026, 2, 10))
    small = {name: _count(world[role], url) for name, url in _urls(world, round_a).items()}

    _fill(world, round_a, 11, offset=1)
    for year in (2028, 2029):
        contract_year_ensure(actor=None, year=year)
        other = round_open(actor=world["member_a"], overleg_team=world["team_a"], year=year, now=ams(2026, 3, 1))
        _fill(world, other, 2, offset=100 + year)
        evaluation_save(actor=world["purchaser_a"], insurer=world["insurer_a"], year=year, method="survey",
                        summary="x", now=ams(2026, 2, 10))
    large = {name: _count(world[role], url) for name, url in _urls(world, round_a).items()}
    assert small == BUDGETS[role]
    assert large == small
