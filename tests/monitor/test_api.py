"""The monitor API (/api/v1/monitor/indicators/ and /indicators/<code>/) on snapshot rows made by hand
(tests/monitor/snapshots.py): 2027 has 300 contracts nationally, 200 of them Noordzee Zorg's, 60 Zuiderlicht's;
in Utrecht 14, 11 of them Noordzee Zorg's; in Limburg 5; 2026 half of each national and insurer figure. The same
visibility as the dashboards: the NZa every cut and name, an insurer its own beside the national figures with
the others anonymised, an overlegteam its insurer and region, a practice its region; a bad filter is a 400."""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from monitor.access import insurer_letters
from tests.factories import RegionFactory
from tests.helpers import assert_error, client_for
from tests.monitor.snapshots import CONTRACTS, SATISFACTION, snapshot

pytestmark = pytest.mark.django_db

LIST = "/api/v1/monitor/indicators/"
DETAIL = f"/api/v1/monitor/indicators/{CONTRACTS}/"
VIEWERS = ("nza", "purchaser", "team", "practice_user", "care_group_user")


def get(user, url, **params):
    return client_for(user).get(url, params)


def figures(body) -> dict:
    return {f["code"]: f for f in body["indicators"]}


def headline_of(figure):
    return (figure["value"] or {}).get("headline", {}).get("value") if figure["value"] else None


@pytest.mark.parametrize("url", [LIST, DETAIL])
def test_role_matrix(monitor_world, url):
    w = monitor_world
    for name in VIEWERS:
        assert get(getattr(w, name), url, year=2027).status_code == 200, name
    assert_error(get(w.nobody, url), 403, "monitor_not_allowed")
    assert_error(get(None, url), 403, "not_authenticated")


def test_nza_gets_every_indicator_with_its_definition_and_freshness(monitor_world):
    w = monitor_world
    body = get(w.nza, LIST).json()
    assert body["year"] == 2027 and body["years"] == [2026, 2027]
    assert body["filters"] == {"insurer": None, "region": None, "segment": "", "provider_type": ""}
    assert body["freshness"] == {"computed_at": "2026-11-30T02:00:00Z", "data_until": "2026-11-29T23:00:00Z",
                                 "published": False, "published_at": None}
    contracts = figures(body)[CONTRACTS]
    assert {k: contracts[k] for k in ("title", "unit", "unit_label", "formula", "source", "caveats", "dimensions",
                                      "chapter", "chapter_label")} == {
        "title": "Testcontracten per zorgverzekeraar", "unit": "count", "unit_label": "aantal",
        "formula": "Aantal getekende testcontracten.", "source": "Testaanbiedingen",
        "caveats": ["Gevolgde contracten tellen één keer."], "dimensions": ["insurer", "region"],
        "chapter": "contractafspraken", "chapter_label": "Contractafspraken huisartsenzorg"}
    assert headline_of(contracts) == 300
    assert contracts["computed_at"] == "2026-11-30T02:00:00Z"
    first = contracts["value"]["rows"][0]
    # 2027 is twice 2026's (40 new, 60 continuing): 80 and 120; the NZa drills down to the register.
    assert (first["label"], first["insurer"], first["cells"]) == ("Noordzee Zorg", w.noord.pk,
                                                                   {"new": 80, "continuing": 120})
    assert first["drill_url"] == f"/register/2027/?insurer={w.noord.pk}"
    assert [c["key"] for c in contracts["value"]["columns"]] == ["new", "continuing"]
    assert headline_of(figures(body)[SATISFACTION]) == 7.1


def test_nza_filters_by_insurer_and_region_with_a_note_where_a_figure_is_not_split(monitor_world):
    w = monitor_world
    body = get(w.nza, LIST, year=2027, insurer=w.noord.pk, region=w.utrecht.pk).json()
    assert body["filters"]["insurer"] == w.noord.pk and body["filters"]["region"] == w.utrecht.pk
    contracts, satisfaction = figures(body)[CONTRACTS], figures(body)[SATISFACTION]
    assert headline_of(contracts) == 11
    assert [(c["label"], c["headline"]["value"]) for c in contracts["comparisons"]] == [("Landelijk", 300)]
    # Satisfaction is split by insurer only: Noordzee's figure of all regions, and a note saying so.
    assert satisfaction["cut"] == {"insurer": w.noord.pk, "region": None, "segment": "", "provider_type": ""}
    assert satisfaction["notes"] == ["Dit cijfer is niet per regio uitgesplitst; u ziet alle regio's samen."]
    assert headline_of(satisfaction) == 7.4


