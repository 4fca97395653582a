"""The indexation clause of a multi-year contract: the insurer sets the figure for each later year until that
year's definitive offers are due (15 September), the deadline engine applies it once at 00:00 on 1 January
(also when it catches up after downtime) with a notice to the holder, and the terms in force for that year
carry it: staff costs only, or all components. Figures worked out by hand in each test."""

from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from accounts.models import Notification, Role
from contracting.calendar import CONTRACT_YEAR_START
from contracting.models import ContractIndex, EffectRun, Milestone, Module, Offer
from contracting.selectors import contract_terms
from contracting.selectors.indexation import indexed_tariff
from contracting.services import (
    contract_index_set,
    contract_year_ensure,
    deadlines_sweep,
    nza_tariff_set,
    offer_sign,
    standard_contract_create,
    standard_contract_publish,
    standard_contract_set_module,
)
from contracting.services.indexation import indexations_apply
from tests.contracting.conftest import IN_WINDOW, ams
from tests.factories import PracticeFactory, make_member
from tests.helpers import assert_error, client_for, page_html_as, text

SEPT_2027 = ams(2027, 9, 1, 12, 0)


def indexed_contract(insurer, purchaser, *, indexation="staff", term_years=3):
    """2027–2029: POH-S (staff costs) and Kwaliteit (not staff costs), each at €10.00."""
    contract = standard_contract_create(actor=purchaser, insurer=insurer, first_year=2027, term_years=term_years,
                                        title="Meerjarig 2027", indexation=indexation, now=ams(2026, 8, 1, 12, 0))
    modules = {m.code: m for m in Module.objects.filter(code__in=["inschrijving", "consult", "poh-s", "kwaliteit"])}
    standard_contract_set_module(actor=purchaser, contract=contract, module=modules["inschrijving"], tariff="17.00")
    standard_contract_set_module(actor=purchaser, contract=contract, module=modules["consult"], tariff="10.50")
    standard_contract_set_module(actor=purchaser, contract=contract, module=modules["poh-s"], tariff="10.00")
    standard_contract_set_module(actor=purchaser, contract=contract, module=modules["kwaliteit"], tariff="10.00")
    return standard_contract_publish(actor=purchaser, contract=contract, now=ams(2026, 9, 1, 12, 0))


@pytest.fixture
def years(year2027, nza_tariffs):
    for year in (2028, 2029):
        contract_year_ensure(actor=None, year=year)
        for code, value in nza_tariffs.items():
            nza_tariff_set(actor=None, module=Module.objects.get(code=code), year=year, max_tariff=value)


@pytest.fixture
def staff_offer(market, years, practice_3100, purchaser, signatory):
    contract = indexed_contract(market["preferent"], purchaser)
    offer = contract.offers.get(practice=practice_3100)
    offer_sign(actor=signatory, offer=offer, now=IN_WINDOW, modules=[{"module": "poh-s", "hours": "4"}, "kwaliteit"],
               two_factor_verified=True)
    return Offer.objects.select_related("standard_contract", "signature").get(pk=offer.pk)


def tariffs(offer, year) -> dict[str, str]:
    offer = Offer.objects.select_related("standard_contract", "signature").get(pk=offer.pk)
    return {line["code"]: line["tariff"] for line in contract_terms(offer, year)}


def test_rounding_is_per_year_on_the_rounded_tariff():
    assert indexed_tariff(Decimal("10.00"), [Decimal("3.5")]) == Decimal("10.35")
    assert indexed_tariff(Decimal("10.00"), [Decimal("3.5"), Decimal("2")]) == Decimal("10.56")  # 10.35 × 1.02
    assert indexed_tariff(Decimal("17.00"), [Decimal("-1.25")]) == Decimal("16.79")  # 16.7875


def test_staff_costs_only_moves_the_staff_module_from_1_january(staff_offer, purchaser, signatory):
    contract_index_set(actor=purchaser, contract=staff_offer.standard_contract, year=2028, percent_value="3,5",
                       now=SEPT_2027)
    # Set, not yet applied: 2028's terms are the signed ones until 1 January 2028.
    assert tariffs(staff_offer, 2028)["poh-s"] == "10.00"
    deadlines_sweep(now=ams(2028, 1, 1, 0, 5))
    assert tariffs(staff_offer, 2028) == {"inschrijving": "17.00", "consult": "10.50", "poh-s": "10.35",
                                          "kwaliteit": "10.00"}
    assert tariffs(staff_offer, 2027)["poh-s"] == "10.00"
    notice = Notification.objects.get(user=signatory, key__startswith="indexation:")
    assert notice.subject == "Indexatie 2028: Meerjarig 2027"
    assert ("Vanaf 1 januari 2028 zijn de tarieven van ‘Meerjarig 2027’ van Preferente Verzekeraar geïndexeerd met "
            "3,5% (Alleen personeelskosten)") in notice.body


