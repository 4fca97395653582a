"""Addenda to a signed contract: proposed by the insurer, signed with two-factor (you sign what you saw) or
refused by the holder's signatory, withdrawn by the insurer; only an accepted addendum changes what the contract
says (contract_terms). Services, pages, API, who may see and do what, and bad input that changes nothing."""

import hashlib
import json
from datetime import date

import pytest
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import Notification, Role
from contracting.models import ContractAddendum, Signature
from contracting.selectors import contract_terms
from contracting.services import (
    addendum_accept,
    addendum_preview_hash,
    addendum_propose,
    addendum_refuse,
    addendum_withdraw,
)
from core.errors import PortalError
from core.models import AuditEvent
from tests.factories import PracticeFactory, code_for, make_member, wrong_code_for
from tests.helpers import assert_error, client_for, page_html, page_html_as, text

QUALITY = {"module": "kwaliteit", "tariff": "1750.00", "hours": None}


def propose(purchaser, offer, **overrides):
    values = {"kind": "maatwerk", "title": "Extra kwaliteitsbudget na overname",
              "text": "Vanwege de overname van de praktijk verhogen partijen de vergoeding kwaliteit.",
              "changes": [QUALITY], "effective_from": date(2027, 7, 1)}
    values.update(overrides)
    return addendum_propose(actor=purchaser, offer=offer, **values)


def code(user) -> str:
    return code_for(TOTPDevice.objects.get(user=user))


def line(terms, module):
    return next(t for t in terms if t["code"] == module)


@pytest.fixture
def proposed(signed_offer, purchaser):
    return propose(purchaser, signed_offer)


@pytest.fixture
def member(practice_3100):
    return make_member(Role.PRACTICE_MEMBER, practice_3100, email="medewerker@praktijk.example")


# --- Services -------------------------------------------------------------------------------------------------
def test_a_proposal_changes_nothing_until_the_signatory_signs_it(proposed, signed_offer, signatory):
    assert proposed.status == ContractAddendum.Status.PROPOSED and proposed.number == 1
    assert proposed.changes == [{"module": "kwaliteit", "tariff": "1750.00", "hours": None}]
    # Proposed: the contract says what was signed.
    assert line(contract_terms(signed_offer, 2027), "kwaliteit")["tariff"] == "1500.00"
    assert AuditEvent.objects.filter(verb="contracting.addendum.proposed", object_id=str(proposed.pk)).exists()
    notice = Notification.objects.get(user=signatory, key=f"addendum-proposed:{proposed.pk}")
    assert notice.url == reverse("offers:addendum", args=[proposed.pk])
    assert "Preferente Verzekeraar stelt een addendum voor" in notice.body
    assert "1 juli 2027" in notice.body


def test_proposing_the_same_again_gives_the_same_addendum(proposed, signed_offer, purchaser):
    again = propose(purchaser, signed_offer)
    assert again.pk == proposed.pk
    assert ContractAddendum.objects.filter(offer=signed_offer).count() == 1
    other = propose(purchaser, signed_offer, title="Tweede wijziging")
    assert other.number == 2


def test_accepting_freezes_what_was_read_and_changes_the_terms_not_the_signature(proposed, signed_offer,
                                                                                 signatory, purchaser):
    signed_before = Signature.objects.get(offer=signed_offer)
    shown = addendum_preview_hash(proposed)
    accepted = addendum_accept(actor=signatory, addendum=proposed, code=code(signatory), expected_hash=shown)

    assert accepted.status == ContractAddendum.Status.ACCEPTED and accepted.decided_by == signatory
    # The frozen content is what was shown, plus the signing moment and signer; the hash is its SHA-256.
    assert accepted.content_hash == hashlib.sha256(
        json.dumps(accepted.content, sort_keys=True, ensure_ascii=False).encode()).hexdigest()
    assert accepted.content["changes"] == [{"module": "kwaliteit", "name": "Kwaliteit (NHG-accreditatie)",
                                            "unit": "per_praktijk_jaar", "tariff_before": "1500.00",
                                            "tariff": "1750.00", "hours_before": None, "hours": None}]
    assert accepted.content["contract"]["signature_hash"] == signed_before.content_hash
    assert accepted.content["signed_by"]["id"] == signatory.pk
    # The contract now says 1,750 for kwaliteit; what was signed in October is untouched.
    assert line(contract_terms(signed_offer, 2027), "kwaliteit")["tariff"] == "1750.00"
    assert line(contract_terms(signed_offer, 2027), "kwaliteit")["addenda"] == [1]
    signed_after = Signature.objects.get(offer=signed_offer)
    assert signed_after.content == signed_before.content and signed_after.content_hash == signed_before.content_hash
    assert AuditEvent.objects.filter(verb="contracting.addendum.accepted", object_id=str(proposed.pk)).exists()
    assert Notification.objects.filter(user=purchaser, key=f"addendum-accepted:{proposed.pk}").exists()


