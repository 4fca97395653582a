"""The care-group negotiation pages of both sides: the flow through the forms, who may see what (another
organisation's negotiation is a 404), and lists whose queries do not grow with their rows."""

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Role
from contracting.models import Negotiation, NegotiationStep, Offer, StepAttachment
from contracting.services import negotiation_offer
from tests.contracting.conftest import ams
from tests.contracting.test_caregroups import DM2, TERMS, pdf, submit
from tests.factories import CareGroupFactory, make_member
from tests.helpers import client_for, page_html, text

IN_JULY = ams(2026, 7, 1, 10, 0)


@pytest.fixture
def at_july():
    with time_machine.travel(IN_JULY, tick=False):
        yield


def terms_post(prefix="", tariff="45,00", patients="1200", ceiling="5"):
    p = f"{prefix}-" if prefix else ""
    return {f"{p}ketenzorg-dm2__include": "on", f"{p}ketenzorg-dm2__tariff": tariff,
            f"{p}ketenzorg-dm2__patients": patients, f"{p}ketenzorg-dm2__ceiling": ceiling,
            f"{p}ketenzorg-dm2__c__voetzorg": "separate", f"{p}budget__ict": "15000"}


def test_the_thread_through_the_pages(at_july, cg_member, purchaser, care_group, market, year2027):
    client = client_for(cg_member)
    new = reverse("caregroup:negotiation_new")
    assert "Begroting en werkplan 2027 indienen" in text(page_html(client, new))
    response = client.post(new, {"insurer": market["preferent"].pk, **terms_post(), "budget": pdf(),
                                 "work_plan": pdf("werkplan.pdf")})
    negotiation = Negotiation.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("caregroup:negotiation",
                                                                           args=[negotiation.pk])
    step = negotiation.steps.get()
    assert step.terms["programmes"][0] == {"code": "ketenzorg-dm2", "tariff": "45.00", "expected_patients": 1200,
                                           "inclusion_ceiling_percent": "5.00", "components": {
                                               "dietetiek": "integral", "voetzorg": "separate", "fundus": "integral",
                                               "specialist": "integral", "stoppen-met-roken": "integral",
                                               "lab": "integral"}}

    insurer = client_for(purchaser)
    url = reverse("purchasing:negotiation", args=[negotiation.pk])
    page = text(page_html(insurer, url))
    assert "Begroting en werkplan ingediend" in page and "Voorstel 1 aanvaarden" in page
    response = insurer.post(url, {"action": "counter", **terms_post("counter", tariff="40,00")})
    assert response.status_code == 302
    page = text(page_html(client, reverse("caregroup:negotiation", args=[negotiation.pk])))
    # Side by side: the tariff changed, 45 → 40; the estimate 216,000 → 192,000 (× 1,200 × 4).
    assert "Stap 1 en stap 2 naast elkaar" in page
    assert "Tarief per patiënt in de keten per kwartaal gewijzigd € 45,00 € 40,00" in page
    assert "€ 216.000,00 € 192.000,00" in page
    response = client.post(reverse("caregroup:negotiation", args=[negotiation.pk]),
                           {"action": "accept", "accept-step": "2"})
    assert response.status_code == 302
    negotiation.refresh_from_db()
    assert negotiation.status == Negotiation.Status.AGREED and negotiation.offer.status == Offer.Status.OPEN


def test_a_bad_upload_on_the_page_says_why_and_saves_nothing(at_july, cg_member, care_group, market, year2027):
    client = client_for(cg_member)
    response = client.post(reverse("caregroup:negotiation_new"), {
        "insurer": market["preferent"].pk, **terms_post(), "budget": pdf("begroting.pdf", b"GIF89a"),
        "work_plan": pdf("werkplan.pdf")})
    assert response.status_code == 200
    assert "‘begroting.pdf’ is geen geldig PDF-bestand." in text(response.content.decode())
    assert not Negotiation.objects.exists() and not StepAttachment.objects.exists()


