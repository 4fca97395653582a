"""The care-group catalogue: programmes as the NZa monitor counts them with their components, ketenzorg per
patient in the keten per quarter, O&I per ingeschreven verzekerde, no S2 modules in practice contracts, and
the pricing of keten patients and the lumpsum-plus-staffel form."""

from decimal import Decimal

import pytest

from contracting.models import ContractModule, Module, Unit
from contracting.pricing import keten_amount, oi_amount, terms_estimate
from contracting.services import standard_contract_create, standard_contract_set_module
from core.errors import PortalError
from tests.contracting.conftest import ams


def test_catalogue_counts_the_programmes_as_the_nza_monitor_does(db):
    programmes = dict(Module.objects.exclude(programme_funding="").values_list("code", "programme_funding"))
    assert programmes == {
        "ketenzorg-dm2": "keten", "ketenzorg-copd": "keten", "ketenzorg-vrm-hvz": "keten",
        "ketenzorg-vrm-vvr": "keten", "ketenzorg-astma": "keten",
        "programma-kwetsbare-ouderen": "overhead", "programma-ggz": "overhead"}
    assert not Module.objects.filter(code="ketenzorg-vrm").exists()
    dm2 = Module.objects.get(code="ketenzorg-dm2")
    assert dm2.unit == Unit.PER_KETEN_PATIENT_QUARTER
    assert dm2.get_unit_display() == "per patiënt in de keten per kwartaal"
    assert {c.code for c in dm2.components.all()} == {"dietetiek", "voetzorg", "fundus", "specialist",
                                                      "stoppen-met-roken", "lab"}
    oi = set(Module.objects.filter(code__startswith="oi-").values_list("code", "unit"))
    assert oi == {("oi-wijkmanagement", "per_verzekerde_jaar"), ("oi-regiomanagement", "per_verzekerde_jaar"),
                  ("oi-ketenzorg", "per_verzekerde_jaar"), ("oi-gez", "per_verzekerde_jaar")}


def test_practice_contracts_no_longer_offer_s2_modules(market, purchaser, year2027, nza_tariffs):
    contract = standard_contract_create(actor=purchaser, insurer=market["preferent"], first_year=2027,
                                        title="Huisartsenzorg 2027", now=ams(2026, 8, 1, 12, 0))
    with pytest.raises(PortalError) as exc:
        standard_contract_set_module(actor=purchaser, contract=contract,
                                     module=Module.objects.get(code="ketenzorg-dm2"), tariff="40")
    assert exc.value.code == "module_not_for_holder"
    assert "alleen met samenwerkingsverbanden" in exc.value.detail
    assert not ContractModule.objects.filter(standard_contract=contract).exists()
    offered = set(Module.objects.offerable_to("practice").values_list("segment", flat=True))
    assert "S2" not in offered and "S1" in offered


def test_pricing_keten_and_oi_worked_out_by_hand():
    assert keten_amount(Decimal("45.00"), 1200) == Decimal("216000.00")  # 45 × 1,200 × 4
    assert oi_amount(Decimal("2.50"), 25000, Decimal("20000"), 10000) == Decimal("57500.00")  # 20,000 + 2.5 × 15,000
    assert oi_amount(Decimal("2.50"), 8000, Decimal("20000"), 10000) == Decimal("20000.00")  # below the scale
    estimate = terms_estimate({"programmes": [{"code": "x", "tariff": "45.00", "expected_patients": 1200}],
                               "oi": [{"code": "oi", "tariff": "2.50", "lumpsum": "20000.00",
                                       "staffel_from": 10000}]}, 25000)
    assert (estimate.ketenzorg, estimate.oi, estimate.total) == (Decimal("216000.00"), Decimal("57500.00"),
                                                                  Decimal("273500.00"))


def test_the_catalogue_data_fix_splits_vrm_and_corrects_the_keten_unit(market, year2027):
    """What migration 0013 does to a database loaded before: ketenzorg-vrm in a draft contract becomes HVZ and
    VVR with the same tariff; a published contract keeps it (retired, not offered again); the keten unit is
    per patient in the keten; S2 lines leave draft practice contracts."""
    from contracting.models import Segment, StandardContract
    from contracting.services.catalogue import module_catalogue_ensure

    Module.objects.filter(code__startswith="ketenzorg-").update(unit=Unit.PER_PATIENT_QUARTER)
    vrm = Module.objects.create(code="ketenzorg-vrm", name="Ketenzorg VRM (HVZ en VVR)", segment=Segment.S2,
                                category="zorgprogramma", unit=Unit.PER_PATIENT_QUARTER)

    def contract(holder_kind, status):
        return StandardContract.objects.create(insurer=market["preferent"], first_year=2027, title="x",
                                               holder_kind=holder_kind, status=status)

    draft_group = contract("care_group", "draft")
    published_group = contract("care_group", "published")
    draft_practice = contract("practice", "draft")
    ContractModule.objects.create(standard_contract=draft_group, module=vrm, tariff="30.00")
    ContractModule.objects.create(standard_contract=published_group, module=vrm, tariff="31.00")
    ContractModule.objects.create(standard_contract=draft_practice, module=Module.objects.get(code="ketenzorg-dm2"),
                                  tariff="40.00")

    module_catalogue_ensure()
    module_catalogue_ensure()  # safe to repeat

    assert set(draft_group.modules.values_list("module__code", "tariff")) == {
        ("ketenzorg-vrm-hvz", Decimal("30.00")), ("ketenzorg-vrm-vvr", Decimal("30.00"))}
    assert list(published_group.modules.values_list("module__code", flat=True)) == ["ketenzorg-vrm"]
    vrm.refresh_from_db()
    assert vrm.retired and not Module.objects.offerable_to("care_group").filter(code="ketenzorg-vrm").exists()
    assert set(Module.objects.filter(code__startswith="ketenzorg-").values_list("unit", flat=True)) == {
        Unit.PER_KETEN_PATIENT_QUARTER}
    assert not draft_practice.modules.exists()
