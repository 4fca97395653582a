"""The indicators of the monitor's chapter on contracts, each on a small contract year worked out by hand.

The fixture, for contract year 2027 (rows written as the contracting services leave them: published standard
contracts, signed offers with their module choices, follow decisions):

- Insurers Alfa Zorg (A) and Beta Zorg (B). Region Noord: A 60%, B 40% (A dominant). Region Zuid: B 55%, A 45%
  (B dominant).
- NZa maxima 2027: inschrijving €17.50, consult €10.50, POH-GGZ €4,000.00.
- CA: A's practice contract 2027, one year, no indexation: inschrijving 17.00, consult 10.50, POH-GGZ 4000.00,
  praktijkmanagement (cap 4 hours per 2,350 patients), kwaliteit.
- CB: B's practice contract 2026–2027 (two years), index clause "all", figure 2027 of 3% applied:
  inschrijving 17.00, consult 10.00, POH-GGZ 3900.00.
- CG: A's care-group contract 2027–2029 (ketenzorg DM2).
- P1 (Noord, 2,350 patients) signed CA: POH-GGZ 12 h, praktijkmanagement 2 h, kwaliteit (and inschrijving, a
  prestatie, not a module). B followed it. P1 also made an own contract offer to B, refused.
- P2 (Noord, 4,700 patients) signed CA: POH-GGZ 10 h, kwaliteit. B declined to follow.
- P3 (Zuid, 2,350) signed CB in 2026: POH-GGZ 6 h. It asked A for CA (an offer on request), still open.
- P4 (Zuid, 2,350) asked A for CA and signed it: POH-GGZ 12 h, praktijkmanagement 4 h. B (dominant in Zuid)
  followed it partly, not following POH-GGZ.
- Care group G1 (Noord) signed CG.
- Insured (A / B): P1 1,400 / not stated; P2 3,000 / 1,500; P3 500 / 1,800; P4 1,000 / 1,200.
"""

from datetime import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from contracting.models import (
    ContractIndex,
    ContractModule,
    FollowRequest,
    HolderKind,
    Indexation,
    Module,
    ModuleChoice,
    NzaMaxTariff,
    Offer,
    OwnOffer,
    StandardContract,
)
from monitor.indicators import Context, Dims, get_indicator
from providers.models import InsuredCount
from tests.factories import CareGroupFactory, InsurerFactory, MarketShareFactory, PracticeFactory, UserFactory

YEAR = 2027
NOW = datetime(2027, 3, 1, 12, 0, tzinfo=timezone.get_fixed_timezone(60))
CODES = ("contracts_per_insurer", "providers_contracted_share", "other_insurer_attempts", "contract_terms",
         "indexation_per_insurer", "module_uptake", "pohggz_insured_share", "s1_tariffs_vs_nza_max")


def contract(insurer, *, first_year=YEAR, term=1, kind=HolderKind.PRACTICE, indexation=Indexation.NONE, modules=()):
    sc = StandardContract.objects.create(insurer=insurer, holder_kind=kind, first_year=first_year, term_years=term,
                                         title=f"Contract {insurer.short_name} {first_year}",
                                         indexation=indexation, status=StandardContract.Status.PUBLISHED,
                                         published_at=NOW)
    for code, tariff, *cap in modules:
        ContractModule.objects.create(standard_contract=sc, module=Module.objects.get(code=code), tariff=tariff,
                                      cap_hours=cap[0] if cap else None)
    return sc


def sign(sc, holder, *, region, choices=(), reason=Offer.Reason.PREFERENT, status=Offer.Status.SIGNED):
    holder_field = "practice" if sc.holder_kind == HolderKind.PRACTICE else "care_group"
    offer = Offer.objects.create(standard_contract=sc, year=sc.first_year, insurer=sc.insurer, region=region,
                                 status=status, reason=reason, **{holder_field: holder})
    for code, hours in choices:
        ModuleChoice.objects.create(offer=offer, hours=hours,
                                    contract_module=sc.modules.get(module__code=code))
    return offer


def follow(offer, insurer, status, not_followed=()):
    return FollowRequest.objects.create(offer=offer, insurer=insurer, year=offer.year, status=status,
                                        requested_by=UserFactory(), requested_at=NOW,
                                        not_followed=list(not_followed))