def test_the_series_of_one_indicator_over_the_years(monitor_world):
    w = monitor_world
    body = get(w.nza, DETAIL, insurer=w.zuid.pk).json()
    assert body["indicator"]["code"] == CONTRACTS and headline_of(body["indicator"]) == 60
    assert body["series"] == [
        {"label": "Deze selectie", "points": [{"year": 2026, "value": 30}, {"year": 2027, "value": 60}]},
        {"label": "Landelijk", "points": [{"year": 2026, "value": 150}, {"year": 2027, "value": 300}]}]
    # A year chosen: that year's table, the same series.
    body = get(w.nza, DETAIL, year=2026, insurer=w.zuid.pk).json()
    assert body["year"] == 2026 and headline_of(body["indicator"]) == 30
    assert len(body["series"][0]["points"]) == 2


def test_an_insurer_gets_its_own_figures_and_others_only_anonymised(monitor_world):
    w = monitor_world
    letters = insurer_letters(2027, [w.noord.pk, w.zuid.pk, w.oost.pk])
    for url in (LIST, DETAIL):
        response = get(w.purchaser, url, year=2027, insurer=w.zuid.pk)  # asking for another insurer
        assert response.status_code == 200
        body = response.json()
        assert body["filters"]["insurer"] == w.noord.pk
        assert body["notes"] == ["U ziet de cijfers van uw eigen zorgverzekeraar naast de landelijke cijfers; "
                                 "andere zorgverzekeraars zijn niet te kiezen."]
        raw = response.content.decode()
        assert "Zuiderlicht" not in raw and "Oostwind" not in raw
    contracts = figures(get(w.purchaser, LIST).json())[CONTRACTS]
    assert headline_of(contracts) == 200
    assert [(c["label"], c["headline"]["value"]) for c in contracts["comparisons"]] == [("Landelijk", 300)]
    body = get(w.purchaser, DETAIL).json()
    assert [line["label"] for line in body["series"]] == ["Deze selectie", "Landelijk"]
    assert [p["value"] for p in body["series"][0]["points"]] == [100, 200]
    own = get(w.purchaser, f"/api/v1/monitor/indicators/{SATISFACTION}/").json()["indicator"]
    assert [(r["label"], r["insurer"]) for r in own["value"]["rows"]] == [("Noordzee Zorg", w.noord.pk)]
    # A table with other insurers' rows (a practice's region) shows each by its letter, without id or drill-down.
    practice = figures(get(w.practice_user, LIST, region=w.limburg.pk).json())[CONTRACTS]["value"]["rows"]
    assert practice == [{"key": f"insurer:{letters[w.oost.pk]}", "label": f"Zorgverzekeraar {letters[w.oost.pk]}",
                         "insurer": None, "anonymous": True, "cells": {"new": 2, "continuing": 3},
                         "withheld": False, "note": "", "drill_url": None}]


def test_an_overlegteam_and_providers_get_their_cut_without_names_of_others_or_drill_down(monitor_world):
    w = monitor_world
    team = get(w.team, LIST, insurer=w.zuid.pk, region=w.limburg.pk).json()
    assert (team["filters"]["insurer"], team["filters"]["region"]) == (w.noord.pk, w.utrecht.pk)
    assert headline_of(figures(team)[CONTRACTS]) == 11
    assert all(r["drill_url"] is None for f in team["indicators"] for r in (f["value"] or {}).get("rows", []))
    for user in (w.practice_user, w.care_group_user):
        response = get(user, LIST, insurer=w.noord.pk)
        body = response.json()
        assert body["filters"]["insurer"] is None
        assert not any(name in response.content.decode() for name in ("Noordzee", "Zuiderlicht", "Oostwind"))
    assert headline_of(figures(get(w.practice_user, LIST).json())[CONTRACTS]) == 5  # Limburg
    assert headline_of(figures(get(w.care_group_user, LIST).json())[CONTRACTS]) == 14  # Utrecht


@pytest.mark.parametrize("params, field", [
    ({"segment": "s9"}, "segment"), ({"provider_type": "huisarts"}, "provider_type"), ({"insurer": "abc"}, "insurer"),
    ({"insurer": "999999"}, "insurer"), ({"region": "-3"}, "region"), ({"region": "999999"}, "region"),
    ({"year": "twintig"}, "year"), ({"year": "1999"}, "year"),
])
@pytest.mark.parametrize("url", [LIST, DETAIL])
def test_a_bad_filter_is_a_400_naming_the_parameter(monitor_world, url, params, field):
    body = assert_error(get(monitor_world.nza, url, **params), 400, "invalid_filter")
    assert list(body["fields"]) == [field]


