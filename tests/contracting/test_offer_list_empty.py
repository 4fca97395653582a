"""A provider without an offer reads where it stands on today's date, from the year's own milestones: when
offers come (care groups by 15 July, practices by 15 September), that none came once the date has passed and
what it can still do, and, once signing has closed, when the next cycle starts."""


import pytest
import time_machine
from django.urls import reverse

from accounts.models import Role
from contracting.calendar import MilestoneKind, end_of_day
from contracting.models import Milestone
from contracting.services import contract_year_ensure, milestone_reschedule
from tests.contracting.conftest import ams
from tests.factories import CareGroupFactory, PracticeFactory, make_member
from tests.helpers import text


@pytest.fixture
def practice_member(db):
    return make_member(Role.PRACTICE_MEMBER, PracticeFactory(), email="medewerker@praktijk.example")


@pytest.fixture
def group_member(db):
    return make_member(Role.CAREGROUP_MEMBER, CareGroupFactory(), email="medewerker@zorggroep.example")


def offer_list(client, user, moment) -> str:
    with time_machine.travel(moment, tick=False):
        client.force_login(user)
        response = client.get(reverse("offers:list"))
    assert response.status_code == 200
    return text(response.content.decode())


def test_before_15_july_a_care_group_reads_when_its_offers_come(client, group_member, year2027):
    body = offer_list(client, group_member, ams(2026, 7, 1, 10, 0))
    assert ("Er is nog geen aanbod voor 2027. Zorgverzekeraars sturen hun aanbod aan samenwerkingsverbanden "
            "uiterlijk 15 juli 2026; het verschijnt dan hier. nog 14 dagen") in body
    assert "15 september" not in body


def test_before_15_september_a_practice_reads_when_its_offers_come(client, practice_member, year2027):
    body = offer_list(client, practice_member, ams(2026, 9, 1, 10, 0))
    assert ("Er is nog geen aanbod voor 2027. Zorgverzekeraars maken hun definitieve aanbod aan "
            "huisartsenpraktijken uiterlijk 15 september 2026 bekend; het verschijnt dan hier. nog 14 dagen") in body


def test_after_15_july_a_care_group_reads_that_no_offer_came_and_what_it_can_do(client, group_member, year2027):
    body = offer_list(client, group_member, ams(2026, 8, 1, 10, 0))
    assert ("Er is voor 2027 geen aanbod voor uw samenwerkingsverband gekomen. Zorgverzekeraars moesten het "
            "uiterlijk 15 juli 2026 sturen.") in body
    assert "Ondertekenen kan nog tot en met 7 november 2026." in body
    assert "Neem contact op met de zorginkoper van uw zorgverzekeraar" in body
    assert "Er is nog geen aanbod" not in body


def test_after_15_september_a_practice_reads_that_no_offer_came(client, practice_member, year2027):
    body = offer_list(client, practice_member, ams(2026, 9, 20, 10, 0))
    assert ("Er is voor 2027 geen aanbod voor uw praktijk gekomen. Het definitieve aanbod moest uiterlijk "
            "15 september 2026 bekend zijn.") in body
    assert "standaardcontract van een zorgverzekeraar aanvragen" in body


def test_on_1_december_a_care_group_reads_when_the_next_cycle_starts(client, group_member, year2027):
    body = offer_list(client, group_member, ams(2026, 12, 1, 10, 0))
    assert "Er is voor 2027 geen aanbod voor uw samenwerkingsverband gekomen." in body
    assert "Voor 2027 kan niet meer worden ondertekend." in body
    assert "De contracteercyclus voor 2028 begint op 1 januari 2027" in body
    assert "uiterlijk 15 september is het definitieve aanbod bekend" not in body
    assert "Ondertekenen kan nog" not in body


def test_once_next_year_exists_its_own_dates_are_shown(client, group_member, year2027):
    contract_year_ensure(actor=None, year=2028)
    body = offer_list(client, group_member, ams(2026, 12, 1, 10, 0))
    assert "Uw contracten voor 2028" in body
    assert "Zorgverzekeraars sturen hun aanbod aan samenwerkingsverbanden uiterlijk 15 juli 2027" in body


def test_a_moved_milestone_moves_the_text(client, group_member, year2027):
    milestone = Milestone.objects.get(contract_year=year2027, kind=MilestoneKind.CAREGROUP_OFFERS)
    milestone_reschedule(actor=None, milestone=milestone, due_at=end_of_day(ams(2026, 7, 22).date()))
    body = offer_list(client, group_member, ams(2026, 7, 20, 10, 0))
    assert "uiterlijk 22 juli 2026; het verschijnt dan hier. nog 2 dagen" in body
