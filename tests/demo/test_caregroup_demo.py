"""The demo's care-group negotiations: the care groups with demo logins at every stage with their region's
preferent insurer, almost every other care group contracted (offered before 15 July, accepted, signed), one
with only the insurer's offer and one without an offer (its insurer flagged late); a second run adds
nothing."""

from datetime import datetime
from io import StringIO

import time_machine
from django.core.management import call_command

from contracting.calendar import AMSTERDAM
from contracting.models import Negotiation, NegotiationStep
from contracting.selectors import caregroup_offers_late
from demo.users import demo_login_rows
from providers.models import CareGroup
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
    # countered, accepted: 4 steps). Of the 58 others (60 care groups, 4 in each of the 15 regions) the first in
    # name order has only the insurer's offer (1 step), the last has no offer at all, and the 56 between were
    # offered and accepted (2 steps) and signed.
    assert [(status, steps, offer) for _name, status, steps, offer in states] == (
        [("signed", 4, "signed")] * 2 + [("signed", 2, "signed")] * 56 + [("open", 1, None)])
    assert {states[0][0], states[1][0]} == {"Gezondheidscentrum Lewenborg", "Zorggroep Amsterdam"}
    late = caregroup_offers_late(2027, now=SEED_AT)
    last = CareGroup.objects.order_by("-name").first()
    assert [(item.care_group, item.offered_at) for item in late] == [(last, None)]
    # The contracted care groups' people cannot log in: they are no demo logins.
    assert not any(row["organisation"] == states[2][0] for row in demo_login_rows(SEED_AT))
    steps = NegotiationStep.objects.count()
    seed()
    assert NegotiationStep.objects.count() == steps
    assert _states() == states


def test_while_the_window_is_open_the_second_care_group_is_still_negotiating(db):
    # 20 August 2026, inside 2027's care-group window: the second care group with demo logins has countered the
    # insurer's offer (20 July) and waits for its answer; the first has agreed (3 August), not yet signed. Of the
    # 56 care groups that accept an offer, the n-th (from 0) does so on 4 August + (n mod 24) days at 11:00. The
    # demo is the data of 00:00 on the seed's day, so by the start of 20 August those with n mod 24 <= 15 have,
    # that is 16 + 16 + 8 = 40 of n = 0..55; the other 16 and the offer-only care group wait with the
    # insurer's offer (1 step). Nobody has signed: signing is in September.
    with time_machine.travel(datetime(2026, 8, 20, 12, 0, tzinfo=AMSTERDAM), tick=False):
        call_command("seed_demo", stdout=StringIO())
    assert [(status, steps, offer) for _name, status, steps, offer in _states()] == [
        ("agreed", 4, "open"), ("open", 3, None)] + [("agreed", 2, "open")] * 40 + [("open", 1, None)] * 17