def test_accepting_twice_is_refused_and_changes_nothing(proposed, signatory):
    first = addendum_accept(actor=signatory, addendum=proposed, code=code(signatory))
    with pytest.raises(PortalError) as exc:
        addendum_accept(actor=signatory, addendum=proposed, code=code(signatory))
    assert exc.value.code == "addendum_already_accepted" and exc.value.status == 409
    again = ContractAddendum.objects.get(pk=proposed.pk)
    assert (again.content_hash, again.decided_at) == (first.content_hash, first.decided_at)
    assert AuditEvent.objects.filter(verb="contracting.addendum.accepted").count() == 1


@pytest.mark.parametrize("end", ["refused", "withdrawn"])
def test_a_refused_or_withdrawn_addendum_cannot_be_accepted(proposed, signatory, purchaser, end):
    if end == "refused":
        addendum_refuse(actor=signatory, addendum=proposed, reason="Wij willen eerst overleg.")
    else:
        addendum_withdraw(actor=purchaser, addendum=proposed)
    with pytest.raises(PortalError) as exc:
        addendum_accept(actor=signatory, addendum=proposed, code=code(signatory))
    assert exc.value.code == "addendum_not_open" and exc.value.status == 409
    assert ContractAddendum.objects.get(pk=proposed.pk).status == end
    # The code was not spent on an addendum that cannot be signed.
    assert not AuditEvent.objects.filter(verb="accounts.two_factor.verified").exists()


def test_a_wrong_code_signs_nothing(proposed, signatory, signed_offer):
    with pytest.raises(PortalError) as exc:
        addendum_accept(actor=signatory, addendum=proposed, code=wrong_code_for(TOTPDevice.objects.get(
            user=signatory)))
    assert exc.value.code == "invalid_otp"
    assert ContractAddendum.objects.get(pk=proposed.pk).status == ContractAddendum.Status.PROPOSED
    assert line(contract_terms(signed_offer, 2027), "kwaliteit")["tariff"] == "1500.00"
    assert AuditEvent.objects.filter(verb="accounts.two_factor.failed").exists()


def test_you_sign_what_you_saw(signed_offer, purchaser, signatory):
    """Two proposals on the same module: the signatory reads the second (1,500 → 1,800), then the first is
    signed (1,500 → 1,750); the second now reads 1,750 → 1,800, so the hash shown no longer matches."""
    first = propose(purchaser, signed_offer, effective_from=date(2027, 3, 1))
    second = propose(purchaser, signed_offer, title="Nog een verhoging",
                     changes=[{"module": "kwaliteit", "tariff": "1800", "hours": None}])
    shown = addendum_preview_hash(second)
    addendum_accept(actor=signatory, addendum=first, code=code(signatory))
    with pytest.raises(PortalError) as exc:
        addendum_accept(actor=signatory, addendum=second, code="000000", expected_hash=shown)
    assert exc.value.code == "content_changed" and exc.value.status == 409
    assert ContractAddendum.objects.get(pk=second.pk).status == ContractAddendum.Status.PROPOSED
    # Read again: the terms before are now those of the first addendum.
    second.refresh_from_db()
    assert addendum_preview_hash(second) != shown


def test_terms_apply_accepted_addenda_in_date_order_for_the_year(signed_offer, purchaser, signatory):
    later = propose(purchaser, signed_offer, effective_from=date(2027, 9, 1),
                    changes=[{"module": "kwaliteit", "tariff": "1900", "hours": None}])
    earlier = propose(purchaser, signed_offer, effective_from=date(2027, 2, 1), title="Meer uren",
                      changes=[{"module": "kwaliteit", "tariff": "1600", "hours": None},
                               {"module": "praktijkmanagement", "tariff": None, "hours": "6"}])
    addendum_accept(actor=signatory, addendum=later, code=code(signatory))
    TOTPDevice.objects.filter(user=signatory).update(last_t=-1)  # a new time step, as a minute later
    addendum_accept(actor=signatory, addendum=earlier, code=code(signatory))
    terms = contract_terms(signed_offer, 2027)
    assert line(terms, "kwaliteit")["tariff"] == "1900.00"  # 1 September comes after 1 February
    assert line(terms, "kwaliteit")["addenda"] == [2, 1]
    assert line(terms, "praktijkmanagement")["hours"] == "6.0"
    assert line(terms, "praktijkmanagement")["tariff"] == "2500.00"
    assert line(terms, "poh-ggz")["addenda"] == [] and line(terms, "poh-ggz")["hours"] == "15.8"
    assert contract_terms(signed_offer, 2028) == []  # outside the one-year term


