"""Qualification (uitvraag): a contract offered only after qualification, a module choosable only after
qualification, the frozen answers kept with the offer and shown to both sides, and every refusal."""

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import Notification, Role
from contracting.models import Module, Offer, Qualification, StandardContract
from contracting.services import (
    offer_choose_modules,
    offer_request,
    offer_sign,
    qualification_decide,
    qualification_submit,
    standard_contract_create,
    standard_contract_publish,
    standard_contract_set_module,
    standard_contract_update,
)
from core.errors import PortalError
from core.models import AuditEvent
from tests.contracting.conftest import CHOICE, IN_WINDOW, ams, build_contract
from tests.factories import PracticeFactory, make_member
from tests.helpers import assert_error, client_for, page_html_as, text

ANSWERS = [{"code": "Q1", "question": "Heeft uw praktijk een POH-GGZ in dienst?", "answer": "Ja"},
           {"code": "Q2", "question": "Hoeveel uur per week?", "answer": "12"}]
SUBMITTED = ams(2026, 9, 10, 9, 0)
DECIDED = ams(2026, 9, 12, 14, 0)


@pytest.fixture
def qualifying_contract(market, nza_tariffs, purchaser, other_purchaser):
    """The other insurer's contract, offered only after qualification."""
    contract = standard_contract_create(actor=other_purchaser, insurer=market["other"], first_year=2027,
                                        title="Zorg in de wijk 2027", now=ams(2026, 8, 1, 12, 0))
    standard_contract_set_module(actor=other_purchaser, contract=contract,
                                 module=Module.objects.get(code="inschrijving"), tariff="17.00")
    standard_contract_update(actor=other_purchaser, contract=contract, requires_qualification=True)
    return standard_contract_publish(actor=other_purchaser, contract=contract, now=ams(2026, 9, 1, 12, 0))


@pytest.fixture
def module_contract(market, nza_tariffs, practice_3100, purchaser):
    """The preferent insurer's contract whose kwaliteit module needs qualification."""
    contract = build_contract(market["preferent"], purchaser, publish=False)
    standard_contract_set_module(actor=purchaser, contract=contract, module=Module.objects.get(code="kwaliteit"),
                                 tariff="1500.00", requires_qualification=True)
    return standard_contract_publish(actor=purchaser, contract=contract, now=ams(2026, 9, 1, 12, 0))


def _submit(contract, practice, actor, module=None, answers=ANSWERS, now=SUBMITTED):
    return qualification_submit(actor=actor, contract=contract, contract_module=module, practice=practice,
                                answers=answers, source="test", now=now)


# --- A contract offered only after qualification ---------------------------------------------------------
def test_a_qualifying_contract_is_offered_to_nobody_at_publication_and_cannot_be_asked_for(
        qualifying_contract, practice_3100, signatory):
    assert qualifying_contract.offers.count() == 0
    with pytest.raises(PortalError) as exc:
        offer_request(actor=signatory, practice=practice_3100, contract=qualifying_contract, now=SUBMITTED)
    assert exc.value.code == "qualification_required"
    assert "uitvraag" in exc.value.detail
    assert qualifying_contract.offers.count() == 0


