"""The demo's care-group negotiations: care groups at every stage with their region's preferent insurer, and
one without an offer (its insurer flagged late); a second run adds nothing."""

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
    # 23 November 2026, for 2027 (the seed runs no sweep, so nothing has expired yet): the first care group
    # with demo logins signed its agreement (4 steps), the second countered the insurer's offer (3 steps), the
    # first care group without logins has only the insurer's offer (1 step); every other care group has none.
    assert [(status, steps, offer) for _name, status, steps, offer in states] == [
        ("signed", 4, "signed"), ("open", 3, None), ("open", 1, None)]
    assert states[0][0] == "Gezondheidscentrum Lewenborg" and states[1][0] == "Zorggroep Amsterdam"
    assert caregroup_offers_late(2027, now=SEED_AT)
    steps = NegotiationStep.objects.count()
    seed()
    assert NegotiationStep.objects.count() == steps
    assert _states() == states