def test_terms_of_an_unsigned_offer_are_empty(offer):
    assert contract_terms(offer, 2027) == []


@pytest.mark.parametrize(("changes", "code_", "field"), [
    ([{"module": "poh-s", "tariff": "10"}], "unknown_module", "poh-s"),
    ([{"module": "bestaat-niet", "tariff": "10"}], "unknown_module", "bestaat-niet"),
    ([{"module": "kwaliteit", "tariff": "-5"}], "negative_tariff", "kwaliteit"),
    ([{"module": "kwaliteit", "tariff": "12,345"}], "invalid_changes", "kwaliteit"),
    ([{"module": "kwaliteit", "tariff": "veel"}], "invalid_changes", "kwaliteit"),
    ([{"module": "kwaliteit", "hours": "4"}], "invalid_changes", "kwaliteit"),
    ([{"module": "praktijkmanagement", "hours": "-1"}], "invalid_changes", "praktijkmanagement"),
    ([{"module": "kwaliteit"}], "invalid_changes", "kwaliteit"),
    ([QUALITY, QUALITY], "invalid_changes", "kwaliteit"),
    # More digits than a decimal context holds: refused as too high, not an error page.
    ([{"module": "kwaliteit", "tariff": "1e400"}], "invalid_changes", "kwaliteit"),
    ([{"module": "kwaliteit", "tariff": "100000000"}], "invalid_changes", "kwaliteit"),
    ([{"module": "praktijkmanagement", "hours": "1e400"}], "invalid_changes", "praktijkmanagement"),
    ([{"module": "praktijkmanagement", "hours": "169"}], "invalid_changes", "praktijkmanagement"),
])
def test_bad_changes_are_refused_per_module_and_change_nothing(signed_offer, purchaser, changes, code_, field):
    with pytest.raises(PortalError) as exc:
        propose(purchaser, signed_offer, changes=changes)
    assert exc.value.code == code_ and exc.value.status == 400
    assert field in exc.value.fields["changes"]
    assert not ContractAddendum.objects.exists()


def test_the_messages_are_clear(signed_offer, purchaser):
    with pytest.raises(PortalError) as exc:
        propose(purchaser, signed_offer, changes=[{"module": "kwaliteit", "tariff": "-5"}])
    assert exc.value.fields["changes"]["kwaliteit"] == ["Een tarief kan niet negatief zijn."]
    with pytest.raises(PortalError) as exc:
        propose(purchaser, signed_offer, changes=[{"module": "poh-s", "tariff": "5"}])
    assert exc.value.fields["changes"]["poh-s"] == ["Deze module hoort niet bij dit contract."]


@pytest.mark.parametrize("day", [date(2026, 12, 31), date(2028, 1, 1)])
def test_an_effective_date_outside_the_term_is_refused(signed_offer, purchaser, day):
    with pytest.raises(PortalError) as exc:
        propose(purchaser, signed_offer, effective_from=day)
    assert exc.value.code == "effective_from_outside_term"
    assert exc.value.detail == ("De ingangsdatum moet binnen de looptijd van het contract liggen: van 1 januari "
                                "2027 tot en met 31 december 2027.")
    assert not ContractAddendum.objects.exists()


def test_the_text_alone_can_be_the_change(signed_offer, purchaser, signatory):
    addendum = propose(purchaser, signed_offer, changes=[])
    accepted = addendum_accept(actor=signatory, addendum=addendum, code=code(signatory))
    assert accepted.content["changes"] == []
    assert all(not t["addenda"] for t in contract_terms(signed_offer, 2027))


def test_an_unsigned_contract_gets_no_addendum(offer, purchaser):
    with pytest.raises(PortalError) as exc:
        propose(purchaser, offer)
    assert exc.value.code == "offer_not_signed" and exc.value.status == 409


@pytest.mark.parametrize("overrides", [{"kind": "korting"}, {"title": "  "}, {"text": ""},
                                       {"effective_from": "1 juli"}])
