"""Chapter 4 (multidisciplinaire zorg): ketenzorg contracts per programme (Tabel 4.1), the components in the
integral tariff per insurer (Tabel 4.2–4.6), the inclusieplafond (Tabel 4.7) and O&I per prestatie, each on a
small fixture with the figures counted by hand."""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import Role
from contracting.models import HolderKind, Offer
from contracting.services import offer_sign
from monitor.access import Filters
from monitor.indicators import Context, Dims, get_indicator
from monitor.models import MonitorSnapshot
from monitor.selectors import monitor_view
from tests.contracting.conftest import (  # noqa: F401 (fixtures)
    care_group,
    cg_member,
    cg_signatory,
    market,
    purchaser,
    year2027,
)
from tests.contracting.test_caregroups import agreed
from tests.factories import CareGroupFactory, InsurerFactory, PracticeFactory, RegionFactory, make_member
from tests.monitor.fixtures import ams, contract, offer

NOW = ams(2027, 3, 1, 12, 0)
DM2_COMPONENTS = ["dietetiek", "voetzorg", "fundus", "specialist", "stoppen-met-roken", "lab"]


def cuts(code, year=2027):
    return {cut.dims: cut.value for cut in get_indicator(code).compute(Context(year=year, now=NOW))}


def row(value, key):
    return next(r for r in value["rows"] if r["key"] == key)


def keys(value):
    return [r["key"] for r in value["rows"]]


@pytest.fixture
def mdz(db):
    """Insurer A (Alfa Zorg) has three care-group contracts, B (Beta Zorg) one, in regions R1 and R2:

        c1 A cg1 R1: DM2 (voetzorg separate, the rest not named = integral; ceiling 5%), COPD (all integral),
                     O&I wijkmanagement €2.50 with a lumpsum
        c2 A cg2 R1: DM2 (voetzorg and fundus separate, no ceiling), O&I wijkmanagement €3.00
        c3 A cg3 R2: DM2 (all six named integral; ceiling 8%), kwetsbare ouderen (overhead)
        c4 B cg1 R1: DM2 (lab separate; ceiling 5%), O&I regiomanagement €1.20

    Not counted: an open (unsigned) offer of B to cg4 in R2 with DM2, a contract that ended in 2026, and a
    practice's contract."""
    r1, r2 = RegionFactory(name="R1"), RegionFactory(name="R2")
    a, b = InsurerFactory(name="Alfa Zorg", short_name="Alfa"), InsurerFactory(name="Beta Zorg", short_name="Beta")
    cg1, cg2, cg3, cg4 = (CareGroupFactory(region=r) for r in (r1, r1, r2, r2))
    signed = ams(2026, 9, 1, 10, 0)
    all_integral = {c: "integral" for c in DM2_COMPONENTS}
    c1 = contract(a, lines=[("ketenzorg-dm2", {"components": {"voetzorg": "separate"}, "expected_patients": 100,
                                               "inclusion_ceiling_percent": "5"}),
                            ("ketenzorg-copd", {"components": {}, "expected_patients": 50}),
                            ("oi-wijkmanagement", {"tariff": "2.50", "lumpsum": "20000"})])
    c2 = contract(a, lines=[("ketenzorg-dm2", {"components": {**all_integral, "voetzorg": "separate",
                                                              "fundus": "separate"}}),
                            ("oi-wijkmanagement", {"tariff": "3.00"})])
    c3 = contract(a, lines=[("ketenzorg-dm2", {"components": all_integral, "inclusion_ceiling_percent": "8"}),
                            ("programma-kwetsbare-ouderen", {"tariff": "25000"})])
    c4 = contract(b, lines=[("ketenzorg-dm2", {"components": {"lab": "separate"}, "inclusion_ceiling_percent": "5"}),
                            ("oi-regiomanagement", {"tariff": "1.20"})])
    for sc, group in ((c1, cg1), (c2, cg2), (c3, cg3), (c4, cg1)):
        offer(sc, group, signed_at=signed)
    offer(contract(b, lines=[("ketenzorg-dm2", {"components": {}})]), cg4)
    offer(contract(b, first_year=2025, term_years=2, lines=[("ketenzorg-dm2", {"components": {}})]), cg4,
          signed_at=ams(2024, 9, 1, 10, 0))
    practice_contract = contract(a, holder_kind=HolderKind.PRACTICE, lines=[("inschrijving", {})])
    offer(practice_contract, PracticeFactory(region=r1), signed_at=signed)
    return {"a": a.pk, "b": b.pk, "r1": r1.pk, "r2": r2.pk, "cg1": cg1, "cg2": cg2, "cg3": cg3, "cg4": cg4,
            "a_obj": a, "b_obj": b}


