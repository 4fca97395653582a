"""An overlegteam member in a real browser: logs in, goes to the overleg rounds, opens the round with its
insurer and a meeting, reads the agenda, the minutes (a script in them stays text) and the positions with the
insurer's decisions, one of them overdue, and opens that position. Screenshots of each step."""

from datetime import date, datetime

import pytest
import time_machine

from accounts.models import Role
from consultations.models import Position
from consultations.services import (
    meeting_plan,
    meeting_record,
    position_decide,
    position_set_due,
    position_submit,
    round_decide_mandate,
    round_open,
    round_request_mandate,
)
from contracting.calendar import AMSTERDAM
from contracting.services import contract_year_ensure
from tests.e2e.conftest import login
from tests.factories import DEFAULT_PASSWORD, InsurerFactory, OverlegTeamFactory, RegionFactory, make_member

pytestmark = pytest.mark.django_db(transaction=True)


def ams(*args):
    return datetime(*args, tzinfo=AMSTERDAM)


@pytest.fixture
def world():
    contract_year_ensure(actor=None, year=2027)
    insurer = InsurerFactory(name="Zorgverzekeraar Noord", short_name="Noord", slug="noord")
    team = OverlegTeamFactory(name="OTH Groningen – Noord", region=RegionFactory(name="Groningen"), insurer=insurer)
    member = make_member(Role.OTH_MEMBER, team, email="lid@oth-noord.example", full_name="Dr. M. Hoekstra")
    purchaser = make_member(Role.INSURER_PURCHASER, insurer, email="inkoper@noord.example", full_name="J. Jansen")
    round = round_open(actor=purchaser, overleg_team=team, year=2027, now=ams(2026, 1, 5, 9, 0))
    round_request_mandate(actor=member, round=round, text="Overleg namens de huisartsen in Groningen.",
                          now=ams(2026, 1, 12, 9, 0))
    round_decide_mandate(actor=purchaser, round=round, accept=True, reason="", now=ams(2026, 1, 14, 9, 0))
    meeting = meeting_plan(actor=purchaser, round=round, title="Overleg over het inkoopbeleid",
                           starts_at=ams(2026, 3, 10, 14, 0), location="Online",
                           agenda="Opening\nInkoopbeleid op hoofdlijnen\nStandpunten\nRondvraag", now=ams(2026, 3, 1))
    meeting_record(actor=member, meeting=meeting, attendee_ids=[member.pk, purchaser.pk], now=ams(2026, 3, 10, 17),
                   minutes="## Besproken\n\n- **ANW**: de vergoeding volgt de loonkosten.\n\n"
                           "<script>document.title='gekaapt'</script>")
    adopted = position_submit(actor=member, round=round, meeting=meeting, title="ANW-vergoeding volgt de loonkosten",
                              text="De vergoeding stijgt met de cao-lonen.", now=ams(2026, 3, 10, 16))
    position_decide(actor=purchaser, position=adopted, decision=Position.Decision.PARTLY,
                    reasons="Met 2% vanaf 2027.", now=ams(2026, 3, 20))
    overdue = position_submit(actor=member, round=round, meeting=meeting, title="Meerjarencontract van drie jaar",
                              text="Een contract voor drie jaar.", now=ams(2026, 3, 10, 16, 5))
    position_set_due(actor=purchaser, position=overdue, due_on=date(2026, 4, 1), now=ams(2026, 3, 11))
    return {"member": member, "round": round, "meeting": meeting, "overdue": overdue}


def test_an_overlegteam_member_opens_a_meeting_with_its_positions(page, world, shot):
    with time_machine.travel(ams(2026, 4, 6, 10, 0), tick=True):
        login(page, world["member"].email, DEFAULT_PASSWORD)
        page.get_by_role("link", name="Overlegrondes").click()
        page.wait_for_url("**/overleg/rondes/")
        assert "Dit is overleg, geen onderhandeling." in page.inner_text("main")
        shot(page, "overleg-1-rounds")
        page.get_by_role("link", name="2027").click()
        page.wait_for_url(f"**/overleg/rondes/{world['round'].pk}/")
        assert "Overleg OTH Groningen – Noord met Zorgverzekeraar Noord over 2027" in page.inner_text("h1")
        shot(page, "overleg-2-round")

        page.get_by_role("link", name="Overleg over het inkoopbeleid").click()
        page.wait_for_url(f"**/overleg/overleggen/{world['meeting'].pk}/")
        main = page.inner_text("main")
        assert "Inkoopbeleid op hoofdlijnen" in main and "Dr. M. Hoekstra" in main
        assert page.title() != "gekaapt" and "<script>document.title='gekaapt'</script>" in main
        rows = page.locator("#positions-heading ~ div table tbody tr")
        assert rows.count() == 2
        assert "Gedeeltelijk overgenomen" in rows.nth(0).inner_text()
        overdue_row = rows.nth(1).inner_text()
        assert "Wacht op besluit" in overdue_row and "1 april 2026" in overdue_row and "5 dagen te laat" in overdue_row
        shot(page, "overleg-3-meeting-with-positions")

        page.get_by_role("link", name="Meerjarencontract van drie jaar").click()
        page.wait_for_url(f"**/overleg/standpunten/{world['overdue'].pk}/")
        assert "Standpunt intrekken" in page.inner_text("main")
        assert page.locator("input[value=decide]").count() == 0  # the decision is the insurer's
        shot(page, "overleg-4-position")