def test_qualifying_creates_the_offer_with_the_answers_kept(qualifying_contract, practice_3100, signatory,
                                                             other_purchaser):
    qualification = _submit(qualifying_contract, practice_3100, signatory)
    assert qualification.status == Qualification.Status.PENDING
    assert qualifying_contract.offers.count() == 0
    # The insurer's purchasers hear of it.
    assert Notification.objects.filter(user=other_purchaser, key=f"qualification-submitted:{qualification.pk}").exists()

    decided = qualification_decide(actor=other_purchaser, qualification=qualification, qualified=True, now=DECIDED)

    offer = Offer.objects.get(standard_contract=qualifying_contract, practice=practice_3100)
    assert (offer.status, offer.reason, offer.region_id, offer.year) == (
        Offer.Status.OPEN, Offer.Reason.QUALIFIED, practice_3100.region_id, 2027)
    assert decided.offer == offer and decided.decided_by == other_purchaser and not decided.decided_by_rule
    assert decided.answers == ANSWERS
    assert Notification.objects.filter(user=signatory, key=f"qualification-decided:{qualification.pk}").exists()
    # Deciding the same again changes nothing: still one offer, one decision event.
    qualification_decide(actor=other_purchaser, qualification=qualification, qualified=True, now=DECIDED)
    assert Offer.objects.filter(standard_contract=qualifying_contract).count() == 1
    assert AuditEvent.objects.filter(verb="contracting.qualification.decided").count() == 1
    # The offer is signed as any other.
    offer_sign(actor=signatory, offer=offer, now=IN_WINDOW, modules=[], two_factor_verified=True)
    offer.refresh_from_db()
    assert offer.status == Offer.Status.SIGNED


def test_answers_are_frozen_once_decided(qualifying_contract, practice_3100, signatory, other_purchaser):
    qualification = _submit(qualifying_contract, practice_3100, signatory)
    # While it waits, new answers replace the old ones; the same answers again change nothing.
    changed = [*ANSWERS[:1], {**ANSWERS[1], "answer": "16"}]
    assert _submit(qualifying_contract, practice_3100, signatory, answers=changed).pk == qualification.pk
    _submit(qualifying_contract, practice_3100, signatory, answers=changed)
    assert AuditEvent.objects.filter(verb="contracting.qualification.resubmitted").count() == 1
    qualification_decide(actor=other_purchaser, qualification=qualification, qualified=True, now=DECIDED)
    with pytest.raises(PortalError) as exc:
        _submit(qualifying_contract, practice_3100, signatory, answers=ANSWERS)
    assert exc.value.code == "qualification_decided"
    qualification.refresh_from_db()
    assert qualification.answers == changed


def test_refusing_needs_a_reason_and_gives_no_offer(qualifying_contract, practice_3100, signatory, other_purchaser):
    qualification = _submit(qualifying_contract, practice_3100, signatory)
    with pytest.raises(PortalError) as exc:
        qualification_decide(actor=other_purchaser, qualification=qualification, qualified=False, reason="  ",
                             now=DECIDED)
    assert exc.value.code == "reason_required"
    qualification.refresh_from_db()
    assert qualification.status == Qualification.Status.PENDING

    qualification_decide(actor=other_purchaser, qualification=qualification, qualified=False,
                         reason="Geen POH-GGZ in dienst.", now=DECIDED)
    qualification.refresh_from_db()
    assert (qualification.status, qualification.reason) == (Qualification.Status.REFUSED, "Geen POH-GGZ in dienst.")
    assert qualifying_contract.offers.count() == 0
    # A refusal is final.
    with pytest.raises(PortalError) as exc:
        qualification_decide(actor=other_purchaser, qualification=qualification, qualified=True, now=DECIDED)
    assert exc.value.code == "qualification_decided"
    assert qualifying_contract.offers.count() == 0


# --- A module choosable only after qualification -----------------------------------------------------------
def test_a_module_needing_qualification_cannot_be_chosen_until_qualified(module_contract, practice_3100, signatory,
                                                                          purchaser):
    offer = module_contract.offers.get(practice=practice_3100)
    kwaliteit = module_contract.modules.get(module__code="kwaliteit")
    with pytest.raises(PortalError) as exc:
        offer_choose_modules(actor=signatory, offer=offer, modules=CHOICE, now=SUBMITTED)
    assert exc.value.code == "module_requires_qualification"
    assert exc.value.fields["modules"] == {"kwaliteit": ["Eerst kwalificeren."]}
    assert offer.choices.count() == 0
    # Signing it is refused just the same.
    with pytest.raises(PortalError) as exc:
        offer_sign(actor=signatory, offer=offer, now=IN_WINDOW, modules=CHOICE, two_factor_verified=True)
    assert exc.value.code == "module_requires_qualification"

    qualification = _submit(module_contract, practice_3100, signatory, module=kwaliteit)
    qualification_decide(actor=purchaser, qualification=qualification, qualified=True, now=DECIDED)
    offer_choose_modules(actor=signatory, offer=offer, modules=CHOICE, now=SUBMITTED)
    assert "kwaliteit" in set(offer.choices.values_list("contract_module__module__code", flat=True))
    qualification.refresh_from_db()
    assert qualification.offer == offer


