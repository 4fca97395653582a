"""Multi-year contracts: a term of 1 to 5 years; a contract signed for 2027–2029 stays in force without signing
again, is in the register of every year it covers and in each year's list of the practice and the insurer
("loopt door tot en met 2029"), and the next year's offering does not ask the practice to sign again."""

import pytest
import time_machine
from django.db import IntegrityError, transaction
from django.urls import reverse

from accounts.models import Role
from contracting.models import Module, Offer, RegisterEntry, StandardContract
from contracting.services import (
    contract_year_ensure,
    nza_tariff_set,
    offer_request,
    offer_sign,
    register_publish,
    standard_contract_create,
    standard_contract_update,
)
from tests.contracting.conftest import CHOICE, IN_WINDOW, ams, build_contract
from tests.factories import PracticeFactory, make_member
from tests.helpers import assert_error, client_for, page_html_as, text


@pytest.fixture
def year2028(year2027, nza_tariffs):
    contract_year_ensure(actor=None, year=2028)
    for code, value in nza_tariffs.items():
        nza_tariff_set(actor=None, module=Module.objects.get(code=code), year=2028, max_tariff=value)


@pytest.fixture
def three_years(market, nza_tariffs, practice_3100, purchaser, signatory):
    """Practice X signed the preferent insurer's contract for 2027–2029 in October 2026."""
    contract = build_contract(market["preferent"], purchaser, term_years=3)
    offer = contract.offers.get(practice=practice_3100)
    offer_sign(actor=signatory, offer=offer, now=IN_WINDOW, modules=CHOICE, two_factor_verified=True)
    offer.refresh_from_db()
    return offer


def test_a_term_runs_one_to_five_years(market, year2027, purchaser):
    contract = standard_contract_create(actor=purchaser, insurer=market["preferent"], first_year=2027,
                                        title="Vijf jaar", term_years=5, now=ams(2026, 8, 1, 12, 0))
    assert (contract.years_label, contract.last_year) == ("2027–2031", 2031)
    with pytest.raises(Exception) as refused:
        standard_contract_create(actor=purchaser, insurer=market["preferent"], first_year=2027, title="Zes",
                                 term_years=6, now=ams(2026, 8, 1, 12, 0))
    assert refused.value.code == "invalid_term"
    assert "1 tot en met 5 jaar" in refused.value.detail
    with pytest.raises(Exception) as refused:
        standard_contract_update(actor=purchaser, contract=contract, term_years=0)
    assert refused.value.code == "invalid_term"
    assert StandardContract.objects.get(pk=contract.pk).term_years == 5


def test_the_database_refuses_a_term_of_six_years(market, year2027):
    contract = StandardContract.objects.create(insurer=market["preferent"], first_year=2027, title="x")
    with pytest.raises(IntegrityError), transaction.atomic():
        StandardContract.objects.filter(pk=contract.pk).update(term_years=6)


def test_a_three_year_contract_is_in_the_register_of_every_year_it_covers(three_years, year2028):
    for year in (2027, 2028, 2029, 2030):
        register_publish(year=year, effective_at=ams(year - 1, 11, 19, 0, 0))
    listed = sorted(RegisterEntry.objects.filter(offer=three_years).values_list("year", flat=True))
    assert listed == [2027, 2028, 2029]


def test_the_practice_list_of_a_later_year_shows_the_running_contract_without_asking_to_sign(
        three_years, year2028, signatory, practice_3100):
    html = text(page_html_as(client_for(), signatory, reverse("offers:list"), jaar=2028))
    assert "Preferente Verzekeraar" in html
    assert "Ondertekend op 15 oktober 2026 voor 2027–2029. loopt door tot en met 2029" in html
    assert "Dit meerjarencontract geldt ook voor 2028: u hoeft niet opnieuw te tekenen." in html
    assert "Ondertekenen uiterlijk" not in html
    contract_year_ensure(actor=None, year=2030)
    html_2030 = text(page_html_as(client_for(), signatory, reverse("offers:list"), jaar=2030))
    assert "Uw contracten voor 2030" in html_2030 and "loopt door" not in html_2030