@pytest.fixture
def world(db):
    a = InsurerFactory(name="Alfa Zorg", short_name="Alfa", slug="alfa")
    b = InsurerFactory(name="Beta Zorg", short_name="Beta", slug="beta")
    noord = MarketShareFactory(insurer=a, share_percent=Decimal("60"), region__name="Noord").region
    MarketShareFactory(insurer=b, region=noord, share_percent=Decimal("40"))
    zuid = MarketShareFactory(insurer=b, share_percent=Decimal("55"), region__name="Zuid").region
    MarketShareFactory(insurer=a, region=zuid, share_percent=Decimal("45"))
    for code, maximum in (("inschrijving", "17.50"), ("consult", "10.50"), ("poh-ggz", "4000.00")):
        NzaMaxTariff.objects.create(module=Module.objects.get(code=code), year=YEAR, max_tariff=maximum)
    ca = contract(a, modules=[("inschrijving", "17.00"), ("consult", "10.50"), ("poh-ggz", "4000.00"),
                              ("praktijkmanagement", "2500.00", "4"), ("kwaliteit", "1500.00")])
    cb = contract(b, first_year=2026, term=2, indexation=Indexation.ALL,
                  modules=[("inschrijving", "17.00"), ("consult", "10.00"), ("poh-ggz", "3900.00")])
    ContractIndex.objects.create(standard_contract=cb, year=YEAR, percent=Decimal("3.00"), set_at=NOW,
                                 applied_at=NOW)
    cg = contract(a, term=3, kind=HolderKind.CARE_GROUP, modules=[("ketenzorg-dm2", "30.00")])
    p1 = PracticeFactory(region=noord, registered_patients=2350)
    p2 = PracticeFactory(region=noord, registered_patients=4700)
    p3 = PracticeFactory(region=zuid, registered_patients=2350)
    p4 = PracticeFactory(region=zuid, registered_patients=2350)
    g1 = CareGroupFactory(region=noord)
    o1 = sign(ca, p1, region=noord, choices=[("inschrijving", None), ("poh-ggz", "12"), ("praktijkmanagement", "2"),
                                             ("kwaliteit", None)])
    o2 = sign(ca, p2, region=noord, choices=[("poh-ggz", "10"), ("kwaliteit", None)])
    sign(cb, p3, region=zuid, choices=[("poh-ggz", "6")])
    sign(ca, p3, region=zuid, reason=Offer.Reason.REQUESTED, status=Offer.Status.OPEN)
    o4 = sign(ca, p4, region=zuid, reason=Offer.Reason.REQUESTED,
              choices=[("poh-ggz", "12"), ("praktijkmanagement", "4")])
    sign(cg, g1, region=noord)
    follow(o1, b, FollowRequest.Status.FOLLOWED)
    follow(o2, b, FollowRequest.Status.DECLINED)
    follow(o4, b, FollowRequest.Status.PARTIAL, not_followed=["poh-ggz"])
    OwnOffer.objects.create(insurer=b, practice=p1, year=YEAR, title="Eigen aanbod", text="Onze voorwaarden",
                            status=OwnOffer.Status.REFUSED, reason="Geen meerwaarde", decided_at=NOW,
                            submitted_by=UserFactory(), submitted_at=NOW)
    for practice, (insured_a, insured_b) in ((p1, (1400, None)), (p2, (3000, 1500)), (p3, (500, 1800)),
                                             (p4, (1000, 1200))):
        InsuredCount.objects.create(practice=practice, insurer=a, insured=insured_a)
        if insured_b is not None:
            InsuredCount.objects.create(practice=practice, insurer=b, insured=insured_b)
    return {"a": a, "b": b, "noord": noord, "zuid": zuid, "cb": cb}


def compute(code) -> dict:
    return {cut.dims: cut.value for cut in get_indicator(code).compute(Context(year=YEAR, now=NOW))}


def rows(value) -> dict:
    return {row["label"]: row["cells"] for row in value["rows"]}


