from decimal import Decimal

import pytest

from accounts.models import Role
from contracting.models import Module, NzaMaxTariff, Offer, StandardContract
from contracting.services import (
    nza_tariff_set,
    nza_tariffs_set,
    offer_request,
    standard_contract_publish,
    standard_contract_set_module,
    standard_contract_update,
)
from core.errors import ConflictError, PortalError
from core.models import AuditEvent
from tests.contracting.conftest import ams, build_contract
from tests.factories import PracticeFactory, make_member


def test_catalogue_holds_the_monitor_modules_by_segment(db):
    codes = set(Module.objects.values_list("code", flat=True))
    assert {"poh-s", "poh-ggz", "praktijkmanagement", "kwetsbare-ouderen", "service-bereikbaarheid",
            "doelmatig-voorschrijven", "kwaliteit", "meer-tijd", "substitutieverrichtingen",
            "regionale-prestatie", "inschrijving", "consult"} <= codes
    poh_ggz = Module.objects.get(code="poh-ggz")
    assert (poh_ggz.segment, poh_ggz.cap_hours_max, poh_ggz.cap_patients) == ("S1", Decimal("12.00"), 2350)
    assert set(Module.objects.values_list("segment", flat=True)) == {"S1", "S2", "S3", "buiten"}


def test_nza_prestaties_are_always_in_the_contract(market, year2027, purchaser):
    modules = {m.code: m for m in Module.objects.all()}
    assert {code for code, m in modules.items() if m.always_mandatory} == {
        "inschrijving", "consult", "specifieke-verrichtingen"}
    contract = build_contract(market["preferent"], purchaser, publish=False)
    included = {cm.module.code: cm.mandatory for cm in contract.modules.select_related("module")}
    assert included == {"inschrijving": True, "consult": True, "poh-ggz": False, "praktijkmanagement": False,
                        "kwaliteit": False}


def test_nza_tariff_is_set_once_and_changes_are_audited(year2027):
    module = Module.objects.get(code="consult")
    nza_tariff_set(actor=None, module=module, year=2027, max_tariff="10.50")
    nza_tariff_set(actor=None, module=module, year=2027, max_tariff="10.50")
    nza_tariff_set(actor=None, module=module, year=2027, max_tariff="10.75")
    assert NzaMaxTariff.objects.get(module=module, year=2027).max_tariff == Decimal("10.75")
    assert AuditEvent.objects.filter(verb__startswith="contracting.nza_tariff").count() == 2


def test_nza_tariffs_are_set_all_or_nothing_with_the_reason_per_module(year2027, practice_user):
    from core.errors import Forbidden

    modules = {m.code: m for m in Module.objects.filter(code__in=["inschrijving", "consult", "poh-ggz"])}
    with pytest.raises(PortalError) as exc:
        nza_tariffs_set(actor=None, year=2027, values={modules["inschrijving"]: "18.00", modules["consult"]: "0",
                                                       modules["poh-ggz"]: "veel"})
    assert exc.value.code == "nza_tariffs_refused"
    assert exc.value.detail == "Er is niets opgeslagen: 2 maximumtarieven zijn geweigerd."
    assert exc.value.fields == {"max_tariffs": {
        "consult": ["Een maximumtarief is groter dan € 0."],
        "poh-ggz": ["Vul het maximumtarief in als bedrag, bijvoorbeeld 17,50."]}}
    assert not NzaMaxTariff.objects.exists()  # the valid one was not saved either
    assert not AuditEvent.objects.filter(verb__startswith="contracting.nza_tariff").exists()

    changed = nza_tariffs_set(actor=None, year=2027, values={modules["inschrijving"]: "18.00",
                                                            modules["consult"]: "10.50"})
    assert sorted(t.module.code for t in changed) == ["consult", "inschrijving"]
    changed = nza_tariffs_set(actor=None, year=2027, values={modules["inschrijving"]: "18.00",
                                                            modules["consult"]: "10.75"})
    assert [t.module.code for t in changed] == ["consult"]
    with pytest.raises(Forbidden):
        nza_tariffs_set(actor=practice_user, year=2027, values={modules["consult"]: "11.00"})
    assert NzaMaxTariff.objects.get(module=modules["consult"], year=2027).max_tariff == Decimal("10.75")


def test_free_module_has_no_nza_maximum(year2027):
    with pytest.raises(PortalError) as exc:
        nza_tariff_set(actor=None, module=Module.objects.get(code="kwaliteit"), year=2027, max_tariff="1")
    assert exc.value.code == "no_nza_max"