def test_a_proposal_needs_a_kind_title_text_and_date(signed_offer, purchaser, overrides):
    with pytest.raises(PortalError) as exc:
        propose(purchaser, signed_offer, **overrides)
    assert exc.value.status == 400
    assert not ContractAddendum.objects.exists()


def test_who_may_do_what(proposed, signed_offer, signatory, member, other_purchaser, purchaser):
    for actor in (signatory, other_purchaser, member):
        with pytest.raises(PortalError) as exc:
            propose(actor, signed_offer, title="Van iemand anders")
        assert exc.value.code == "not_purchaser" and exc.value.status == 403
    for actor in (member, purchaser):
        with pytest.raises(PortalError) as exc:
            addendum_accept(actor=actor, addendum=proposed, code="123456")
        assert exc.value.code == "not_signatory"
        with pytest.raises(PortalError) as exc:
            addendum_refuse(actor=actor, addendum=proposed, reason="Nee")
        assert exc.value.code == "not_signatory"
    for actor in (signatory, other_purchaser):
        with pytest.raises(PortalError) as exc:
            addendum_withdraw(actor=actor, addendum=proposed)
        assert exc.value.code == "not_purchaser"
    assert ContractAddendum.objects.get(pk=proposed.pk).status == ContractAddendum.Status.PROPOSED


def test_refusing_needs_a_reason_and_is_safe_to_repeat(proposed, signatory, purchaser):
    with pytest.raises(PortalError) as exc:
        addendum_refuse(actor=signatory, addendum=proposed, reason="  ")
    assert exc.value.code == "reason_required"
    refused = addendum_refuse(actor=signatory, addendum=proposed, reason="Het tarief dekt de kosten niet.")
    again = addendum_refuse(actor=signatory, addendum=proposed, reason="Het tarief dekt de kosten niet.")
    assert refused.status == again.status == ContractAddendum.Status.REFUSED
    assert AuditEvent.objects.filter(verb="contracting.addendum.refused").count() == 1
    notice = Notification.objects.get(user=purchaser, key=f"addendum-refused:{proposed.pk}")
    assert "Het tarief dekt de kosten niet." in notice.body
    with pytest.raises(PortalError) as exc:
        addendum_withdraw(actor=purchaser, addendum=proposed)
    assert exc.value.code == "addendum_not_open"


def test_withdrawing_is_safe_to_repeat_but_not_after_signing(signed_offer, proposed, purchaser, signatory):
    addendum_withdraw(actor=purchaser, addendum=proposed)
    addendum_withdraw(actor=purchaser, addendum=proposed)
    assert AuditEvent.objects.filter(verb="contracting.addendum.withdrawn").count() == 1
    other = propose(purchaser, signed_offer, title="Andere wijziging")
    addendum_accept(actor=signatory, addendum=other, code=code(signatory))
    with pytest.raises(PortalError) as exc:
        addendum_withdraw(actor=purchaser, addendum=other)
    assert exc.value.code == "addendum_already_accepted"


# --- Pages ----------------------------------------------------------------------------------------------------
def test_the_signatory_reads_and_signs_the_addendum_on_its_page(client, proposed, signed_offer, signatory):
    url = reverse("offers:addendum", args=[proposed.pk])
    body = text(page_html_as(client, signatory, url))
    assert "Addendum 1: Extra kwaliteitsbudget na overname" in body
    assert "Kwaliteit (NHG-accreditatie) € 1.500,00 € 1.750,00" in body
    assert "Geldt vanaf 1 juli 2027" in body
    # The offer page points at it.
    offer_page = text(page_html_as(client, signatory, reverse("offers:detail", args=[signed_offer.pk])))
    assert "Preferente Verzekeraar stelt een wijziging van dit contract voor" in offer_page

    digest = addendum_preview_hash(proposed)
    response = client.post(reverse("offers:addendum_accept", args=[proposed.pk]),
                           {"confirm": "on", "digest": digest, "code": code(signatory)})
    assert response.status_code == 302
    assert ContractAddendum.objects.get(pk=proposed.pk).status == ContractAddendum.Status.ACCEPTED
    body = text(page_html_as(client, signatory, url))
    assert "Ondertekend door" in body and "Kenmerk (SHA-256):" in body
    offer_page = text(page_html_as(client, signatory, reverse("offers:detail", args=[signed_offer.pk])))
    assert "Geldende afspraken in 2027, met de ondertekende addenda" in offer_page
    assert "Kwaliteit (NHG-accreditatie) € 1.750,00 addendum 1, vanaf 1 juli 2027" in offer_page


