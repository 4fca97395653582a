"""The surveys in the calendar feed: a published survey the user's practice was invited to is on its last day
until the response is submitted; a submitted one, or one for another practice, is not."""

from datetime import date

import time_machine

from accounts.models import Role
from surveys.services import response_save
from tests.calendar_feed import feed_events
from tests.factories import PracticeFactory, make_member

from .test_pages import DURING, running  # noqa: F401 - the fixture

TITLE = "Enquête invullen: Proefenquête (Huisartsenpraktijk De Linde)"


def test_a_survey_to_fill_in_is_on_its_last_day_until_it_is_submitted(running):  # noqa: F811
    survey, invitation, user = running
    outsider = make_member(Role.PRACTICE_MEMBER, PracticeFactory(name="Niet Uitgenodigd"), email="niet@elders.example")
    response_save(actor=user, invitation=invitation, answers={"Q1": "ja"}, now=DURING)  # a draft still waits
    with time_machine.travel(DURING, tick=False):
        events = feed_events(user)
        others = feed_events(outsider)
    # The survey closes at 00:00 on 1 April 2026 Amsterdam time: the last day to answer is 31 March.
    (event,) = events[TITLE]
    assert event["DTSTART"].dt == date(2026, 3, 31)
    assert str(event["URL"]).endswith(f"/enquetes/{survey.pk}/invullen/?uitnodiging={invitation.pk}")
    assert "1 april 2026 00:00" in str(event["DESCRIPTION"])
    assert not [s for s in others if s.startswith("Enquête")]

    response_save(actor=user, invitation=invitation, answers={"Q1": "ja", "Q4": "7"}, now=DURING, submit=True)
    with time_machine.travel(DURING, tick=False):
        assert TITLE not in feed_events(user)
