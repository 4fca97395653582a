"""The public register pages: no login, announced before 19 November, per insurer with filter and search,
and a CSV that opens in Dutch Excel."""

import csv
import io

import pytest
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Role
from contracting.services import (
    contract_year_ensure,
    follow_request_decide,
    follow_requests_create,
    milestone_reschedule,
    offer_sign,
    offers_create_for_preferent,
    register_publish,
)
from tests.contracting.conftest import IN_WINDOW, ams
from tests.factories import PracticeFactory, make_member

PUBLISHED_AT = ams(2026, 11, 19, 0, 0)


def sign_for(practice, contract) -> None:
    offers_create_for_preferent(contract=contract)
    signer = make_member(Role.PRACTICE_SIGNATORY, practice)
    offer_sign(actor=signer, offer=contract.offers.get(practice=practice), now=IN_WINDOW, modules=["kwaliteit"],
               two_factor_verified=True)


@pytest.fixture
def register_2027(published_contract, practice_3100, market, signatory, other_purchaser):
    """Preferent contracted practice X (3,100 patients, Utrecht) and De Linde (Zeist); Verre Verzekeraar followed
    practice X's contract. Published on 19 November."""
    offer = published_contract.offers.get(practice=practice_3100)
    offer_sign(actor=signatory, offer=offer, now=IN_WINDOW, modules=["kwaliteit"], two_factor_verified=True)
    offer.refresh_from_db()
    linde = PracticeFactory(region=market["region"], name="Huisartsenpraktijk De Linde", city="Zeist",
                            agb_code="01099999")
    sign_for(linde, published_contract)
    request = follow_requests_create(actor=signatory, offer=offer, insurers=[market["other"]], now=IN_WINDOW)[0]
    follow_request_decide(actor=other_purchaser, follow_request=request, decision="followed",
                          now=ams(2026, 11, 10, 10, 0))
    register_publish(year=2027, effective_at=PUBLISHED_AT)
    return {"x": practice_3100, "linde": linde}


def test_before_19_november_the_page_says_when(year2027, client):
    response = client.get(reverse("register:year", args=[2027]))
    assert response.status_code == 200
    assert "Het register voor 2027 wordt op 19 november gepubliceerd." in response.content.decode()
    assert client.get(reverse("register:csv", args=[2027])).status_code == 404

    index = client.get(reverse("register:index")).content.decode()
    assert "Er is nog geen register gepubliceerd." in index
    assert "Het register voor 2027 wordt op 19 november gepubliceerd." in index


def test_a_rescheduled_publication_shows_its_own_day(year2027, client):
    milestone = year2027.milestones.get(kind="register_publication")
    milestone_reschedule(actor=None, milestone=milestone, due_at=ams(2026, 11, 20, 0, 0))
    response = client.get(reverse("register:year", args=[2027]))
    assert "Het register voor 2027 wordt op 20 november gepubliceerd." in response.content.decode()


def test_unknown_year_is_not_found(year2027, client):
    assert client.get(reverse("register:year", args=[2031])).status_code == 404
    assert client.get(reverse("register:csv", args=[2031])).status_code == 404


def test_register_is_public_per_insurer_with_the_kind_of_contract(register_2027, client, market):
    response = client.get(reverse("register:year", args=[2027]))
    assert response.status_code == 200
    page = response.content.decode()
    x = register_2027["x"]
    for text in ("Preferente Verzekeraar", "Verre Verzekeraar", x.name, x.agb_code, "Utrecht",
                 "Huisartsenpraktijk De Linde", "01099999", "Zeist", "Eigen contract", "Volgcontract",
                 "3 vermeldingen"):
        assert text in page, text
    # Verre Verzekeraar contracts only practice X, through the followed contract.
    verre = page.split("Verre Verzekeraar</h2>")[1]
    assert x.name in verre and "De Linde" not in verre and "Volgcontract" in verre

    index = client.get(reverse("register:index")).content.decode()
    assert reverse("register:year", args=[2027]) in index
    assert "wordt op 19 november gepubliceerd" not in index