def test_the_page_shows_the_new_content_when_it_changed_meanwhile(client, signed_offer, purchaser, signatory):
    first = propose(purchaser, signed_offer, effective_from=date(2027, 3, 1))
    second = propose(purchaser, signed_offer, title="Nog een verhoging",
                     changes=[{"module": "kwaliteit", "tariff": "1800", "hours": None}])
    shown = addendum_preview_hash(second)
    addendum_accept(actor=signatory, addendum=first, code=code(signatory))
    client.force_login(signatory)
    response = client.post(reverse("offers:addendum_accept", args=[second.pk]),
                           {"confirm": "on", "digest": shown, "code": "123456"})
    assert response.status_code == 409
    body = text(response.content.decode())
    assert "De inhoud is intussen gewijzigd" in body
    assert "Kwaliteit (NHG-accreditatie) € 1.750,00 € 1.800,00" in body
    assert ContractAddendum.objects.get(pk=second.pk).status == ContractAddendum.Status.PROPOSED


def test_a_wrong_code_on_the_page_says_so(client, proposed, signatory):
    client.force_login(signatory)
    response = client.post(reverse("offers:addendum_accept", args=[proposed.pk]),
                           {"confirm": "on", "digest": addendum_preview_hash(proposed),
                            "code": wrong_code_for(TOTPDevice.objects.get(user=signatory))})
    assert response.status_code == 400
    assert "Deze code klopt niet." in text(response.content.decode())
    assert ContractAddendum.objects.get(pk=proposed.pk).status == ContractAddendum.Status.PROPOSED


def test_refusing_on_the_page_needs_a_reason(client, proposed, signatory):
    client.force_login(signatory)
    url = reverse("offers:addendum_refuse", args=[proposed.pk])
    response = client.post(url, {"reason": ""})
    assert response.status_code == 400
    assert "Geef een reden waarom u het addendum weigert." in text(response.content.decode())
    assert client.post(url, {"reason": "Te laag."}).status_code == 302
    assert ContractAddendum.objects.get(pk=proposed.pk).refusal_reason == "Te laag."


def test_a_member_who_may_not_sign_sees_who_can(client, proposed, member):
    body = text(page_html_as(client, member, reverse("offers:addendum", args=[proposed.pk])))
    assert "Alleen een tekenbevoegde van uw organisatie kan dit addendum ondertekenen of weigeren." in body
    assert "Addendum ondertekenen" not in body


def test_the_insurer_proposes_follows_and_withdraws(client, signed_offer, purchaser):
    url = reverse("purchasing:addenda", args=[signed_offer.pk])
    page_html_as(client, purchaser, url)
    form = {"kind": "maatwerk", "title": "Populatiegroei", "text": "Nieuwbouwwijk.", "effective_from": "2027-04-01",
            "tarief-kwaliteit": "1.650,00", "uren-praktijkmanagement": ""}
    bad = client.post(url, {**form, "tarief-kwaliteit": "-10"})
    assert bad.status_code == 400
    assert "Een tarief kan niet negatief zijn." in text(bad.content.decode())
    assert not ContractAddendum.objects.exists()
    response = client.post(url, form)
    addendum = ContractAddendum.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("purchasing:addendum", args=[addendum.pk])
    assert addendum.changes == [{"module": "kwaliteit", "tariff": "1650.00", "hours": None}]
    body = text(page_html_as(client, purchaser, reverse("purchasing:addendum", args=[addendum.pk])))
    assert "Wacht op ondertekening" in body and "€ 1.500,00 € 1.650,00" in body
    client.post(reverse("purchasing:addendum", args=[addendum.pk]))
    assert ContractAddendum.objects.get().status == ContractAddendum.Status.WITHDRAWN
    assert "Ingetrokken op" in text(page_html_as(client, purchaser, reverse("purchasing:addendum",
                                                                              args=[addendum.pk])))


def test_the_insurer_sees_the_signed_status(client, proposed, signatory, purchaser):
    addendum_accept(actor=signatory, addendum=proposed, code=code(signatory))
    proposed.refresh_from_db()
    body = text(page_html_as(client, purchaser, reverse("purchasing:addendum", args=[proposed.pk])))
    assert "Ondertekend door" in body and proposed.content_hash in body
    assert "Addendum intrekken" not in body


