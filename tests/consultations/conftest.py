"""Two insurers in one region, each with its overlegteam; a member of each team, a purchaser of each insurer,
a practice user, an NZa analyst; and the round of team A for contract year 2027 (its calendar runs in 2026).
For the regiobijeenkomsten: `regional`, a region with practices, a care group and overlegteams, and `plan`."""

from datetime import datetime
from decimal import Decimal

import pytest

from accounts.models import Role
from contracting.calendar import AMSTERDAM
from contracting.services import contract_year_ensure
from tests.contracting.conftest import (  # noqa: F401 - fixtures shared with the contracting tests
    care_group,
    market,
    nza_tariffs,
    other_purchaser,
    practice_3100,
    purchaser,
    signatory,
)
from tests.factories import (
    CareGroupFactory,
    InsurerFactory,
    MarketShareFactory,
    OverlegTeamFactory,
    PracticeFactory,
    RegionFactory,
    make_member,
    set_nza_tariffs,
)


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
    set_nza_tariffs(2027)


# The meeting is planned on 1 March 2026 for 20 April 2026, 19:30–21:30 Amsterdam time (CEST).
PLANNED_AT = ams(2026, 3, 1, 10, 0)
STARTS = ams(2026, 4, 20, 19, 30)
ENDS = ams(2026, 4, 20, 21, 30)


@pytest.fixture
def regional(db, market, year2027, purchaser, other_purchaser):  # noqa: F811 - the imported fixtures
    """Insurer A (market["preferent"]) and C (market["other"]) in region R; R has practices P and Q and care
    group G; another region S with practice T where only A has insured. People: purchaser of A, of C; members of
    P (and a signatory), Q, G, T; overlegteams facing A in R, A in S, C in R; the NZa."""
    region = market["region"]
    a, c = market["preferent"], market["other"]
    p = PracticeFactory(region=region, name="Praktijk Pieterse")
    q = PracticeFactory(region=region, name="Praktijk Quist")
    g = CareGroupFactory(region=region, name="Zorggroep Gelre")
    other_region = RegionFactory(name="Stedendriehoek", code="stedendriehoek")
    MarketShareFactory(region=other_region, insurer=a, share_percent=Decimal("70"))
    t = PracticeFactory(region=other_region, name="Praktijk Terpstra")
    return {
        "region": region, "other_region": other_region, "a": a, "c": c, "p": p, "q": q, "g": g, "t": t,
        "users": {
            "purchaser A": purchaser,
            "purchaser C": other_purchaser,
            "member P": make_member(Role.PRACTICE_MEMBER, p, email="medewerker@pieterse.example"),
            "signatory P": make_member(Role.PRACTICE_SIGNATORY, p, email="tekenbevoegd@pieterse.example"),
            "member Q": make_member(Role.PRACTICE_MEMBER, q, email="medewerker@quist.example"),
            "member G": make_member(Role.CAREGROUP_MEMBER, g, email="coordinator@gelre.example"),
            "member T": make_member(Role.PRACTICE_MEMBER, t, email="medewerker@terpstra.example"),
            "OTH A in R": make_member(Role.OTH_MEMBER, OverlegTeamFactory(region=region, insurer=a),
                                      email="lid@oth-a-r.example"),
            "OTH A in S": make_member(Role.OTH_MEMBER, OverlegTeamFactory(region=other_region, insurer=a),
                                      email="lid@oth-a-s.example"),
            "OTH C in R": make_member(Role.OTH_MEMBER, OverlegTeamFactory(region=region, insurer=c),
                                      email="lid@oth-c-r.example"),
            "NZa": make_member(Role.NZA_ANALYST, email="analist@nza.example"),
            "purchaser B": make_member(Role.INSURER_PURCHASER,
                                       InsurerFactory(name="Derde Verzekeraar", short_name="Der", slug="der"),
                                       email="inkoper@der.example"),
        },
    }


def plan(world, *, insurer="a", region="region", title="Toelichting inkoopbeleid 2027", now=PLANNED_AT,
         starts=STARTS, ends=ENDS, **kwargs):
    actor = world["users"]["purchaser A" if insurer == "a" else "purchaser C"]
    from consultations.services import regional_meeting_create

    return regional_meeting_create(actor=actor, insurer=world[insurer], region=world[region], year=2027, title=title,
                                   starts_at=starts, ends_at=ends, location=kwargs.pop("location", "Arnhem, Zaal 1"),
                                   now=now, **kwargs)