def test_all_components_compound_over_the_years(market, years, practice_3100, purchaser, signatory):
    contract = indexed_contract(market["preferent"], purchaser, indexation="all")
    offer = contract.offers.get(practice=practice_3100)
    offer_sign(actor=signatory, offer=offer, now=IN_WINDOW, modules=[{"module": "poh-s", "hours": "4"}, "kwaliteit"],
               two_factor_verified=True)
    contract_index_set(actor=purchaser, contract=contract, year=2028, percent_value="3.5", now=SEPT_2027)
    contract_index_set(actor=purchaser, contract=contract, year=2029, percent_value="2", now=ams(2028, 9, 1, 12, 0))
    deadlines_sweep(now=ams(2029, 1, 2, 9, 0))  # one sweep after a long outage catches up both years
    assert tariffs(offer, 2028) == {"inschrijving": "17.50", "consult": "10.50", "poh-s": "10.35",
                                    "kwaliteit": "10.35"}  # inschrijving 17.595 held at the NZa maximum 17.50
    assert tariffs(offer, 2029) == {"inschrijving": "17.50", "consult": "10.50", "poh-s": "10.56",
                                    "kwaliteit": "10.56"}  # consult: 10.50 × 1.035 = 10.87, held at 10.50


def test_applied_once_as_of_the_deadline_even_when_the_sweep_runs_late(staff_offer, purchaser, signatory):
    contract_index_set(actor=purchaser, contract=staff_offer.standard_contract, year=2028, percent_value="3.5",
                       now=SEPT_2027)
    deadlines_sweep(now=ams(2028, 1, 3, 9, 0))  # the worker was down over New Year
    deadlines_sweep(now=ams(2028, 1, 3, 9, 1))
    assert indexations_apply(year=2028, effective_at=ams(2028, 1, 3, 9, 2)) == {"applied": 0, "notified": 0}
    index = ContractIndex.objects.get(standard_contract=staff_offer.standard_contract, year=2028)
    assert index.applied_at == ams(2028, 1, 1, 0, 0)
    assert Notification.objects.filter(user=signatory, key__startswith="indexation:").count() == 1
    milestone = Milestone.objects.get(contract_year__year=2028, kind=CONTRACT_YEAR_START)
    assert EffectRun.objects.filter(milestone=milestone, effect="contracting.indexation.apply").count() == 1
    assert tariffs(staff_offer, 2028)["poh-s"] == "10.35"


def test_a_year_without_a_figure_keeps_its_tariffs_and_says_so(staff_offer, signatory):
    deadlines_sweep(now=ams(2028, 1, 1, 0, 5))
    assert tariffs(staff_offer, 2028)["poh-s"] == "10.00"
    notice = Notification.objects.get(user=signatory, key__startswith="indexation:")
    assert "heeft voor 2028 geen indexcijfer vastgesteld" in notice.body


def test_bad_figures_and_late_or_foreign_setting_change_nothing(staff_offer, purchaser, other_purchaser, market,
                                                                years):
    contract = staff_offer.standard_contract
    cases = [
        (dict(actor=other_purchaser, year=2028, percent_value="3"), "not_purchaser"),
        (dict(actor=purchaser, year=2028, percent_value="drie"), "invalid_index"),
        (dict(actor=purchaser, year=2028, percent_value="25"), "invalid_index"),
        (dict(actor=purchaser, year=2028, percent_value="3.555"), "invalid_index"),
        (dict(actor=purchaser, year=2028, percent_value="1e30"), "invalid_index"),  # too many digits to round
        (dict(actor=purchaser, year=2028, percent_value="1,2,3"), "invalid_index"),
        (dict(actor=purchaser, year=2027, percent_value="3"), "year_outside_term"),
        (dict(actor=purchaser, year=2030, percent_value="3"), "year_outside_term"),
    ]
    for kwargs, code in cases:
        with pytest.raises(Exception) as refused:
            contract_index_set(contract=contract, now=SEPT_2027, **kwargs)
        assert refused.value.code == code, kwargs
    with pytest.raises(Exception) as refused:  # 15 September 2027 was the last day for 2028
        contract_index_set(actor=purchaser, contract=contract, year=2028, percent_value="3",
                           now=ams(2027, 9, 16, 0, 0))
    assert refused.value.code == "index_deadline_passed"
    assert "tot en met 15 september 2027" in refused.value.detail
    contract_index_set(actor=purchaser, contract=contract, year=2028, percent_value="3",
                       now=ams(2027, 9, 15, 23, 59, 59))  # the last second still counts
    plain = indexed_contract(market["other"], None, indexation="none")
    with pytest.raises(Exception) as refused:
        contract_index_set(actor=None, contract=plain, year=2028, percent_value="3", now=SEPT_2027)
    assert refused.value.code == "no_indexation_clause"
    assert list(ContractIndex.objects.values_list("year", "percent")) == [(2028, Decimal("3.00"))]