def test_the_english_page(client, proposed, signatory):
    client.force_login(signatory)
    client.cookies["django_language"] = "en"
    body = text(client.get(reverse("offers:addendum", args=[proposed.pk]), HTTP_ACCEPT_LANGUAGE="en")
                .content.decode())
    assert "Sign addendum" in body and "Tariff was" in body


# --- Who sees what: pages and API -------------------------------------------------------------------------------
@pytest.fixture
def people(signatory, member, purchaser, other_purchaser, market):
    stranger = PracticeFactory(region=market["region"])
    return {
        "signatory": signatory, "member": member, "purchaser": purchaser, "other_purchaser": other_purchaser,
        "other_practice": make_member(Role.PRACTICE_SIGNATORY, stranger, email="ander@praktijk.example"),
        "nza": make_member(Role.NZA_ANALYST, email="analist@nza.example"),
    }


# Who gets what: 200 (or 302 after a POST) for those whose object it is, 404 for everyone else.
PAGE_MATRIX = {
    "offers:addendum": {"signatory": 200, "member": 200, "purchaser": 200, "nza": 200,
                        "other_purchaser": 404, "other_practice": 404},
    "purchasing:addendum": {"purchaser": 200, "signatory": 404, "member": 404, "nza": 404,
                            "other_purchaser": 404, "other_practice": 404},
}


@pytest.mark.parametrize("name", list(PAGE_MATRIX))
@pytest.mark.parametrize("role", ["signatory", "member", "purchaser", "nza", "other_purchaser", "other_practice"])
def test_addendum_pages_by_role(client, proposed, people, name, role):
    page_html_as(client, people[role], reverse(name, args=[proposed.pk]), status=PAGE_MATRIX[name][role])


@pytest.mark.parametrize("role", ["signatory", "member", "nza", "other_purchaser", "other_practice"])
def test_the_propose_page_is_the_insurers_alone(client, signed_offer, people, role):
    page_html_as(client, people[role], reverse("purchasing:addenda", args=[signed_offer.pk]), status=404)


def test_an_unsigned_offer_has_no_propose_page(client, offer, purchaser):
    page_html_as(client, purchaser, reverse("purchasing:addenda", args=[offer.pk]), status=404)


@pytest.mark.parametrize("name", ["offers:addendum_accept", "offers:addendum_refuse", "purchasing:addendum"])
@pytest.mark.parametrize("role", ["other_purchaser", "other_practice"])
def test_another_organisations_addendum_is_not_found_for_actions(client, proposed, people, name, role):
    client.force_login(people[role])
    response = client.post(reverse(name, args=[proposed.pk]), {"reason": "x", "code": "123456", "confirm": "on",
                                                                 "digest": "0" * 64})
    assert response.status_code == 404
    assert ContractAddendum.objects.get(pk=proposed.pk).status == ContractAddendum.Status.PROPOSED


def test_anonymous_is_sent_to_log_in(client, proposed):
    response = client.get(reverse("offers:addendum", args=[proposed.pk]))
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))
    assert client_for().get(f"/api/v1/addenda/{proposed.pk}/").status_code in (401, 403)


API_READ = {"signatory": 200, "member": 200, "purchaser": 200, "nza": 200, "other_purchaser": 404,
            "other_practice": 404}


@pytest.mark.parametrize("role", list(API_READ))
def test_api_reads_by_role(proposed, signed_offer, people, role):
    api = client_for(people[role])
    assert api.get(f"/api/v1/addenda/{proposed.pk}/").status_code == API_READ[role]
    assert api.get(f"/api/v1/offers/{signed_offer.pk}/addenda/").status_code == API_READ[role]
    assert api.get(f"/api/v1/offers/{signed_offer.pk}/terms/").status_code == API_READ[role]
    listed = [row["id"] for row in api.get("/api/v1/addenda/").json()["results"]]
    assert listed == ([proposed.pk] if API_READ[role] == 200 else [])


# (role, action) -> status and code: outsiders 404, a role that sees it but may not act 403.
API_ACTIONS = [
    ("other_purchaser", "accept", 404, "not_found"), ("other_practice", "accept", 404, "not_found"),
    ("other_purchaser", "refuse", 404, "not_found"), ("other_practice", "withdraw", 404, "not_found"),
    ("other_purchaser", "withdraw", 404, "not_found"),
    ("purchaser", "accept", 403, "not_signatory"), ("member", "accept", 403, "not_signatory"),
    ("nza", "refuse", 403, "not_signatory"), ("signatory", "withdraw", 403, "not_purchaser"),
    ("nza", "withdraw", 403, "not_purchaser"),
]


