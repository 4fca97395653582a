"""'Wat wacht op u' on the home page: an overlegteam member sees how many of its positions wait for the insurer's
decision, the insurer's purchaser how many it has to decide, each with how many are past the day the insurer set;
other teams and insurers see nothing of them."""

from datetime import date

import time_machine

from consultations.services import position_decide, position_set_due, position_submit
from tests.consultations.conftest import ams
from tests.helpers import page_html_as, text


def test_the_home_page_says_how_many_positions_wait_and_how_many_are_late(client, world, round_a):
    member, purchaser = world["member_a"], world["purchaser_a"]
    first = position_submit(actor=member, round=round_a, title="Meer uren POH-GGZ", text="Vier uur extra.",
                            now=ams(2026, 3, 2, 14, 0))
    position_submit(actor=member, round=round_a, title="Eén declaratieformulier", text="Voor alle modules.",
                    now=ams(2026, 3, 2, 14, 5))
    decided = position_submit(actor=member, round=round_a, title="ANW-vergoeding", text="Volgt de loonkosten.",
                              now=ams(2026, 3, 2, 14, 10))
    position_set_due(actor=purchaser, position=first, due_on=date(2026, 3, 16), now=ams(2026, 3, 3, 9, 0))
    position_decide(actor=purchaser, position=decided, decision="adopted", reasons="", now=ams(2026, 3, 4, 9, 0))
    # On 20 March the first's day (the end of 16 March) has passed; the second has no day yet; the third is
    # decided and waits for nobody: 2 waiting, 1 of them late.
    with time_machine.travel(ams(2026, 3, 20, 10, 0), tick=False):
        team = text(page_html_as(client, member, "/"))
        insurer = text(page_html_as(client, purchaser, "/"))
        other_team = text(page_html_as(client, world["member_b"], "/"))
        other_insurer = text(page_html_as(client, world["purchaser_b"], "/"))
    assert "2 standpunten wachten op het besluit van de zorgverzekeraar (1 te laat)" in team
    assert "2 standpunten van overlegteams wachten op uw besluit (1 te laat)" in insurer
    assert "standpunt" not in other_team and "standpunt" not in other_insurer
