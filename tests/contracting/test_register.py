"""The public register pages: no login, announced before 19 November, per insurer with filter and search,
100 lines a page, and a CSV that opens in Dutch Excel. The register is written when it is published: later
changes to a practice do not rewrite it, later follow decisions add to it."""

import csv
import io
import threading
from functools import partial

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Role
from contracting.models import RegisterEntry, RegisterPublication
from contracting.services import (
    contract_year_ensure,
    follow_request_decide,
    follow_requests_create,
    milestone_reschedule,
    offer_sign,
    offers_create_for_preferent,
    register_publish,
)
from providers.services import practice_update
from tests.contracting.conftest import IN_WINDOW, ams
from tests.factories import PracticeFactory, make_member
from tests.helpers import run_in_threads

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
    assert response.streaming  # written row by row from a cursor, not built in memory
    raw = b"".join(response.streaming_content)
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
        if response.streaming:
            b"".join(response.streaming_content)  # the CSV's rows are read while it streams
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_register_page_and_csv_queries_do_not_grow(register_2027, published_contract, market, client,
                                                   django_assert_num_queries):
    url, csv_url = reverse("register:year", args=[2027]), reverse("register:csv", args=[2027])
    small = (count_queries(client, url), count_queries(client, csv_url), count_queries(client, url, {"q": "a"}))
    for _ in range(12):
        sign_for(PracticeFactory(region=market["region"]), published_contract)
    # The publications with their insurers and line counts, then one page of lines read in index order.
    with django_assert_num_queries(2):
        assert "15 vermeldingen" in client.get(url).content.decode()
    # The publications, then every line from one cursor while the file streams.
    with django_assert_num_queries(2):
        assert len(parse_csv(client.get(csv_url))) == 1 + 15
    # A search is counted rather than read from the publications: publications, count, page.
    with django_assert_num_queries(3):
        client.get(url, {"q": "a"})
    assert small == (count_queries(client, url), count_queries(client, csv_url),
                     count_queries(client, url, {"q": "a"})) == (2, 2, 3)


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


def test_a_page_holds_100_lines_in_the_register_order(register_2027, published_contract, market, client):
    for _ in range(98):
        sign_for(PracticeFactory(region=market["region"]), published_contract)
    url = reverse("register:year", args=[2027])
    first = client.get(url).content.decode()
    assert "101 vermeldingen" in first and "Pagina 1 van 2" in first
    second = client.get(url, {"pagina": 2}).content.decode()
    assert "Pagina 2 van 2" in second
    # By insurer, then by name: the preferent insurer's 100 lines fill page 1, Verre Verzekeraar's volgcontract
    # for practice X is alone on page 2.
    assert "Verre Verzekeraar</h2>" in second and "Verre Verzekeraar</h2>" not in first
    assert "Preferente Verzekeraar</h2>" not in second
    assert register_2027["x"].name in second and "De Linde" not in second


def test_the_published_register_keeps_the_names_it_published(register_2027, client, market):
    x = register_2027["x"]
    published_name = x.name
    practice_update(actor=None, practice=x, name="Huisartsen Nieuwe Naam", city="Bunnik")
    page = client.get(reverse("register:year", args=[2027])).content.decode()
    assert published_name in page and "Nieuwe Naam" not in page and "Bunnik" not in page
    rows = parse_csv(client.get(reverse("register:csv", args=[2027])))
    assert {row[1] for row in rows[1:]} == {published_name, "Huisartsenpraktijk De Linde"}


def test_a_contract_followed_after_publication_joins_the_register(follow_request, signed_offer, market,
                                                                   other_purchaser, client):
    register_publish(year=2027, effective_at=PUBLISHED_AT)
    url = reverse("register:year", args=[2027])
    page = client.get(url, {"insurer": market["other"].pk}).content.decode()
    assert "Geen zorgaanbieders gevonden" in page

    # Follow decisions are due by 1 January, after publication: the decision adds the volgcontract.
    follow_request_decide(actor=other_purchaser, follow_request=follow_request, decision="followed",
                          now=ams(2026, 12, 14, 10, 0))
    page = client.get(url, {"insurer": market["other"].pk}).content.decode()
    assert "1 vermelding" in page and signed_offer.practice.name in page and "Volgcontract" in page
    assert "2 vermeldingen" in client.get(url).content.decode()
    line = RegisterEntry.objects.get(insurer=market["other"])
    assert (line.via, line.added_at) == ("volgcontract", ams(2026, 12, 14, 10, 0))