def test_the_signed_year_itself_shows_how_long_the_contract_runs(three_years, signatory):
    html = text(page_html_as(client_for(), signatory, reverse("offers:list"), jaar=2027))
    assert "Ondertekend op 15 oktober 2026. loopt door tot en met 2029" in html
    detail = text(page_html_as(client_for(), signatory, reverse("offers:detail", args=[three_years.pk])))
    assert "loopt door tot en met 2029" in detail


def test_next_years_offering_skips_a_practice_whose_contract_still_runs(three_years, year2028, market, purchaser,
                                                                       practice_3100):
    newcomer = PracticeFactory(region=market["region"], registered_patients=2000)
    contract_2028 = build_contract(market["preferent"], purchaser, year=2028, now=ams(2027, 9, 1, 12, 0))
    assert list(contract_2028.offers.values_list("practice_id", flat=True)) == [newcomer.pk]
    with pytest.raises(Exception) as refused:
        offer_request(actor=None, practice=practice_3100, contract=contract_2028, now=ams(2027, 10, 2, 10, 0))
    assert refused.value.code == "already_contracted"
    assert "doorloopt tot en met 2029" in refused.value.detail
    assert not Offer.objects.filter(standard_contract=contract_2028, practice=practice_3100).exists()


def test_the_practice_is_not_offered_the_same_insurers_new_contract_to_ask_for(three_years, year2028, market,
                                                                              purchaser, signatory):
    build_contract(market["other"], year=2028, now=ams(2027, 9, 1, 12, 0))
    build_contract(market["preferent"], purchaser, year=2028, now=ams(2027, 9, 1, 12, 0))
    with time_machine.travel(ams(2027, 10, 2, 10, 0), tick=False):
        html = text(page_html_as(client_for(), signatory, reverse("offers:list"), jaar=2028))
    # Only the other insurer's contract can be asked for; the preferent one runs on.
    assert "Verre Verzekeraar: Huisartsenzorg 2028 (2028) Contract aanvragen" in html
    assert "Preferente Verzekeraar: Huisartsenzorg 2028" not in html


def test_the_api_lists_a_running_contract_in_each_year_it_covers(three_years, year2028, signatory, purchaser):
    for user in (signatory, purchaser):
        client = client_for(user)
        ids = [row["id"] for row in client.get("/api/v1/offers/", {"covers_year": 2028}).json()["results"]]
        assert ids == [three_years.pk]
        assert client.get("/api/v1/offers/", {"covers_year": 2030}).json()["results"] == []
        assert client.get("/api/v1/offers/", {"year": 2028}).json()["results"] == []
    row = client_for(signatory).get(f"/api/v1/offers/{three_years.pk}/").json()
    assert (row["standard_contract"]["last_year"], row["standard_contract"]["years_label"]) == (2029, "2027–2029")


def test_an_unsigned_offer_of_a_three_year_contract_is_not_listed_in_later_years(market, nza_tariffs, purchaser,
                                                                                 practice_3100, signatory):
    build_contract(market["preferent"], purchaser, term_years=3)
    client = client_for(signatory)
    assert client.get("/api/v1/offers/", {"covers_year": 2028}).json()["results"] == []
    assert len(client.get("/api/v1/offers/", {"covers_year": 2027}).json()["results"]) == 1


def test_the_insurer_dashboard_shows_the_running_contract_with_its_signatures(three_years, year2028, purchaser):
    html = text(page_html_as(client_for(), purchaser, reverse("purchasing:dashboard"), year=2028))
    assert "Huisartsenzorg 2027 Huisartsenpraktijk 2027–2029 loopt door tot en met 2029" in html


def test_another_organisations_member_sees_no_running_contract(three_years, year2028, market):
    outsider = make_member(Role.PRACTICE_MEMBER, PracticeFactory(region=market["region"]))
    html = text(page_html_as(client_for(), outsider, reverse("offers:list"), jaar=2028))
    assert "loopt door" not in html
    response = client_for(outsider).get(f"/api/v1/offers/{three_years.pk}/")
    assert_error(response, 404, "not_found")
