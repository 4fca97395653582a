from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from accounts.models import Role
from surveys.models import Invitation, Response
from surveys.services import survey_create_from_definition, survey_publish
from tests.factories import InsurerFactory, PracticeFactory, make_member
from tests.helpers import assert_error, client_for

AMS = ZoneInfo("Europe/Amsterdam")
DURING = datetime(2026, 3, 10, 14, 0, tzinfo=AMS)


@pytest.fixture
def running(definition, window, insurer, insurer_user):
    definition["key"] = "evaluatie"
    survey = survey_create_from_definition(actor=insurer_user, definition=definition, year=2026,
                                           opens_at=window[0], closes_at=window[1], owner_insurer=insurer)
    practice = PracticeFactory(name="Praktijk Oost")
    PracticeFactory()
    user = make_member(Role.PRACTICE_MEMBER, practice, email="oost@praktijk.example")
    survey_publish(actor=insurer_user, survey=survey, now=datetime(2026, 2, 1, tzinfo=AMS))
    return survey, Invitation.objects.get(survey=survey, practice=practice), user


def test_a_respondent_lists_and_reads_their_invitation(running, definition, window, django_assert_num_queries):
    survey, invitation, user = running
    api = client_for(user)
    with time_machine.travel(DURING, tick=False):
        # session, user, memberships, count, page of invitations with surveys and organisations, statuses
        with django_assert_num_queries(6):
            body = api.get("/api/v1/survey-invitations/").json()
        detail = api.get(f"/api/v1/survey-invitations/{invitation.pk}/").json()
    assert body["count"] == 1
    for key in ("tweede", "derde"):  # more invitations, the same queries
        definition["key"] = key
        survey_publish(actor=None, now=datetime(2026, 2, 1, tzinfo=AMS), survey=survey_create_from_definition(
            actor=None, definition=definition, year=2026, opens_at=window[0], closes_at=window[1]))
    with time_machine.travel(DURING, tick=False), django_assert_num_queries(6):
        assert api.get("/api/v1/survey-invitations/").json()["count"] == 3
    row = body["results"][0]
    assert (row["id"], row["survey"]["last_day"], row["survey"]["days_left"], row["survey"]["is_open"]) == (
        invitation.pk, "2026-03-31", 21, True)
    assert row["respondent"] == {"kind": "practice", "id": invitation.practice_id, "name": "Praktijk Oost"}
    assert row["response_status"] == ""
    codes = [q["code"] for s in detail["sections"] for q in s["questions"]]
    assert codes == ["Q1", "Q2", "Q3", "Q4", "Q5", "Q6", "Q6b", "Q7"]
    q2 = detail["sections"][0]["questions"][1]
    assert (q2["show_if"], q2["show_if_values"]) == ("Q1", ["nee"])


def test_respond_once_edit_with_put_and_a_second_post_is_409(running):
    survey, invitation, user = running
    api = client_for(user)
    url = f"/api/v1/survey-invitations/{invitation.pk}/response/"
    with time_machine.travel(DURING, tick=False):
        assert_error(api.post(url, {"answers": {"Q4": 11}}, format="json"), 400, "answers_invalid")
        assert not Response.objects.exists()
        made = api.post(url, {"answers": {"Q1": "ja", "Q4": 7}, "submit": True}, format="json")
        assert made.status_code == 201 and made.json()["status"] == "submitted"
        body = assert_error(api.post(url, {"answers": {"Q1": "nee"}}, format="json"), 409, "already_responded")
        assert "U hebt al een antwoord op deze enquête" in body["detail"]
        changed = api.put(url, {"answers": {"Q1": "ja", "Q4": 9}}, format="json")
        assert changed.status_code == 200 and changed.json()["answers"] == {"Q1": "ja", "Q4": "9"}
    with time_machine.travel(datetime(2026, 4, 1, 0, 0, tzinfo=AMS), tick=False):
        assert_error(api.put(url, {"answers": {"Q1": "nee"}}, format="json"), 409, "survey_closed")
        assert api.get(url).json()["answers"] == {"Q1": "ja", "Q4": "9"}


def test_another_organisations_invitation_is_a_404(running, outsider):
    survey, invitation, _user = running
    api = client_for(outsider)
    assert api.get(f"/api/v1/survey-invitations/{invitation.pk}/").status_code == 404
    with time_machine.travel(DURING, tick=False):
        response = api.post(f"/api/v1/survey-invitations/{invitation.pk}/response/",
                            {"answers": {"Q1": "ja", "Q4": 7}}, format="json")
    assert response.status_code == 404 and not Response.objects.exists()


def test_the_owner_reads_the_response_rate_and_others_get_a_404(running, insurer_user):
    survey, invitation, user = running
    with time_machine.travel(DURING, tick=False):
        client_for(user).post(f"/api/v1/survey-invitations/{invitation.pk}/response/",
                              {"answers": {"Q1": "ja", "Q4": 7}, "submit": True}, format="json")
    rate = client_for(insurer_user).get(f"/api/v1/surveys/{survey.pk}/response-rate/")
    assert rate.json() == {"invited": 2, "submitted": 1, "drafts": 0, "percent": 50}
    other = make_member(Role.INSURER_PURCHASER, InsurerFactory(), email="ander@verzekeraar.example")
    for actor in (other, user):
        assert client_for(actor).get(f"/api/v1/surveys/{survey.pk}/response-rate/").status_code == 404
        assert client_for(actor).get("/api/v1/surveys/").json()["count"] == 0