def test_the_insurer_sets_the_figure_on_the_contract_page(staff_offer, purchaser):
    url = reverse("purchasing:contract_edit", args=[staff_offer.standard_contract_id])
    with time_machine.travel(SEPT_2027, tick=False):
        html = text(page_html_as(client_for(), purchaser, url))
        assert "Indexatieclausule: Alleen personeelskosten." in html
        assert "2028 nog niet vastgesteld 15 september 2027 nog 14 dagen op 1 januari 2028 nog 122 dagen" in html
        client = client_for(purchaser)
        response = client.post(reverse("purchasing:contract_index", args=[staff_offer.standard_contract_id]),
                               {"year": 2028, "percent": "3,5"}, follow=True)
        html = text(response.content.decode())
    assert "Het indexcijfer voor 2028 is vastgesteld op 3,5%." in html
    assert "2028 3,5% 15 september 2027 nog 14 dagen" in html


def test_the_practice_sees_the_tariffs_of_each_year(staff_offer, purchaser, signatory):
    contract_index_set(actor=purchaser, contract=staff_offer.standard_contract, year=2028, percent_value="3.5",
                       now=SEPT_2027)
    deadlines_sweep(now=ams(2028, 1, 1, 0, 5))
    html = text(page_html_as(client_for(), signatory, reverse("offers:detail", args=[staff_offer.pk])))
    assert "Tarieven per jaar" in html
    assert "2028: 3,5%, toegepast per 1 januari." in html
    assert "POH-S (praktijkondersteuning somatiek) € 10,00 € 10,35 (geïndexeerd) € 10,35 (geïndexeerd)" in html
    assert "Kwaliteit (NHG-accreditatie) € 10,00 € 10,00 € 10,00" in html


def test_the_api_sets_the_figure_and_shows_the_terms_of_a_year(staff_offer, purchaser, signatory, other_purchaser):
    url = f"/api/v1/standard-contracts/{staff_offer.standard_contract_id}/index/"
    with time_machine.travel(SEPT_2027, tick=False):
        assert_error(client_for(other_purchaser).post(url, {"year": 2028, "percent": "3.5"}), 403, "not_purchaser")
        assert_error(client_for(signatory).post(url, {"year": 2028, "percent": "3.5"}), 403, "not_purchaser")
        assert_error(client_for(purchaser).post(url, {"year": 2028, "percent": "x"}), 400, "invalid_index")
        body = client_for(purchaser).post(url, {"year": 2028, "percent": "3.5"}).json()
    assert body["indexation"] == "staff"
    assert body["indices"] == [{"year": 2028, "percent": "3.50", "set_at": "2027-09-01T10:00:00Z",
                                "applied_at": None}]
    deadlines_sweep(now=ams(2028, 1, 1, 0, 5))
    terms = client_for(signatory).get(f"/api/v1/offers/{staff_offer.pk}/terms/", {"year": 2028}).json()
    assert {m["code"]: (m["base_tariff"], m["tariff"], m["indexed"]) for m in terms} == {
        "inschrijving": ("17.00", "17.00", False), "consult": ("10.50", "10.50", False),
        "poh-s": ("10.00", "10.35", True), "kwaliteit": ("10.00", "10.00", False)}
    assert client_for(signatory).get(f"/api/v1/offers/{staff_offer.pk}/terms/", {"year": 2030}).json() == []
    outsider = make_member(Role.PRACTICE_MEMBER, PracticeFactory())
    assert_error(client_for(outsider).get(f"/api/v1/offers/{staff_offer.pk}/terms/"), 404, "not_found")


@pytest.mark.parametrize("who", ["other_purchaser", "signatory", "outsider"])
def test_the_index_page_is_not_found_for_anyone_but_the_insurers_purchasers(staff_offer, who, request):
    user = make_member(Role.PRACTICE_MEMBER, PracticeFactory()) if who == "outsider" else request.getfixturevalue(who)
    url = reverse("purchasing:contract_index", args=[staff_offer.standard_contract_id])
    assert client_for(user).post(url, {"year": 2028, "percent": "3"}).status_code == 404
    assert not ContractIndex.objects.exists()


def test_a_figure_the_form_refuses_says_which_box_and_why(staff_offer, purchaser):
    url = reverse("purchasing:contract_index", args=[staff_offer.standard_contract_id])
    with time_machine.travel(SEPT_2027, tick=False):
        client = client_for(purchaser)
        html = text(client.post(url, {"year": 2028, "percent": "9" * 30}, follow=True).content.decode())
        assert "Indexcijfer (%): Zorg dat deze waarde niet meer dan 10 tekens bevat (het zijn er nu 30)." in html
        html = text(client.post(url, {"year": 2027, "percent": "3"}, follow=True).content.decode())
        assert "Contractjaar: Selecteer een geldige keuze. 2027 is geen beschikbare keuze." in html
        html = text(client.post(url, {"year": 2028, "percent": "1,2,3"}, follow=True).content.decode())
        assert "Vul een indexcijfer in procenten in, bijvoorbeeld 3,5." in html
    assert not ContractIndex.objects.exists()