def test_a_module_qualification_needs_an_open_offer(module_contract, market, signatory):
    stranger = PracticeFactory(region=market["region"])
    user = make_member(Role.PRACTICE_SIGNATORY, stranger)
    Offer.objects.filter(standard_contract=module_contract, practice=stranger).delete()
    kwaliteit = module_contract.modules.get(module__code="kwaliteit")
    with pytest.raises(PortalError) as exc:
        _submit(module_contract, stranger, user, module=kwaliteit)
    assert exc.value.code == "no_open_offer"
    assert not Qualification.objects.exists()


def test_a_mandatory_module_cannot_wait_for_qualification(market, nza_tariffs, purchaser):
    contract = build_contract(market["preferent"], purchaser, publish=False)
    with pytest.raises(PortalError) as exc:
        standard_contract_set_module(actor=purchaser, contract=contract, module=Module.objects.get(code="consult"),
                                     tariff="10.50", requires_qualification=True)
    assert exc.value.code == "mandatory_needs_no_qualification"
    assert not contract.modules.filter(requires_qualification=True).exists()


def test_a_care_group_contract_cannot_wait_for_qualification(market, year2027, purchaser):
    contract = standard_contract_create(actor=purchaser, insurer=market["preferent"], first_year=2027,
                                        title="Ketenzorg", holder_kind="care_group", now=ams(2026, 6, 1, 12, 0))
    with pytest.raises(PortalError) as exc:
        standard_contract_update(actor=purchaser, contract=contract, requires_qualification=True)
    assert exc.value.code == "qualification_not_for_holder"
    contract.refresh_from_db()
    assert not contract.requires_qualification


# --- Bad input and other organisations -----------------------------------------------------------------------
@pytest.mark.parametrize("answers, code", [
    ([], "answers_required"),
    ("Ja", "answers_required"),
    ([{"code": "Q1", "question": "Vraag"}], "invalid_answers"),
    ([{"code": "Q1", "question": "Vraag", "answer": 3}], "invalid_answers"),
    ([{"code": "Q1", "question": "Vraag", "answer": "x" * 5001}], "invalid_answers"),
])
def test_bad_answers_change_nothing(qualifying_contract, practice_3100, signatory, answers, code):
    with pytest.raises(PortalError) as exc:
        _submit(qualifying_contract, practice_3100, signatory, answers=answers)
    assert exc.value.code == code and exc.value.status == 400
    assert not Qualification.objects.exists()


def test_no_qualification_where_none_is_needed_nor_after_signing_closed(published_contract, qualifying_contract,
                                                                          practice_3100, signatory):
    with pytest.raises(PortalError) as exc:
        _submit(published_contract, practice_3100, signatory)
    assert exc.value.code == "qualification_not_required"
    with pytest.raises(PortalError) as exc:
        _submit(qualifying_contract, practice_3100, signatory, now=ams(2026, 11, 8, 0, 0))
    assert exc.value.code == "signing_window_closed"
    assert not Qualification.objects.exists()


