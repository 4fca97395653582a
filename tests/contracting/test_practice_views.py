"""The practice's contract screens, driven through the test client as a practice member, a signatory, an
insurer and an outsider would use them. Real TOTP codes, real services, time fixed with time_machine."""

import re
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
import time_machine
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from django.utils.formats import number_format
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import Notification, Role
from contracting.models import FollowRequest, Module, ModuleChoice, Offer, Signature
from contracting.services import (
    addendum_propose,
    contract_year_ensure,
    follow_requests_create,
    offer_choose_modules,
    offer_request,
    offer_sign,
    question_answer,
    question_ask,
    standard_contract_create,
    standard_contract_publish,
    standard_contract_set_module,
)
from core.models import AuditEvent
from tests.contracting.conftest import CHOICE, IN_WINDOW, ams, build_contract
from tests.factories import (
    InsurerFactory,
    MarketShareFactory,
    PracticeFactory,
    code_for,
    make_member,
    set_nza_tariffs,
    wrong_code_for,
)
from tests.helpers import page_html, text

BEFORE_WINDOW = ams(2026, 9, 20, 10, 0)


def module_row(content: str, code: str) -> str:
    match = re.search(rf'<tr class="utrecht-table__row" id="module-{re.escape(code)}">(.*?)</tr>', content, re.S)
    assert match, f"no row for {code}"
    return text(match.group(1))


def estimate_total(content: str) -> Decimal:
    return Decimal(re.search(r'class="offers-estimate-total" value="([^"]+)"', content).group(1))


@pytest.fixture
def member(practice_3100):
    """A practice member who may prepare but not sign."""
    return make_member(Role.PRACTICE_MEMBER, practice_3100, email="assistent@praktijk.example",
                       full_name="Anna Assistent")


@pytest.fixture
def member_client(client, member):
    client.force_login(member)
    return client


@pytest.fixture
def signatory_client(client, signatory):
    client.force_login(signatory)
    return client


# --- List -----------------------------------------------------------------------------------------------
@time_machine.travel(BEFORE_WINDOW, tick=False)
def test_practice_member_sees_own_offers_and_other_insurers_contracts(member_client, offer, market, other_purchaser,
                                                                      outsider):
    build_contract(market["other"], other_purchaser)
    elsewhere = PracticeFactory()  # someone else's offer from the same insurer must not show
    offer_request(actor=None, practice=elsewhere, contract=offer.standard_contract)

    content = page_html(member_client, reverse("offers:list"))
    body = text(content)
    assert "Uw contracten voor 2027" in body  # the year whose signing window is next
    assert "Ondertekenen kan van 1 oktober 2026 tot en met 7 november 2026" in body
    assert "opent over 11 dagen" in body
    assert body.count("Preferente Verzekeraar") >= 1
    assert "Aanbod bekijken" in body
    assert reverse("offers:detail", args=[offer.pk]) in content
    assert elsewhere.name not in body
    # Below: the other insurer's published contract, which the practice can ask for.
    assert "Contracten van andere verzekeraars" in body
    assert "Verre Verzekeraar: Huisartsenzorg 2027" in body

    contract = market["other"].standard_contracts.get()
    response = member_client.post(reverse("offers:request"),
                                  {"contract": contract.pk, "practice": offer.practice_id})
    requested = Offer.objects.get(standard_contract=contract, practice=offer.practice)
    assert requested.reason == Offer.Reason.REQUESTED
    assert response.status_code == 302 and response.url == reverse("offers:detail", args=[requested.pk])
    body = text(page_html(member_client, reverse("offers:list")))
    assert "Op uw verzoek" in body
    assert "geen andere gepubliceerde contracten die u nog kunt aanvragen" in body


@time_machine.travel(BEFORE_WINDOW, tick=False)
def test_contract_request_for_someone_elses_practice_is_not_found(client, offer, market, other_purchaser, outsider):
    build_contract(market["other"], other_purchaser)
    client.force_login(outsider)
    contract = market["other"].standard_contracts.get()
    response = client.post(reverse("offers:request"), {"contract": contract.pk, "practice": offer.practice_id})
    assert response.status_code == 404
    assert not Offer.objects.filter(standard_contract=contract).exists()


def test_contract_request_after_signing_closed_is_refused_with_a_message(member_client, offer, market,
                                                                         other_purchaser):
    build_contract(market["other"], other_purchaser)
    contract = market["other"].standard_contracts.get()
    with time_machine.travel(ams(2026, 11, 8, 0, 0), tick=False):
        response = member_client.post(reverse("offers:request"),
                                      {"contract": contract.pk, "practice": offer.practice_id}, follow=True)
    assert "De ondertekentermijn voor 2027 is voorbij; aanvragen kan niet meer." in text(response.content.decode())
    assert not Offer.objects.filter(standard_contract=contract).exists()