def test_filter_by_insurer_and_search(register_2027, client, market):
    url = reverse("register:year", args=[2027])
    page = client.get(url, {"insurer": market["other"].pk}).content.decode()
    assert "1 vermelding" in page and "De Linde" not in page and "Volgcontract" in page

    for needle in ("linde", "01099999", "ZEIST"):
        page = client.get(url, {"q": needle}).content.decode()
        assert "1 vermelding" in page and "De Linde" in page, needle
        assert register_2027["x"].name not in page

    page = client.get(url, {"q": "Amsterdam"}).content.decode()
    assert "Geen zorgaanbieders gevonden" in page
    # An insurer that is not in the register is ignored rather than an error page.
    assert client.get(url, {"insurer": "999999"}).status_code == 200


def parse_csv(response) -> list[list[str]]:
    raw = response.content
    assert raw.startswith(b"\xef\xbb\xbf")  # the BOM: Excel reads the file as UTF-8
    return list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))


def test_csv_for_excel(register_2027, client, market):
    response = client.get(reverse("register:csv", args=[2027]))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="register-gecontracteerde-zorgaanbieders-2027.csv"' in response["Content-Disposition"]
    rows = parse_csv(response)
    x = register_2027["x"]
    assert rows[0] == ["Zorgverzekeraar", "Zorgaanbieder", "AGB-code", "Plaats", "Soort zorgaanbieder",
                       "Contractvorm", "Contractjaar"]
    assert rows[1:] == [  # by insurer, then by name
        ["Preferente Verzekeraar", x.name, x.agb_code, "Utrecht", "Huisartsenpraktijk", "Eigen contract", "2027"],
        ["Preferente Verzekeraar", "Huisartsenpraktijk De Linde", "01099999", "Zeist", "Huisartsenpraktijk",
         "Eigen contract", "2027"],
        ["Verre Verzekeraar", x.name, x.agb_code, "Utrecht", "Huisartsenpraktijk", "Volgcontract", "2027"],
    ]
    filtered = parse_csv(client.get(reverse("register:csv", args=[2027]), {"insurer": market["other"].pk}))
    assert [row[0] for row in filtered[1:]] == ["Verre Verzekeraar"]


def test_csv_cells_cannot_become_formulas(published_contract, market, year2027, client):
    sign_for(PracticeFactory(region=market["region"], name="=HYPERLINK(\"http://x\")"), published_contract)
    register_publish(year=2027, effective_at=PUBLISHED_AT)
    rows = parse_csv(client.get(reverse("register:csv", args=[2027])))
    assert rows[1][1] == "'=HYPERLINK(\"http://x\")"


def test_register_pages_for_a_logged_in_user_too(register_2027, client, outsider):
    client.force_login(outsider)
    assert client.get(reverse("register:year", args=[2027])).status_code == 200


def count_queries(client, url, params=None) -> int:
    from django.db import connection

    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, params or {})
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_register_page_and_csv_queries_do_not_grow(register_2027, published_contract, market, client):
    url, csv_url = reverse("register:year", args=[2027]), reverse("register:csv", args=[2027])
    small = (count_queries(client, url), count_queries(client, csv_url), count_queries(client, url, {"q": "a"}))
    for _ in range(12):
        sign_for(PracticeFactory(region=market["region"]), published_contract)
    large = (count_queries(client, url), count_queries(client, csv_url), count_queries(client, url, {"q": "a"}))
    # publications (with insurer), then register_entries: its publications, signed offers, followed contracts
    assert small == large == (4, 4, 4)


def test_index_queries_do_not_grow_with_years(client, db):
    for year in (2027, 2028):
        contract_year_ensure(actor=None, year=year)
    register_publish(year=2027, effective_at=PUBLISHED_AT)
    small = count_queries(client, reverse("register:index"))
    for year in range(2029, 2035):
        contract_year_ensure(actor=None, year=year)
        register_publish(year=year, effective_at=PUBLISHED_AT)
    # published years, upcoming publication milestones
    assert count_queries(client, reverse("register:index")) == small == 2
