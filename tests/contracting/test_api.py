"""Contract years and their GCP calendar over the API."""

from datetime import UTC, datetime

import pytest

from contracting.calendar import MilestoneKind
from contracting.models import ContractYear
from contracting.services import contract_year_ensure, milestones_sweep
from tests.helpers import client_for


@pytest.fixture
def year_2027(db):
    return contract_year_ensure(actor=None, year=2027)


def milestone(body: dict, kind: str) -> dict:
    return next(m for m in body["milestones"] if m["kind"] == kind)


def test_contract_year_detail_shows_the_calendar_in_utc_and_local_days(year_2027, practice_user):
    response = client_for(practice_user).get("/api/v1/contract-years/2027/")

    assert response.status_code == 200
    body = response.json()
    assert body["year"] == 2027
    assert body["phase"] == {"code": "policy", "label": "Inkoopbeleid"}
    assert body["phase_since"] is None
    assert len(body["milestones"]) == year_2027.milestones.count()
    due = [m["due_at"] for m in body["milestones"]]
    assert due == sorted(due)

    # "By 1 April 2026": until 00:00 on 2 April in Amsterdam (summer time, UTC+2).
    assert milestone(body, MilestoneKind.POLICY_PUBLICATION) == {
        "kind": "policy_publication",
        "label": "Publicatie voorgenomen inkoopbeleid en contracteerprocedure",
        "due_at": "2026-04-01T22:00:00Z",
        "local_date": "2026-04-01",
        "boundary": "end",
        "applied_at": None,
    }
    # "From 1 October 2026": 00:00 local, still summer time.
    signing_open = milestone(body, MilestoneKind.SIGNING_OPEN)
    assert (signing_open["due_at"], signing_open["local_date"], signing_open["boundary"]) == (
        "2026-09-30T22:00:00Z", "2026-10-01", "start")
    # "By 7 November 2026": winter time by then (UTC+1).
    signing_close = milestone(body, MilestoneKind.SIGNING_CLOSE)
    assert (signing_close["due_at"], signing_close["local_date"]) == ("2026-11-07T23:00:00Z", "2026-11-07")


def test_applied_milestones_and_phase_show_up(year_2027, insurer_user):
    milestones_sweep(now=datetime(2026, 10, 1, 8, 0, tzinfo=UTC))

    body = client_for(insurer_user).get("/api/v1/contract-years/2027/").json()
    assert body["phase"]["code"] == "signing_open"
    assert body["phase_since"] == "2026-09-30T22:00:00Z"
    assert milestone(body, MilestoneKind.SIGNING_OPEN)["applied_at"] == "2026-10-01T08:00:00Z"
    assert milestone(body, MilestoneKind.SIGNING_CLOSE)["applied_at"] is None


def test_unknown_year_is_not_found(year_2027, outsider):
    response = client_for(outsider).get("/api/v1/contract-years/2031/")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    assert response.json()["detail"]


@pytest.mark.parametrize("who", ["insurer_user", "practice_user", "outsider"])
def test_every_logged_in_user_sees_the_calendar(year_2027, who, request):
    response = client_for(request.getfixturevalue(who)).get("/api/v1/contract-years/")
    assert response.status_code == 200
    assert [row["year"] for row in response.json()["results"]] == [2027]


def test_anonymous_is_refused(year_2027, client):
    for url in ("/api/v1/contract-years/", "/api/v1/contract-years/2027/"):
        response = client.get(url)
        assert response.status_code in (401, 403)
        assert response.json()["code"] == "not_authenticated"


def test_phase_filter(year_2027, practice_user):
    contract_year_ensure(actor=None, year=2028)
    milestones_sweep(now=datetime(2026, 10, 1, 8, 0, tzinfo=UTC))
    client = client_for(practice_user)

    rows = client.get("/api/v1/contract-years/", {"phase": "signing_open"}).json()["results"]
    assert [row["year"] for row in rows] == [2027]
    rows = client.get("/api/v1/contract-years/", {"year_from": 2028}).json()["results"]
    assert [row["year"] for row in rows] == [2028]


def test_list_queries_do_not_grow_with_years(practice_user, django_assert_num_queries):
    client = client_for(practice_user)
    # session, user, count, contract years, all their milestones (one prefetch)
    for first, last in ((2030, 2032), (2033, 2049)):
        for year in range(first, last + 1):
            contract_year_ensure(actor=None, year=year)
        with django_assert_num_queries(5):
            response = client.get("/api/v1/contract-years/")
        assert response.json()["count"] == ContractYear.objects.count()
    assert ContractYear.objects.count() == 20
