"""Rules that live in the services, so that every entry point (HTML, API, a task, a command) gets them: who may
act, until when, what a repeat does, and what a malformed number does."""

from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from accounts.models import Notification, Role
from contracting.models import FollowRequest, Offer, Request, StandardContract
from contracting.services import (
    follow_request_decide,
    nza_tariff_set,
    offer_choose_modules,
    offer_mark_opened,
    offer_refuse,
    policy_save_draft,
    question_answer,
    question_ask,
    standard_contract_create,
    standard_contract_publish,
)
from contracting.services.offers import offer_ask_signatories
from core.errors import ConflictError, Forbidden
from core.models import AuditEvent
from tests.contracting.conftest import CHOICE, IN_WINDOW, ams, build_contract
from tests.factories import PracticeFactory, make_member
from tests.helpers import client_for

AFTER_CLOSE = ams(2026, 11, 8, 0, 0)


@pytest.fixture
def member(practice_3100):
    return make_member(Role.PRACTICE_MEMBER, practice_3100, email="assistent@praktijk.example",
                       full_name="Anna Assistent")


@pytest.fixture
def stranger(market):
    return make_member(Role.PRACTICE_MEMBER, PracticeFactory(region=market["region"]))


# --- Who may act ----------------------------------------------------------------------------------------
def test_only_the_holder_chooses_modules_and_asks_questions(offer, stranger, purchaser):
    for actor in (stranger, purchaser):
        with pytest.raises(Forbidden) as exc:
            offer_choose_modules(actor=actor, offer=offer, modules=CHOICE, now=IN_WINDOW)
        assert (exc.value.status, exc.value.code) == (403, "not_holder_member")
        with pytest.raises(Forbidden):
            question_ask(actor=actor, offer=offer, text="Mag dit?", now=IN_WINDOW)
    assert not offer.choices.exists() and not Request.objects.exists()


def test_only_the_offers_insurer_answers_and_only_the_asked_insurer_decides(follow_request, offer, member,
                                                                             purchaser, other_purchaser):
    question = question_ask(actor=member, offer=offer, text="Geldt het plafond per locatie?", now=IN_WINDOW)
    with pytest.raises(Forbidden):
        question_answer(actor=other_purchaser, question=question, answer="Ja.", now=IN_WINDOW)
    with pytest.raises(Forbidden) as exc:
        follow_request_decide(actor=purchaser, follow_request=follow_request, decision="followed", now=IN_WINDOW)
    assert exc.value.code == "not_purchaser"
    question.refresh_from_db()
    follow_request.refresh_from_db()
    assert question.answered_at is None and follow_request.status == FollowRequest.Status.PENDING


def test_a_purchaser_cannot_write_another_insurers_policy_or_contract(market, nza_tariffs, purchaser,
                                                                       other_purchaser):
    with pytest.raises(Forbidden):
        policy_save_draft(actor=other_purchaser, insurer=market["preferent"], year=2027, title="Beleid", body="…")
    with pytest.raises(Forbidden):
        standard_contract_create(actor=other_purchaser, insurer=market["preferent"], first_year=2027, title="X")
    draft = build_contract(market["preferent"], purchaser, publish=False)
    with pytest.raises(Forbidden):
        standard_contract_publish(actor=other_purchaser, contract=draft, now=ams(2026, 9, 1, 12, 0))
    draft.refresh_from_db()
    assert draft.status == StandardContract.Status.DRAFT and not draft.offers.exists()
    assert not market["preferent"].policies.exists()


def test_only_the_nza_sets_maximum_tariffs(year2027, purchaser):
    from contracting.models import Module, NzaMaxTariff

    with pytest.raises(Forbidden):
        nza_tariff_set(actor=purchaser, module=Module.objects.get(code="consult"), year=2027, max_tariff="99")
    assert not NzaMaxTariff.objects.exists()


def test_the_insurer_does_not_see_the_unsigned_choice_on_the_offer_page(client, offer, member, purchaser):
    offer_choose_modules(actor=member, offer=offer, modules=CHOICE, now=IN_WINDOW)
    client.force_login(member)
    assert 'value="15,8"' in client.get(reverse("offers:detail", args=[offer.pk])).content.decode()

    client.force_login(purchaser)
    page = client.get(reverse("offers:detail", args=[offer.pk])).content.decode()
    assert "Praktijkmanagement" in page  # the contract's menu, without the practice's hours
    assert "15,8 uur per week gekozen" not in page and "5 uur per week gekozen" not in page
    assert client.post(reverse("offers:estimate", args=[offer.pk]), {}).status_code == 403


def test_only_the_holder_opening_the_offer_counts_and_is_audited(offer, member, purchaser):
    assert offer_mark_opened(actor=purchaser, offer=offer, now=IN_WINDOW) is False
    assert offer_mark_opened(actor=member, offer=offer, now=IN_WINDOW) is True
    assert offer_mark_opened(actor=member, offer=offer, now=ams(2026, 10, 16, 9, 0)) is False
    offer.refresh_from_db()
    assert offer.opened_at == IN_WINDOW
    assert AuditEvent.objects.filter(verb="contracting.offer.opened", actor=member).count() == 1


