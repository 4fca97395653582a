"""Snapshot rows made by hand for the dashboard, export and API tests (they read snapshots only): two registered
test indicators, three insurers, two regions and the viewers of each kind. The fixtures are offered to every
test module of tests/monitor by its conftest.py."""

from dataclasses import dataclass
from datetime import UTC, datetime

import pytest

from accounts.models import Role
from monitor.indicators import _REGISTRY, Chapter, Dim, Row, Unit, column, headline, indicator, table
from monitor.models import MonitorRun, MonitorSnapshot
from tests.factories import (
    CareGroupFactory,
    InsurerFactory,
    OverlegTeamFactory,
    PracticeFactory,
    RegionFactory,
    UserFactory,
    make_member,
)

COMPUTED = datetime(2026, 11, 30, 2, 0, tzinfo=UTC)
CONTRACTS = "test_contracts"
SATISFACTION = "test_satisfaction"
TERMS = "test_terms"


def _never(ctx):  # the dashboards never compute; a call would be a bug
    raise AssertionError("the dashboard recomputed an indicator")


def register_test_indicators():
    """Three indicators in the registry for the test's length: contracts per insurer (split by insurer and
    region), a satisfaction mark (split by insurer only) and the multi-year share, a national table with a row
    per insurer (not split at all)."""
    indicator(code=CONTRACTS, chapter=Chapter.CONTRACTS, order=1, title="Testcontracten per zorgverzekeraar",
              unit=Unit.COUNT, formula="Aantal getekende testcontracten.", source="Testaanbiedingen",
              caveats=("Gevolgde contracten tellen één keer.",), dimensions=(Dim.INSURER, Dim.REGION))(_never)
    indicator(code=SATISFACTION, chapter=Chapter.SURVEYS, order=1, title="Testtevredenheid", unit=Unit.MARK,
              formula="Gemiddeld rapportcijfer.", source="Testenquête", dimensions=(Dim.INSURER,))(_never)
    indicator(code=TERMS, chapter=Chapter.CONTRACTS, order=2, title="Testaandeel meerjarig", unit=Unit.PERCENT,
              formula="Meerjarige contracten van alle contracten.", source="Testaanbiedingen")(_never)


def unregister_test_indicators():
    for code in (CONTRACTS, SATISFACTION, TERMS):
        _REGISTRY.pop(code, None)


@pytest.fixture
def test_indicators():
    register_test_indicators()
    yield
    unregister_test_indicators()


def snapshot(year, code, rows, *, insurer=None, region=None, segment="", provider_type="", head=None, run=None):
    """One snapshot row; `rows` as (label, insurer or None, new, continuing) for CONTRACTS."""
    value = table(columns=[column("new", "Nieuw", Unit.COUNT), column("continuing", "Doorlopend", Unit.COUNT)],
                  rows=[Row(key=f"insurer:{i.pk}" if i else f"r{n}", label=label, insurer=i.pk if i else None,
                            cells={"new": new, "continuing": cont},
                            drill={"url_name": "register:year", "kwargs": {"year": year},
                                   "query": {"insurer": i.pk if i else ""}})
                        for n, (label, i, new, cont) in enumerate(rows)],
                  headline=headline(head, Unit.COUNT, "Contracten") if head is not None else None, n=None)
    return MonitorSnapshot.objects.create(year=year, indicator=code, insurer=insurer, region=region,
                                          segment=segment, provider_type=provider_type, value=value,
                                          run=run, computed_at=COMPUTED)


@dataclass
class World:
    noord: object
    zuid: object
    oost: object
    utrecht: object
    limburg: object
    nza: object
    purchaser: object  # of noord
    team: object  # overlegteam noord × utrecht
    practice_user: object  # practice in limburg
    care_group_user: object  # care group in utrecht
    nobody: object  # a user without a role


@pytest.fixture
def monitor_world(db, test_indicators):
    return build_world()