def test_a_negative_patient_count_on_the_page(at_july, cg_member, care_group, market, year2027):
    response = client_for(cg_member).post(reverse("caregroup:negotiation_new"), {
        "insurer": market["preferent"].pk, **terms_post(patients="-3"), "budget": pdf(),
        "work_plan": pdf("werkplan.pdf")})
    assert "het aantal kan niet negatief zijn (u vulde -3 in)" in text(response.content.decode())
    assert not NegotiationStep.objects.exists()


@pytest.fixture
def thread(at_july, cg_member, care_group, market, year2027):
    return submit(cg_member, care_group, market, now=IN_JULY).negotiation


def test_who_sees_which_page(thread, cg_member, purchaser, other_purchaser, practice_3100, market):
    other_group_member = make_member(Role.CAREGROUP_MEMBER, CareGroupFactory(region=market["region"]))
    practice_member = make_member(Role.PRACTICE_MEMBER, practice_3100)
    attachment = StepAttachment.objects.first()
    pages = {
        "cg_list": reverse("caregroup:negotiations"),
        "cg_new": reverse("caregroup:negotiation_new"),
        "cg_thread": reverse("caregroup:negotiation", args=[thread.pk]),
        "attachment": reverse("caregroup:attachment", args=[attachment.pk]),
        "ins_list": reverse("purchasing:negotiations"),
        "ins_new": reverse("purchasing:negotiation_new"),
        "ins_thread": reverse("purchasing:negotiation", args=[thread.pk]),
    }
    expected = {
        cg_member: {"cg_list": 200, "cg_new": 200, "cg_thread": 200, "attachment": 200, "ins_list": 403,
                    "ins_new": 403, "ins_thread": 404},
        other_group_member: {"cg_list": 200, "cg_new": 200, "cg_thread": 404, "attachment": 404, "ins_list": 403,
                             "ins_new": 403, "ins_thread": 404},
        purchaser: {"cg_list": 404, "cg_new": 404, "cg_thread": 404, "attachment": 200, "ins_list": 200,
                    "ins_new": 200, "ins_thread": 200},
        other_purchaser: {"cg_list": 404, "cg_new": 404, "cg_thread": 404, "attachment": 404, "ins_list": 200,
                          "ins_new": 200, "ins_thread": 404},
        practice_member: {"cg_list": 404, "cg_new": 404, "cg_thread": 404, "attachment": 404, "ins_list": 403,
                          "ins_new": 403, "ins_thread": 404},
    }
    downloads = []  # closed at the end: closing a response ends the request (and the test's connection)
    for user, statuses in expected.items():
        client = client_for(user)
        got = {}
        for name, url in pages.items():
            response = client.get(url)
            got[name] = response.status_code
            if response.streaming:
                downloads.append(response)
        assert got == statuses, user.email
    anonymous = client_for()
    for url in pages.values():
        assert anonymous.get(url).status_code == 302
    assert b"".join(downloads[0].streaming_content).startswith(b"%PDF-")
    for response in downloads:
        response.close()


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_lists_do_not_grow_with_their_rows(at_july, cg_member, purchaser, care_group, market, year2027):
    insurer_client, cg_client = client_for(purchaser), client_for(cg_member)
    submit(cg_member, care_group, market, now=IN_JULY)
    negotiation_offer(actor=purchaser, insurer=market["preferent"], care_group=CareGroupFactory(
        region=market["region"]), year=2027, terms=TERMS, now=IN_JULY)
    one = (_queries(insurer_client, reverse("purchasing:negotiations")),
           _queries(cg_client, reverse("caregroup:negotiations")))
    for _i in range(3):
        negotiation_offer(actor=purchaser, insurer=market["preferent"], care_group=CareGroupFactory(
            region=market["region"]), year=2027, terms=TERMS, now=IN_JULY)
    insurer_other = make_member(Role.INSURER_PURCHASER, market["other"])
    negotiation_offer(actor=insurer_other, insurer=market["other"], care_group=care_group, year=2027, terms=TERMS,
                      now=IN_JULY)
    four = (_queries(insurer_client, reverse("purchasing:negotiations")),
            _queries(cg_client, reverse("caregroup:negotiations")))
    assert one == four


