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


# --- Writes: outsiders get 404, a role that may read but not act 403; nothing changes ----------------------------
@pytest.fixture
def writers(world, market):
    from tests.factories import OverlegTeamFactory

    users = dict(world["users"])
    users["oth"] = make_member(Role.OTH_MEMBER, OverlegTeamFactory(region=market["region"],
                                                                  insurer=market["preferent"]))
    return users


def _state(world):
    from contracting.models import ContractAdjustment, ContractIndex, OwnOffer

    own = OwnOffer.objects.get(pk=world["own"].pk)
    return (own.status, own.reason, ContractAdjustment.objects.count(), ContractIndex.objects.count())


# (action, body) -> expected status per role that must not act; the holder/purchaser who may is not listed.
API_WRITES = {
    "own offer decide": (lambda w: f"/api/v1/own-offers/{w['own'].pk}/decide/",
                         {"decision": "refused", "reason": "Past niet in ons beleid."},
                         {"holder": 403, "other practice": 404, "other purchaser": 404, "stranger purchaser": 404,
                          "nza": 403, "oth": 404}),
    "own offer withdraw": (lambda w: f"/api/v1/own-offers/{w['own'].pk}/withdraw/", {},
                           {"purchaser": 403, "other practice": 404, "other purchaser": 404,
                            "stranger purchaser": 404, "nza": 403, "oth": 404}),
    "adjustment propose": (lambda w: f"/api/v1/offers/{w['offer'].pk}/adjustments/",
                           {"year": 2028, "ground": "budget", "explanation": "Macrokader.", "title": "T",
                            "text": "T", "changes": []},
                           {"holder": 403, "other practice": 404, "other purchaser": 404,
                            "stranger purchaser": 404, "nza": 403, "oth": 404}),
    "index set": (lambda w: f"/api/v1/standard-contracts/{w['contract'].pk}/index/", {"year": 2028, "percent": "3"},
                  {"holder": 403, "other practice": 403, "other purchaser": 403, "stranger purchaser": 403,
                   "nza": 403, "oth": 403}),
}


@pytest.mark.parametrize("name", list(API_WRITES))
def test_api_writes_by_role(world, writers, name):
    url_of, body, expected = API_WRITES[name]
    before = _state(world)
    with time_machine.travel(ams(2027, 6, 1, 10, 0), tick=False):
        got = {role: client_for(writers[role]).post(url_of(world), body, format="json").status_code
               for role in expected}
    assert got == expected
    assert _state(world) == before


HTML_WRITES = {
    "offers:own_offer_withdraw": ("own", {}, ["purchaser", "other practice", "other purchaser", "nza", "oth"]),
    "purchasing:own_offer": ("own", {"decision": "refused", "reason": "Nee."},
                             ["holder", "other practice", "other purchaser", "nza", "oth"]),
    "purchasing:adjustment": ("offer", {"year": 2028, "ground": "budget", "explanation": "M.", "title": "T",
                                        "text": "T"}, ["holder", "other practice", "other purchaser", "nza", "oth"]),
    "purchasing:contract_index": ("contract", {"year": 2028, "percent": "3"},
                                  ["holder", "other practice", "other purchaser", "nza", "oth"]),
}


@pytest.mark.parametrize("name", list(HTML_WRITES))
def test_html_writes_are_not_found_for_anyone_else(world, writers, name):
    key, body, roles = HTML_WRITES[name]
    url = reverse(name, args=[world[key].pk])
    before = _state(world)
    with time_machine.travel(ams(2027, 6, 1, 10, 0), tick=False):
        got = {role: client_for(writers[role]).post(url, body).status_code for role in roles}
    assert got == dict.fromkeys(roles, 404)
    assert _state(world) == before


def test_an_overlegteam_member_neither_sees_nor_touches_an_addendum(world, writers):
    from contracting.models import ContractAddendum

    addendum = ContractAddendum.objects.get(offer=world["offer"])
    api = client_for(writers["oth"])
    assert api.get(f"/api/v1/addenda/{addendum.pk}/").status_code == 404
    assert api.get("/api/v1/addenda/").json()["results"] == []
    for action in ("accept", "refuse", "withdraw"):
        assert api.post(f"/api/v1/addenda/{addendum.pk}/{action}/", {"code": "123456", "reason": "Nee"},
                        format="json").status_code == 404
    body = {"kind": "maatwerk", "title": "T", "text": "T", "effective_from": "2027-03-01"}
    assert api.post(f"/api/v1/offers/{world['offer'].pk}/addenda/", body, format="json").status_code == 404
    for name in ("offers:addendum", "purchasing:addendum"):
        assert api.get(reverse(name, args=[addendum.pk])).status_code == 404
    assert api.get(reverse("purchasing:addenda", args=[world["offer"].pk])).status_code == 404
    assert ContractAddendum.objects.get(pk=addendum.pk).status == ContractAddendum.Status.PROPOSED
    assert ContractAddendum.objects.count() == 1