def test_contracts_per_programme_tabel_4_1(mdz):
    values = cuts("mdz_contracts_per_programme")
    national = values[Dims()]
    # Four signed care-group contracts; DM2 in all four, COPD in c1, kwetsbare ouderen in c3.
    assert national["n"] == 4 and national["headline"]["value"] == 4
    assert row(national, "programme:ketenzorg-dm2")["cells"] == {"contracts": 4, "share": 100.0}
    assert row(national, "programme:ketenzorg-copd")["cells"] == {"contracts": 1, "share": 25.0}
    assert row(national, "programme:programma-kwetsbare-ouderen")["cells"] == {"contracts": 1, "share": 25.0}
    assert row(national, "programme:ketenzorg-astma")["cells"] == {"contracts": 0, "share": 0.0}
    # The programmes in the catalogue's order, VRM as HVZ and VVR.
    assert keys(national)[:5] == ["programme:ketenzorg-dm2", "programme:ketenzorg-copd",
                                  "programme:ketenzorg-vrm-hvz", "programme:ketenzorg-vrm-vvr",
                                  "programme:ketenzorg-astma"]
    # R1: c1, c2, c4 — COPD 1 of 3 = 33.3%.
    r1 = values[Dims(region=mdz["r1"])]
    assert r1["n"] == 3 and row(r1, "programme:ketenzorg-copd")["cells"] == {"contracts": 1, "share": 33.3}
    # A: c1, c2, c3; A in R2: c3 alone.
    assert row(values[Dims(insurer=mdz["a"])], "programme:programma-kwetsbare-ouderen")["cells"]["share"] == 33.3
    a_r2 = values[Dims(insurer=mdz["a"], region=mdz["r2"])]
    assert a_r2["n"] == 1 and row(a_r2, "programme:ketenzorg-dm2")["cells"] == {"contracts": 1, "share": 100.0}
    # B's only signed contract for 2027 is c4 in R1; the open offer and the contract that ended are not counted.
    assert values[Dims(insurer=mdz["b"])]["n"] == 1
    assert Dims(insurer=mdz["b"], region=mdz["r2"]) not in values


def test_dm2_components_per_insurer_tabel_4_2(mdz):
    values = cuts("mdz_components_dm2")
    national = values[Dims()]
    assert [c["key"] for c in national["columns"]] == ["contracts", *DM2_COMPONENTS]
    # All four: voetzorg separate in c1 and c2 -> integral 2/4 = 50%; fundus separate in c2 -> 3/4 = 75%;
    # lab separate in c4 -> 75%; the others integral everywhere.
    assert row(national, "all")["cells"] == {"contracts": 4, "dietetiek": 100.0, "voetzorg": 50.0, "fundus": 75.0,
                                             "specialist": 100.0, "stoppen-met-roken": 100.0, "lab": 75.0}
    # A (c1, c2, c3): voetzorg 1/3 = 33.3%, fundus 2/3 = 66.7%. B (c4): lab 0%.
    a_row = row(national, f"insurer:{mdz['a']}")
    assert a_row["label"] == "Alfa Zorg" and a_row["insurer"] == mdz["a"]
    assert a_row["cells"]["voetzorg"] == 33.3 and a_row["cells"]["fundus"] == 66.7 and a_row["cells"]["lab"] == 100.0
    assert row(national, f"insurer:{mdz['b']}")["cells"]["lab"] == 0.0
    assert keys(national) == ["all", f"insurer:{mdz['a']}", f"insurer:{mdz['b']}"]
    # Headline: 6 components × 4 contracts = 24, of which 4 separate -> 20/24 = 83.3% integral.
    assert national["headline"]["value"] == 83.3
    # An insurer's cut holds its own row only.
    assert keys(values[Dims(insurer=mdz["b"])]) == [f"insurer:{mdz['b']}"]