def test_a_declined_follow_request_adds_nothing(follow_request, market, other_purchaser):
    register_publish(year=2027, effective_at=PUBLISHED_AT)
    follow_request_decide(actor=other_purchaser, follow_request=follow_request, decision="declined",
                          explanation="Eigen contract in deze regio", now=ams(2026, 12, 14, 10, 0))
    assert not RegisterEntry.objects.filter(insurer=market["other"]).exists()
    assert RegisterPublication.objects.get(insurer=market["other"], year=2027).entry_count == 0


def test_publishing_again_adds_nothing(register_2027, market):
    register_publish(year=2027, effective_at=ams(2026, 11, 20, 0, 0))
    counts = dict(RegisterPublication.objects.filter(year=2027).values_list("insurer__name", "entry_count"))
    assert counts == {"Preferente Verzekeraar": 2, "Verre Verzekeraar": 1}
    assert RegisterEntry.objects.count() == 3
    assert set(RegisterPublication.objects.values_list("published_at", flat=True)) == {PUBLISHED_AT}


def test_search_ignores_case_also_beyond_ascii(published_contract, market, year2027, client):
    sign_for(PracticeFactory(region=market["region"], name="Praktijk Hoogeveen-Brûlé", city="’s-Hertogenbosch"),
             published_contract)
    register_publish(year=2027, effective_at=PUBLISHED_AT)
    url = reverse("register:year", args=[2027])
    for needle in ("BRÛLÉ", "hoogeveen-brûlé", "  praktijk   hoogeveen ", "’S-HERTOGENBOSCH"):
        page = client.get(url, {"q": needle}).content.decode()
        assert "1 vermelding" in page and "Brûlé" in page, needle
    # A search term is matched within one column, never across two.
    assert "Geen zorgaanbieders gevonden" in client.get(url, {"q": "brûlé 01"}).content.decode()


@pytest.mark.django_db(transaction=True)
def test_two_follow_decisions_at_once_both_count(request):
    # transaction=True: the fixtures are built inside the test, so that both threads see them.
    for name in ("market", "nza_tariffs", "practice_3100", "signatory", "purchaser", "published_contract"):
        request.getfixturevalue(name)
    market, contract = request.getfixturevalue("market"), request.getfixturevalue("published_contract")
    other_purchaser = request.getfixturevalue("other_purchaser")
    requests = []
    for practice in (request.getfixturevalue("practice_3100"), PracticeFactory(region=market["region"])):
        offers_create_for_preferent(contract=contract)
        signer = make_member(Role.PRACTICE_SIGNATORY, practice)
        offer_sign(actor=signer, offer=contract.offers.get(practice=practice), now=IN_WINDOW, modules=["kwaliteit"],
                   two_factor_verified=True)
        requests += follow_requests_create(actor=signer, offer=contract.offers.get(practice=practice),
                                           insurers=[market["other"]], now=IN_WINDOW)
    register_publish(year=2027, effective_at=PUBLISHED_AT)
    barrier = threading.Barrier(2)

    def decide(follow_request):
        barrier.wait()
        follow_request_decide(actor=other_purchaser, follow_request=follow_request, decision="followed",
                              now=ams(2026, 12, 14, 10, 0))

    assert run_in_threads(*(partial(decide, r) for r in requests)) == []
    assert RegisterEntry.objects.filter(insurer=market["other"], via="volgcontract").count() == 2
    assert RegisterPublication.objects.get(insurer=market["other"], year=2027).entry_count == 2


def test_the_migrations_write_the_lines_of_registers_published_before(register_2027, market):
    from django.db.migrations.executor import MigrationExecutor

    from contracting.models import Offer

    def lines():
        return sorted(RegisterEntry.objects.values_list("insurer_name", "name", "agb_code", "city", "via",
                                                        "added_at"))

    published = lines()
    assert len(published) == 3
    # Back to before the register had lines and offers had regions, then forward again: the data migrations
    # write the same lines (with the publication's moment) and give every offer its holder's region.
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # the offer table is altered below
    executor = MigrationExecutor(connection)
    executor.migrate([("contracting", "0007_signature_policy_version")])
    executor.loader.build_graph()
    executor.migrate([("contracting", "0009_offer_region_and_list_indexes")])
    assert lines() == published
    assert all(added_at == PUBLISHED_AT for *_, added_at in published)
    counts = dict(RegisterPublication.objects.filter(year=2027).values_list("insurer__name", "entry_count"))
    assert counts == {"Preferente Verzekeraar": 2, "Verre Verzekeraar": 1}
    assert set(Offer.objects.values_list("region_id", flat=True)) == {market["region"].pk}