def test_contracts_per_insurer_new_continuing_and_followed_counted_once(world):
    cuts = compute("contracts_per_insurer")
    national = cuts[Dims()]
    # A: P1, P2, P4 (CA) and G1 (CG) start in 2027: 4 new; B: P3 on CB since 2026: 1 continuing. B's follow of
    # P1's contract (followed) and of P4's (partly) are not contracts of B: they count once, with A, beside it.
    assert rows(national) == {
        "Alfa Zorg": {"new": 4, "continuing": 0, "total": 4, "followed": 2},
        "Beta Zorg": {"new": 0, "continuing": 1, "total": 1, "followed": 0},
    }
    assert national["n"] == 5 and national["headline"]["value"] == 5
    assert national["rows"][0]["insurer"] == world["a"].pk
    # Each insurer's row leads to the public register of its contracted providers for the year.
    assert national["rows"][0]["drill"] == {"url_name": "register:year", "kwargs": {"year": 2027},
                                            "query": {"insurer": world["a"].pk}}
    assert reverse("register:year", kwargs=national["rows"][0]["drill"]["kwargs"]) == "/register/2027/"
    # Noord: P1, P2 (practices) and G1 (care group), all A; one of them followed (P1).
    assert rows(cuts[Dims(region=world["noord"].pk)]) == {
        "Alfa Zorg": {"new": 3, "continuing": 0, "total": 3, "followed": 1}}
    # Segment 2 is the care groups' contracts: G1 only.
    assert rows(cuts[Dims(segment="s2")]) == {"Alfa Zorg": {"new": 1, "continuing": 0, "total": 1, "followed": 0}}
    assert rows(cuts[Dims(insurer=world["b"].pk, region=world["zuid"].pk, segment="s1")]) == {
        "Beta Zorg": {"new": 0, "continuing": 1, "total": 1, "followed": 0}}
    # No cut where nothing is counted (B in Noord), and none by provider type.
    assert Dims(insurer=world["b"].pk, region=world["noord"].pk) not in cuts
    assert all(dims.provider_type == "" for dims in cuts)


def test_providers_contracted_share_per_insurer_and_region(world):
    cuts = compute("providers_contracted_share")
    # Providers: Noord P1, P2, G1; Zuid P3, P4 (5). A contracts P1, P2, G1, P4 (4/5 = 80%); B holds P3 and
    # follows P1 and (partly) P4 (3/5 = 60%). Every provider has at least one contract: 5/5.
    national = cuts[Dims()]
    assert rows(national) == {"Alfa Zorg": {"contracted": 4, "providers": 5, "share": 80.0},
                              "Beta Zorg": {"contracted": 3, "providers": 5, "share": 60.0}}
    assert national["headline"]["value"] == 100.0
    # Zuid: A has P4 (1/2 = 50%), B has P3 and P4 (2/2 = 100%).
    assert rows(cuts[Dims(region=world["zuid"].pk)]) == {
        "Alfa Zorg": {"contracted": 1, "providers": 2, "share": 50.0},
        "Beta Zorg": {"contracted": 2, "providers": 2, "share": 100.0}}
    # B among the 4 practices: P1, P3, P4 = 75%; the cut's headline is B's share.
    b_s1 = cuts[Dims(insurer=world["b"].pk, segment="s1")]
    assert rows(b_s1) == {"Beta Zorg": {"contracted": 3, "providers": 4, "share": 75.0}}
    assert b_s1["headline"]["value"] == 75.0


def test_other_insurer_attempts_by_route_and_outcome(world):
    cuts = compute("other_insurer_attempts")
    national = cuts[Dims()]
    # Asked a non-dominant insurer for its contract: P3 and P4 asked A in Zuid (B dominant); P4 signed (success),
    # P3's is still open. Own offer: P1 to B in Noord (A dominant), refused. Follow: P4 asked B, dominant in
    # Zuid, to follow its contract with A: partly. P1's and P2's follow requests to B are not attempts (B is
    # not dominant in Noord). Providers that tried: P1, P3, P4 of 5 = 60%.
    assert rows(national) == {
        "Standaardcontract aangevraagd bij een niet-dominante verzekeraar":
            {"attempts": 2, "success": 1, "partial": 0, "failed": 0, "pending": 1, "providers": 2},
        "Eigen contractaanbod aan een niet-dominante verzekeraar":
            {"attempts": 1, "success": 0, "partial": 0, "failed": 1, "pending": 0, "providers": 1},
        "Dominante verzekeraar gevraagd een ander contract te volgen":
            {"attempts": 1, "success": 0, "partial": 1, "failed": 0, "pending": 0, "providers": 1},
    }
    assert national["headline"]["value"] == 60.0
    # Asked of A: P3 and P4, of all 5 providers = 40%.
    assert cuts[Dims(insurer=world["a"].pk)]["headline"]["value"] == 40.0
    # In Noord only P1 tried (1 of P1, P2, G1 = 33.3%).
    assert cuts[Dims(region=world["noord"].pk)]["headline"]["value"] == 33.3