def test_other_ketens_without_contracts_have_empty_tables(mdz):
    value = cuts("mdz_components_astma")[Dims()]
    assert value["n"] == 0 and value["rows"] == [{"key": "all", "label": "Alle zorgverzekeraars", "insurer": None,
                                                  "cells": {"contracts": 0, "dietetiek": None, "specialist": None,
                                                            "spirometrie": None, "stoppen-met-roken": None,
                                                            "fysiotherapie": None, "beweging": None},
                                                  "withheld": False, "note": "", "drill": None}]
    assert value["headline"]["value"] is None


def test_inclusion_ceiling_tabel_4_7(mdz):
    national = cuts("mdz_inclusion_ceiling")[Dims()]
    a, b = row(national, f"insurer:{mdz['a']}")["cells"], row(national, f"insurer:{mdz['b']}")["cells"]
    # A: DM2 ceiling in c1 and c3 of c1–c3 -> 66.7%; COPD (c1) none -> 0%; ouderen (c3) 0%; HVZ n.v.t. (None).
    assert (a["ketenzorg-dm2"], a["ketenzorg-copd"], a["programma-kwetsbare-ouderen"]) == (66.7, 0.0, 0.0)
    assert a["ketenzorg-vrm-hvz"] is None
    # B: DM2 in c4 with a ceiling -> 100%; no COPD contract -> n.v.t.
    assert (b["ketenzorg-dm2"], b["ketenzorg-copd"]) == (100.0, None)
    # All: DM2 3 of 4 = 75%. Headline: 6 programme lines (A 3 + 1 + 1, B 1), 3 with a ceiling = 50%.
    assert row(national, "all")["cells"]["ketenzorg-dm2"] == 75.0
    assert national["n"] == 6 and national["headline"]["value"] == 50.0


def test_oi_per_prestatie(mdz):
    values = cuts("mdz_oi_per_prestatie")
    national = values[Dims()]
    # Wijkmanagement in c1 (€2.50, lumpsum) and c2 (€3.00): 2 of 4 contracts = 50%, mean (2.50 + 3.00) / 2.
    # Nothing to compare with: no contracts in 2026.
    unchanged = {"compared": 0, "mean_change": None, "frozen": 0}
    assert row(national, "prestatie:oi-wijkmanagement")["cells"] == {"contracts": 2, "share": 50.0,
                                                                     "mean_tariff": 2.75, "lumpsums": 1, **unchanged}
    assert row(national, "prestatie:oi-regiomanagement")["cells"] == {"contracts": 1, "share": 25.0,
                                                                      "mean_tariff": 1.2, "lumpsums": 0, **unchanged}
    assert row(national, "prestatie:oi-gez")["cells"] == {"contracts": 0, "share": 0.0, "mean_tariff": None,
                                                          "lumpsums": 0, **unchanged}
    assert national["headline"]["value"] == 3
    # B has one contract (c4) with regiomanagement: 100%.
    assert row(values[Dims(insurer=mdz["b"])], "prestatie:oi-regiomanagement")["cells"]["share"] == 100.0


