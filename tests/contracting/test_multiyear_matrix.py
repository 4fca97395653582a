"""Who sees the new pages and endpoints of multi-year contracts and own offers (role × endpoint): another
organisation's object is a 404, in HTML and API alike; and the new lists cost the same queries however many
rows they show."""

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Role
from contracting.services import adjustment_propose, offer_sign, own_offer_submit
from tests.contracting.conftest import CHOICE, IN_WINDOW, ams, build_contract
from tests.factories import InsurerFactory, PracticeFactory, make_member
from tests.helpers import client_for

MARCH = ams(2026, 3, 10, 10, 0)
LINES = [{"module": "kwaliteit", "tariff": "1200"}]


@pytest.fixture
def world(market, nza_tariffs, practice_3100, signatory, purchaser, other_purchaser):
    from contracting.services import contract_year_ensure

    contract_year_ensure(actor=None, year=2028)
    contract = build_contract(market["preferent"], purchaser, term_years=2)
    offer = contract.offers.get(practice=practice_3100)
    offer_sign(actor=signatory, offer=offer, now=IN_WINDOW, modules=CHOICE, two_factor_verified=True)
    own = own_offer_submit(actor=signatory, practice=practice_3100, insurer=market["preferent"], year=2027,
                           title="Eigen", text="Tekst", lines=LINES, now=MARCH)
    adjustment_propose(actor=purchaser, offer=offer, year=2028, ground="legal", explanation="Wet.", title="Aanp.",
                       text="Tekst.", changes=[], now=ams(2027, 6, 1, 10, 0))
    users = {
        "holder": signatory,
        "other practice": make_member(Role.PRACTICE_MEMBER, PracticeFactory(region=market["region"])),
        "purchaser": purchaser,
        "other purchaser": other_purchaser,
        "stranger purchaser": make_member(Role.INSURER_PURCHASER, InsurerFactory()),
        "nza": make_member(Role.NZA_ANALYST),
    }
    return {"offer": offer, "own": own, "contract": contract, "users": users}


# Page -> expected status per role (200 shown, 404 not found, 403 a list page for a role it is not for).
PAGES = {
    "offers:own_offers": ({}, {"holder": 200, "other practice": 200, "purchaser": 200, "other purchaser": 200,
                               "stranger purchaser": 200, "nza": 200}),
    "offers:own_offer": ({"own": True}, {"holder": 200, "other practice": 404, "purchaser": 404,
                                         "other purchaser": 404, "stranger purchaser": 404, "nza": 404}),
    "purchasing:own_offers": ({}, {"holder": 403, "other practice": 403, "purchaser": 200, "other purchaser": 200,
                                   "stranger purchaser": 200, "nza": 403}),
    "purchasing:own_offer": ({"own": True}, {"holder": 404, "other practice": 404, "purchaser": 200,
                                             "other purchaser": 404, "stranger purchaser": 404, "nza": 404}),
    "purchasing:adjustment": ({"offer": True}, {"holder": 404, "other practice": 404, "purchaser": 200,
                                                "other purchaser": 404, "stranger purchaser": 404, "nza": 404}),
    "purchasing:contract_edit": ({"contract": True}, {"holder": 404, "other practice": 404, "purchaser": 200,
                                                      "other purchaser": 404, "stranger purchaser": 404,
                                                      "nza": 404}),
}


@pytest.mark.parametrize("name", list(PAGES))
def test_pages_by_role(world, name):
    kwargs, expected = PAGES[name]
    args = [world["own"].pk] if kwargs.get("own") else [world["offer"].pk] if kwargs.get("offer") else \
        [world["contract"].pk] if kwargs.get("contract") else []
    url = reverse(name, args=args)
    with time_machine.travel(ams(2027, 6, 1, 10, 0), tick=False):
        got = {role: client_for(user).get(url).status_code for role, user in world["users"].items()}
        assert client_for().get(url).status_code == 302  # anonymous: to the login page
    assert got == expected


API = {
    "own offer": (lambda w: f"/api/v1/own-offers/{w['own'].pk}/",
                  {"holder": 200, "other practice": 404, "purchaser": 200, "other purchaser": 404,
                   "stranger purchaser": 404, "nza": 200}),
    "adjustments": (lambda w: f"/api/v1/offers/{w['offer'].pk}/adjustments/",
                    {"holder": 200, "other practice": 404, "purchaser": 200, "other purchaser": 404,
                     "stranger purchaser": 404, "nza": 200}),
    "terms": (lambda w: f"/api/v1/offers/{w['offer'].pk}/terms/?year=2028",
              {"holder": 200, "other practice": 404, "purchaser": 200, "other purchaser": 404,
               "stranger purchaser": 404, "nza": 200}),
}


@pytest.mark.parametrize("name", list(API))
def test_api_by_role(world, name):
    url_of, expected = API[name]
    url = url_of(world)
    got = {role: client_for(user).get(url).status_code for role, user in world["users"].items()}
    assert got == expected
    assert client_for().get(url).status_code in (401, 403)


def test_the_new_lists_cost_the_same_queries_for_one_or_many(world, market, purchaser):
    holder = world["users"]["holder"]

    def measure(client, url):
        client.get(url)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    urls = [(client_for(holder), reverse("offers:own_offers")), (client_for(holder), "/api/v1/own-offers/"),
            (client_for(purchaser), "/api/v1/own-offers/"),
            (client_for(purchaser), f"/api/v1/offers/{world['offer'].pk}/adjustments/")]
    with time_machine.travel(ams(2026, 8, 1, 10, 0), tick=False):
        one = [measure(client, url) for client, url in urls]
    practice = world["offer"].practice
    for insurer in [market["other"], *[InsurerFactory() for _ in range(4)]]:
        own_offer_submit(actor=holder, practice=practice, insurer=insurer, year=2027, title="Nog een", text="T",
                         lines=LINES, now=MARCH)
    with time_machine.travel(ams(2026, 8, 1, 10, 0), tick=False):
        six = [measure(client, url) for client, url in urls]
    assert six == one