def test_contract_terms_table_2_2(world):
    cuts = compute("contract_terms")
    national = cuts[Dims()]
    # A: CA (2027, 1 year) for P1, P2, P4 and CG (2027, 3 years) for G1: most are on CA; 1 of 4 multi-year.
    # B: CB (2026, 2 years) for P3. Insurers whose main contract is multi-year: B, 1 of 2 = 50%.
    assert rows(national) == {
        "Alfa Zorg": {"start_year": "2027", "term": 1, "contracts": 4, "multi_year": 25.0},
        "Beta Zorg": {"start_year": "2026", "term": 2, "contracts": 1, "multi_year": 100.0},
    }
    assert national["headline"]["value"] == 50.0
    assert rows(cuts[Dims(segment="s2")]) == {
        "Alfa Zorg": {"start_year": "2027", "term": 3, "contracts": 1, "multi_year": 100.0}}
    assert cuts[Dims(insurer=world["a"].pk)]["headline"]["value"] == 25.0


def test_indexation_per_insurer(world):
    # Two more practices in Zuid on B's older contract CB0 (2025–2027, no indexation clause), and two on CB2
    # (2026–2027, clause "all", 2% applied for 2027).
    cb0 = contract(world["b"], first_year=2025, term=3, modules=[("inschrijving", "16.00")])
    cb2 = contract(world["b"], first_year=2026, term=2, indexation=Indexation.ALL,
                   modules=[("inschrijving", "16.50")])
    ContractIndex.objects.create(standard_contract=cb2, year=YEAR, percent=Decimal("2.00"), set_at=NOW,
                                 applied_at=NOW)
    for sc in (cb0, cb0, cb2, cb2):
        sign(sc, PracticeFactory(region=world["zuid"]), region=world["zuid"])
    cuts = compute("indexation_per_insurer")
    national = cuts[Dims()]
    # Continuing in 2027 (all B's; A's contracts all start in 2027, so A has no row): P3 on CB (all, 3%), two on
    # CB0 (no clause), two on CB2 (all, 2%). Most have clause "all" (3 of 5); the most common figure is 2%
    # (2 contracts against 1), with a note that the figures differ. Indexed: 3 of 5 = 60%.
    assert national["rows"] == [{
        "key": f"insurer:{world['b'].pk}", "label": "Beta Zorg", "insurer": world["b"].pk, "withheld": False,
        "note": "Verschillende indexcijfers; het meest voorkomende staat in de tabel.", "drill": None,
        "cells": {"clause": "Alle onderdelen", "figure": 2.0, "continuing": 5, "indexed": 3,
                  "indexed_share": 60.0}}]
    assert national["headline"]["value"] == 60.0 and national["n"] == 5
    assert list(cuts) == [Dims(), Dims(segment="s1"), Dims(insurer=world["b"].pk),
                          Dims(insurer=world["b"].pk, segment="s1")]


def test_indexation_none_applied(world):
    # Only P3 continues, on CB; without its 2027 figure applied it is not indexed (clause alone is not enough).
    ContractIndex.objects.filter(standard_contract=world["cb"]).update(applied_at=None)
    national = compute("indexation_per_insurer")[Dims()]
    assert rows(national) == {"Beta Zorg": {"clause": "Alle onderdelen", "figure": None, "continuing": 1,
                                            "indexed": 0, "indexed_share": 0.0}}
    assert national["rows"][0]["note"] == ""