def test_oi_tariff_development_against_the_year_before(mdz):
    """2026 contracts of A: cg1 wijkmanagement €2.00 (2027: €2.50, +25%), cg2 €3.00 (2027: €3.00, frozen),
    cg3 GEZ (none in 2027). B's two-year contract 2026–2027 with cg4 (regiomanagement €1.00) runs on: the same
    contract in both years, not compared."""
    a, cg1, cg2, cg3 = mdz["a_obj"], mdz["cg1"], mdz["cg2"], mdz["cg3"]
    for group, code, tariff in ((cg1, "oi-wijkmanagement", "2.00"), (cg2, "oi-wijkmanagement", "3.00"),
                                (cg3, "oi-gez", "4.00")):
        offer(contract(a, first_year=2026, lines=[(code, {"tariff": tariff})]), group,
              signed_at=ams(2025, 9, 1, 10, 0))
    running = contract(mdz["b_obj"], first_year=2026, term_years=2, lines=[("oi-regiomanagement", {"tariff": "1.00"})])
    offer(running, mdz["cg4"], signed_at=ams(2025, 9, 1, 10, 0))
    national = cuts("mdz_oi_per_prestatie")[Dims()]
    wijk = row(national, "prestatie:oi-wijkmanagement")["cells"]
    # (25% + 0%) / 2 = 12.5%; one frozen.
    assert (wijk["compared"], wijk["mean_change"], wijk["frozen"]) == (2, 12.5, 1)
    regio = row(national, "prestatie:oi-regiomanagement")["cells"]
    assert (regio["contracts"], regio["compared"], regio["mean_change"]) == (2, 0, None)
    # R2 (cg3, cg4): nothing compared.
    assert row(cuts("mdz_oi_per_prestatie")[Dims(region=mdz["r2"])], "prestatie:oi-wijkmanagement")[
        "cells"]["compared"] == 0


def test_a_retired_programme_shows_while_contracts_hold_it(mdz):
    """A programme no longer offered stays in Tabel 4.1 for a year whose contracts still hold it, and is left
    out of a year where none does."""
    from contracting.models import Module, ProgrammeFunding

    Module.objects.filter(code="programma-ggz").update(retired=True)
    old = Module.objects.create(code="ketenzorg-hartfalen", name="Ketenzorg hartfalen", segment="S2",
                                category="zorgprogramma", unit="per_ketenpatient_kwartaal",
                                programme_funding=ProgrammeFunding.KETEN, retired=True, sort_order=35)
    sc = contract(mdz["b_obj"], lines=[("ketenzorg-hartfalen", {"components": {}})])
    offer(sc, mdz["cg4"], signed_at=ams(2026, 9, 1, 10, 0))
    national = cuts("mdz_contracts_per_programme")[Dims()]
    assert row(national, f"programme:{old.code}")["cells"] == {"contracts": 1, "share": 20.0}  # 1 of 5
    assert "programme:programma-ggz" not in keys(national)
    assert "ketenzorg-hartfalen" in [c["key"] for c in cuts("mdz_inclusion_ceiling")[Dims()]["columns"]]


def test_a_running_multi_year_contract_counts_in_its_later_year(mdz):
    """A two-year contract from 2026, signed in 2026, is in force in 2027 without a new signature."""
    sc = contract(mdz["b_obj"], first_year=2026, term_years=2,
                  lines=[("ketenzorg-copd", {"components": {"spirometrie": "separate"}})])
    offer(sc, mdz["cg4"], signed_at=ams(2025, 9, 1, 10, 0))
    national = cuts("mdz_contracts_per_programme")[Dims()]
    assert national["n"] == 5 and row(national, "programme:ketenzorg-copd")["cells"]["contracts"] == 2
    assert row(cuts("mdz_components_copd")[Dims()], f"insurer:{mdz['b']}")["cells"]["spirometrie"] == 0.0
    # It ran 2026–2027: nothing of it in 2028.
    assert cuts("mdz_contracts_per_programme", year=2028)[Dims()]["n"] == 0


CODES = ["mdz_contracts_per_programme", "mdz_components_dm2", "mdz_components_copd", "mdz_components_hvz",
         "mdz_components_vvr", "mdz_components_astma", "mdz_inclusion_ceiling", "mdz_oi_per_prestatie"]


def _queries(code) -> int:
    with CaptureQueriesContext(connection) as ctx:
        get_indicator(code).compute(Context(year=2027, now=NOW))
    return len(ctx.captured_queries)


def _add_contracts(n, insurer):
    for _i in range(n):
        region = RegionFactory()
        sc = contract(insurer, lines=[("ketenzorg-dm2", {"components": {"voetzorg": "separate"}}),
                                      ("oi-ketenzorg", {"tariff": "1.00"})])
        offer(sc, CareGroupFactory(region=region), signed_at=ams(2026, 9, 1, 10, 0))