def test_an_unknown_indicator_is_a_404(monitor_world):
    assert_error(get(monitor_world.nza, "/api/v1/monitor/indicators/bestaat_niet/"), 404, "not_found")


def test_english_labels_for_an_english_reader(monitor_world):
    body = client_for(monitor_world.nza).get(LIST, HTTP_ACCEPT_LANGUAGE="en").json()
    assert figures(body)[CONTRACTS]["unit_label"] == "count"
    assert figures(body)[CONTRACTS]["chapter_label"] != "Contractafspraken huisartsenzorg"


def _count(user, url, **params) -> int:
    client = client_for(user)
    client.get(url, params)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params)
    assert response.status_code == 200
    return len(queries)


def test_the_query_budget_does_not_grow_with_years_or_snapshot_rows(monitor_world):
    w = monitor_world
    cases = [(w.nza, LIST, {}), (w.purchaser, LIST, {"region": w.utrecht.pk}), (w.team, DETAIL, {}),
             (w.practice_user, LIST, {})]
    few = [_count(user, url, **params) for user, url, params in cases]
    for year in (2024, 2025):
        snapshot(year, CONTRACTS, [("Noordzee Zorg", w.noord, 1, 1)], head=2)
    for _n in range(30):
        snapshot(2027, CONTRACTS, [("Noordzee Zorg", w.noord, 1, 1)], region=RegionFactory(), head=2)
    many = [_count(user, url, **params) for user, url, params in cases]
    assert many == few, (few, many)
    # The session, its user and the memberships (3); monitor_view's years with snapshots, contract years,
    # insurers, regions, the snapshots of the cuts, their headlines over the years, the latest run and the
    # publication (8); a region asked for is checked to exist (1); a practice's own contracts in force (1).
    assert few == [11, 12, 11, 12], few
    assert json.dumps(get(w.nza, DETAIL).json()["series"][0]["points"][0]) == '{"year": 2024, "value": 2}'


def test_the_schema_documents_both_endpoints_their_filters_and_errors(db):
    schema = client_for(None).get("/api/schema/", {"format": "json"}).json()
    listing = schema["paths"]["/api/v1/monitor/indicators/"]["get"]
    detail = schema["paths"]["/api/v1/monitor/indicators/{code}/"]["get"]
    for operation in (listing, detail):
        assert {p["name"] for p in operation["parameters"]} >= {"year", "insurer", "region", "segment",
                                                                  "provider_type"}
        assert {"200", "400", "403"} <= set(operation["responses"])
        assert "invalid_filter" in operation["responses"]["400"]["description"]
    assert "404" in detail["responses"]
    indicator = schema["components"]["schemas"]["MonitorIndicator"]["properties"]
    assert {"formula", "unit", "caveats", "value", "comparisons"} <= set(indicator)
    assert "freshness" in schema["components"]["schemas"]["MonitorIndicators"]["properties"]


def test_a_withheld_group_stays_withheld_and_a_year_without_figures_says_so(monitor_world):
    from contracting.services import contract_year_ensure
    from monitor.indicators import Row, Unit, column, table
    from monitor.models import MonitorSnapshot

    w = monitor_world
    # A survey figure whose Zuiderlicht group had fewer answers than the threshold: stored withheld, shown so.
    value = table(columns=[column("mark", "Rapportcijfer", Unit.MARK)],
                  rows=[Row(key=f"insurer:{w.noord.pk}", label="Noordzee Zorg", insurer=w.noord.pk,
                            cells={"mark": 7.2}),
                        Row(key=f"insurer:{w.zuid.pk}", label="Zuiderlicht Verzekeringen", insurer=w.zuid.pk,
                            withheld=True, note="minder dan 3 antwoorden")])
    MonitorSnapshot.objects.filter(year=2027, indicator=SATISFACTION, insurer=None).update(value=value)
    for user in (w.nza, w.practice_user):
        rows = figures(get(user, LIST, year=2027).json())[SATISFACTION]["value"]["rows"]
        # (for the practice both rows are letters, in letter order: which one is Zuiderlicht is not told)
        assert sorted((r["withheld"], r["cells"], r["note"]) for r in rows) == [
            (False, {"mark": 7.2}, ""), (True, {}, "minder dan 3 antwoorden")]

    # 2028 has a calendar but nothing computed yet: every figure without a value, no freshness.
    contract_year_ensure(actor=None, year=2028)
    body = get(w.nza, LIST, year=2028).json()
    assert body["year"] == 2028 and body["freshness"]["computed_at"] is None
    assert all(f["value"] is None for f in body["indicators"])
