"""Offers, signing, follow requests, standard contracts and the register over the API: who sees and may do what,
the signing window at both ends, two-factor for tokens and sessions, caps, concurrency and query budgets."""

import json
import threading
from decimal import Decimal
from functools import partial

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.test import APIClient

from accounts.models import Role
from contracting.models import FollowRequest, ModuleChoice, Offer, Signature
from contracting.services import (
    contract_year_ensure,
    follow_request_decide,
    follow_requests_create,
    offer_request,
    offer_sign,
    offers_create_for_preferent,
    register_publish,
)
from tests.contracting.conftest import CHOICE, IN_WINDOW, ams, build_contract
from tests.factories import (
    DEFAULT_PASSWORD,
    CareGroupFactory,
    InsurerFactory,
    PracticeFactory,
    code_for,
    enrol_totp,
    make_member,
)
from tests.helpers import assert_error, client_for, run_in_threads


def verified_client_for(user) -> APIClient:
    """A browser session that has passed the code step (what django_otp.login records)."""
    client = client_for(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = TOTPDevice.objects.get(user=user, confirmed=True).persistent_id
    session.save()
    return client


def token_client_for(user, *, otp: bool) -> APIClient:
    data = {"email": user.email, "password": DEFAULT_PASSWORD}
    if otp:
        data["otp"] = code_for(TOTPDevice.objects.get(user=user, confirmed=True))
    response = APIClient().post("/api/v1/auth/token/", data, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["two_factor"] is otp
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {response.json()['token']}")
    return client


def ids(response) -> set[int]:
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


# --- The world: two insurers, two practices ------------------------------------------------------------
@pytest.fixture
def practice_y(market):
    return PracticeFactory(region=market["region"], registered_patients=2350, name="Praktijk De Linde")


@pytest.fixture
def world(offer, practice_3100, practice_y, published_contract, market, signatory, purchaser, other_purchaser):
    """Insurer A (preferent) offered its contract to practices X (3,100 patients) and Y; practice X also asked
    insurer B for its contract."""
    offers_create_for_preferent(contract=published_contract)
    contract_b = build_contract(market["other"], other_purchaser)
    return {
        "a_x": offer,
        "a_y": published_contract.offers.get(practice=practice_y),
        "b_x": offer_request(actor=signatory, practice=practice_3100, contract=contract_b, now=IN_WINDOW),
        "contract_b": contract_b,
    }


@pytest.fixture
def member_y(practice_y):
    return make_member(Role.PRACTICE_MEMBER, practice_y, email="medewerker@delinde.example")


@pytest.fixture
def member_x(practice_3100):
    return make_member(Role.PRACTICE_MEMBER, practice_3100, email="medewerker@praktijk-x.example")


# --- Who sees which offer ------------------------------------------------------------------------------
def test_each_role_sees_only_its_own_offers(world, purchaser, other_purchaser, signatory, member_y, outsider):
    a_x, a_y, b_x = world["a_x"].pk, world["a_y"].pk, world["b_x"].pk
    nza = make_member(Role.NZA_ANALYST)
    seen = {
        purchaser: {a_x, a_y},  # insurer A: the offers it made, never insurer B's
        other_purchaser: {b_x},
        signatory: {a_x, b_x},  # practice X: what it received, never practice Y's
        member_y: {a_y},
        outsider: set(),
        nza: {a_x, a_y, b_x},
    }
    for user, expected in seen.items():
        client = client_for(user)
        assert ids(client.get("/api/v1/offers/")) == expected, user.email
        for pk in {a_x, a_y, b_x} - expected:
            assert_error(client.get(f"/api/v1/offers/{pk}/"), 404, "not_found")
        for pk in expected:
            assert client.get(f"/api/v1/offers/{pk}/").status_code == 200


def test_offer_filters(world, signatory, market):
    client = client_for(signatory)
    assert ids(client.get("/api/v1/offers/", {"insurer": market["other"].pk})) == {world["b_x"].pk}
    assert ids(client.get("/api/v1/offers/", {"year": 2027, "status": "open"})) == {world["a_x"].pk, world["b_x"].pk}
    assert ids(client.get("/api/v1/offers/", {"year": 2028})) == set()
    assert ids(client.get("/api/v1/offers/", {"status": "signed"})) == set()
    assert_error(client.get("/api/v1/offers/", {"status": "bogus"}), 400, "invalid")


def test_offer_detail_shows_modules_with_the_cap_for_this_holder(offer, signatory, practice_3100, market):
    body = client_for(signatory).get(f"/api/v1/offers/{offer.pk}/").json()

    assert body["year"] == 2027
    assert (body["status"], body["status_label"]) == ("open", "Open")
    assert body["insurer"] == {"id": market["preferent"].pk, "name": market["preferent"].name}
    assert body["holder"] == {"kind": "practice", "id": practice_3100.pk, "name": practice_3100.name,
                              "agb_code": practice_3100.agb_code, "city": practice_3100.city,
                              "registered_patients": 3100}
    modules = {m["code"]: m for m in body["modules"]}
    assert set(modules) == {"inschrijving", "consult", "poh-ggz", "praktijkmanagement", "kwaliteit"}
    # POH-GGZ: 12 hours per 2,350 patients, so 15.8 for 3,100; praktijkmanagement capped by the insurer at 4.
    assert modules["poh-ggz"]["cap_hours"] == "15.8"
    assert modules["praktijkmanagement"]["cap_hours"] == "5.2"
    assert modules["kwaliteit"]["cap_hours"] is None
    assert modules["poh-ggz"]["tariff"] == "3900.00"
    assert modules["poh-ggz"]["unit"] == "per_weekuur_jaar"
    assert modules["poh-ggz"]["needs_hours"] is True
    assert modules["inschrijving"]["mandatory"] is True
    assert body["chosen_modules"] == []
    assert body["signature"] is None


def test_labels_follow_the_language_the_client_asks_for(offer, signatory):
    client = client_for(signatory)
    dutch = client.get(f"/api/v1/offers/{offer.pk}/").json()
    english = client.get(f"/api/v1/offers/{offer.pk}/", HTTP_ACCEPT_LANGUAGE="en").json()
    listed = client.get("/api/v1/offers/", HTTP_ACCEPT_LANGUAGE="en").json()["results"]

    assert (dutch["reason"], dutch["reason_label"]) == ("preferent", "Preferente verzekeraar")
    assert english["reason_label"] == listed[0]["reason_label"] == "Preferred insurer"
    assert english["modules"][0]["unit_label"] != dutch["modules"][0]["unit_label"]


def test_opening_by_the_holder_is_recorded_but_not_by_the_insurer(offer, signatory, purchaser):
    with time_machine.travel(IN_WINDOW, tick=False):
        assert client_for(purchaser).get(f"/api/v1/offers/{offer.pk}/").json()["opened_at"] is None
        offer.refresh_from_db()
        assert offer.opened_at is None
        assert client_for(signatory).get(f"/api/v1/offers/{offer.pk}/").json()["opened_at"] == \
            "2026-10-15T08:00:00Z"
    offer.refresh_from_db()
    assert offer.opened_at == IN_WINDOW


def test_care_group_offer_uses_all_its_practices_for_the_caps(published_contract, market, purchaser):
    group = CareGroupFactory(region=market["region"])
    for patients in (2000, 2700):
        group.practices.add(PracticeFactory(region=market["region"], registered_patients=patients))
    group_offer = Offer.objects.create(standard_contract=published_contract, care_group=group, year=2027,
                                       insurer=market["preferent"])
    body = client_for(purchaser).get(f"/api/v1/offers/{group_offer.pk}/").json()
    assert body["holder"]["kind"] == "care_group"
    assert body["holder"]["registered_patients"] == 4700
    assert {m["code"]: m["cap_hours"] for m in body["modules"]}["poh-ggz"] == "24.0"


# --- Choosing modules and asking questions ---------------------------------------------------------------
@time_machine.travel(IN_WINDOW, tick=False)
def test_holder_saves_a_choice_which_the_insurer_does_not_see_before_signing(offer, member_x, purchaser):
    client = client_for(member_x)
    response = client.post(f"/api/v1/offers/{offer.pk}/choose/", {"modules": CHOICE}, format="json")
    assert response.status_code == 200, response.content
    chosen = {c["module"]: c["hours"] for c in response.json()["chosen_modules"]}
    assert chosen == {"inschrijving": None, "consult": None, "poh-ggz": "15.80", "praktijkmanagement": "5.00",
                      "kwaliteit": None}
    assert client_for(purchaser).get(f"/api/v1/offers/{offer.pk}/").json()["chosen_modules"] == []
    assert_error(client_for(purchaser).post(f"/api/v1/offers/{offer.pk}/choose/", {"modules": ["kwaliteit"]},
                                            format="json"), 403, "not_holder_member")


@time_machine.travel(IN_WINDOW, tick=False)
def test_choice_over_the_cap_names_the_module(offer, member_x):
    response = client_for(member_x).post(f"/api/v1/offers/{offer.pk}/choose/",
                                         {"modules": [{"module": "poh-ggz", "hours": "15.9"}]}, format="json")
    body = assert_error(response, 400, "module_over_cap")
    assert body["fields"]["modules"]["poh-ggz"] == [
        "POH-GGZ: ten hoogste 15,8 uur per week voor uw 3.100 patiënten (u koos 15,9)."]
    assert not offer.choices.exists()


def test_questions_are_asked_by_the_holder_and_seen_by_the_insurer(offer, member_x, purchaser, other_purchaser):
    with time_machine.travel(IN_WINDOW, tick=False):
        response = client_for(member_x).post(f"/api/v1/offers/{offer.pk}/questions/",
                                             {"text": "Geldt het plafond per locatie?"}, format="json")
    assert response.status_code == 201, response.content
    # Thursday 15 October + 5 working days: by the end of Thursday 22 October.
    assert response.json()["due_at"] == "2026-10-22T22:00:00Z"
    rows = client_for(purchaser).get(f"/api/v1/offers/{offer.pk}/questions/").json()
    assert [row["text"] for row in rows] == ["Geldt het plafond per locatie?"]
    assert_error(client_for(purchaser).post(f"/api/v1/offers/{offer.pk}/questions/", {"text": "?"}, format="json"),
                 403, "not_holder_member")
    assert_error(client_for(other_purchaser).get(f"/api/v1/offers/{offer.pk}/questions/"), 404, "not_found")
    assert_error(client_for(member_x).post(f"/api/v1/offers/{offer.pk}/questions/", {"text": ""}, format="json"),
                 400, "invalid")


# --- Signing ---------------------------------------------------------------------------------------------
def sign(client, offer, modules=CHOICE):
    return client.post(f"/api/v1/offers/{offer.pk}/sign/", {"modules": modules}, format="json")


@time_machine.travel(IN_WINDOW, tick=False)
def test_verified_signatory_signs_and_gets_the_frozen_contract(offer, signatory, practice_3100):
    response = sign(verified_client_for(signatory), offer)

    assert response.status_code == 200, response.content
    body = response.json()
    signature = Signature.objects.get(offer=offer)
    assert body["offer"] == offer.pk
    assert body["content_hash"] == signature.content_hash and len(body["content_hash"]) == 64
    assert body["signed_at"] == "2026-10-15T08:00:00Z"
    assert body["signed_by"] == {"id": signatory.pk, "name": signatory.get_full_name()}
    # inschrijving 17.00 x 3,100 x 4 + POH-GGZ 3,900 x 15.8 + praktijkmanagement 2,500 x 5 + kwaliteit 1,500
    assert Decimal(body["estimated_amount"]) == Decimal("286420.00")
    assert body["content"]["holder"]["agb_code"] == practice_3100.agb_code
    assert {m["code"] for m in body["content"]["modules"]} == {"inschrijving", "consult", "poh-ggz",
                                                               "praktijkmanagement", "kwaliteit"}

    detail = verified_client_for(signatory).get(f"/api/v1/offers/{offer.pk}/").json()
    assert detail["status"] == "signed"
    assert detail["signature"] == {"content_hash": body["content_hash"], "signed_at": "2026-10-15T08:00:00Z",
                                   "estimated_amount": "286420.00"}


@time_machine.travel(IN_WINDOW, tick=False)
def test_token_without_code_may_not_sign_but_with_code_may(offer, signatory):
    assert_error(sign(token_client_for(signatory, otp=False), offer), 403, "two_factor_required")
    assert Offer.objects.get(pk=offer.pk).status == Offer.Status.OPEN

    response = sign(token_client_for(signatory, otp=True), offer)
    assert response.status_code == 200, response.content
    assert Offer.objects.get(pk=offer.pk).status == Offer.Status.SIGNED


@time_machine.travel(IN_WINDOW, tick=False)
def test_session_without_the_code_step_may_not_sign(offer, signatory):
    assert_error(sign(client_for(signatory), offer), 403, "two_factor_required")
    assert not Signature.objects.exists()


@time_machine.travel(IN_WINDOW, tick=False)
def test_only_a_signatory_of_the_holder_may_sign(world, member_x, purchaser, member_y):
    offer = world["a_x"]
    enrol_totp(member_x)
    assert_error(sign(verified_client_for(member_x), offer), 403, "not_signatory")
    assert_error(sign(client_for(purchaser), offer), 403, "not_signatory")
    # Practice Y's signatory cannot even see practice X's offer.
    signatory_y = make_member(Role.PRACTICE_SIGNATORY, world["a_y"].practice)
    enrol_totp(signatory_y)
    assert_error(sign(verified_client_for(signatory_y), offer), 404, "not_found")
    assert not Signature.objects.exists()


@pytest.mark.parametrize(("moment", "code"), [
    (ams(2026, 9, 30, 23, 59, 59), "signing_window_not_open"),
    (ams(2026, 11, 8, 0, 0, 0), "signing_window_closed"),
])
def test_signing_window_is_enforced_at_both_ends(offer, signatory, moment, code):
    with time_machine.travel(moment, tick=False):
        body = assert_error(sign(verified_client_for(signatory), offer), 409, code)
    assert ("1 oktober 2026" if code == "signing_window_not_open" else "7 november 2026") in body["detail"]
    assert not Signature.objects.exists()


@pytest.mark.parametrize("moment", [ams(2026, 10, 1, 0, 0, 0), ams(2026, 11, 7, 23, 59, 59)])
def test_first_and_last_second_of_the_window_count(offer, signatory, moment):
    with time_machine.travel(moment, tick=False):
        assert sign(verified_client_for(signatory), offer).status_code == 200


@time_machine.travel(IN_WINDOW, tick=False)
def test_signing_twice_is_a_conflict(offer, signatory):
    client = verified_client_for(signatory)
    first = sign(client, offer).json()["content_hash"]
    assert_error(sign(client, offer, ["kwaliteit"]), 409, "already_signed")
    assert Signature.objects.get(offer=offer).content_hash == first


@time_machine.travel(IN_WINDOW, tick=False)
def test_over_the_cap_is_a_field_error(offer, signatory):
    response = sign(verified_client_for(signatory), offer, [{"module": "poh-ggz", "hours": 16}])
    body = assert_error(response, 400, "module_over_cap")
    assert list(body["fields"]["modules"]) == ["poh-ggz"]
    assert body["fields"]["modules"]["poh-ggz"] == [
        "POH-GGZ: ten hoogste 15,8 uur per week voor uw 3.100 patiënten (u koos 16)."]
    assert Offer.objects.get(pk=offer.pk).status == Offer.Status.OPEN


@time_machine.travel(IN_WINDOW, tick=False)
def test_malformed_modules_are_a_field_error(offer, signatory):
    body = assert_error(sign(verified_client_for(signatory), offer, [{"hours": 3}, 12]), 400, "invalid")
    assert set(body["fields"]["modules"]) == {"0", "1"}


@time_machine.travel(IN_WINDOW, tick=False)
def test_signing_without_modules_signs_the_saved_choice(offer, signatory):
    client = verified_client_for(signatory)
    client.post(f"/api/v1/offers/{offer.pk}/choose/", {"modules": ["kwaliteit"]}, format="json")
    response = client.post(f"/api/v1/offers/{offer.pk}/sign/", {}, format="json")
    assert response.status_code == 200, response.content
    assert "kwaliteit" in {m["code"] for m in response.json()["content"]["modules"]}
    assert "poh-ggz" not in {m["code"] for m in response.json()["content"]["modules"]}


# --- You sign what you saw -------------------------------------------------------------------------------
@time_machine.travel(IN_WINDOW, tick=False)
def test_a_stale_content_hash_signs_nothing_and_the_fresh_one_signs(offer, signatory, member_x):
    client = verified_client_for(signatory)
    client.post(f"/api/v1/offers/{offer.pk}/choose/", {"modules": CHOICE}, format="json")
    seen = client.get(f"/api/v1/offers/{offer.pk}/").json()["sign_preview_hash"]
    assert len(seen) == 64
    # A colleague changes the choice after the signatory's app showed it.
    client_for(member_x).post(f"/api/v1/offers/{offer.pk}/choose/", {"modules": ["kwaliteit"]}, format="json")

    response = client.post(f"/api/v1/offers/{offer.pk}/sign/", {"content_hash": seen}, format="json")
    body = assert_error(response, 409, "content_changed")
    assert body["detail"] == ("De inhoud van dit contract is gewijzigd sinds u haar las; er is niets ondertekend. "
                              "Lees de inhoud opnieuw en bevestig dan.")
    assert not Signature.objects.exists()
    assert Offer.objects.get(pk=offer.pk).status == Offer.Status.OPEN
    assert set(ModuleChoice.objects.filter(offer=offer).values_list("contract_module__module__code", flat=True)) \
        == {"inschrijving", "consult", "kwaliteit"}  # the colleague's choice stands, with the mandatory modules

    fresh = client.get(f"/api/v1/offers/{offer.pk}/").json()["sign_preview_hash"]
    assert fresh != seen
    response = client.post(f"/api/v1/offers/{offer.pk}/sign/", {"content_hash": fresh.upper()}, format="json")
    assert response.status_code == 200, response.content
    assert {m["code"] for m in response.json()["content"]["modules"]} == {"inschrijving", "consult", "kwaliteit"}
    assert client.get(f"/api/v1/offers/{offer.pk}/").json()["sign_preview_hash"] is None  # signed: nothing to sign


@time_machine.travel(IN_WINDOW, tick=False)
def test_the_sign_preview_hash_is_for_the_holders_signatories_only(offer, signatory, member_x, purchaser):
    assert len(client_for(signatory).get(f"/api/v1/offers/{offer.pk}/").json()["sign_preview_hash"]) == 64
    for user in (member_x, purchaser):
        assert client_for(user).get(f"/api/v1/offers/{offer.pk}/").json()["sign_preview_hash"] is None
    assert "sign_preview_hash" not in client_for(signatory).get("/api/v1/offers/").json()["results"][0]


@time_machine.travel(IN_WINDOW, tick=False)
def test_a_malformed_content_hash_is_a_field_error(offer, signatory):
    response = verified_client_for(signatory).post(f"/api/v1/offers/{offer.pk}/sign/", {"content_hash": "abc"},
                                                   format="json")
    body = assert_error(response, 400, "invalid")
    assert body["fields"]["content_hash"] == ["Geef het SHA-256-kenmerk als 64 hexadecimale tekens."]
    assert not Signature.objects.exists()


def test_the_schema_documents_the_content_hash_and_the_preview_hash(db):
    schema = APIClient().get("/api/schema/", {"format": "json"}).json()
    components = schema["components"]["schemas"]
    assert "sign_preview_hash" in components["Offer"]["properties"]
    assert "content_hash" in components["OfferSignInput"]["properties"]
    assert "content_changed" in json.dumps(schema["paths"]["/api/v1/offers/{id}/sign/"]["post"]["responses"]["409"])


@time_machine.travel(IN_WINDOW, tick=False)
def test_refusal_by_a_signatory(offer, signatory, member_x):
    assert_error(client_for(member_x).post(f"/api/v1/offers/{offer.pk}/refuse/", {"reason": "x"}, format="json"),
                 403, "not_signatory")
    response = client_for(signatory).post(f"/api/v1/offers/{offer.pk}/refuse/",
                                          {"reason": "Te weinig uren POH-GGZ"}, format="json")
    assert response.status_code == 200, response.content
    assert (response.json()["status"], response.json()["refusal_reason"]) == ("refused", "Te weinig uren POH-GGZ")
    assert_error(sign(verified_client_for(signatory), offer), 409, "offer_not_open")


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_sign_requests_sign_once(request):
    # transaction=True: fixtures that write must be built inside the test, and both threads see them.
    for name in ("market", "nza_tariffs", "practice_3100", "signatory", "purchaser", "published_contract"):
        request.getfixturevalue(name)
    offer = Offer.objects.get()
    signatory = request.getfixturevalue("signatory")
    clients = [verified_client_for(signatory), verified_client_for(signatory)]
    barrier = threading.Barrier(2)
    statuses = []

    def post(client):
        barrier.wait()
        response = sign(client, offer)
        statuses.append((response.status_code, response.json().get("code")))

    with time_machine.travel(IN_WINDOW, tick=False):
        assert run_in_threads(*(partial(post, c) for c in clients)) == []
    assert sorted(statuses, key=lambda s: s[0]) == [(200, None), (409, "already_signed")]
    assert Signature.objects.filter(offer=offer).count() == 1


# --- Follow requests (volgen) ---------------------------------------------------------------------------
def test_holder_offers_the_signed_contract_to_other_insurers(signed_offer, member_x, market):
    third_insurer = InsurerFactory(name="Derde Verzekeraar")
    client = client_for(member_x)
    payload = {"offer": signed_offer.pk, "insurers": [market["other"].pk, third_insurer.pk]}
    with time_machine.travel(IN_WINDOW, tick=False):
        response = client.post("/api/v1/follow-requests/", payload, format="json")
        assert response.status_code == 201, response.content
        rows = response.json()
        assert [row["insurer"]["name"] for row in rows] == ["Derde Verzekeraar", "Verre Verzekeraar"]
        assert all(row["status"] == "pending" and row["due_at"] == "2026-12-31T23:00:00Z" for row in rows)
        assert rows[0]["contracted_with"] == {"id": market["preferent"].pk, "name": market["preferent"].name}
        assert {m["code"] for m in rows[0]["signed_modules"]} >= {"poh-ggz", "kwaliteit"}
        # Asking again is harmless: nothing new, same answer.
        again = client.post("/api/v1/follow-requests/", payload, format="json")
        assert again.status_code == 200
        assert [row["id"] for row in again.json()] == [row["id"] for row in rows]
    assert FollowRequest.objects.count() == 2


def test_follow_request_errors(signed_offer, offer, member_x, purchaser, outsider, market, world):
    client = client_for(member_x)
    assert_error(client.post("/api/v1/follow-requests/", {"offer": signed_offer.pk,
                                                          "insurers": [market["preferent"].pk]}, format="json"),
                 400, "own_insurer")
    assert_error(client.post("/api/v1/follow-requests/", {"offer": world["b_x"].pk,
                                                          "insurers": [market["preferent"].pk]}, format="json"),
                 409, "offer_not_signed")
    # The insurer can see the offer but does not act for the practice.
    assert_error(client_for(purchaser).post("/api/v1/follow-requests/", {"offer": signed_offer.pk,
                                                                         "insurers": [market["other"].pk]},
                                            format="json"), 403, "not_holder_member")
    # Someone else's offer is not a valid choice at all.
    body = assert_error(client_for(outsider).post("/api/v1/follow-requests/", {"offer": signed_offer.pk,
                                                                               "insurers": [market["other"].pk]},
                                                  format="json"), 400, "invalid")
    assert "offer" in body["fields"]
    assert not FollowRequest.objects.exists()


def test_follow_requests_are_scoped(follow_request, other_purchaser, purchaser, signatory, member_y, outsider):
    nza = make_member(Role.NZA_ANALYST)
    for user, expected in ((other_purchaser, {follow_request.pk}), (signatory, {follow_request.pk}),
                           (nza, {follow_request.pk}), (purchaser, set()), (member_y, set()), (outsider, set())):
        client = client_for(user)
        assert ids(client.get("/api/v1/follow-requests/")) == expected, user.email
        status = 200 if expected else 404
        assert client.get(f"/api/v1/follow-requests/{follow_request.pk}/").status_code == status


def test_follow_request_filters(follow_request, other_purchaser):
    client = client_for(other_purchaser)
    assert ids(client.get("/api/v1/follow-requests/", {"status": "pending", "year": 2027})) == {follow_request.pk}
    assert ids(client.get("/api/v1/follow-requests/", {"status": "followed"})) == set()
    assert ids(client.get("/api/v1/follow-requests/", {"year": 2028})) == set()


def decide(client, fr, **data):
    return client.post(f"/api/v1/follow-requests/{fr.pk}/decide/", data, format="json")


@pytest.mark.parametrize("decision", ["partial", "declined"])
def test_not_following_needs_an_explanation(follow_request, other_purchaser, decision):
    body = assert_error(decide(client_for(other_purchaser), follow_request, decision=decision,
                               not_followed=["kwaliteit"]), 400, "explanation_required")
    assert "explanation" in body["fields"]
    assert FollowRequest.objects.get(pk=follow_request.pk).status == FollowRequest.Status.PENDING


@time_machine.travel(ams(2026, 12, 3, 10, 0), tick=False)
def test_purchaser_of_the_insurer_asked_decides(follow_request, other_purchaser):
    response = decide(client_for(other_purchaser), follow_request, decision="partial",
                      explanation="Eigen kwaliteitsbeleid", not_followed=["kwaliteit"])
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["status"], body["status_label"]) == ("partial", "Gedeeltelijk gevolgd")
    assert body["not_followed"] == ["kwaliteit"] and body["explanation"] == "Eigen kwaliteitsbeleid"
    assert body["decided_at"] == "2026-12-03T09:00:00Z"
    assert_error(decide(client_for(other_purchaser), follow_request, decision="declined", explanation="Toch niet"),
                 409, "already_decided")


def test_only_a_purchaser_of_the_insurer_asked_may_decide(follow_request, signatory, purchaser, outsider):
    # The practice sees its own request, but deciding is the insurer's.
    assert_error(decide(client_for(signatory), follow_request, decision="followed"), 403, "not_purchaser")
    assert_error(decide(client_for(make_member(Role.NZA_ANALYST)), follow_request, decision="followed"),
                 403, "not_purchaser")
    # The insurer of the signed contract and strangers do not see it at all.
    assert_error(decide(client_for(purchaser), follow_request, decision="followed"), 404, "not_found")
    assert_error(decide(client_for(outsider), follow_request, decision="followed"), 404, "not_found")
    assert FollowRequest.objects.get(pk=follow_request.pk).status == FollowRequest.Status.PENDING


def test_invalid_decision_is_a_field_error(follow_request, other_purchaser):
    body = assert_error(decide(client_for(other_purchaser), follow_request, decision="maybe"), 400, "invalid")
    assert "decision" in body["fields"]


# --- Standard contracts ---------------------------------------------------------------------------------
def test_standard_contracts_published_for_all_drafts_for_their_insurer(published_contract, market, purchaser,
                                                                       other_purchaser, signatory):
    contract_year_ensure(actor=None, year=2028)
    draft = build_contract(market["preferent"], purchaser, year=2028, term_years=3, publish=False)
    assert ids(client_for(purchaser).get("/api/v1/standard-contracts/")) == {published_contract.pk, draft.pk}
    assert ids(client_for(other_purchaser).get("/api/v1/standard-contracts/")) == {published_contract.pk}
    assert ids(client_for(signatory).get("/api/v1/standard-contracts/")) == {published_contract.pk}
    assert_error(client_for(other_purchaser).get(f"/api/v1/standard-contracts/{draft.pk}/"), 404, "not_found")

    client = client_for(purchaser)
    # A three-year contract from 2028 covers 2028-2030.
    assert ids(client.get("/api/v1/standard-contracts/", {"year": 2030})) == {draft.pk}
    assert ids(client.get("/api/v1/standard-contracts/", {"year": 2031})) == set()
    assert ids(client.get("/api/v1/standard-contracts/", {"year": 2027, "insurer": market["preferent"].pk})) == {
        published_contract.pk}
    body = client.get(f"/api/v1/standard-contracts/{published_contract.pk}/").json()
    assert body["status"] == "published" and body["insurer"]["id"] == market["preferent"].pk
    modules = {m["code"]: m for m in body["modules"]}
    assert modules["kwaliteit"]["tariff"] == "1500.00"
    # The insurer's own cap for praktijkmanagement, and the NZa's default for POH-GGZ, per 2,350 patients.
    assert (modules["praktijkmanagement"]["cap_hours"], modules["praktijkmanagement"]["cap_patients"]) == (
        "4.00", 2350)
    assert modules["poh-ggz"]["cap_hours"] == "12.00"
    assert modules["kwaliteit"]["cap_hours"] is None


# --- Register over the API ------------------------------------------------------------------------------
def test_register_is_public_and_empty_before_publication(signed_offer, year2027):
    response = APIClient().get("/api/v1/register/2027/")
    assert response.status_code == 200
    assert response.json() == {"year": 2027, "publications": [], "count": 0, "next": None, "previous": None,
                               "entries": []}


def test_register_lists_contracted_and_followed_practices(follow_request, other_purchaser, signed_offer, market):
    follow_request_decide(actor=other_purchaser, follow_request=follow_request, decision="followed",
                          now=ams(2026, 11, 10, 10, 0))
    register_publish(year=2027, effective_at=ams(2026, 11, 19, 0, 0))
    practice = signed_offer.practice

    body = APIClient().get("/api/v1/register/2027/").json()
    assert [p["insurer"]["name"] for p in body["publications"]] == ["Preferente Verzekeraar", "Verre Verzekeraar"]
    assert body["publications"][0]["published_at"] == "2026-11-18T23:00:00Z"
    assert body["entries"] == [
        {"insurer": "Preferente Verzekeraar", "insurer_id": market["preferent"].pk, "name": practice.name,
         "agb_code": practice.agb_code, "city": practice.city, "kind": "practice", "via": "contract"},
        {"insurer": "Verre Verzekeraar", "insurer_id": market["other"].pk, "name": practice.name,
         "agb_code": practice.agb_code, "city": practice.city, "kind": "practice", "via": "volgcontract"},
    ]
    assert (body["count"], body["next"], body["previous"]) == (2, None, None)
    only_other = APIClient().get("/api/v1/register/2027/", {"insurer": market["other"].pk}).json()
    assert [e["via"] for e in only_other["entries"]] == ["volgcontract"]
    assert len(only_other["publications"]) == 1 and only_other["count"] == 1


def test_register_pages_and_search(follow_request, other_purchaser, signed_offer, market, published_contract):
    follow_request_decide(actor=other_purchaser, follow_request=follow_request, decision="followed",
                          now=ams(2026, 11, 10, 10, 0))
    linde = PracticeFactory(region=market["region"], name="Huisartsenpraktijk De Linde", city="Zeist")
    offers_create_for_preferent(contract=published_contract)
    offer_sign(actor=make_member(Role.PRACTICE_SIGNATORY, linde), offer=published_contract.offers.get(practice=linde),
               now=IN_WINDOW, modules=["kwaliteit"], two_factor_verified=True)
    register_publish(year=2027, effective_at=ams(2026, 11, 19, 0, 0))
    x = signed_offer.practice
    client = APIClient()

    first = client.get("/api/v1/register/2027/", {"page_size": 2}).json()
    # By insurer, then by name ("Huisartsenpraktijk 12" before "… De Linde"), then X's volgcontract.
    assert [(e["insurer"], e["name"]) for e in first["entries"]] == [
        ("Preferente Verzekeraar", x.name), ("Preferente Verzekeraar", "Huisartsenpraktijk De Linde")]
    assert first["count"] == 3 and first["previous"] is None
    assert first["next"].endswith("/api/v1/register/2027/?page=2&page_size=2")
    second = client.get(first["next"]).json()
    assert [(e["insurer"], e["via"]) for e in second["entries"]] == [("Verre Verzekeraar", "volgcontract")]
    assert second["next"] is None and second["previous"] is not None
    assert client.get("/api/v1/register/2027/", {"page_size": 2, "page": "last"}).json() == second
    assert_error(client.get("/api/v1/register/2027/", {"page": 3}), 404, "not_found")

    found = client.get("/api/v1/register/2027/", {"q": "ZEIST"}).json()
    assert found["count"] == 1 and [e["name"] for e in found["entries"]] == ["Huisartsenpraktijk De Linde"]
    assert client.get("/api/v1/register/2027/", {"q": "nergens"}).json()["count"] == 0


@pytest.mark.django_db
def test_register_page_shape_is_in_the_schema():
    schema = APIClient().get("/api/schema/", {"format": "json"}).json()
    register = schema["components"]["schemas"]["Register"]
    assert set(register["required"]) == {"year", "publications", "count", "next", "previous", "entries"}
    parameters = {p["name"] for p in schema["paths"]["/api/v1/register/{year}/"]["get"]["parameters"]}
    assert parameters == {"year", "insurer", "q", "page", "page_size"}


def test_register_errors(year2027):
    assert_error(APIClient().get("/api/v1/register/2031/"), 404, "not_found")
    body = assert_error(APIClient().get("/api/v1/register/2027/", {"insurer": "abc"}), 400, "invalid")
    assert "insurer" in body["fields"]


def test_register_ignores_a_broken_token(year2027):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token ongeldig")
    assert client.get("/api/v1/register/2027/").status_code == 200


# --- Strangers ------------------------------------------------------------------------------------------
PROTECTED = [
    ("get", "/api/v1/offers/"),
    ("get", "/api/v1/offers/1/"),
    ("post", "/api/v1/offers/1/sign/"),
    ("post", "/api/v1/offers/1/refuse/"),
    ("post", "/api/v1/offers/1/choose/"),
    ("get", "/api/v1/offers/1/questions/"),
    ("post", "/api/v1/offers/1/questions/"),
    ("get", "/api/v1/follow-requests/"),
    ("post", "/api/v1/follow-requests/"),
    ("get", "/api/v1/follow-requests/1/"),
    ("post", "/api/v1/follow-requests/1/decide/"),
    ("get", "/api/v1/standard-contracts/"),
    ("get", "/api/v1/standard-contracts/1/"),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("method", "url"), PROTECTED)
def test_anonymous_is_refused_with_a_code(method, url):
    response = getattr(APIClient(), method)(url, {}, format="json")
    # 403, not 401: session authentication comes first and sends no WWW-Authenticate challenge.
    assert_error(response, 403, "not_authenticated")


@pytest.mark.django_db
@pytest.mark.parametrize(("method", "url"), PROTECTED)
def test_unknown_token_is_refused(method, url):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token 0000000000000000000000000000000000000000")
    assert_error(getattr(client, method)(url, {}, format="json"), 403, "authentication_failed")


# --- Query budgets --------------------------------------------------------------------------------------
def count_queries(client, url, **params) -> tuple[int, dict]:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, params)
    assert response.status_code == 200, response.content
    return len(ctx.captured_queries), response.json()


