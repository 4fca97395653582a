"""Who sees which monitor figures (monitor/access.py) and what monitor_view reads for them (monitor/selectors.py),
on snapshot rows made by hand (tests/monitor/snapshots.py): 2027 has 300 contracts nationally, 200 of them
Noordzee Zorg's; in Utrecht 14, 11 of them Noordzee Zorg's; in Limburg 5 (all Oostwind's); 2026 half of each
national figure."""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from monitor.access import INSURER, NZA, PROVIDER, TEAM, Filters, insurer_letters, monitor_access, parse_filters
from monitor.models import MonitorSnapshot
from monitor.selectors import monitor_view
from tests.factories import RegionFactory
from tests.monitor.snapshots import CONTRACTS, SATISFACTION, TERMS, snapshot

pytestmark = pytest.mark.django_db


def headlines(view):
    # The test indicators only: the real ones are registered too and have no snapshots here.
    return {f.code: (f.headline or {}).get("value") for f in view.figures if f.code in (CONTRACTS, SATISFACTION)}


def beside(view, code):
    return [(label, (h or {}).get("value")) for label, h in view.figure(code).comparisons]


def test_roles_and_kinds(monitor_world):
    w = monitor_world
    assert monitor_access(w.nza).kind == NZA
    assert monitor_access(w.purchaser).kind == INSURER
    assert monitor_access(w.team).kind == TEAM
    assert monitor_access(w.practice_user).kind == PROVIDER
    assert monitor_access(w.care_group_user).kind == PROVIDER
    assert not monitor_access(w.nobody).may_view
    view = monitor_view(user=w.nobody, year=2027, filters=Filters())
    assert view.figures == []


def test_nza_sees_every_cut_and_name_with_drill_down(monitor_world):
    w = monitor_world
    view = monitor_view(user=w.nza, year=None, filters=Filters())
    assert view.year == 2027  # the latest year with snapshots
    assert headlines(view) == {CONTRACTS: 300, SATISFACTION: 7.1}
    rows = view.figure(CONTRACTS).value["rows"]
    assert [r["label"] for r in rows] == ["Noordzee Zorg", "Zuiderlicht Verzekeringen", "Oostwind Zorgverzekeraar"]
    assert rows[0]["cells"] == {"new": 80, "continuing": 120}  # 2027 = 2 × (40, 60)
    assert rows[0]["drill_url"] == f"/register/2027/?insurer={w.noord.pk}"
    assert beside(view, CONTRACTS) == []  # national is what is shown
    # Trend: the headline of the same cut in each year.
    fig = view.figure(CONTRACTS)
    assert fig.trend_years == [2026, 2027]
    assert [(line.label, line.values) for line in fig.trend] == [("Deze selectie", [150, 300])]

    view = monitor_view(user=w.nza, year=2027, filters=Filters(insurer=w.zuid.pk))
    assert headlines(view) == {CONTRACTS: 60, SATISFACTION: None}  # Zuiderlicht has no satisfaction cut
    assert beside(view, CONTRACTS) == [("Landelijk", 300)]
    assert [line.values for line in view.figure(CONTRACTS).trend] == [[30, 60], [150, 300]]
    assert {c[1] for c in view.insurer_choices} == {"Noordzee Zorg", "Zuiderlicht Verzekeringen",
                                                   "Oostwind Zorgverzekeraar"}


def test_unsupported_dimension_is_ignored_with_a_note(monitor_world):
    w = monitor_world
    view = monitor_view(user=w.nza, year=2027, filters=Filters(region=w.utrecht.pk))
    assert headlines(view) == {CONTRACTS: 14, SATISFACTION: 7.1}
    assert view.figure(CONTRACTS).notes == []
    assert view.figure(SATISFACTION).notes == [
        "Dit cijfer is niet per regio uitgesplitst; u ziet alle regio's samen."]
    # Satisfaction shown is the national figure, so nothing beside it; contracts has the national beside.
    assert beside(view, SATISFACTION) == []
    assert beside(view, CONTRACTS) == [("Landelijk", 300)]


