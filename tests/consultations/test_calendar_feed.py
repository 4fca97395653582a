"""The overleg in the calendar feed: the insurer's decision on a position by the day it set, for the team's
members and the insurer's purchasers; another team and another insurer never see it."""

from datetime import date

import time_machine

from consultations.services import position_set_due, position_submit
from tests.calendar_feed import feed_events
from tests.consultations.conftest import ams


def test_a_position_decision_is_on_the_day_the_insurer_set_for_both_sides_only(world, round_a):
    member, purchaser = world["member_a"], world["purchaser_a"]
    position = position_submit(actor=member, round=round_a, title="Meer uren POH-GGZ", text="Vier uur extra.",
                               now=ams(2026, 3, 2, 14, 0))
    position_set_due(actor=purchaser, position=position, due_on=date(2026, 3, 16), now=ams(2026, 3, 3, 9, 0))
    title = "Besluit op standpunt: Meer uren POH-GGZ (OTH Utrecht – Zilverpunt)"
    with time_machine.travel(ams(2026, 3, 10, 10, 0), tick=False):
        team, insurer = feed_events(member), feed_events(purchaser)
        other_team, other_insurer = feed_events(world["member_b"]), feed_events(world["purchaser_b"])
        practice = feed_events(world["practice_user"])
    # "Uiterlijk 16 maart" is stored as 00:00 on 17 March: the event is on 16 March, for both sides.
    for events in (team, insurer):
        (event,) = events[title]
        assert event["DTSTART"].dt == date(2026, 3, 16)
        assert str(event["URL"]).endswith(f"/overleg/standpunten/{position.pk}/")
    for events in (other_team, other_insurer, practice):
        assert not [s for s in events if "POH-GGZ" in s]
    # The overlegteam's milestones are in the team's feed: the evaluation shared by 1 March 2026.
    (shared,) = team["Uitkomsten van de evaluatie gecommuniceerd (contractjaar 2027)"]
    assert shared["DTSTART"].dt == date(2026, 3, 1)