def add_practices_with_offers(contract, region, n: int) -> None:
    for _ in range(n):
        PracticeFactory(region=region)
    offers_create_for_preferent(contract=contract)


def test_offer_list_is_ordered_by_year_insurer_and_offer(world, practice_3100, signatory, market, purchaser):
    # An insurer that sorts first by name but was created last: the list goes by the insurer's id, a column
    # of the offer that the indexes hold, not by its name.
    first_by_name = InsurerFactory(name="Aaa Zorgverzekeraar", short_name="Aaa", slug="aaa")
    contract_c = build_contract(first_by_name, make_member(Role.INSURER_PURCHASER, first_by_name))
    c_x = offer_request(actor=signatory, practice=practice_3100, contract=contract_c, now=IN_WINDOW)
    body = client_for(signatory).get("/api/v1/offers/").json()
    assert [row["id"] for row in body["results"]] == [world["a_x"].pk, world["b_x"].pk, c_x.pk]
    assert [row["insurer"]["name"] for row in body["results"]] == [
        "Preferente Verzekeraar", "Verre Verzekeraar", "Aaa Zorgverzekeraar"]
    rows = client_for(purchaser).get("/api/v1/offers/", {"year": 2027, "status": "open"}).json()["results"]
    assert [row["id"] for row in rows] == sorted([world["a_x"].pk, world["a_y"].pk])