def test_insurer_sees_its_own_beside_national_others_never_named(monitor_world):
    w = monitor_world
    view = monitor_view(user=w.purchaser, year=2027, filters=Filters())
    assert view.filters.insurer == w.noord.pk
    assert headlines(view) == {CONTRACTS: 200, SATISFACTION: 7.4}
    assert beside(view, CONTRACTS) == [("Landelijk", 300)]
    assert [line.values for line in view.figure(CONTRACTS).trend] == [[100, 200], [150, 300]]
    assert view.insurer_choices == [(w.noord.pk, "Noordzee Zorg")]
    assert view.figure(CONTRACTS).value["rows"][0]["drill_url"] == f"/register/2027/?insurer={w.noord.pk}"

    # Asking for another insurer gives its own, with a note; the other's name appears nowhere.
    view = monitor_view(user=w.purchaser, year=2027, filters=Filters(insurer=w.zuid.pk))
    assert view.filters.insurer == w.noord.pk
    assert view.notes == ["U ziet de cijfers van uw eigen zorgverzekeraar naast de landelijke cijfers; "
                          "andere zorgverzekeraars zijn niet te kiezen."]
    assert headlines(view) == {CONTRACTS: 200, SATISFACTION: 7.4}
    dumped = json.dumps([f.value for f in view.figures] + [view.insurer_choices])
    assert "Zuiderlicht" not in dumped and "Oostwind" not in dumped

    # In a region: its own there, beside itself in all regions, the region and the nation.
    view = monitor_view(user=w.purchaser, year=2027, filters=Filters(region=w.utrecht.pk))
    assert headlines(view) == {CONTRACTS: 11, SATISFACTION: 7.4}
    assert beside(view, CONTRACTS) == [("Uw zorgverzekeraar, alle regio's", 200),
                                       ("Regio, alle zorgverzekeraars", 14), ("Landelijk", 300)]
    assert beside(view, SATISFACTION) == [("Landelijk", 7.1)]


def test_anonymised_rows_carry_a_letter_no_name_id_or_drill(monitor_world):
    w = monitor_world
    national = MonitorSnapshot.objects.get(year=2027, indicator=CONTRACTS, insurer=None, region=None).value
    access = monitor_view(user=w.purchaser, year=2027, filters=Filters()).access
    shown = access.present(national, own_cut=False)
    letters = insurer_letters(2027, [w.noord.pk, w.zuid.pk, w.oost.pk])
    assert sorted(letters.values()) == ["A", "B", "C"]
    # The stored order (by name) would place a letter between names: the letters come in their own order.
    others = sorted([(letters[w.zuid.pk], {"new": 20, "continuing": 40}), (letters[w.oost.pk],
                                                                          {"new": 10, "continuing": 30})])
    assert [(r["label"], r["cells"]) for r in shown["rows"]] == [
        ("Noordzee Zorg", {"new": 80, "continuing": 120}),
        *[(f"Zorgverzekeraar {letter}", cells) for letter, cells in others]]
    assert shown["rows"][1]["insurer"] is None and shown["rows"][1]["key"] == f"insurer:{others[0][0]}"
    assert all(r["drill"] is None for r in shown["rows"])  # not the viewer's own cut
    assert "Zuiderlicht" not in json.dumps(shown)
    # The stored snapshot is untouched, and the letters are the same for the same year on every call.
    assert national["rows"][1]["label"] == "Zuiderlicht Verzekeringen"
    assert insurer_letters(2027, [w.oost.pk, w.zuid.pk, w.noord.pk]) == letters


def test_a_national_table_per_insurer_shows_the_viewers_own_name_only(monitor_world):
    w = monitor_world
    letters = insurer_letters(2027, [w.noord.pk, w.zuid.pk, w.oost.pk])
    view = monitor_view(user=w.purchaser, year=2027, filters=Filters())
    fig = view.figure(TERMS)
    assert fig.notes == ["Dit cijfer is niet per zorgverzekeraar uitgesplitst; u ziet alle zorgverzekeraars samen."]
    others = sorted([(letters[w.zuid.pk], 40.0), (letters[w.oost.pk], 30.0)])
    assert [(r["label"], r["cells"]["share"], r["drill_url"]) for r in fig.value["rows"]] == [
        ("Noordzee Zorg", 50.0, f"/register/2027/?insurer={w.noord.pk}"),
        *[(f"Zorgverzekeraar {letter}", share, None) for letter, share in others]]
    assert fig.headline["value"] == 45.0 and fig.comparisons == []  # the national figure is what is shown
    team = monitor_view(user=w.team, year=2027, filters=Filters()).figure(TERMS)
    assert [r["label"] for r in team.value["rows"]] == [
        "Noordzee Zorg", *[f"Zorgverzekeraar {letter}" for letter, _share in others]]
    assert all(r["drill_url"] is None for r in team.value["rows"])


def test_overlegteam_sees_its_insurer_and_region(monitor_world):
    w = monitor_world
    view = monitor_view(user=w.team, year=2027, filters=Filters(insurer=w.zuid.pk, region=w.limburg.pk))
    assert (view.filters.insurer, view.filters.region) == (w.noord.pk, w.utrecht.pk)
    assert view.notes == ["U ziet de cijfers van de zorgverzekeraar en de regio van uw overlegteam."]
    assert headlines(view) == {CONTRACTS: 11, SATISFACTION: 7.4}
    assert beside(view, CONTRACTS) == [("Zorgverzekeraar, alle regio's", 200),
                                       ("Regio, alle zorgverzekeraars", 14), ("Landelijk", 300)]
    assert all(r["drill_url"] is None for f in view.figures for r in (f.value or {}).get("rows", []))
    assert view.region_choices == [(w.utrecht.pk, "Utrecht-test")]
    assert view.insurer_choices == [(w.noord.pk, "Noordzee Zorg")]