def test_another_organisation_can_neither_submit_nor_decide(qualifying_contract, practice_3100, signatory, market,
                                                            purchaser):
    other_practice_user = make_member(Role.PRACTICE_SIGNATORY, PracticeFactory(region=market["region"]))
    with pytest.raises(PortalError) as exc:
        _submit(qualifying_contract, practice_3100, other_practice_user)
    assert exc.value.code == "not_holder_member" and exc.value.status == 403
    qualification = _submit(qualifying_contract, practice_3100, signatory)
    # The preferent insurer's purchaser is not a purchaser of the contract's insurer.
    with pytest.raises(PortalError) as exc:
        qualification_decide(actor=purchaser, qualification=qualification, qualified=True, now=DECIDED)
    assert exc.value.code == "not_purchaser" and exc.value.status == 403
    qualification.refresh_from_db()
    assert qualification.status == Qualification.Status.PENDING
    assert qualifying_contract.offers.count() == 0


# --- Pages -----------------------------------------------------------------------------------------------
@time_machine.travel(SUBMITTED, tick=False)
def test_the_insurer_decides_on_its_page_and_both_sides_see_the_answers_on_the_offer(
        client, qualifying_contract, practice_3100, signatory, other_purchaser, purchaser):
    qualification = _submit(qualifying_contract, practice_3100, signatory)
    queue = text(page_html_as(client, other_purchaser, "/inkoop/uitvragen/"))
    assert f"{practice_3100.name} Zorg in de wijk 2027 Wacht op beoordeling" in queue
    url = f"/inkoop/uitvragen/{qualification.pk}/"
    page = text(page_html_as(client, other_purchaser, url))
    assert "Heeft uw praktijk een POH-GGZ in dienst? Ja" in page
    # Refusing without a reason: the message, and nothing changes.
    response = client.post(url, {"decision": "refused", "reason": ""})
    assert response.status_code == 200
    assert "Geef een reden waarom de zorgaanbieder niet kwalificeert." in text(
        response.content.decode())
    qualification.refresh_from_db()
    assert qualification.status == Qualification.Status.PENDING
    response = client.post(url, {"decision": "qualified", "reason": ""})
    assert response.status_code == 302
    offer = Offer.objects.get(standard_contract=qualifying_contract, practice=practice_3100)
    # The offer page shows the frozen answers to both sides.
    for user in (signatory, other_purchaser):
        page = text(page_html_as(client, user, f"/contracten/aanbod/{offer.pk}/"))
        assert "Uitvraag en kwalificatie" in page
        assert "Hoeveel uur per week? 12" in page
        assert qualification.answers_hash in page
    # Another insurer's purchaser: the qualification is not found, nor the offer's page.
    page_html_as(client, purchaser, url, status=404)
    page_html_as(client, purchaser, f"/contracten/aanbod/{offer.pk}/", status=404)
    # The practice's own page of its qualification; another practice's people get a 404.
    assert "Gekwalificeerd" in text(page_html_as(client, signatory, f"/contracten/uitvragen/{qualification.pk}/"))
    page_html_as(client, other_purchaser, f"/contracten/uitvragen/{qualification.pk}/", status=404)
    stranger = make_member(Role.PRACTICE_MEMBER, PracticeFactory())
    page_html_as(client, stranger, f"/contracten/uitvragen/{qualification.pk}/", status=404)


@time_machine.travel(SUBMITTED, tick=False)
def test_the_offer_page_shows_a_locked_module(client, module_contract, practice_3100, signatory):
    offer = module_contract.offers.get(practice=practice_3100)
    html = page_html_as(client, signatory, f"/contracten/aanbod/{offer.pk}/")
    assert 'id="kies-kwaliteit" disabled' in html
    assert "Deze module kunt u kiezen nadat de zorgverzekeraar u na een uitvraag heeft gekwalificeerd." in text(html)
    # Ticking it anyway: the service's message, nothing saved.
    response = client.post(f"/contracten/aanbod/{offer.pk}/modules/", {"modules": ["kwaliteit"], "action": "opslaan"})
    assert "pas kiezen als de zorgverzekeraar u ervoor heeft gekwalificeerd" in text(
        response.content.decode())
    assert offer.choices.count() == 0


