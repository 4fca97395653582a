"""The overleg pages as their users see them: the note that this is overleg and not negotiation, minutes with
a script rendered harmless (on the page and in the API), the insurer's decision form and its refusals in
Dutch that change nothing, and the member's view of a meeting with its positions."""

import time_machine
from django.urls import reverse

from consultations.models import Position
from consultations.services import meeting_plan, meeting_record, position_decide, position_set_due, position_submit
from tests.consultations.conftest import ams
from tests.helpers import client_for, page_html_as, text

HOSTILE = """# Verslag

Afgesproken: **ANW** blijft op de agenda.

<script>alert("buit")</script>
<img src="x" onerror="alert(1)">
[klik](javascript:alert(2)) en [de NZa](https://www.nza.nl)
"""


def _meeting(world, round_a):
    meeting = meeting_plan(actor=world["member_a"], round=round_a, title="Overleg maart",
                           starts_at=ams(2026, 3, 10, 14, 0), location="Utrecht, kantoor Zilverpunt",
                           agenda="Mandaat\nANW-diensten\nRondvraag", now=ams(2026, 3, 1))
    return meeting_record(actor=world["member_a"], meeting=meeting, minutes=HOSTILE,
                          attendee_ids=[world["member_a"].pk, world["purchaser_a"].pk], now=ams(2026, 3, 10, 17))


def test_minutes_with_a_script_are_rendered_harmless(client, world, round_a):
    meeting = _meeting(world, round_a)
    html = page_html_as(client, world["member_a"], reverse("consultations:meeting", args=[meeting.pk]))
    minutes = html[html.index('class="portal-card portal-minutes"'):]
    minutes = minutes[:minutes.index("</div>")]
    # No element of the hostile text survives as markup: the script and the image are text, the link is not one.
    assert "<script" not in minutes and "<img" not in minutes and 'href="javascript' not in minutes
    assert "&lt;script&gt;" in minutes  # shown as text, not run
    assert "<strong>ANW</strong>" in minutes and "<h2>Verslag</h2>" in minutes
    assert '<a href="https://www.nza.nl" rel="noopener noreferrer nofollow">de NZa</a>' in minutes
    body = client_for(world["purchaser_a"]).get(f"/api/v1/consultation-meetings/{meeting.pk}/").json()
    assert body["minutes"] == HOSTILE.strip()  # the source is kept as written
    assert "<script" not in body["minutes_html"] and "&lt;script&gt;" in body["minutes_html"]
    assert body["attendees"] == ["Anna de Vries", "Ineke Kooij"]
    assert body["agenda_items"] == ["Mandaat", "ANW-diensten", "Rondvraag"]


@time_machine.travel(ams(2026, 3, 12, 10, 0), tick=False)
def test_a_member_opens_a_meeting_with_its_positions_and_the_insurers_decisions(client, world, round_a):
    meeting = _meeting(world, round_a)
    decided = position_submit(actor=world["member_a"], round=round_a, meeting=meeting, title="ANW-tarief omhoog",
                              text="Het ANW-tarief volgt de loonkosten.", now=ams(2026, 3, 10, 16))
    waiting = position_submit(actor=world["member_a"], round=round_a, meeting=meeting, title="Minder administratie",
                              text="Eén declaratieformulier.", now=ams(2026, 3, 10, 16, 5))
    position_decide(actor=world["purchaser_a"], position=decided, decision=Position.Decision.PARTLY,
                    reasons="Vanaf 2027 met 2%.", now=ams(2026, 3, 11))
    position_set_due(actor=world["purchaser_a"], position=waiting, due_on=ams(2026, 3, 31).date(),
                     now=ams(2026, 3, 11))
    page = text(page_html_as(client, world["member_a"], reverse("consultations:meeting", args=[meeting.pk])))
    assert "Dit is overleg, geen onderhandeling." in page and "De Mededingingswet verbiedt collectief" in page
    assert "Agenda Mandaat ANW-diensten Rondvraag" in page
    assert "Aanwezig Anna de Vries Ineke Kooij" in page
    assert "ANW-tarief omhoog 10 maart 2026 Gedeeltelijk overgenomen" in page
    assert "Minder administratie 10 maart 2026 Wacht op besluit uiterlijk 31 maart 2026 nog 19 dagen" in page


@time_machine.travel(ams(2026, 3, 12, 10, 0), tick=False)
def test_the_decision_form_refuses_in_dutch_and_changes_nothing(client, world, round_a):
    position = position_submit(actor=world["member_a"], round=round_a, title="ANW-tarief omhoog",
                               text="Het ANW-tarief volgt de loonkosten.", now=ams(2026, 3, 10, 16))
    url = reverse("consultations:position", args=[position.pk])
    client.force_login(world["purchaser_a"])
    response = client.post(url, {"action": "decide", "decision": "not_adopted", "reasons": ""})
    assert response.status_code == 200
    assert "Motiveer waarom het standpunt niet (geheel) is overgenomen." in text(response.content.decode())
    response = client.post(url, {"action": "due", "due_on": "2026-03-01"})
    assert "De datum waarop u uiterlijk besluit kan niet in het verleden liggen." in text(response.content.decode())
    assert Position.objects.get(pk=position.pk).status == Position.Status.SUBMITTED
    response = client.post(url, {"action": "decide", "decision": "not_adopted", "reasons": "Past niet in het budget."})
    assert response.status_code == 302
    page = text(page_html_as(client, world["member_a"], url))
    assert "Niet overgenomen" in page and "Motivering: Past niet in het budget." in page
    # The team sees no decision form; a member's post to it is refused.
    assert 'value="decide"' not in page_html_as(client, world["member_a"], url)


def test_the_api_says_what_is_wrong_and_changes_nothing(world, round_a):
    member = client_for(world["member_a"])
    response = member.post("/api/v1/consultation-positions/", {"round": round_a.pk, "title": "", "text": "x"},
                           format="json")
    assert (response.status_code, response.json()["code"]) == (400, "title_required")
    assert response.json()["detail"] == "Geef het standpunt een titel."
    assert not Position.objects.exists()
    purchaser = client_for(world["purchaser_a"])
    response = purchaser.post(f"/api/v1/consultation-rounds/{round_a.pk}/mandate-decision/",
                              {"accept": True}, format="json")
    assert (response.status_code, response.json()["code"]) == (409, "mandate_not_pending")
