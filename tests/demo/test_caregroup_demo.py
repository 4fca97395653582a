"""The demo's care-group negotiations: care groups at every stage with their region's preferent insurer, and
one without an offer (its insurer flagged late); a second run adds nothing."""

from datetime import datetime
from io import StringIO

import time_machine
from django.core.management import call_command

from contracting.calendar import AMSTERDAM
from contracting.models import Negotiation, NegotiationStep
from contracting.selectors import caregroup_offers_late
from tests.demo.test_seed_demo import SEED_AT, seed


def _states():
    return sorted(((n.care_group.name, n.status, n.steps.count(), n.offer.status if n.offer else None)
                   for n in Negotiation.objects.filter(year=2027).select_related("care_group", "offer")),
                  key=lambda s: (-s[2], s[0]))


def test_care_groups_negotiate_at_every_stage_and_seeding_again_adds_nothing(db):
    seed()
    states = _states()
    # 23 November 2026, after 2027's care-group window closed (the end of 1 October; the seed runs no sweep, so
    # nothing has expired yet): both care groups with demo logins signed an agreement (submitted, offered,
    # countered, accepted: 4 steps), the first care group without logins has only the insurer's offer (1 step);
    # every other care group has none.
    assert [(status, steps, offer) for _name, status, steps, offer in states] == [
        ("signed", 4, "signed"), ("signed", 4, "signed"), ("open", 1, None)]
    assert {states[0][0], states[1][0]} == {"Gezondheidscentrum Lewenborg", "Zorggroep Amsterdam"}
    assert caregroup_offers_late(2027, now=SEED_AT)
    steps = NegotiationStep.objects.count()
    seed()
    assert NegotiationStep.objects.count() == steps
    assert _states() == states


def test_while_the_window_is_open_the_second_care_group_is_still_negotiating(db):
    # 20 August 2026, inside 2027's care-group window: the second care group with demo logins has countered the
    # insurer's offer (20 July) and waits for its answer; the first has agreed (3 August), not yet signed.
    with time_machine.travel(datetime(2026, 8, 20, 12, 0, tzinfo=AMSTERDAM), tick=False):
        call_command("seed_demo", stdout=StringIO())
    assert [(status, steps, offer) for _name, status, steps, offer in _states()] == [
        ("agreed", 4, "open"), ("open", 3, None), ("open", 1, None)]