@time_machine.travel(SUBMITTED, tick=False)
def test_the_contract_builder_sets_both_flags(client, market, nza_tariffs, purchaser):
    contract = build_contract(market["preferent"], purchaser, publish=False)
    client.force_login(purchaser)
    url = f"/inkoop/contracten/{contract.pk}/"
    client.post(url, {"action": "general", "title": contract.title, "term_years": 1, "conditions": "",
                      "adjustment_clause": "", "indexation": "none", "requires_qualification": "on"})
    client.post(url, {"action": "module", "module": "kwaliteit", "m-kwaliteit-include": "on",
                      "m-kwaliteit-tariff": "1500,00", "m-kwaliteit-requires_qualification": "on"})
    contract.refresh_from_db()
    assert contract.requires_qualification
    assert contract.modules.get(module__code="kwaliteit").requires_qualification
    assert StandardContract.objects.get(pk=contract.pk).modules.filter(requires_qualification=True).count() == 1


# --- API -------------------------------------------------------------------------------------------------
@time_machine.travel(SUBMITTED, tick=False)
def test_api_lists_decides_and_scopes(qualifying_contract, practice_3100, signatory, other_purchaser, purchaser):
    qualification = _submit(qualifying_contract, practice_3100, signatory)
    url = f"/api/v1/qualifications/{qualification.pk}/"
    body = client_for(other_purchaser).get("/api/v1/qualifications/").json()
    assert [(row["id"], row["status"], row["module"]) for row in body["results"]] == [
        (qualification.pk, "pending", None)]
    assert body["results"][0]["answers"] == ANSWERS
    assert client_for(signatory).get(url).json()["holder"]["id"] == practice_3100.pk
    # Another insurer: not in its list, not found, cannot decide.
    assert client_for(purchaser).get("/api/v1/qualifications/").json()["results"] == []
    assert client_for(purchaser).get(url).status_code == 404
    assert_error(client_for(purchaser).post(f"{url}decide/", {"decision": "qualified"}, format="json"), 404,
                 "not_found")
    # The practice may not decide on itself.
    assert_error(client_for(signatory).post(f"{url}decide/", {"decision": "qualified"}, format="json"), 403,
                 "not_purchaser")
    # Bad input changes nothing.
    insurer = client_for(other_purchaser)
    assert_error(insurer.post(f"{url}decide/", {"decision": "refused"}, format="json"), 400, "reason_required")
    assert insurer.post(f"{url}decide/", {"decision": "misschien"}, format="json").status_code == 400
    assert qualifying_contract.offers.count() == 0
    response = insurer.post(f"{url}decide/", {"decision": "qualified"}, format="json")
    assert response.status_code == 200, response.content
    offer = Offer.objects.get(standard_contract=qualifying_contract, practice=practice_3100)
    assert (response.json()["status"], response.json()["offer"]) == ("qualified", offer.pk)
    assert_error(insurer.post(f"{url}decide/", {"decision": "refused", "reason": "Toch niet."}, format="json"), 409,
                 "qualification_decided")
    contract = client_for(signatory).get(f"/api/v1/standard-contracts/{qualifying_contract.pk}/").json()
    assert contract["requires_qualification"] is True


@time_machine.travel(SUBMITTED, tick=False)
def test_api_list_query_count_does_not_grow(qualifying_contract, market, other_purchaser):
    client = client_for(other_purchaser)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/api/v1/qualifications/").status_code == 200
        return len(queries)

    def submit_one():
        practice = PracticeFactory(region=market["region"])
        _submit(qualifying_contract, practice, make_member(Role.PRACTICE_MEMBER, practice))

    submit_one()
    few = count()
    for _n in range(5):
        submit_one()
    # session, user, memberships, count, the page with its contract, module and holder joined.
    assert count() == few
    assert few <= 6, f"{few} queries"