def test_the_thread_page_does_not_grow_with_its_steps(thread, cg_member, purchaser):
    from contracting.services import negotiation_counter

    url = reverse("purchasing:negotiation", args=[thread.pk])
    client = client_for(purchaser)
    negotiation_offer(actor=purchaser, insurer=thread.insurer, care_group=thread.care_group, year=2027,
                      terms={**TERMS, "programmes": [{**DM2, "tariff": "40"}]}, now=IN_JULY)
    two = _queries(client, url)
    negotiation_counter(actor=cg_member, negotiation=thread, terms=TERMS, now=IN_JULY)
    negotiation_counter(actor=purchaser, negotiation=thread, terms={**TERMS, "programmes": [{**DM2, "tariff": "41"}]},
                        now=IN_JULY)
    assert _queries(client, url) == two


# --- API --------------------------------------------------------------------------------------------------
def test_the_api_runs_the_same_thread_with_the_same_codes(at_july, cg_member, purchaser, other_purchaser,
                                                          care_group, market, year2027):
    from tests.helpers import assert_error

    cg, insurer = client_for(cg_member), client_for(purchaser)
    bad = cg.post("/api/v1/negotiations/submit/", {
        "insurer": market["preferent"].pk, "care_group": care_group.pk, "year": 2027,
        "terms": '{"programmes": [{"code": "ketenzorg-hartfalen", "tariff": "1", "expected_patients": 1}]}',
        "budget": pdf(), "work_plan": pdf("werkplan.pdf")}, format="multipart")
    assert_error(bad, 400, "unknown_programme")
    response = cg.post("/api/v1/negotiations/submit/", {
        "insurer": market["preferent"].pk, "care_group": care_group.pk, "year": 2027,
        "terms": '{"programmes": [{"code": "ketenzorg-dm2", "tariff": "45", "expected_patients": 1200}]}',
        "budget": pdf(), "work_plan": pdf("werkplan.pdf")}, format="multipart")
    assert response.status_code == 200, response.content
    body = response.json()
    assert [s["kind"] for s in body["steps"]] == ["submission"]
    assert {a["kind"] for a in body["steps"][0]["attachments"]} == {"begroting", "werkplan"}
    pk = body["id"]
    assert client_for(other_purchaser).get(f"/api/v1/negotiations/{pk}/").status_code == 404
    assert_error(client_for(other_purchaser).post(f"/api/v1/negotiations/{pk}/counter/", {"terms": TERMS},
                                                  format="json"), 404, "not_found")
    assert_error(cg.post(f"/api/v1/negotiations/{pk}/counter/", {"terms": TERMS}, format="json"), 409,
                 "not_your_turn")
    response = insurer.post(f"/api/v1/negotiations/{pk}/counter/",
                            {"terms": {**TERMS, "programmes": [{**DM2, "tariff": "40"}]}}, format="json")
    assert [s["kind"] for s in response.json()["steps"]] == ["submission", "offer"]
    assert_error(cg.post(f"/api/v1/negotiations/{pk}/accept/", {"expected_step": 1}, format="json"), 409,
                 "step_changed")
    response = cg.post(f"/api/v1/negotiations/{pk}/accept/", {"expected_step": 2}, format="json")
    assert response.json()["status"] == "agreed"
    assert_error(insurer.post(f"/api/v1/negotiations/{pk}/counter/", {"terms": TERMS}, format="json"), 409,
                 "negotiation_agreed")
    listed = insurer.get("/api/v1/negotiations/").json()["results"]
    assert [(n["care_group_name"], n["last_step"], n["last_side"]) for n in listed] == [
        ("Zorggroep Rivierenland", 3, "care_group")]
    assert client_for(other_purchaser).get("/api/v1/negotiations/").json()["results"] == []