@pytest.mark.parametrize(("role", "action", "status", "code_"), API_ACTIONS)
def test_api_actions_by_role(proposed, people, role, action, status, code_):
    response = client_for(people[role]).post(f"/api/v1/addenda/{proposed.pk}/{action}/",
                                             {"code": "123456", "reason": "Nee"}, format="json")
    assert_error(response, status, code_)
    assert ContractAddendum.objects.get(pk=proposed.pk).status == ContractAddendum.Status.PROPOSED


@pytest.mark.parametrize(("role", "status", "code_"), [
    ("other_purchaser", 404, "not_found"), ("other_practice", 404, "not_found"),
    ("signatory", 403, "not_purchaser"), ("nza", 403, "not_purchaser"),
])
def test_api_propose_by_role(signed_offer, people, role, status, code_):
    response = client_for(people[role]).post(
        f"/api/v1/offers/{signed_offer.pk}/addenda/",
        {"kind": "maatwerk", "title": "T", "text": "T", "effective_from": "2027-03-01", "changes": []}, format="json")
    assert_error(response, status, code_)
    assert not ContractAddendum.objects.exists()


def test_the_api_round_trip(signed_offer, purchaser, signatory):
    api = client_for(purchaser)
    body = {"kind": "maatwerk", "title": "Overname", "text": "Meer kwaliteit.", "effective_from": "2027-07-01",
            "changes": [{"module": "kwaliteit", "tariff": "1750"}]}
    created = api.post(f"/api/v1/offers/{signed_offer.pk}/addenda/", body, format="json")
    assert created.status_code == 201, created.content
    assert api.post(f"/api/v1/offers/{signed_offer.pk}/addenda/", body, format="json").status_code == 200
    pk = created.json()["id"]
    assert created.json()["sign_preview_hash"] is None  # the purchaser cannot sign

    holder = client_for(signatory)
    shown = holder.get(f"/api/v1/addenda/{pk}/").json()["sign_preview_hash"]
    assert len(shown) == 64
    assert_error(holder.post(f"/api/v1/addenda/{pk}/accept/", {"code": wrong_code_for(
        TOTPDevice.objects.get(user=signatory)), "content_hash": shown}, format="json"), 400, "invalid_otp")
    # django-otp makes the device wait a second after a wrong code; the signatory tries again later.
    TOTPDevice.objects.filter(user=signatory).update(throttling_failure_count=0, throttling_failure_timestamp=None)
    accepted = holder.post(f"/api/v1/addenda/{pk}/accept/", {"code": code(signatory), "content_hash": shown},
                           format="json")
    assert accepted.status_code == 200, accepted.content
    assert accepted.json()["status"] == "accepted" and accepted.json()["content"]["changes"][0]["tariff"] == "1750.00"
    assert_error(holder.post(f"/api/v1/addenda/{pk}/accept/", {"code": "123456"}, format="json"), 409,
                 "addendum_already_accepted")
    terms = holder.get(f"/api/v1/offers/{signed_offer.pk}/terms/?year=2027").json()
    assert next(t for t in terms if t["code"] == "kwaliteit") == {
        "code": "kwaliteit", "name": "Kwaliteit (NHG-accreditatie)", "unit": "per_praktijk_jaar",
        "tariff": "1750.00", "hours": None, "addenda": [1], "changed_from": "2027-07-01",
        "base_tariff": "1750.00", "indexed": False, "capped": False}
    assert holder.get(f"/api/v1/offers/{signed_offer.pk}/terms/?year=2028").json() == []
    assert_error(holder.get(f"/api/v1/offers/{signed_offer.pk}/terms/?year=abc"), 400, "invalid")


@pytest.mark.parametrize(("body", "code_"), [
    ({"changes": [{"module": "poh-s", "tariff": "1"}]}, "unknown_module"),
    ({"changes": [{"module": "kwaliteit", "tariff": "-1"}]}, "negative_tariff"),
    ({"effective_from": "2028-02-01"}, "effective_from_outside_term"),
    ({"effective_from": "morgen"}, "invalid"),
    ({"kind": "iets"}, "invalid_kind"),
    ({"changes": [{"module": "kwaliteit", "tariff": "1e30"}]}, "invalid_changes"),
    ({"changes": [{"module": "praktijkmanagement", "hours": "1e30"}]}, "invalid_changes"),
])
def test_api_bad_input(signed_offer, purchaser, body, code_):
    data = {"kind": "maatwerk", "title": "T", "text": "T", "effective_from": "2027-03-01", "changes": [], **body}
    assert_error(client_for(purchaser).post(f"/api/v1/offers/{signed_offer.pk}/addenda/", data, format="json"),
                 400, code_)
    assert not ContractAddendum.objects.exists()