def test_module_uptake_hours_against_the_cap(world):
    cuts = compute("module_uptake")
    national = cuts[Dims()]
    # Practice contracts in force: P1, P2, P4 (CA) and P3 (CB) = 4. Inschrijving is a prestatie, not a module.
    # POH-GGZ in all 4: hours 12 + 10 + 6 + 12 = 40; caps 12 h per 2,350 patients: 12 + 24 (4,700) + 12 + 12
    # = 60; 40/60 = 66.7%; below the cap P2 (10 < 24) and P3 (6 < 12): 2 of 4 = 50%.
    # Praktijkmanagement (CA: 4 h per 2,350): P1 2 h, P4 4 h of 4 + 4: 6/8 = 75%, below: P1 = 1 of 2.
    # Kwaliteit: P1 and P2, no hours.
    assert national["rows"] == [
        {"key": "module:poh-ggz", "label": "POH-GGZ", "insurer": None, "withheld": False, "note": "", "drill": None,
         "cells": {"contracts": 4, "share": 100.0, "hours": 40.0, "cap": 60.0, "of_cap": 66.7, "below_cap": 50.0}},
        {"key": "module:praktijkmanagement", "label": "Praktijkmanagement", "insurer": None, "withheld": False,
         "note": "", "drill": None,
         "cells": {"contracts": 2, "share": 50.0, "hours": 6.0, "cap": 8.0, "of_cap": 75.0, "below_cap": 50.0}},
        {"key": "module:kwaliteit", "label": "Kwaliteit (NHG-accreditatie)", "insurer": None, "withheld": False,
         "note": "", "drill": None,
         "cells": {"contracts": 2, "share": 50.0, "hours": None, "cap": None, "of_cap": None, "below_cap": None}},
    ]
    assert national["n"] == 4 and national["headline"]["value"] == 66.7
    # A alone (P1, P2, P4): POH-GGZ 34 of 48 hours = 70.8%, below the cap P2 only = 33.3%; 2 of 3 contracts
    # have praktijkmanagement and kwaliteit (66.7%).
    a = rows(cuts[Dims(insurer=world["a"].pk)])
    assert a["POH-GGZ"] == {"contracts": 3, "share": 100.0, "hours": 34.0, "cap": 48.0, "of_cap": 70.8,
                            "below_cap": 33.3}
    assert a["Kwaliteit (NHG-accreditatie)"]["share"] == 66.7
    # Zuid: P3 (CB) and P4 (CA).
    assert rows(cuts[Dims(region=world["zuid"].pk)])["POH-GGZ"] == {
        "contracts": 2, "share": 100.0, "hours": 18.0, "cap": 24.0, "of_cap": 75.0, "below_cap": 50.0}


def test_pohggz_as_share_of_the_insurers_insured(world):
    cuts = compute("pohggz_insured_share")
    national = cuts[Dims()]
    # A's insured: 1,400 + 3,000 + 500 + 1,000 = 5,900; with POH-GGZ in A's contract: P1, P2, P4 = 5,400 (91.5%).
    # B's insured: P1 has no count for B, so 2,350 patients × B's 40% in Noord = 940; + 1,500 + 1,800 + 1,200
    # = 5,440. B's own CB for P3 (1,800) and P1's contract it followed (940); P2's it declined, P4's it followed
    # without POH-GGZ: 2,740 / 5,440 = 50.4%. Together 8,140 / 11,340 = 71.8%.
    assert rows(national) == {"Alfa Zorg": {"insured": 5900, "covered": 5400, "share": 91.5},
                              "Beta Zorg": {"insured": 5440, "covered": 2740, "share": 50.4}}
    assert national["headline"]["value"] == 71.8
    # Zuid: A 500 + 1,000 with P4's 1,000 covered (66.7%); B 1,800 + 1,200 with P3's 1,800 (60%).
    assert rows(cuts[Dims(region=world["zuid"].pk)]) == {
        "Alfa Zorg": {"insured": 1500, "covered": 1000, "share": 66.7},
        "Beta Zorg": {"insured": 3000, "covered": 1800, "share": 60.0}}