def test_late_care_group_offers_on_the_insurer_pages_and_for_the_nza(cg_member, purchaser, care_group, market,
                                                                    year2027, other_purchaser):
    from tests.factories import make_member as member

    nza = member(Role.NZA_ANALYST, None, email="analist@nza.example")
    with time_machine.travel(ams(2026, 7, 16, 9, 0), tick=False):
        for client, url in ((client_for(purchaser), reverse("purchasing:negotiations") + "?year=2027"),
                            (client_for(nza), reverse("purchasing:nza_caregroup_offers") + "?year=2027")):
            page = text(page_html(client, url))
            assert "Zorggroep Rivierenland" in page
        assert "Te laat: geen aanbod uiterlijk 15 juli" in text(page_html(
            client_for(purchaser), reverse("purchasing:dashboard") + "?year=2027"))
        # The other insurer is not the region's preferent one: nothing late for it.
        assert "Zorggroep Rivierenland" not in text(page_html(client_for(other_purchaser),
                                                              reverse("purchasing:negotiations") + "?year=2027"))
        assert client_for(purchaser).get(reverse("purchasing:nza_caregroup_offers")).status_code == 403
    with time_machine.travel(ams(2026, 7, 15, 23, 0), tick=False):
        assert "Zorggroep Rivierenland" not in text(page_html(client_for(nza), reverse(
            "purchasing:nza_caregroup_offers") + "?year=2027"))


def test_the_api_list_does_not_grow_with_its_rows(at_july, purchaser, market, year2027):
    client = client_for(purchaser)

    def offer_to_a_new_group():
        negotiation_offer(actor=purchaser, insurer=market["preferent"], year=2027, terms=TERMS, now=IN_JULY,
                          care_group=CareGroupFactory(region=market["region"]))

    offer_to_a_new_group()
    one = _queries(client, "/api/v1/negotiations/")
    for _i in range(4):
        offer_to_a_new_group()
    assert _queries(client, "/api/v1/negotiations/") == one
    assert len(client.get("/api/v1/negotiations/").json()["results"]) == 5


def test_the_receipt_shows_the_agreed_keten_terms_and_only_the_parties_see_the_contract(
        cg_member, cg_signatory, purchaser, other_purchaser, practice_3100, care_group, market, year2027):
    from contracting.services import offer_sign
    from tests.contracting.test_caregroups import agreed

    agreed(cg_member, purchaser, care_group, market)
    offer = Offer.objects.get(care_group=care_group)
    offer_sign(actor=cg_signatory, offer=offer, now=ams(2026, 9, 1, 10, 0), two_factor_verified=True)
    page = text(page_html(client_for(cg_signatory), reverse("offers:receipt", args=[offer.pk])))
    assert "Verwachte patiënten in de keten: 1.200; inclusieplafond 5%" in page
    assert "In het integrale tarief: Diëtetiek, Fundus/oogarts, Specialist, Stoppen met roken, Lab; apart " \
           "ingekocht: Voetzorg" in page
    # 42.50 × 1,200 × 4 = 204,000; O&I 20,000 + 2.50 × (25,000 − 10,000) = 57,500.
    assert "Ketenzorg geschat op verwachte patiënten in de keten × tarief × 4 kwartalen: € 204.000,00; O&I op " \
           "de populatie: € 57.500,00." in page
    contract = f"/api/v1/standard-contracts/{offer.standard_contract_id}/"
    assert client_for(cg_member).get(contract).status_code == 200
    assert client_for(purchaser).get(contract).status_code == 200
    assert client_for(other_purchaser).get(contract).status_code == 404
    assert client_for(make_member(Role.PRACTICE_MEMBER, practice_3100)).get(contract).status_code == 404