def test_list_without_offers_says_so(client, practice_user, year2027):
    client.force_login(practice_user)
    with time_machine.travel(BEFORE_WINDOW, tick=False):
        body = text(page_html(client, reverse("offers:list")))
    # 20 September: the practices' offers were due by 15 September.
    assert "Er is voor 2027 geen aanbod voor uw praktijk gekomen" in body


@time_machine.travel(IN_WINDOW, tick=False)
def test_list_shows_signing_deadline_and_follow_statuses(member_client, signed_offer, signatory, market):
    follow_requests_create(actor=signatory, offer=signed_offer, insurers=[market["other"]], now=IN_WINDOW)
    body = text(page_html(member_client, reverse("offers:list")))
    assert "Ondertekend op 15 oktober 2026" in body
    assert "Aanbieden aan andere verzekeraars" in body
    assert "Verre Verzekeraar: Wacht op besluit — besluit uiterlijk 31 december 2026" in body


def test_an_overdue_follow_request_reads_the_same_on_every_practice_page(client, member, signed_offer, signatory,
                                                                          market):
    follow_requests_create(actor=signatory, offer=signed_offer, insurers=[market["other"]], now=IN_WINDOW)
    late = "Verre Verzekeraar: Wacht op besluit — besluit uiterlijk 31 december 2026 2 dagen te laat"
    with time_machine.travel(ams(2027, 1, 2, 10, 0), tick=False):  # decisions were due before 1 January
        client.force_login(member)
        pages = {
            "list": text(page_html(client, reverse("offers:list") + "?jaar=2027")),
            "offer": text(page_html(client, reverse("offers:detail", args=[signed_offer.pk]))),
            "receipt": text(page_html(client, reverse("offers:receipt", args=[signed_offer.pk]))),
        }
    assert late in pages["list"]
    for name in ("offer", "receipt"):
        assert "Verre Verzekeraar Wacht op besluit besluit uiterlijk 31 december 2026 2 dagen te laat" in pages[name]


@time_machine.travel(IN_WINDOW, tick=False)
def test_list_query_count_does_not_grow_with_offers(member_client, offer, market, member, signatory):
    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            page_html(member_client, reverse("offers:list"))
        return len(queries)

    few = count()
    # Three more insurers, each with a published contract the practice asked for, one signed and followed.
    for n in range(3):
        insurer = InsurerFactory()
        MarketShareFactory(region=market["region"], insurer=insurer, share_percent=Decimal("1"))
        contract = build_contract(insurer)
        extra = offer_request(actor=member, practice=offer.practice, contract=contract, now=IN_WINDOW)
        if n == 0:
            offer_sign(actor=signatory, offer=extra, now=IN_WINDOW, modules=CHOICE, two_factor_verified=True)
            extra.refresh_from_db()
            follow_requests_create(actor=signatory, offer=extra, insurers=[market["other"], market["preferent"]],
                                   now=IN_WINDOW)
    assert Offer.objects.filter(practice=offer.practice).count() == 4
    # session, user, contract years, default year, signing window, memberships, offers, their follow requests,
    # requestable contracts, the header's unread count: 10, whatever the number of offers.
    assert count() == few
    assert few <= 10, f"{few} queries"


# --- Scope ----------------------------------------------------------------------------------------------
URLS_OF_A_SIGNED_OFFER = ["offers:detail", "offers:sign", "offers:receipt", "offers:pdf", "offers:follow"]


@pytest.mark.parametrize("name", URLS_OF_A_SIGNED_OFFER)
def test_outsider_and_other_insurer_get_404(client, signed_offer, outsider, other_purchaser, name):
    url = reverse(name, args=[signed_offer.pk])
    for stranger in (outsider, other_purchaser):
        client.force_login(stranger)
        assert client.get(url).status_code == 404


@pytest.mark.parametrize("name", ["offers:detail", "offers:receipt", "offers:pdf"])
def test_the_practice_and_its_insurer_can_read_the_signed_offer(client, signed_offer, member, purchaser, name):
    for reader in (member, purchaser):
        client.force_login(reader)
        assert client.get(reverse(name, args=[signed_offer.pk])).status_code == 200


def test_insurer_may_read_but_not_act_for_the_practice(client, offer, purchaser):
    client.force_login(purchaser)
    content = page_html(client, reverse("offers:detail", args=[offer.pk]))
    assert 'name="modules"' not in content
    offer.refresh_from_db()
    assert offer.opened_at is None  # only the holder opening it counts for the signing watch
    assert client.get(reverse("offers:sign", args=[offer.pk])).status_code == 403
    response = client.post(reverse("offers:choose", args=[offer.pk]), {"modules": ["kwaliteit"], "action": "opslaan"})
    assert response.status_code == 403
    assert not ModuleChoice.objects.exists()