@pytest.mark.parametrize("code", CODES)
def test_query_count_does_not_grow_with_the_data(db, code):
    insurer, other = InsurerFactory(), InsurerFactory()
    _add_contracts(2, insurer)
    few = _queries(code)
    assert few > 0
    _add_contracts(4, other)
    assert Offer.objects.filter(care_group__isnull=False).count() == 6
    assert _queries(code) == few


def test_a_signed_negotiation_counts_as_agreed(cg_member, cg_signatory, purchaser, care_group, market, year2027):  # noqa: E501, F811
    """Through the services: the agreed terms (DM2 with voetzorg bought separately and a 5% ceiling, O&I
    wijkmanagement €2.50) become the contract the indicators read once the care group has signed it."""
    acceptance = agreed(cg_member, purchaser, care_group, market)
    assert cuts("mdz_contracts_per_programme")[Dims()]["n"] == 0  # agreed, not yet signed
    offer_sign(actor=cg_signatory, offer=acceptance.negotiation.offer, now=ams(2026, 9, 1, 10, 0),
               two_factor_verified=True)
    pref = market["preferent"].pk
    assert row(cuts("mdz_contracts_per_programme")[Dims(insurer=pref)], "programme:ketenzorg-dm2")["cells"] == {
        "contracts": 1, "share": 100.0}
    dm2 = row(cuts("mdz_components_dm2")[Dims()], f"insurer:{pref}")
    assert dm2["label"] == "Preferente Verzekeraar"
    assert dm2["cells"]["voetzorg"] == 0.0 and dm2["cells"]["dietetiek"] == 100.0
    assert row(cuts("mdz_inclusion_ceiling")[Dims()], f"insurer:{pref}")["cells"]["ketenzorg-dm2"] == 100.0
    assert row(cuts("mdz_oi_per_prestatie")[Dims(region=market["region"].pk)],
               "prestatie:oi-wijkmanagement")["cells"] == {"contracts": 1, "share": 100.0, "mean_tariff": 2.5,
                                                           "lumpsums": 1, "compared": 0, "mean_change": None,
                                                           "frozen": 0}


def test_how_computed_reads_in_english_too(db):
    from django.utils import translation

    indicator = get_indicator("mdz_components_vvr")
    assert str(indicator.title) == "Samenstelling van de keten VVR per zorgverzekeraar (Tabel 4.5)"
    with translation.override("en"):
        assert str(indicator.title) == "Composition of the VVR chain per insurer (Table 4.5)"
        assert str(get_indicator("signing_lead_time").caveats[1]).startswith("For GP care the 2019 monitor")


def _store(codes, year=2027):
    """The computed cuts as snapshot rows, as a run writes them (JSON round trip included)."""
    for code in codes:
        for cut in get_indicator(code).compute(Context(year=year, now=NOW)):
            MonitorSnapshot.objects.create(year=year, indicator=code, insurer_id=cut.dims.insurer,
                                           region_id=cut.dims.region, segment=cut.dims.segment,
                                           provider_type=cut.dims.provider_type,
                                           value=json.loads(json.dumps(cut.value)), computed_at=NOW)


def test_what_the_nza_and_an_insurer_see_of_the_components(mdz):
    """The rows carry the insurer they are about: the NZa sees every name with a drill-down to that insurer's
    lines in the register; insurer B sees its own row and never A's name."""
    _store(["mdz_components_dm2"])
    nza = make_member(Role.NZA_ANALYST, None, email="analist@nza.example")
    figure = monitor_view(user=nza, year=2027, filters=Filters(), codes=["mdz_components_dm2"]).figures[0]
    a_row = row(figure.value, f"insurer:{mdz['a']}")
    assert a_row["label"] == "Alfa Zorg" and a_row["drill_url"] == f"/register/2027/?insurer={mdz['a']}"
    purchaser_b = make_member(Role.INSURER_PURCHASER, mdz["b_obj"], email="inkoper@beta.example")
    view = monitor_view(user=purchaser_b, year=2027, filters=Filters(), codes=["mdz_components_dm2"])
    shown = view.figures[0].value
    assert [r["cells"]["lab"] for r in shown["rows"]] == [0.0]  # B's own cut: its row, lab bought separately
    assert "Alfa Zorg" not in json.dumps([f.value for f in view.figures] + [f.comparisons for f in view.figures])