def test_s1_tariffs_against_the_nza_maximum(world):
    cuts = compute("s1_tariffs_vs_nza_max")
    national = cuts[Dims()]
    assert [c["key"] for c in national["columns"]] == [
        "inschrijving:tariff", "inschrijving:of_max", "consult:tariff", "consult:of_max", "poh-ggz:tariff",
        "poh-ggz:of_max", "at_max"]
    assert national["columns"][0]["label"] == "Inschrijving op naam (inschrijftarief): tarief"
    # CA (3 contracts in force): inschrijving 17.00 of 17.50 = 97.1%; consult and POH-GGZ at the maximum, so
    # 6 of A's 9 contract prestaties (3 contracts × 3) are at the maximum: 66.7%.
    # CB (1 contract) indexed by 3% for 2027: inschrijving 17.00 → 17.51, held at the maximum 17.50; consult
    # 10.00 → 10.30 (98.1% of 10.50); POH-GGZ 3,900 → 4,017, held at 4,000: 2 of 3 at the maximum.
    assert rows(national) == {
        "NZa-maximumtarief": {"inschrijving:tariff": 17.5, "inschrijving:of_max": 100.0, "consult:tariff": 10.5,
                              "consult:of_max": 100.0, "poh-ggz:tariff": 4000.0, "poh-ggz:of_max": 100.0,
                              "at_max": None},
        "Alfa Zorg": {"inschrijving:tariff": 17.0, "inschrijving:of_max": 97.1, "consult:tariff": 10.5,
                      "consult:of_max": 100.0, "poh-ggz:tariff": 4000.0, "poh-ggz:of_max": 100.0, "at_max": 66.7},
        "Beta Zorg": {"inschrijving:tariff": 17.5, "inschrijving:of_max": 100.0, "consult:tariff": 10.3,
                      "consult:of_max": 98.1, "poh-ggz:tariff": 4000.0, "poh-ggz:of_max": 100.0, "at_max": 66.7},
    }
    # All contract prestaties: 9 + 3 = 12, at the maximum 6 + 2 = 8: 66.7%.
    assert national["n"] == 12 and national["headline"]["value"] == 66.7
    # One row per insurer (so an anonymised insurer keeps its figures), beside the maxima.
    b = cuts[Dims(insurer=world["b"].pk)]
    assert [row["insurer"] for row in b["rows"]] == [None, world["b"].pk]
    assert b["n"] == 3 and b["headline"]["value"] == 66.7


def test_a_year_without_contracts_shows_nothing_counted_nationally(world):
    # 2031: no contract covers it. Every indicator still has its national cut, with nothing counted; the two
    # over all providers also keep a cut per region and segment where providers are (0% of them), and the
    # POH-GGZ share one per insurer and region with insured (0% of them covered).
    for code in CODES:
        cuts = compute_year(code, 2031)
        assert Dims() in cuts, code
        if code in ("providers_contracted_share", "other_insurer_attempts", "pohggz_insured_share"):
            assert {cut["headline"]["value"] for cut in cuts.values()} == {0.0}, code
            assert cuts[Dims()]["n"] == (11340 if code == "pohggz_insured_share" else 5), code
        else:
            assert list(cuts) == [Dims()], code
            assert cuts[Dims()]["n"] in (0, None) and cuts[Dims()]["headline"]["value"] in (0, None), code
    assert compute_year("contracts_per_insurer", 2031)[Dims()]["rows"] == []


def compute_year(code, year) -> dict:
    return {cut.dims: cut.value for cut in get_indicator(code).compute(Context(year=year, now=NOW))}


def test_labels_are_dutch_whatever_the_language_of_the_run(world):
    from django.utils import translation

    with translation.override("en"):
        value = compute("contracts_per_insurer")[Dims()]
    assert [c["label"] for c in value["columns"]] == ["Nieuw", "Doorlopend", "Totaal",
                                                      "Gevolgd door andere verzekeraars"]


def test_recomputing_gives_the_same_figures(world):
    for code in CODES:
        assert compute(code) == compute(code)


def _grow(world, n):
    """n more practices in Noord, each with CA signed (POH-GGZ 6 h), followed by B, and an own offer to B."""
    ca = StandardContract.objects.get(insurer=world["a"], holder_kind=HolderKind.PRACTICE)
    for _i in range(n):
        practice = PracticeFactory(region=world["noord"])
        offer = sign(ca, practice, region=world["noord"], choices=[("poh-ggz", "6"), ("kwaliteit", None)])
        follow(offer, world["b"], FollowRequest.Status.FOLLOWED)
        InsuredCount.objects.create(practice=practice, insurer=world["a"], insured=1000)
        OwnOffer.objects.create(insurer=world["b"], practice=practice, year=YEAR, title="Eigen aanbod", text="x",
                                submitted_by=UserFactory(), submitted_at=NOW)


def _queries(code) -> int:
    with CaptureQueriesContext(connection) as captured:
        get_indicator(code).compute(Context(year=YEAR, now=NOW))
    return len(captured)


@pytest.mark.parametrize("code", CODES)
def test_query_count_does_not_grow_with_the_data(world, code):
    _grow(world, 2)  # 6 practices
    small = _queries(code)
    _grow(world, 4)  # 10 practices
    assert _queries(code) == small
