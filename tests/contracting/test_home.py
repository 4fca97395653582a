import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from accounts.models import Membership, Role
from contracting.calendar import MilestoneKind
from contracting.selectors import contract_year_current
from contracting.services import contract_year_ensure
from tests.factories import InsurerFactory, PracticeFactory, make_member
from tests.helpers import text

AMS = ZoneInfo("Europe/Amsterdam")


def at(*args) -> datetime:
    return datetime(*args, tzinfo=AMS)


def timeline_items(html: str, modifier: str = "") -> list[str]:
    pattern = rf'<li class="portal-timeline__item[^"]*{modifier}[^"]*"[^>]*>(.*?)</li>'
    return [text(m) for m in re.findall(pattern, html, flags=re.S)]


def home(client, user) -> str:
    client.force_login(user)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def year_2027(db):
    return contract_year_ensure(actor=None, year=2027)


def test_anonymous_user_is_sent_to_login(client, db):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


@time_machine.travel(at(2026, 10, 26, 10, 0), tick=False)
def test_practice_member_sees_practice_role_and_next_deadline_with_days_left(client, practice_user, practice,
                                                                             year_2027):
    html = home(client, practice_user)
    page = text(html)
    assert f"U werkt in dit portaal namens: {practice} Praktijkmedewerker" in page
    assert "Kalender contractjaar 2027" in page
    assert "Huidige fase: Ondertekenen geopend" in page
    # Signing closes by the end of 7 November: 12 days after 26 October.
    [next_item] = timeline_items(html, "--next")
    assert "uiterlijk 7 november 2026" in next_item
    assert "Contractering sluit" in next_item
    assert "nog 12 dagen" in next_item
    assert "Ondertekenen kan nog tot en met 7 november 2026. nog 12 dagen" in page
    assert "Alleen een tekenbevoegde van uw praktijk kan ondertekenen." in page


@time_machine.travel(at(2026, 10, 26, 10, 0), tick=False)
def test_past_milestones_are_done_and_today_sits_between_done_and_ahead(client, practice_user, year_2027):
    html = home(client, practice_user)
    done = timeline_items(html, "--done")
    assert any("vanaf 1 oktober 2026" in item and "Contracteerportalen open" in item for item in done)
    assert not any("Contractering sluit" in item for item in done)
    assert all(item.startswith("Afgerond:") for item in done)
    start = html.index('<ol class="portal-timeline">')
    timeline = text(html[start:html.index("</section>", start)])
    assert "Vandaag, 26 oktober 2026" in timeline
    assert (timeline.index("Contracteerportalen open") < timeline.index("Vandaag, 26 oktober 2026")
            < timeline.index("Contractering sluit"))


@time_machine.travel(at(2026, 9, 20, 9, 0), tick=False)
def test_before_the_signing_window_a_signatory_is_told_when_signing_opens(client, practice, year_2027):
    signatory = make_member(Role.PRACTICE_SIGNATORY, practice)
    html = home(client, signatory)
    page = text(html)
    assert "Ondertekenen kan van 1 oktober tot en met 7 november 2026." in page
    assert "Het portaal opent over 11 dagen." in page
    assert "U bent tekenbevoegd voor uw praktijk." in page
    [next_item] = timeline_items(html, "--next")
    assert next_item == ("Volgende stap: vanaf 1 oktober 2026 Contracteerportalen open; ondertekenen mogelijk "
                         "Voor: huisartsenpraktijk, samenwerkingsverband, zorgverzekeraar nog 11 dagen")


def test_an_end_boundary_shows_its_last_day_until_midnight(client, practice_user, year_2027):
    with time_machine.travel(at(2026, 11, 7, 23, 59, 59), tick=False):
        [next_item] = timeline_items(home(client, practice_user), "--next")
        assert "uiterlijk 7 november 2026" in next_item
        assert "vandaag" in next_item
    with time_machine.travel(at(2026, 11, 8, 0, 0), tick=False):
        html = home(client, practice_user)
        assert any("Contractering sluit" in item and "uiterlijk 7 november 2026" in item
                   for item in timeline_items(html, "--done"))
        assert "ondertekenen kon tot en met 7 november 2026" in text(html)


@time_machine.travel(at(2026, 3, 10, 9, 0), tick=False)
def test_insurer_purchaser_sees_its_own_next_milestone(client, insurer_user, insurer, year_2027):
    page = text(home(client, insurer_user))
    assert f"U werkt in dit portaal namens: {insurer.name} Zorginkoper" in page
    assert ("Volgende mijlpaal voor u: Publicatie voorgenomen inkoopbeleid en contracteerprocedure, "
            "uiterlijk 1 april 2026 (nog 22 dagen)") in page
    assert "Ondertekenen kan" not in page


def test_without_a_contract_year_the_page_says_who_creates_it(client, practice_user):
    page = text(home(client, practice_user))
    assert "Er is nog geen contractjaar aangemaakt; de beheerder maakt dit aan." in page
    assert "Vandaag" not in page


def test_current_year_is_the_earliest_whose_follow_decisions_are_ahead(db):
    y2027 = contract_year_ensure(actor=None, year=2027)
    y2028 = contract_year_ensure(actor=None, year=2028)
    # Follow decisions for 2027 are due before 1 January 2027 (by the end of 31 December 2026).
    assert contract_year_current(at(2026, 12, 31, 23, 59, 59)) == y2027
    assert contract_year_current(at(2027, 1, 1, 0, 0)) == y2028
    # Once every year's cycle is over, the latest year stays on show.
    assert contract_year_current(at(2028, 6, 1, 0, 0)) == y2028
    assert y2028.milestones.filter(kind=MilestoneKind.FOLLOW_DECISIONS_DUE).exists()


@time_machine.travel(at(2026, 10, 26, 10, 0), tick=False)
def test_home_runs_a_constant_number_of_queries(client, practice_user, year_2027, django_assert_max_num_queries):
    client.force_login(practice_user)
    # session, user, memberships (one select_related query), unread notifications, current contract year,
    # its milestones; then what waits on the user (selectors.tasks), for all the user's practices together:
    # their offers, the user's open questions and unread follow decisions; and the open surveys it has not
    # submitted (one, from the surveys app's task source).
    with django_assert_max_num_queries(6 + 3 + 1):
        assert client.get(reverse("home")).status_code == 200
    Membership.objects.create(user=practice_user, role=Role.INSURER_PURCHASER, insurer=InsurerFactory())
    Membership.objects.create(user=practice_user, role=Role.PRACTICE_SIGNATORY, practice=PracticeFactory())
    contract_year_ensure(actor=None, year=2028)
    # A second practice adds the addenda waiting for a signatory (one); the insurer adds its inbox counts
    # (three: questions, other requests, follow requests), policy, contracts and unsigned offers, and the
    # positions of its overlegteams that wait for its decision (one, from the consultations app's task source).
    with django_assert_max_num_queries(6 + 3 + 1 + 1 + 6 + 1):
        page = text(client.get(reverse("home")).content.decode())
    assert "Zorginkoper" in page and "Tekenbevoegde praktijk" in page
