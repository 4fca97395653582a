"""Who sees which survey page and API endpoint: role × endpoint. An invitation or survey outside the user's
scope is a 404; the NZa and administrators run surveys without an owner and see every survey's admin pages."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from accounts.models import Role
from providers.models import OverlegTeam
from surveys.models import Invitation
from surveys.services import survey_create_from_definition, survey_publish
from tests.factories import InsurerFactory, PracticeFactory, RegionFactory, make_member
from tests.helpers import client_for

AMS = ZoneInfo("Europe/Amsterdam")
DURING = datetime(2026, 3, 10, 14, 0, tzinfo=AMS)


@pytest.fixture
def matrix(db, definition, window, insurer, insurer_user):
    """An insurer's survey for all practices, published while one practice existed (so a practice created later
    is not invited), and a user of every kind."""
    definition["key"] = "evaluatie"
    survey = survey_create_from_definition(actor=insurer_user, definition=definition, year=2026,
                                           opens_at=window[0], closes_at=window[1], owner_insurer=insurer)
    invited_practice = PracticeFactory()
    invited = make_member(Role.PRACTICE_MEMBER, invited_practice, email="genodigd@praktijk.example")
    survey_publish(actor=insurer_user, survey=survey, now=datetime(2026, 2, 1, tzinfo=AMS))
    late_practice = PracticeFactory()  # created after publishing: not invited
    team = OverlegTeam.objects.create(region=RegionFactory(), insurer=insurer, name="OTH Noord")
    users = {
        "invited": invited,
        "not_invited": make_member(Role.PRACTICE_MEMBER, late_practice, email="later@praktijk.example"),
        "owner": insurer_user,
        "other_insurer": make_member(Role.INSURER_PURCHASER, InsurerFactory(), email="ander@verzekeraar.example"),
        "oth": make_member(Role.OTH_MEMBER, team, email="lid@oth.example"),
        "nza": make_member(Role.NZA_ANALYST, None, email="analist@nza.example"),
    }
    invitation = Invitation.objects.get(survey=survey, practice=invited_practice)
    return survey, invitation, users


# endpoint -> {user: expected status}; anonymous visitors are sent to the login page (pages) or get 403 (API)
EXPECTED = {
    "respond": {"invited": 200, "not_invited": 404, "owner": 404, "other_insurer": 404, "oth": 404, "nza": 404},
    "manage_detail": {"invited": 404, "not_invited": 404, "owner": 200, "other_insurer": 404, "oth": 404,
                      "nza": 200},
    "manage_rate": {"invited": 404, "not_invited": 404, "owner": 200, "other_insurer": 404, "oth": 404, "nza": 200},
    "manage": {"invited": 404, "not_invited": 404, "owner": 200, "other_insurer": 200, "oth": 404, "nza": 200},
    "list": {"invited": 200, "not_invited": 200, "owner": 200, "other_insurer": 200, "oth": 200, "nza": 200},
    "api_invitation": {"invited": 200, "not_invited": 404, "owner": 404, "other_insurer": 404, "oth": 404,
                       "nza": 404},
    "api_response": {"invited": 404, "not_invited": 404, "owner": 404, "other_insurer": 404, "oth": 404,
                     "nza": 404},  # no response yet: the invited respondent gets no_response
    "api_rate": {"invited": 404, "not_invited": 404, "owner": 200, "other_insurer": 404, "oth": 404, "nza": 200},
}


def _urls(survey, invitation):
    return {
        "respond": f"/enquetes/{survey.pk}/invullen/",
        "manage_detail": f"/enquetes/beheer/{survey.pk}/",
        "manage_rate": f"/enquetes/beheer/{survey.pk}/respons/",
        "manage": "/enquetes/beheer/",
        "list": "/enquetes/",
        "api_invitation": f"/api/v1/survey-invitations/{invitation.pk}/",
        "api_response": f"/api/v1/survey-invitations/{invitation.pk}/response/",
        "api_rate": f"/api/v1/surveys/{survey.pk}/response-rate/",
    }


def test_role_by_endpoint(matrix):
    survey, invitation, users = matrix
    urls = _urls(survey, invitation)
    seen = {}
    with time_machine.travel(DURING, tick=False):
        for endpoint, url in urls.items():
            for name, user in users.items():
                seen[(endpoint, name)] = client_for(user).get(url).status_code
            anonymous = client_for(None).get(url).status_code
            assert anonymous in ((302,) if not endpoint.startswith("api") else (401, 403)), (endpoint, anonymous)
    assert seen == {(e, n): status for e, row in EXPECTED.items() for n, status in row.items()}


def test_the_lists_keep_their_queries_as_surveys_grow(matrix, definition, window, django_assert_num_queries):
    survey, invitation, users = matrix
    invited, owner = client_for(users["invited"]), client_for(users["owner"])
    with time_machine.travel(DURING, tick=False):
        invited.get("/enquetes/")  # warm the session
        owner.get("/enquetes/beheer/")
        # respondent: session, user, memberships, invitations with surveys and organisations, response
        # statuses, unread notices (menu); owner: session, user, memberships, surveys, unread notices
        with django_assert_num_queries(6) as small:
            invited.get("/enquetes/")
        with django_assert_num_queries(5) as small_owner:
            owner.get("/enquetes/beheer/")
    for n in range(3):
        definition["key"] = f"meer-{n}"
        survey_publish(actor=users["owner"], now=datetime(2026, 2, 1, tzinfo=AMS), survey=survey_create_from_definition(
            actor=users["owner"], definition=definition, year=2026, opens_at=window[0], closes_at=window[1],
            owner_insurer=survey.owner_insurer))
    with time_machine.travel(DURING, tick=False):
        with django_assert_num_queries(len(small.captured_queries)):
            assert invited.get("/enquetes/").content.decode().count("/invullen/?uitnodiging=") == 4
        with django_assert_num_queries(len(small_owner.captured_queries)):
            assert owner.get("/enquetes/beheer/").content.decode().count('href="/enquetes/beheer/') == 4 + 1