def test_api_refuse_and_withdraw(proposed, signed_offer, purchaser, signatory):
    assert_error(client_for(signatory).post(f"/api/v1/addenda/{proposed.pk}/refuse/", {"reason": ""},
                                            format="json"), 400, "reason_required")
    refused = client_for(signatory).post(f"/api/v1/addenda/{proposed.pk}/refuse/", {"reason": "Nee."}, format="json")
    assert refused.json()["status"] == "refused" and refused.json()["refusal_reason"] == "Nee."
    assert_error(client_for(purchaser).post(f"/api/v1/addenda/{proposed.pk}/withdraw/"), 409, "addendum_not_open")
    assert_error(client_for(signatory).post(f"/api/v1/addenda/{proposed.pk}/accept/", {"code": "123456"},
                                            format="json"), 409, "addendum_not_open")


def test_the_addendum_list_reads_in_a_fixed_number_of_queries(signed_offer, purchaser, django_assert_num_queries):
    api = client_for(purchaser)
    propose(purchaser, signed_offer)
    api.get("/api/v1/addenda/")  # warm the session
    # session, user, memberships, count, the page of addenda
    with django_assert_num_queries(5):
        assert len(api.get("/api/v1/addenda/").json()["results"]) == 1
    for n in range(3):
        propose(purchaser, signed_offer, title=f"Wijziging {n}")
    with django_assert_num_queries(5):
        assert len(api.get("/api/v1/addenda/").json()["results"]) == 4


def test_the_offer_page_links_the_insurer_to_its_addenda(client, proposed, signed_offer, purchaser, people):
    body = page_html_as(client, purchaser, reverse("offers:detail", args=[signed_offer.pk]))
    assert reverse("purchasing:addenda", args=[signed_offer.pk]) in body
    assert reverse("purchasing:addendum", args=[proposed.pk]) in body
    nza = page_html_as(client, people["nza"], reverse("offers:detail", args=[signed_offer.pk]))
    assert "Extra kwaliteitsbudget na overname" in text(nza)
    assert reverse("purchasing:addenda", args=[signed_offer.pk]) not in nza


def test_the_admin_shows_addenda_and_changes_nothing(client, proposed):
    from tests.factories import UserFactory

    admin_user = UserFactory(is_superuser=True, is_staff=True)
    client.force_login(admin_user)
    assert "Extra kwaliteitsbudget na overname" in text(page_html(
        client, reverse("admin:contracting_contractaddendum_changelist")))
    page_html(client, reverse("admin:contracting_contractaddendum_add"), status=403)
    response = client.post(reverse("admin:contracting_contractaddendum_change", args=[proposed.pk]),
                           {"status": "accepted"})
    assert response.status_code == 403
    assert ContractAddendum.objects.get(pk=proposed.pk).status == ContractAddendum.Status.PROPOSED


@pytest.mark.parametrize(("tariff", "message"), [
    ("1e400", "Dit tarief is te hoog."),
    ("1,2,3", "Vul een getal in, bijvoorbeeld 12,50."),
    ("-5", "Een tarief kan niet negatief zijn."),
])
def test_a_bad_tariff_on_the_propose_page_says_what_is_wrong(signed_offer, purchaser, tariff, message):
    response = client_for(purchaser).post(reverse("purchasing:addenda", args=[signed_offer.pk]), {
        "kind": "maatwerk", "title": "T", "text": "T", "effective_from": "2027-03-01", "tarief-kwaliteit": tariff})
    assert response.status_code == 400
    assert message in text(response.content.decode())
    assert not ContractAddendum.objects.exists()


def test_the_signatorys_home_lists_the_addendum_to_sign_and_a_member_does_not_get_it(client, proposed, signatory,
                                                                                    member):
    html = page_html_as(client, signatory, reverse("home"))
    assert "Addendum 1 van Preferente Verzekeraar lezen en ondertekenen of weigeren" in text(html)
    assert reverse("offers:addendum", args=[proposed.pk]) in html
    assert "lezen en ondertekenen of weigeren" not in text(page_html_as(client, member, reverse("home")))
    addendum_refuse(actor=signatory, addendum=proposed, reason="Niet akkoord.")
    assert "lezen en ondertekenen of weigeren" not in text(page_html_as(client, signatory, reverse("home")))