# --- Until when -----------------------------------------------------------------------------------------
def test_after_signing_closes_an_offer_can_no_longer_be_changed_or_refused(offer, signatory):
    for attempt in (
        lambda: offer_choose_modules(actor=signatory, offer=offer, modules=CHOICE, now=AFTER_CLOSE),
        lambda: offer_refuse(actor=signatory, offer=offer, now=AFTER_CLOSE, reason="Te laat"),
    ):
        with pytest.raises(ConflictError) as exc:
            attempt()
        assert exc.value.code == "signing_window_closed"
    offer.refresh_from_db()
    assert offer.status == Offer.Status.OPEN and not offer.choices.exists()


def test_the_api_refuses_a_late_refusal_too(offer, signatory):
    with time_machine.travel(AFTER_CLOSE, tick=False):
        response = client_for(signatory).post(f"/api/v1/offers/{offer.pk}/refuse/", {"reason": "x"}, format="json")
    assert (response.status_code, response.json()["code"]) == (409, "signing_window_closed")


def test_a_contract_cannot_be_published_once_signing_has_closed(market, nza_tariffs, purchaser, practice_3100):
    draft = build_contract(market["preferent"], purchaser, publish=False)
    with pytest.raises(ConflictError) as exc:
        standard_contract_publish(actor=purchaser, contract=draft, now=AFTER_CLOSE)
    assert exc.value.code == "signing_window_closed"
    draft.refresh_from_db()
    assert draft.status == StandardContract.Status.DRAFT and not Offer.objects.exists()


# --- Repeats and malformed input ------------------------------------------------------------------------
def test_asking_the_same_question_twice_gives_one_question_and_one_notice(offer, member, purchaser):
    first = question_ask(actor=member, offer=offer, text="Geldt het plafond per locatie?", now=IN_WINDOW)
    again = question_ask(actor=member, offer=offer, text="Geldt het plafond per locatie? ", now=IN_WINDOW)
    assert again == first and Request.objects.count() == 1
    assert Notification.objects.filter(user=purchaser).count() == 1


@time_machine.travel(IN_WINDOW, tick=False)
@pytest.mark.parametrize("hours", ["NaN", "Infinity", "-1", "zeven"])
def test_hours_that_are_no_number_get_a_field_error_on_both_paths(client, offer, member, hours):
    response = client_for(member).post(f"/api/v1/offers/{offer.pk}/choose/",
                                       {"modules": [{"module": "poh-ggz", "hours": hours}]}, format="json")
    assert response.status_code == 400
    assert response.json()["fields"]["modules"]["poh-ggz"] == ["Vul het aantal uren per week in voor POH-GGZ."]

    client.force_login(member)
    response = client.post(reverse("offers:choose", args=[offer.pk]),
                           {"modules": ["poh-ggz"], "uren-poh-ggz": hours, "action": "opslaan"})
    assert response.status_code == 200
    assert not offer.choices.exists()


def test_hours_are_kept_to_a_tenth_as_shown(offer, member):
    offer_choose_modules(actor=member, offer=offer, modules=[{"module": "poh-ggz", "hours": "7.26"}], now=IN_WINDOW)
    assert offer.choices.get(contract_module__module__code="poh-ggz").hours == Decimal("7.3")


# --- Asking the signatories to sign ---------------------------------------------------------------------
def test_asking_the_signatories_notifies_them_once_and_is_audited(offer, member, signatory):
    signatories, sent = offer_ask_signatories(actor=member, offer=offer, now=IN_WINDOW)
    assert [m.user for m in signatories] == [signatory] and sent == 1
    notice = Notification.objects.get(user=signatory)
    assert "Anna Assistent" in notice.body and "tot en met 7 november 2026" in notice.body
    assert offer_ask_signatories(actor=member, offer=offer, now=IN_WINDOW)[1] == 0
    assert AuditEvent.objects.filter(verb="contracting.offer.signatories_asked").count() == 1


def test_no_request_to_sign_a_signed_or_expired_offer(signed_offer, member, signatory, client):
    with pytest.raises(ConflictError):
        offer_ask_signatories(actor=member, offer=signed_offer, now=IN_WINDOW)
    client.force_login(member)
    with time_machine.travel(IN_WINDOW, tick=False):
        client.post(reverse("offers:notify_signatories", args=[signed_offer.pk]))
    assert not Notification.objects.filter(user=signatory, subject__startswith="Verzoek om te ondertekenen").exists()


def test_the_practice_hears_the_follow_decision(follow_request, other_purchaser, member):
    follow_request_decide(actor=other_purchaser, follow_request=follow_request, decision="declined",
                          explanation="Wij kopen in deze regio niet in.", now=IN_WINDOW)
    notice = Notification.objects.get(user=member, subject__startswith="Besluit op uw volgverzoek")
    assert "niet gevolgd" in notice.body.lower() and "Wij kopen in deze regio niet in." in notice.body


def test_no_contract_or_policy_for_a_year_without_a_calendar(market, purchaser, year2027):
    from core.errors import PortalError

    for attempt in (
        lambda: standard_contract_create(actor=purchaser, insurer=market["preferent"], first_year=2031, title="X"),
        lambda: policy_save_draft(actor=purchaser, insurer=market["preferent"], year=2031, title="B", body="…"),
    ):
        with pytest.raises(PortalError) as exc:
            attempt()
        assert exc.value.code == "no_contract_year"
    assert not StandardContract.objects.exists() and not market["preferent"].policies.exists()


@pytest.mark.parametrize("query", ["insurer=²", "year=²", "insurer=abc"])
def test_odd_numbers_in_the_address_give_a_page_not_an_error(client, purchaser, year2027, query):
    client.force_login(purchaser)
    assert client.get(reverse("purchasing:dashboard") + "?" + query).status_code in (200, 404)
