"""Two insurers in one region, each with its overlegteam; a member of each team, a purchaser of each insurer,
a practice user, an NZa analyst; and the round of team A for contract year 2027 (its calendar runs in 2026)."""

from datetime import datetime

import pytest

from accounts.models import Role
from contracting.calendar import AMSTERDAM
from contracting.services import contract_year_ensure
from tests.factories import InsurerFactory, OverlegTeamFactory, PracticeFactory, RegionFactory, make_member


def ams(*args) -> datetime:
    return datetime(*args, tzinfo=AMSTERDAM)


@pytest.fixture
def year2027(db):
    return contract_year_ensure(actor=None, year=2027)


@pytest.fixture
def world(year2027):
    region = RegionFactory(name="Utrecht-Stad")
    insurer_a = InsurerFactory(name="Zilverpunt", short_name="ZP", slug="zilverpunt")
    insurer_b = InsurerFactory(name="Andere Verzekeraar", short_name="AV", slug="andere")
    team_a = OverlegTeamFactory(name="OTH Utrecht – Zilverpunt", region=region, insurer=insurer_a)
    team_b = OverlegTeamFactory(name="OTH Utrecht – Andere", region=region, insurer=insurer_b)
    practice = PracticeFactory(region=region, name="Huisartsen Oudwijk", registered_patients=3100)
    return {
        "region": region, "insurer_a": insurer_a, "insurer_b": insurer_b, "team_a": team_a, "team_b": team_b,
        "practice": practice,
        "member_a": make_member(Role.OTH_MEMBER, team_a, email="lid@oth-a.example", full_name="Anna de Vries"),
        "member_b": make_member(Role.OTH_MEMBER, team_b, email="lid@oth-b.example", full_name="Bram Bakker"),
        "purchaser_a": make_member(Role.INSURER_PURCHASER, insurer_a, email="inkoper@zp.example",
                                   full_name="Ineke Kooij"),
        "purchaser_b": make_member(Role.INSURER_PURCHASER, insurer_b, email="inkoper@av.example",
                                   full_name="Piet Verhoef"),
        "practice_user": make_member(Role.PRACTICE_MEMBER, practice, email="praktijk@oudwijk.example"),
        "nza": make_member(Role.NZA_ANALYST, None, email="analist@nza.example"),
    }


@pytest.fixture
def round_a(world):
    from consultations.services import round_open

    return round_open(actor=world["purchaser_a"], overleg_team=world["team_a"], year=2027, now=ams(2026, 1, 5, 9, 0))


@pytest.fixture
def round_b(world):
    from consultations.services import round_open

    return round_open(actor=world["member_b"], overleg_team=world["team_b"], year=2027, now=ams(2026, 1, 5, 9, 0))


@pytest.fixture
def nza_2027(year2027):
    """The NZa maximum tariffs of 2027 (a contract for 2027 needs them)."""
    from contracting.models import Module
    from contracting.services import nza_tariff_set

    for code, value in {"inschrijving": "17.50", "consult": "10.50", "poh-ggz": "4000.00",
                        "specifieke-verrichtingen": "30.00"}.items():
        nza_tariff_set(actor=None, module=Module.objects.get(code=code), year=2027, max_tariff=value)