def test_offer_list_queries_do_not_grow(published_contract, market, purchaser, signatory, offer):
    client = client_for(purchaser)
    # session, user, memberships, count, offers (with insurer, holder, contract, signature); the list
    # carries no module details (the offer detail does)
    offer_sign(actor=signatory, offer=offer, now=IN_WINDOW, modules=CHOICE, two_factor_verified=True)
    add_practices_with_offers(published_contract, market["region"], 2)
    small, body = count_queries(client, "/api/v1/offers/")
    assert body["count"] == 3
    add_practices_with_offers(published_contract, market["region"], 15)
    large, body = count_queries(client, "/api/v1/offers/")
    assert body["count"] == 18
    assert small == large == 5
    assert "modules" not in body["results"][0]


@time_machine.travel(IN_WINDOW, tick=False)
def test_offer_detail_queries_do_not_grow_with_choices(offer, published_contract, member_x):
    # Counted as the holder, who sees the saved choice (the insurer does not, before signing).
    client = client_for(member_x)
    url = f"/api/v1/offers/{offer.pk}/"
    client.get(url)  # the first visit records the opening
    before, body = count_queries(client, url)
    assert body["chosen_modules"] == []
    assert client.post(f"{url}choose/", {"modules": CHOICE}, format="json").status_code == 200
    after, body = count_queries(client, url)
    assert len(body["modules"]) == 5 and len(body["chosen_modules"]) == 5
    # session, user, memberships, offer, modules, choices
    assert before == after == 6