def test_tariff_above_the_nza_maximum_is_refused_and_nothing_changes(market, nza_tariffs):
    contract = build_contract(market["preferent"], publish=False)
    with pytest.raises(PortalError) as exc:
        standard_contract_set_module(actor=None, contract=contract, module=Module.objects.get(code="consult"),
                                     tariff="10.51")
    assert exc.value.code == "tariff_above_nza_max"
    assert "NZa-maximumtarief" in exc.value.detail and "(€ 10,50)" in exc.value.detail
    assert contract.modules.get(module__code="consult").tariff == Decimal("10.50")


def test_praktijkmanagement_cap_must_lie_between_3_and_6_hours(market, nza_tariffs):
    contract = build_contract(market["preferent"], publish=False)
    module = Module.objects.get(code="praktijkmanagement")
    for bad in ("2.5", "6.5"):
        with pytest.raises(PortalError) as exc:
            standard_contract_set_module(actor=None, contract=contract, module=module, tariff="2500", cap_hours=bad)
        assert exc.value.code == "cap_out_of_range"
    assert contract.modules.get(module=module).cap_hours == Decimal("4.00")


def test_publishing_sends_offers_to_practices_where_the_insurer_is_preferent(market, nza_tariffs):
    own = PracticeFactory.create_batch(3, region=market["region"])
    chose_other = PracticeFactory(region=market["region"], preferred_insurer=market["other"])
    contract = build_contract(market["preferent"])
    holders = set(contract.offers.values_list("practice_id", flat=True))
    assert holders == {p.pk for p in own}
    assert chose_other.pk not in holders
    assert contract.status == StandardContract.Status.PUBLISHED and not contract.is_late
    standard_contract_publish(actor=None, contract=contract, now=ams(2026, 9, 2, 12, 0))  # again: harmless
    assert contract.offers.count() == 3


def test_publishing_after_15_september_is_recorded_as_late(market, nza_tariffs):
    contract = build_contract(market["preferent"], now=ams(2026, 9, 16, 0, 0))
    assert contract.is_late


def test_published_contract_cannot_change(published_contract):
    with pytest.raises(ConflictError) as exc:
        standard_contract_update(actor=None, contract=published_contract, title="Anders")
    assert exc.value.code == "contract_published"
    with pytest.raises(ConflictError):
        standard_contract_set_module(actor=None, contract=published_contract,
                                     module=Module.objects.get(code="kwaliteit"), tariff="1")
    published_contract.refresh_from_db()
    assert published_contract.title == "Huisartsenzorg 2027"


def test_publishing_needs_the_nza_maximum_for_s1_prestaties(market, year2027):
    contract = build_contract(market["preferent"], publish=False)
    with pytest.raises(ConflictError) as exc:
        standard_contract_publish(actor=None, contract=contract, now=ams(2026, 8, 1, 12, 0))
    assert exc.value.code == "nza_max_missing"
    contract.refresh_from_db()
    assert contract.status == StandardContract.Status.DRAFT and not contract.offers.exists()


def test_a_practice_can_ask_another_insurer_for_its_contract(market, nza_tariffs, practice_3100):
    contract = build_contract(market["other"])
    assert not contract.offers.filter(practice=practice_3100).exists()
    offer = offer_request(actor=None, practice=practice_3100, contract=contract, now=ams(2026, 10, 2, 9, 0))
    assert offer.reason == Offer.Reason.REQUESTED
    assert offer_request(actor=None, practice=practice_3100, contract=contract) == offer


def test_only_the_practice_itself_can_ask_for_a_contract(market, nza_tariffs, practice_3100, signatory, purchaser):
    contract = build_contract(market["other"])
    stranger = make_member(Role.PRACTICE_MEMBER, PracticeFactory(region=market["region"]))
    for actor in (stranger, purchaser):
        with pytest.raises(PortalError) as exc:
            offer_request(actor=actor, practice=practice_3100, contract=contract)
        assert (exc.value.status, exc.value.code) == (403, "not_practice_member")
    assert not contract.offers.filter(practice=practice_3100).exists()

    offer = offer_request(actor=signatory, practice=practice_3100, contract=contract, now=ams(2026, 11, 7, 23, 59))
    assert offer.reason == Offer.Reason.REQUESTED
    assert AuditEvent.objects.filter(verb="contracting.offer.requested", actor=signatory).count() == 1


def test_no_contract_can_be_asked_for_once_signing_has_closed(market, nza_tariffs, practice_3100, signatory):
    contract = build_contract(market["other"])
    with pytest.raises(ConflictError) as exc:
        offer_request(actor=signatory, practice=practice_3100, contract=contract, now=ams(2026, 11, 8, 0, 0))
    assert exc.value.code == "signing_window_closed"
    assert not contract.offers.filter(practice=practice_3100).exists()
