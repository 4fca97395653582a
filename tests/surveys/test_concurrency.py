import threading
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from accounts.models import Role
from core.errors import ConflictError
from surveys.models import Invitation, Response
from surveys.services import response_save, survey_create_from_definition, survey_publish
from tests.factories import PracticeFactory, make_member
from tests.helpers import run_in_threads

from .conftest import DEFINITION

AMS = ZoneInfo("Europe/Amsterdam")


@pytest.mark.django_db(transaction=True)
def test_two_people_of_one_practice_respond_at_once_and_one_response_is_made():
    survey = survey_create_from_definition(actor=None, definition=DEFINITION, year=2026,
                                           opens_at=datetime(2026, 3, 1, tzinfo=AMS),
                                           closes_at=datetime(2026, 4, 1, tzinfo=AMS))
    practice = PracticeFactory()
    first = make_member(Role.PRACTICE_MEMBER, practice, email="een@praktijk.example")
    second = make_member(Role.PRACTICE_SIGNATORY, practice, email="twee@praktijk.example")
    survey_publish(actor=None, survey=survey, now=datetime(2026, 2, 1, tzinfo=AMS))
    invitation = Invitation.objects.get(survey=survey)
    barrier = threading.Barrier(2)
    outcomes = []

    def respond(user, rating):
        def run():
            barrier.wait()
            try:
                response_save(actor=user, invitation=invitation, answers={"Q1": "ja", "Q4": rating}, submit=True,
                              new=True, now=datetime(2026, 3, 10, tzinfo=AMS))
                outcomes.append("made")
            except ConflictError as exc:
                outcomes.append(exc.code)
        return run

    assert run_in_threads(respond(first, 6), respond(second, 9)) == []
    assert sorted(outcomes) == ["already_responded", "made"]
    assert Response.objects.filter(invitation=invitation).count() == 1
    assert Response.objects.get().answers.filter(question__code="Q4").count() == 1