def test_insurer_follow_queue_queries_do_not_grow(published_contract, market, other_purchaser, signed_offer,
                                                  signatory):
    def add_signed_followers(n: int) -> None:
        for _ in range(n):
            practice = PracticeFactory(region=market["region"])
            offers_create_for_preferent(contract=published_contract)
            signer = make_member(Role.PRACTICE_SIGNATORY, practice)
            offer = published_contract.offers.get(practice=practice)
            offer_sign(actor=signer, offer=offer, now=IN_WINDOW, modules=["kwaliteit"], two_factor_verified=True)
            follow_requests_create(actor=signer, offer=Offer.objects.get(pk=offer.pk), insurers=[market["other"]],
                                   now=IN_WINDOW)

    client = client_for(other_purchaser)
    add_signed_followers(2)
    small, body = count_queries(client, "/api/v1/follow-requests/", status="pending")
    assert body["count"] == 2
    add_signed_followers(10)
    large, body = count_queries(client, "/api/v1/follow-requests/", status="pending")
    assert body["count"] == 12
    # session, user, memberships, count, follow requests with offer, holder, insurers and signature
    assert small == large == 5


def test_register_queries_do_not_grow(published_contract, market, signatory, offer, year2027,
                                      django_assert_num_queries):
    def add_signed(n: int) -> None:
        for _ in range(n):
            practice = PracticeFactory(region=market["region"])
            offers_create_for_preferent(contract=published_contract)
            signer = make_member(Role.PRACTICE_SIGNATORY, practice)
            offer_sign(actor=signer, offer=published_contract.offers.get(practice=practice), now=IN_WINDOW,
                       modules=["kwaliteit"], two_factor_verified=True)

    add_signed(2)
    register_publish(year=2027, effective_at=ams(2026, 11, 19, 0, 0))
    client = APIClient()
    small, body = count_queries(client, "/api/v1/register/2027/")
    assert len(body["entries"]) == body["count"] == 2
    add_signed(101)  # signed after publication: an administrator moved the end of signing (see services.register)
    # contract year exists, publications with their insurers and line counts, one page of lines in index order
    with django_assert_num_queries(3):
        body = client.get("/api/v1/register/2027/").json()
    assert len(body["entries"]) == 100 and body["count"] == 103
    assert small == 3