def test_practice_sees_its_region_beside_national_with_every_insurer_anonymised(monitor_world):
    w = monitor_world
    view = monitor_view(user=w.practice_user, year=2027, filters=Filters(insurer=w.noord.pk))
    assert (view.filters.insurer, view.filters.region) == (None, w.limburg.pk)
    assert headlines(view) == {CONTRACTS: 5, SATISFACTION: 7.1}
    assert beside(view, CONTRACTS) == [("Landelijk", 300)]
    row = view.figure(CONTRACTS).value["rows"][0]
    letter = insurer_letters(2027, [w.noord.pk, w.zuid.pk, w.oost.pk])[w.oost.pk]
    assert (row["label"], row["insurer"], row["drill_url"]) == (f"Zorgverzekeraar {letter}", None, None)
    assert view.insurer_choices == [] and view.region_choices == [(w.limburg.pk, "Limburg-test")]
    dumped = json.dumps([f.value for f in view.figures])
    assert not any(name in dumped for name in ("Noordzee", "Zuiderlicht", "Oostwind"))

    view = monitor_view(user=w.care_group_user, year=2027, filters=Filters())
    assert view.filters.region == w.utrecht.pk and headlines(view)[CONTRACTS] == 14


def test_parse_filters_reports_what_it_cannot_read():
    year, filters, errors = parse_filters({"year": "2027", "insurer": "x", "region": "3", "segment": "s9",
                                           "provider_type": "gp"})
    assert (year, filters) == (2027, Filters(insurer=None, region=3, segment="", provider_type="gp"))
    assert set(errors) == {"insurer", "segment"}
    assert parse_filters({}) == (None, Filters(), {})


def test_freshness_and_empty_year(monitor_world):
    w = monitor_world
    view = monitor_view(user=w.nza, year=2027, filters=Filters())
    assert view.freshness.computed_at.isoformat() == "2026-11-30T02:00:00+00:00"
    assert view.freshness.data_until.isoformat() == "2026-11-29T23:00:00+00:00"
    assert not view.freshness.published
    view = monitor_view(user=w.nza, year=2031, filters=Filters())
    assert not view.has_snapshots and view.freshness.computed_at is None


def count_queries(user, **kwargs):
    monitor_view(user=user, year=2027, filters=Filters(**kwargs))  # the memberships are read once per request
    with CaptureQueriesContext(connection) as ctx:
        monitor_view(user=user, year=2027, filters=Filters(**kwargs))
    return len(ctx.captured_queries)


def test_query_budget_does_not_grow_with_years_or_rows(monitor_world):
    w = monitor_world
    few = {u: count_queries(getattr(w, u)) for u in ("nza", "purchaser", "team", "practice_user")}
    in_region = count_queries(w.purchaser, region=w.utrecht.pk)
    # A third year, and forty more regions with a snapshot each.
    for year in (2024, 2025):
        snapshot(year, CONTRACTS, [("Noordzee Zorg", w.noord, 1, 1)], head=2)
    for _n in range(40):
        snapshot(2027, CONTRACTS, [("Noordzee Zorg", w.noord, 1, 1)], region=RegionFactory(), head=2)
    many = {u: count_queries(getattr(w, u)) for u in ("nza", "purchaser", "team", "practice_user")}
    assert many == few
    assert count_queries(w.purchaser, region=w.utrecht.pk) == in_region
    # years, contract years, insurers, the year's snapshots, the headlines of all years, regions, freshness (2);
    # a practice's own contracts one more
    assert few == {"nza": 8, "purchaser": 8, "team": 8, "practice_user": 9}
    assert monitor_view(user=w.nza, year=2027, filters=Filters()).figure(CONTRACTS).trend_years == [
        2024, 2025, 2026, 2027]


def test_without_a_year_the_cycles_current_year_is_shown_when_computed(monitor_world):
    from datetime import datetime

    import time_machine

    from contracting.calendar import AMSTERDAM
    from contracting.services import contract_year_ensure
    from monitor.access import Filters
    from monitor.selectors import monitor_view
    from tests.monitor.snapshots import CONTRACTS, snapshot

    w = monitor_world
    for year in (2027, 2028):
        contract_year_ensure(actor=None, year=year)
    snapshot(2028, CONTRACTS, [("Noordzee Zorg", w.noord, 1, 0)], head=1)
    # On 1 December 2026 the cycle works on 2027 (its follow decisions are due by 31 December 2026), though
    # 2028 is computed too; from 1 January 2027 on it works on 2028.
    with time_machine.travel(datetime(2026, 12, 1, 9, 0, tzinfo=AMSTERDAM), tick=False):
        assert monitor_view(user=w.nza, year=None, filters=Filters()).year == 2027
    with time_machine.travel(datetime(2027, 1, 2, 9, 0, tzinfo=AMSTERDAM), tick=False):
        assert monitor_view(user=w.nza, year=None, filters=Filters()).year == 2028