def build_world() -> World:
    """The insurers, regions, viewers and snapshot rows (call with the test indicators registered)."""
    noord = InsurerFactory(name="Noordzee Zorg", short_name="NZZ", slug="noordzee")
    zuid = InsurerFactory(name="Zuiderlicht Verzekeringen", short_name="ZLV", slug="zuiderlicht")
    oost = InsurerFactory(name="Oostwind Zorgverzekeraar", short_name="OWZ", slug="oostwind")
    utrecht = RegionFactory(name="Utrecht-test", code="utrecht-test")
    limburg = RegionFactory(name="Limburg-test", code="limburg-test")
    world = World(
        noord=noord, zuid=zuid, oost=oost, utrecht=utrecht, limburg=limburg,
        nza=make_member(Role.NZA_ANALYST),
        purchaser=make_member(Role.INSURER_PURCHASER, noord),
        team=make_member(Role.OTH_MEMBER, OverlegTeamFactory(insurer=noord, region=utrecht)),
        practice_user=make_member(Role.PRACTICE_MEMBER, PracticeFactory(region=limburg)),
        care_group_user=make_member(Role.CAREGROUP_MEMBER, CareGroupFactory(region=utrecht)),
        nobody=UserFactory(),
    )
    run = MonitorRun.objects.create(year=2027, status=MonitorRun.Status.DONE, requested_at=COMPUTED,
                                    started_at=COMPUTED, finished_at=COMPUTED,
                                    source={"data_until": "2026-11-29T23:00:00+00:00"})
    per_insurer = [("Noordzee Zorg", noord, 40, 60), ("Zuiderlicht Verzekeringen", zuid, 10, 20),
                   ("Oostwind Zorgverzekeraar", oost, 5, 15)]
    for year, factor in ((2026, 1), (2027, 2)):
        # national: 150 contracts in 2026, twice as many in 2027
        snapshot(year, CONTRACTS, [(n, i, new * factor, cont * factor) for n, i, new, cont in per_insurer],
                 head=150 * factor, run=run if year == 2027 else None)
        snapshot(year, CONTRACTS, [("Noordzee Zorg", noord, 40 * factor, 60 * factor)], insurer=noord,
                 head=100 * factor)
        snapshot(year, CONTRACTS, [("Zuiderlicht Verzekeringen", zuid, 10 * factor, 20 * factor)], insurer=zuid,
                 head=30 * factor)
        snapshot(year, CONTRACTS, [("Noordzee Zorg", noord, 4, 6), ("Zuiderlicht Verzekeringen", zuid, 1, 2)],
                 region=utrecht, head=13 + year - 2026)
        snapshot(year, CONTRACTS, [("Noordzee Zorg", noord, 4, 6)], insurer=noord, region=utrecht,
                 head=10 + year - 2026)
        snapshot(year, CONTRACTS, [("Oostwind Zorgverzekeraar", oost, 2, 3)], region=limburg, head=5)
        snapshot(year, SATISFACTION, [("Noordzee Zorg", noord, 7, 0), ("Zuiderlicht Verzekeringen", zuid, 6, 0)],
                 head=7.1 if year == 2027 else 6.8)
        snapshot(year, SATISFACTION, [("Noordzee Zorg", noord, 7, 0)], insurer=noord, head=7.4)
        snapshot_terms(year, [("Noordzee Zorg", noord, 50.0), ("Zuiderlicht Verzekeringen", zuid, 40.0),
                              ("Oostwind Zorgverzekeraar", oost, 30.0)], head=45.0)
    return world


def snapshot_terms(year, rows, *, head):
    """The national multi-year share: (label, insurer, percent) per row."""
    value = table(columns=[column("share", "Meerjarig", Unit.PERCENT)],
                  rows=[Row(key=f"insurer:{i.pk}", label=label, insurer=i.pk, cells={"share": share},
                            drill={"url_name": "register:year", "kwargs": {"year": year}, "query": {"insurer": i.pk}})
                        for label, i, share in rows],
                  headline=headline(head, Unit.PERCENT, "meerjarig"))
    return MonitorSnapshot.objects.create(year=year, indicator=TERMS, value=value, computed_at=COMPUTED)