# --- Detail: policy, changes, modules, estimate, questions ---------------------------------------------
@time_machine.travel(BEFORE_WINDOW, tick=False)
def test_opening_the_offer_marks_it_opened_and_shows_caps_for_this_practice(member_client, offer):
    content = page_html(member_client, reverse("offers:detail", args=[offer.pk]))
    offer.refresh_from_db()
    assert offer.opened_at == BEFORE_WINDOW
    # POH-GGZ: 12 hours per 2,350 patients; praktijkmanagement: the insurer's 4 hours per 2,350.
    assert "voor uw 3.100 patiënten max. 15,8 uur per week" in module_row(content, "poh-ggz")
    assert "voor uw 3.100 patiënten max. 5,2 uur per week" in module_row(content, "praktijkmanagement")
    assert "Altijd onderdeel van het contract." in module_row(content, "inschrijving")
    assert re.search(r'<input type="checkbox"[^>]*id="kies-inschrijving"[^>]*checked disabled', content)
    # The estimate updates through htmx, with the CSRF token in the request headers.
    assert f'hx-post="{reverse("offers:estimate", args=[offer.pk])}"' in content
    assert "X-CSRFToken" in content


@time_machine.travel(IN_WINDOW, tick=False)
def test_module_over_cap_shows_the_dutch_message_next_to_it_and_saves_nothing(member_client, offer):
    offer_choose_modules(actor=None, offer=offer, modules=["kwaliteit"])
    response = member_client.post(reverse("offers:choose", args=[offer.pk]), {
        "modules": ["poh-ggz", "kwaliteit"], "uren-poh-ggz": "15,9", "action": "opslaan"})
    assert response.status_code == 200
    content = response.content.decode()
    assert "Controleer de gekozen modules." in text(content)
    assert "POH-GGZ: ten hoogste 15,8 uur per week voor uw 3.100 patiënten (u koos 15,9)." in module_row(
        content, "poh-ggz")
    assert 'aria-invalid="true"' in content
    # The previous choice is untouched.
    assert {c.contract_module.module.code for c in offer.choices.all()} == {"inschrijving", "consult", "kwaliteit"}

    response = member_client.post(reverse("offers:choose", args=[offer.pk]), {
        "modules": ["poh-ggz"], "uren-poh-ggz": "15,8", "action": "opslaan"})
    assert response.status_code == 302
    saved = {c.contract_module.module.code: c.hours for c in offer.choices.all()}
    assert saved == {"inschrijving": None, "consult": None, "poh-ggz": Decimal("15.80")}


# The contract of build_contract for 3,100 patients: inschrijving € 17,00 × 3,100 × 4 = € 210.800 (always in);
# POH-GGZ € 3.900 per weekly hour; praktijkmanagement € 2.500 per weekly hour; kwaliteit € 1.500.
MANDATORY_ONLY = Decimal("210800.00")


def test_estimate_endpoint_returns_the_amounts_for_the_ticked_modules(member_client, offer):
    url = reverse("offers:estimate", args=[offer.pk])
    response = member_client.post(url, {"modules": ["poh-ggz", "kwaliteit"], "uren-poh-ggz": "10"},
                                  HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    content = response.content.decode()
    expected = MANDATORY_ONLY + 10 * Decimal("3900") + Decimal("1500")  # 251.300
    assert estimate_total(content) == expected
    with translation.override("nl"):
        assert f"€ {number_format(expected, 2, force_grouping=True)}" in text(content)
    assert "Consult huisarts" in text(content) and "Hangt af van het aantal consulten" in text(content)
    assert "<html" not in content  # a partial, for htmx to swap in
    # Over the cap: said next to the module and left out of the total.
    content = member_client.post(url, {"modules": ["poh-ggz"], "uren-poh-ggz": "16"}).content.decode()
    assert "Meer dan het plafond van 15,8 uur per week" in text(content)
    assert estimate_total(content) == MANDATORY_ONLY
    assert not ModuleChoice.objects.exists()


def test_bereken_without_javascript_shows_the_estimate_and_saves_nothing(member_client, offer):
    response = member_client.post(reverse("offers:choose", args=[offer.pk]), {
        "modules": ["praktijkmanagement"], "uren-praktijkmanagement": "5", "action": "bereken"})
    assert response.status_code == 200
    assert estimate_total(response.content.decode()) == MANDATORY_ONLY + 5 * Decimal("2500")
    assert not ModuleChoice.objects.exists()


@pytest.fixture
def contract_2026(market, purchaser, year2027):
    contract_year_ensure(actor=None, year=2026)
    set_nza_tariffs(2026, {"inschrijving": "17.50", "consult": "10.50", "poh-ggz": "4000.00"})
    modules = {m.code: m for m in Module.objects.all()}
    contract = standard_contract_create(actor=purchaser, insurer=market["preferent"], first_year=2026,
                                        title="Huisartsenzorg 2026", now=ams(2025, 8, 1, 12, 0))
    standard_contract_set_module(actor=purchaser, contract=contract, module=modules["inschrijving"], tariff="16.00")
    standard_contract_set_module(actor=purchaser, contract=contract, module=modules["consult"], tariff="10.50")
    standard_contract_set_module(actor=purchaser, contract=contract, module=modules["poh-ggz"], tariff="3900.00",
                                 conditions="Alleen met een POH-GGZ in loondienst.")
    standard_contract_set_module(actor=purchaser, contract=contract, module=modules["meer-tijd"], tariff="5.00")
    return standard_contract_publish(actor=purchaser, contract=contract, now=ams(2025, 9, 1, 12, 0))


def test_changes_against_last_years_contract_module_by_module(member_client, contract_2026, offer):
    content = page_html(member_client, reverse("offers:detail", args=[offer.pk]))
    section = text(re.search(r'<section[^>]*aria-labelledby="changes-heading">(.*?)</section>', content, re.S)
                   .group(1))
    assert "Vergeleken met ‘Huisartsenzorg 2026’ (2026)" in section
    assert "Inschrijving op naam (inschrijftarief) per ingeschreven patiënt per kwartaal € 16,00 € 17,00 " \
           "Tarief hoger: +€ 1,00 (+6,3%)" in section
    assert "Consult huisarts per consult € 10,50 € 10,50 Ongewijzigd" in section
    assert "POH-GGZ per uur per week, per jaar € 3.900,00 € 3.900,00 Voorwaarden gewijzigd" in section
    assert "Was: Alleen met een POH-GGZ in loondienst." in section
    assert "Praktijkmanagement per uur per week, per jaar – € 2.500,00 Nieuwe module" in section
    assert "Meer tijd voor de patiënt per ingeschreven patiënt per jaar € 5,00 – Vervallen" in section


def test_without_last_years_contract_the_comparison_says_so(member_client, offer):
    body = text(page_html(member_client, reverse("offers:detail", args=[offer.pk])))
    assert "Er is geen gepubliceerd contract van Preferente Verzekeraar voor 2026 om mee te vergelijken." in body


def test_latest_published_policy_version_is_shown(member_client, offer, purchaser, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from contracting.services import policy_attach, policy_publish, policy_save_draft

    settings.MEDIA_ROOT = tmp_path
    policy = policy_save_draft(actor=purchaser, insurer=offer.insurer, year=2027, title="Inkoopbeleid 2027",
                               body="Eerste alinea.")
    policy_publish(actor=purchaser, policy=policy, now=ams(2026, 3, 1, 9, 0))
    policy_attach(actor=purchaser, policy=policy,
                  upload=SimpleUploadedFile("rekenmodel.pdf", b"%PDF-1.4 rekenmodel", "application/pdf"))
    policy_save_draft(actor=purchaser, insurer=offer.insurer, year=2027, title="Inkoopbeleid 2027",
                      body="Eerste alinea.\n\nNieuwe alinea over POH-GGZ.")
    policy_publish(actor=purchaser, policy=policy, now=ams(2026, 3, 20, 9, 0))
    body = text(page_html(member_client, reverse("offers:detail", args=[offer.pk])))
    assert "versie 2, gepubliceerd op 20 maart 2026" in body
    assert "Tekst: 0 alinea's gewijzigd, 1 toegevoegd, 0 verwijderd." in body
    assert "Nieuwe alinea over POH-GGZ." in body
    assert "Bijlage toegevoegd: rekenmodel.pdf." in body
    assert "rekenmodel.pdf (PDF, 19 bytes)" in body


def test_the_policy_text_on_the_offer_page_is_rendered_as_on_every_other_page(member_client, offer, purchaser):
    from contracting.services import policy_publish, policy_save_draft

    policy = policy_save_draft(actor=purchaser, insurer=offer.insurer, year=2027, title="Inkoopbeleid 2027",
                               body="# Uitgangspunten\n\nWij kopen in:\n\n- POH-GGZ\n- Kwaliteit\n\n<b>vet</b>")
    policy_publish(actor=purchaser, policy=policy, now=ams(2026, 3, 1, 9, 0))
    content = page_html(member_client, reverse("offers:detail", args=[offer.pk]))
    section = content.split('id="policy-heading"')[1].split("</section>")[0]
    assert '<h3 class="utrecht-heading-3">Uitgangspunten</h3>' in section
    assert '<li class="utrecht-unordered-list__item">POH-GGZ</li>' in section
    assert "# Uitgangspunten" not in section and "- POH-GGZ" not in section
    assert "&lt;b&gt;vet&lt;/b&gt;" in section and "<b>" not in section  # escaped, never markup


def test_question_shows_due_date_then_late_flag_then_answer(member_client, offer, member, purchaser):
    with time_machine.travel(IN_WINDOW, tick=False):
        response = member_client.post(reverse("offers:ask", args=[offer.pk]), {"text": "Telt de POH-GGZ-opleiding?"})
        assert response.status_code == 302
        body = text(page_html(member_client, reverse("offers:detail", args=[offer.pk])))
    # Thursday 15 October + 5 working days: Thursday 22 October.
    assert "antwoord uiterlijk 22 oktober 2026 nog 7 dagen" in body
    with time_machine.travel(ams(2026, 10, 23, 9, 0), tick=False):
        body = text(page_html(member_client, reverse("offers:detail", args=[offer.pk])))
        assert "antwoord uiterlijk 22 oktober 2026 1 dag te laat" in body
        question_answer(actor=purchaser, question=offer.requests.get(kind="question"), answer="Ja, die telt.",
                        now=ams(2026, 10, 23, 9, 0))
        body = text(page_html(member_client, reverse("offers:detail", args=[offer.pk])))
    assert "Beantwoord te laat beantwoord" in body
    assert "Ja, die telt." in body


@time_machine.travel(IN_WINDOW, tick=False)
def test_detail_query_count_does_not_grow_with_questions_and_follow_requests(member_client, signed_offer, member,
                                                                             signatory, market, purchaser):
    url = reverse("offers:detail", args=[signed_offer.pk])
    page_html(member_client, url)  # the first visit also records the opening

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            page_html(member_client, url)
        return len(queries)

    few = count()
    for n in range(4):
        question_ask(actor=member, offer=signed_offer, text=f"Vraag {n}", now=IN_WINDOW)
    follow_requests_create(actor=signatory, offer=signed_offer,
                           insurers=[market["other"], *InsurerFactory.create_batch(3)], now=IN_WINDOW)
    for n in range(3):
        addendum_propose(actor=purchaser, offer=signed_offer, kind="maatwerk", title=f"Addendum {n}", text="Tekst.",
                         changes=[{"module": "kwaliteit", "tariff": f"{1600 + n}"}], effective_from=date(2027, 3, 1))
    # session, user, memberships, offer, contract modules, signature, questions, policy version, last year's
    # contract, follow requests, signing window, the header's unread count, the contract's addenda, the
    # practice's care groups.
    assert count() == few
    assert few <= 13, f"{few} queries"


@time_machine.travel(IN_WINDOW, tick=False)
def test_detail_of_an_open_offer_has_a_fixed_query_count(member_client, offer, member, contract_2026):
    offer_choose_modules(actor=member, offer=offer, modules=CHOICE)
    url = reverse("offers:detail", args=[offer.pk])
    page_html(member_client, url)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            page_html(member_client, url)
        return len(queries)

    few = count()
    for n in range(4):
        question_ask(actor=member, offer=offer, text=f"Vraag {n}", now=IN_WINDOW)
    # session, user, memberships, offer, contract modules, module choices, questions, contract content,
    # policy version, last year's contract and its modules, signing window, the header's unread count, the
    # practice's care groups.
    assert count() == few
    assert few <= 14, f"{few} queries"


# --- Signing --------------------------------------------------------------------------------------------
def _sign_form(client, offer) -> dict:
    content = page_html(client, reverse("offers:sign", args=[offer.pk]))
    digest = re.search(r'name="digest" value="([0-9a-f]{64})"', content).group(1)
    return {"digest": digest, "confirm": "on"}


@time_machine.travel(IN_WINDOW, tick=False)
def test_signatory_signs_with_a_valid_code_and_sees_the_hash(signatory_client, signatory, offer):
    offer_choose_modules(actor=signatory, offer=offer, modules=CHOICE)
    content = page_html(signatory_client, reverse("offers:sign", args=[offer.pk]))
    body = text(content)
    assert "Dit ondertekent u" in body
    assert "POH-GGZ € 3.900,00 per uur per week, per jaar 15,8 € 61.620,00" in body
    assert 'name="token"' in content  # the session is not yet two-factor verified

    data = _sign_form(signatory_client, offer) | {"token": code_for(TOTPDevice.objects.get(user=signatory))}
    response = signatory_client.post(reverse("offers:sign", args=[offer.pk]), data, follow=True)
    signature = Signature.objects.get(offer=offer)
    assert signature.signed_by == signatory and signature.signed_at == IN_WINDOW
    assert {m["code"] for m in signature.content["modules"]} == {
        "inschrijving", "consult", "poh-ggz", "praktijkmanagement", "kwaliteit"}
    assert response.redirect_chain[-1][0] == reverse("offers:receipt", args=[offer.pk])
    body = text(response.content.decode())
    assert signature.content_hash in body
    assert "Ondertekend op 15 oktober 2026, 10:00:00 (Nederlandse tijd)" in body
    assert reverse("offers:pdf", args=[offer.pk]) in response.content.decode()
    assert reverse("offers:print", args=[offer.pk]) in response.content.decode()
    # The session is now verified; the print view shows the same hash, without the portal's navigation.
    assert signatory_client.session[DEVICE_ID_SESSION_KEY]
    printable = page_html(signatory_client, reverse("offers:print", args=[offer.pk]))
    assert signature.content_hash in printable and "portal-nav" not in printable
    # The print rules are a stylesheet of their own (no inline <style> under the Content-Security-Policy).
    assert '<link rel="stylesheet" href="/static/css/print.css">' in printable
    assert "@media print" in (Path(settings.BASE_DIR) / "static" / "css" / "print.css").read_text()


@time_machine.travel(IN_WINDOW, tick=False)
def test_wrong_code_is_refused_and_nothing_is_signed(signatory_client, signatory, offer):
    data = _sign_form(signatory_client, offer) | {"token": wrong_code_for(TOTPDevice.objects.get(user=signatory))}
    response = signatory_client.post(reverse("offers:sign", args=[offer.pk]), data)
    assert response.status_code == 400
    assert "Deze code klopt niet" in text(response.content.decode())
    assert not Signature.objects.exists()
    assert Offer.objects.get(pk=offer.pk).status == Offer.Status.OPEN


@time_machine.travel(IN_WINDOW, tick=False)
def test_the_code_on_the_signing_page_is_on_record_with_its_purpose(signatory_client, signatory, offer):
    device = TOTPDevice.objects.get(user=signatory)
    data = _sign_form(signatory_client, offer)
    signatory_client.post(reverse("offers:sign", args=[offer.pk]), data | {"token": wrong_code_for(device)})
    failed = AuditEvent.objects.get(verb="accounts.two_factor.failed")
    assert (failed.actor, failed.after) == (signatory, {"purpose": "signing", "reason": "invalid_otp"})

    with time_machine.travel(IN_WINDOW + timedelta(seconds=5), tick=False):
        response = signatory_client.post(reverse("offers:sign", args=[offer.pk]), data | {"token": code_for(device)})
    assert response.status_code == 302
    verified = AuditEvent.objects.get(verb="accounts.two_factor.verified")
    assert (verified.actor, verified.object_id) == (signatory, str(device.pk))
    assert verified.after == {"purpose": "signing", "device": device.persistent_id}
    assert Signature.objects.filter(offer=offer).exists()


def test_a_throttled_device_cannot_sign_even_with_the_right_code(signatory_client, signatory, offer):
    device = TOTPDevice.objects.get(user=signatory)
    url = reverse("offers:sign", args=[offer.pk])
    with time_machine.travel(IN_WINDOW, tick=False):
        data = _sign_form(signatory_client, offer)
        signatory_client.post(url, data | {"token": wrong_code_for(device)})
    # A second wrong code once the first second has passed; now the device waits 2 seconds.
    with time_machine.travel(IN_WINDOW + timedelta(seconds=1), tick=False):
        signatory_client.post(url, data | {"token": wrong_code_for(device)})
        response = signatory_client.post(url, data | {"token": code_for(device)})
    assert response.status_code == 400
    assert "U heeft te vaak een verkeerde code ingevoerd. Wacht 2 seconden" in text(response.content.decode())
    assert not Signature.objects.exists()
    device.refresh_from_db()
    assert device.throttling_failure_count == 2
    reasons = list(AuditEvent.objects.filter(verb="accounts.two_factor.failed").order_by("pk")
                   .values_list("after__reason", flat=True))
    assert reasons == ["invalid_otp", "invalid_otp", "otp_throttled"]


@time_machine.travel(IN_WINDOW, tick=False)
def test_a_verified_session_signs_without_a_new_code(signatory_client, signatory, offer):
    session = signatory_client.session
    session[DEVICE_ID_SESSION_KEY] = TOTPDevice.objects.get(user=signatory).persistent_id
    session.save()
    content = page_html(signatory_client, reverse("offers:sign", args=[offer.pk]))
    assert 'name="token"' not in content
    data = _sign_form(signatory_client, offer)
    response = signatory_client.post(reverse("offers:sign", args=[offer.pk]), data)
    assert response.status_code == 302
    # No module choice was saved: the mandatory modules alone are signed.
    assert {m["code"] for m in Signature.objects.get().content["modules"]} == {"inschrijving", "consult"}


@time_machine.travel(IN_WINDOW, tick=False)
def test_a_choice_changed_after_the_review_is_not_signed_unseen(signatory_client, signatory, offer):
    data = _sign_form(signatory_client, offer) | {"token": code_for(TOTPDevice.objects.get(user=signatory))}
    offer_choose_modules(actor=signatory, offer=offer, modules=["kwaliteit"])  # a colleague, meanwhile
    response = signatory_client.post(reverse("offers:sign", args=[offer.pk]), data)
    assert response.status_code == 400
    assert "De modulekeuze is intussen gewijzigd" in text(response.content.decode())
    assert not Signature.objects.exists()


@time_machine.travel(IN_WINDOW, tick=False)
def test_after_a_changed_choice_the_page_shows_the_new_content_and_signs_it_once_confirmed(signatory_client,
                                                                                          signatory, offer):
    data = _sign_form(signatory_client, offer) | {"token": code_for(TOTPDevice.objects.get(user=signatory))}
    offer_choose_modules(actor=signatory, offer=offer, modules=["kwaliteit"])  # a colleague, meanwhile
    response = signatory_client.post(reverse("offers:sign", args=[offer.pk]), data)
    content = response.content.decode()
    assert "De modulekeuze is intussen gewijzigd" in text(content)
    assert "Kwaliteit (NHG-accreditatie)" in text(content.split('id="confirm-heading"')[0])  # the new preview
    fresh = re.search(r'name="digest" value="([0-9a-f]{64})"', content).group(1)
    assert fresh != data["digest"]
    assert 'name="token"' not in content  # the code was accepted; this session is verified
    response = signatory_client.post(reverse("offers:sign", args=[offer.pk]), {"digest": fresh, "confirm": "on"})
    assert response.status_code == 302
    assert {m["code"] for m in Signature.objects.get(offer=offer).content["modules"]} == {
        "inschrijving", "consult", "kwaliteit"}


@time_machine.travel(IN_WINDOW, tick=False)
def test_forgetting_the_tick_does_not_sign(signatory_client, signatory, offer):
    data = _sign_form(signatory_client, offer) | {"token": code_for(TOTPDevice.objects.get(user=signatory))}
    del data["confirm"]
    response = signatory_client.post(reverse("offers:sign", args=[offer.pk]), data)
    assert response.status_code == 400
    assert "Vink aan dat u de inhoud heeft gelezen" in text(response.content.decode())
    assert not Signature.objects.exists()


@time_machine.travel(IN_WINDOW, tick=False)
def test_non_signatory_sees_who_can_sign_and_notifies_them_once(member_client, signatory, offer):
    signatory.full_name = "Dr. Tekenbevoegd"
    signatory.save()
    content = page_html(member_client, reverse("offers:sign", args=[offer.pk]))
    body = text(content)
    assert ("Alleen een tekenbevoegde van uw organisatie kan dit contract ondertekenen, uiterlijk 7 november 2026"
            in body)
    assert "Dr. Tekenbevoegd" in body
    assert 'name="confirm"' not in content and 'name="token"' not in content

    url = reverse("offers:notify_signatories", args=[offer.pk])
    response = member_client.post(url, follow=True)
    assert "Melding verstuurd aan Dr. Tekenbevoegd." in text(response.content.decode())
    response = member_client.post(url, follow=True)
    assert "U heeft Dr. Tekenbevoegd hierover al een melding gestuurd." in text(response.content.decode())
    notice = Notification.objects.get(user=signatory)
    assert notice.url == reverse("offers:sign", args=[offer.pk])
    assert "Anna Assistent" in notice.body
    assert not Signature.objects.exists()


@pytest.mark.parametrize("moment, message", [
    (ams(2026, 9, 30, 23, 59, 59),
     "Ondertekenen kan nog niet. Dat kan van 1 oktober 2026 (00:00 uur) tot en met 7 november 2026 (23:59 uur)."),
    (ams(2026, 11, 8, 0, 0, 0),
     "De ondertekentermijn is gesloten. Ondertekenen kon van 1 oktober 2026 tot en met 7 november 2026 (23:59 uur)."),
])
def test_outside_the_window_there_is_a_message_and_no_signature(signatory_client, signatory, offer, moment, message):
    with time_machine.travel(moment, tick=False):
        content = page_html(signatory_client, reverse("offers:sign", args=[offer.pk]))
        assert message in text(content)
        assert 'name="confirm"' not in content
        response = signatory_client.post(reverse("offers:sign", args=[offer.pk]), {
            "confirm": "on", "digest": "0" * 64, "token": code_for(TOTPDevice.objects.get(user=signatory))})
    assert response.status_code == 409
    assert message in text(response.content.decode())
    assert not Signature.objects.exists()


@time_machine.travel(ams(2026, 11, 7, 23, 59, 59), tick=False)
def test_the_last_second_of_7_november_still_signs(signatory_client, signatory, offer):
    data = _sign_form(signatory_client, offer) | {"token": code_for(TOTPDevice.objects.get(user=signatory))}
    assert signatory_client.post(reverse("offers:sign", args=[offer.pk]), data).status_code == 302
    assert Signature.objects.filter(offer=offer).exists()


# --- Refusing -------------------------------------------------------------------------------------------
@time_machine.travel(IN_WINDOW, tick=False)
def test_only_a_signatory_refuses_and_only_after_confirming(client, member, signatory, offer):
    url = reverse("offers:refuse", args=[offer.pk])
    client.force_login(member)
    assert client.post(url, {"confirm": "on"}).status_code == 403
    client.force_login(signatory)
    response = client.post(url, {"reason": "Tarieven te laag."})
    assert response.status_code == 400
    assert "Vink aan dat u het aanbod wilt weigeren." in text(response.content.decode())
    assert Offer.objects.get(pk=offer.pk).status == Offer.Status.OPEN
    response = client.post(url, {"reason": "Tarieven te laag.", "confirm": "on"})
    assert response.status_code == 302
    offer.refresh_from_db()
    assert (offer.status, offer.refusal_reason) == (Offer.Status.REFUSED, "Tarieven te laag.")
    body = text(page_html(client, reverse("offers:detail", args=[offer.pk])))
    assert "Dit aanbod is op 15 oktober 2026 geweigerd. Reden: Tarieven te laag." in body


# --- Volgen ---------------------------------------------------------------------------------------------
@time_machine.travel(IN_WINDOW, tick=False)
def test_follow_screen_offers_the_contract_to_each_chosen_insurer(member_client, signed_offer, market):
    third = InsurerFactory(name="Derde Verzekeraar")
    InsurerFactory(name="Vierde Verzekeraar")
    content = page_html(member_client, reverse("offers:follow", args=[signed_offer.pk]))
    body = text(content)
    assert "Verre Verzekeraar — 40% marktaandeel" in body
    assert "Derde Verzekeraar — marktaandeel onbekend" in body
    assert f'value="{market["preferent"].pk}"' not in content  # the own insurer is not offered
    assert "Zij besluiten uiterlijk 31 december 2026 nog 77 dagen" in body

    response = member_client.post(reverse("offers:follow", args=[signed_offer.pk]),
                                  {"insurers": [market["other"].pk, third.pk]}, follow=True)
    requests = FollowRequest.objects.filter(offer=signed_offer)
    assert sorted(r.insurer.name for r in requests) == ["Derde Verzekeraar", "Verre Verzekeraar"]
    body = text(response.content.decode())
    assert "Uw contract is aangeboden aan Verre Verzekeraar, Derde Verzekeraar." in body
    assert "Derde Verzekeraar Wacht op besluit besluit uiterlijk 31 december 2026" in body

    # Already asked: shown as such, and asking again creates nothing.
    content = page_html(member_client, reverse("offers:follow", args=[signed_offer.pk]))
    assert f'name="insurers" value="{third.pk}"' not in content
    member_client.post(reverse("offers:follow", args=[signed_offer.pk]), {"insurers": [third.pk]})
    assert FollowRequest.objects.filter(offer=signed_offer).count() == 2


@time_machine.travel(IN_WINDOW, tick=False)
def test_follow_needs_a_choice_and_a_signed_contract(member_client, offer, market):
    response = member_client.post(reverse("offers:follow", args=[offer.pk]), {"insurers": [market["other"].pk]})
    assert response.status_code == 302  # not signed yet: back to the offer, nothing sent
    assert response.url == reverse("offers:detail", args=[offer.pk])
    assert not FollowRequest.objects.exists()


@time_machine.travel(IN_WINDOW, tick=False)
def test_follow_without_a_choice_says_so(member_client, signed_offer):
    response = member_client.post(reverse("offers:follow", args=[signed_offer.pk]), {})
    assert response.status_code == 400
    assert "Kies ten minste één verzekeraar." in text(response.content.decode())


@time_machine.travel(ams(2026, 12, 10, 9, 0), tick=False)
def test_decisions_on_follow_requests_show_on_the_offer(client, member, signed_offer, signatory, market,
                                                       other_purchaser):
    from contracting.services import follow_request_decide

    client.force_login(member)  # a session started at the real time would have expired by December
    [request] = follow_requests_create(actor=signatory, offer=signed_offer, insurers=[market["other"]],
                                       now=ams(2026, 11, 1, 9, 0))
    follow_request_decide(actor=other_purchaser, follow_request=request, decision="partial",
                          not_followed=["kwaliteit"], explanation="Wij kopen kwaliteit anders in.",
                          now=ams(2026, 12, 10, 9, 0))
    body = text(page_html(client, reverse("offers:detail", args=[signed_offer.pk])))
    assert "Verre Verzekeraar Gedeeltelijk gevolgd besloten op 10 december 2026" in body
    assert "Niet gevolgd: Kwaliteit (NHG-accreditatie)" in body
    assert "Toelichting: Wij kopen kwaliteit anders in." in body
