"""The insurer purchaser's screens (/inkoop/) and the NZa tariff screen, as a purchaser, a practice user and an
NZa analyst use them."""

import re
from decimal import Decimal

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Membership, Role
from contracting.forms.insurer import parse_amount
from contracting.models import ContractModule, FollowRequest, Module, NzaMaxTariff, Offer, Request, StandardContract
from contracting.services import (
    follow_requests_create,
    milestones_sweep,
    offer_mark_opened,
    offers_create_for_preferent,
    policy_attach,
    policy_save_draft,
    question_ask,
)
from insurers.models import PolicyVersion
from tests.contracting.conftest import IN_WINDOW, ams, build_contract
from tests.factories import InsurerFactory, PracticeFactory, make_member
from tests.helpers import page_html_as, text

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def nza_analyst(db):
    return make_member(Role.NZA_ANALYST, None, email="analist@nza.example")


@pytest.fixture
def draft_contract(market, nza_tariffs, purchaser):
    return build_contract(market["preferent"], purchaser, publish=False)


# --- Who may use the screens ---------------------------------------------------------------------------------
def test_anonymous_is_sent_to_login(client, db):
    response = client.get(reverse("purchasing:dashboard"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


@pytest.mark.parametrize("name", ["purchasing:dashboard", "purchasing:inbox", "purchasing:contract_new"])
def test_practice_users_and_nza_analysts_may_not_use_the_purchaser_screens(client, practice_user, nza_analyst,
                                                                           name):
    for user in (practice_user, nza_analyst):
        page_html_as(client, user, reverse(name), status=403)
    page_html_as(client, practice_user, reverse("purchasing:policy", args=[2027]), status=403)


def test_another_insurers_objects_are_not_found(client, purchaser, other_purchaser, market, nza_tariffs,
                                                follow_request, signatory, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    theirs = build_contract(market["other"], other_purchaser, publish=False)
    policy = policy_save_draft(actor=other_purchaser, insurer=market["other"], year=2027, title="Beleid Ver",
                               body="Tekst.")
    attachment = policy_attach(actor=other_purchaser, policy=policy, upload=SimpleUploadedFile("ver.pdf", PDF))
    client.force_login(other_purchaser)
    with time_machine.travel(ams(2026, 3, 1, 10, 0), tick=False):
        client.post(reverse("purchasing:policy_publish", args=[2027]), {"confirm": "on"})
    version = PolicyVersion.objects.get(policy=policy)
    draft_only = policy_attach(actor=other_purchaser, policy=policy,
                               upload=SimpleUploadedFile("concept.pdf", PDF + b"concept"))
    question = question_ask(actor=signatory, offer=follow_request.offer, text="Vraag aan Pref", now=IN_WINDOW)

    # `purchaser` buys for the preferent insurer: the other insurer's contract, policy and follow request are
    # not found; the question about its own offer is.
    client.force_login(purchaser)
    for url in [
        reverse("purchasing:contract_edit", args=[theirs.pk]),
        reverse("purchasing:contract_preview", args=[theirs.pk]),
        reverse("purchasing:contract_publish", args=[theirs.pk]),
        reverse("purchasing:policy_version", args=[version.pk]),
        reverse("policies:attachment", args=[draft_only.pk]),
        reverse("purchasing:follow_request", args=[follow_request.pk]),
    ]:
        assert client.get(url).status_code == 404, url
    # What the other insurer published is public, its attachments included.
    assert b"".join(client.get(reverse("policies:attachment", args=[attachment.pk])).streaming_content) == PDF
    assert client.post(reverse("purchasing:contract_edit", args=[theirs.pk]),
                       {"action": "general", "title": "Gekaapt", "term_years": 1}).status_code == 404
    assert client.get(reverse("purchasing:dashboard"), {"insurer": market["other"].pk}).status_code == 404
    assert client.get(reverse("purchasing:question", args=[question.pk])).status_code == 200

    client.force_login(other_purchaser)
    assert client.get(reverse("purchasing:question", args=[question.pk])).status_code == 404
    assert client.get(reverse("purchasing:follow_request", args=[follow_request.pk])).status_code == 200
    assert (b"".join(client.get(reverse("policies:attachment", args=[draft_only.pk])).streaming_content)
            == PDF + b"concept")
    theirs.refresh_from_db()
    assert theirs.title == "Huisartsenzorg 2027"


def test_a_purchaser_of_two_insurers_picks_one_and_the_choice_sticks(client, market, year2027):
    user = make_member(Role.INSURER_PURCHASER, market["preferent"], email="twee@petten.example")
    Membership.objects.create(user=user, role=Role.INSURER_PURCHASER, insurer=market["other"])
    assert "Zorginkoop Preferente Verzekeraar" in text(page_html_as(client, user, reverse("purchasing:dashboard")))
    html = page_html_as(client, user, reverse("purchasing:dashboard"), insurer=market["other"].pk)
    assert "Zorginkoop Verre Verzekeraar" in text(html)
    assert "Zorginkoop Verre Verzekeraar" in text(page_html_as(client, user, reverse("purchasing:dashboard")))
    page_html_as(client, user, reverse("purchasing:dashboard"), status=404, insurer=InsurerFactory().pk)
    page_html_as(client, user, reverse("purchasing:dashboard"), status=404, insurer="abc")


# --- NZa maximum tariffs -------------------------------------------------------------------------------------
def test_nza_analyst_sets_maximum_tariffs_and_purchasers_may_not(client, nza_analyst, purchaser, year2027):
    url = reverse("purchasing:nza_tariffs") + "?year=2027"
    inschrijving = Module.objects.get(code="inschrijving")
    consult = Module.objects.get(code="consult")
    field = f"module_{inschrijving.pk}"

    page_html_as(client, purchaser, url, status=403)
    assert client.post(url, {field: "18,00"}).status_code == 403
    assert not NzaMaxTariff.objects.exists()

    html = page_html_as(client, nza_analyst, url)
    assert "Inschrijving op naam" in html and "Consult huisarts" in html
    assert "Kwaliteit" not in text(html)  # free tariffs have no NZa maximum
    response = client.post(url, {field: "18,00", f"module_{consult.pk}": "10.50"})
    assert response.status_code == 302
    assert NzaMaxTariff.objects.get(module=inschrijving, year=2027).max_tariff == Decimal("18.00")
    assert NzaMaxTariff.objects.get(module=consult, year=2027).max_tariff == Decimal("10.50")
    assert 'value="18,00"' in page_html_as(client, nza_analyst, url)


def test_one_refused_nza_tariff_saves_none(client, nza_analyst, year2027):
    url = reverse("purchasing:nza_tariffs") + "?year=2027"
    inschrijving = Module.objects.get(code="inschrijving")
    consult = Module.objects.get(code="consult")
    client.force_login(nza_analyst)
    response = client.post(url, {f"module_{inschrijving.pk}": "18,00", f"module_{consult.pk}": "0"})
    assert response.status_code == 200
    assert "Een maximumtarief is groter dan € 0." in text(response.content.decode())
    assert not NzaMaxTariff.objects.exists()


# --- Purchasing policy ---------------------------------------------------------------------------------------
def test_dashboard_counts_down_to_1_april_and_then_says_late(client, purchaser, year2027):
    with time_machine.travel(ams(2026, 3, 20, 10, 0), tick=False):
        assert "nog 12 dagen tot 1 april" in text(page_html_as(client, purchaser, reverse("purchasing:dashboard")))
    with time_machine.travel(ams(2026, 4, 1, 23, 0), tick=False):
        assert "Vandaag (1 april) is de laatste dag." in text(page_html_as(client, purchaser,
                                                                           reverse("purchasing:dashboard")))
    with time_machine.travel(ams(2026, 4, 2, 0, 0), tick=False):
        page_text = text(page_html_as(client, purchaser, reverse("purchasing:dashboard")))
    assert "te laat gepubliceerd" in page_text
    assert "tot 1 april" not in page_text


def test_publishing_the_policy_makes_versions_and_a_late_one_is_flagged(client, purchaser, year2027):
    url = reverse("purchasing:policy", args=[2027])
    client.force_login(purchaser)
    body = "# Inleiding\n\nWij kopen zorg in.\n\n- POH-GGZ\n- Kwaliteit\n\n<script>alert(1)</script>"
    response = client.post(url, {"action": "save", "title": "Inkoopbeleid 2027", "body": body})
    assert response.status_code == 302
    html = client.get(url).content.decode()
    # The preview renders the simple formatting and escapes everything else.
    assert '<h4 class="utrecht-heading-4">Inleiding</h4>' in html
    assert '<li class="utrecht-unordered-list__item">POH-GGZ</li>' in html
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html

    publish_url = reverse("purchasing:policy_publish", args=[2027])
    with time_machine.travel(ams(2026, 3, 20, 10, 0), tick=False):
        assert "Op tijd" in text(client.get(publish_url).content.decode())
        assert client.post(publish_url, {}).status_code == 200  # the confirmation box is required
        assert not PolicyVersion.objects.exists()
        assert client.post(publish_url, {"confirm": "on"}).status_code == 302
    v1 = PolicyVersion.objects.get()
    assert (v1.number, v1.is_late, v1.change_summary) == (1, False, "Eerste publicatie.")

    client.post(url, {"action": "save", "title": "Inkoopbeleid 2027",
                      "body": body.replace("Wij kopen zorg in.", "Wij kopen zorg in, meerjarig.")})
    html = client.get(url).content.decode()
    assert "vergeleken met gepubliceerde versie 1" in text(html)
    assert "<ins>" in html and "meerjarig." in html

    with time_machine.travel(ams(2026, 4, 2, 9, 0), tick=False):
        assert "te laat gepubliceerd" in text(client.get(publish_url).content.decode())
        response = client.post(publish_url, {"confirm": "on"}, follow=True)
    assert "als te laat geregistreerd" in text(response.content.decode())
    v2 = PolicyVersion.objects.get(number=2)
    assert v2.is_late
    assert "Tekst: 1 alinea gewijzigd" in v2.change_summary

    html = client.get(url).content.decode()
    versions = text(html).split("Gepubliceerde versies", 1)[1]
    assert "Versie 2" in versions and "te laat gepubliceerd" in versions and "Eerste publicatie." in versions
    version_page = text(client.get(reverse("purchasing:policy_version", args=[v2.pk])).content.decode())
    assert "te laat gepubliceerd" in version_page and "Verschil met versie 1" in version_page


@pytest.mark.parametrize(("name", "content", "message"), [
    ("beleid.docx", b"PK\x03\x04 word", "‘beleid.docx’ is geen PDF."),
    ("nep.pdf", b"PK\x03\x04 not a pdf", "‘nep.pdf’ is geen geldig PDF-bestand."),
])
def test_uploading_something_else_than_a_pdf_shows_why(client, purchaser, market, year2027, name, content, message,
                                                        settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    policy = policy_save_draft(actor=purchaser, insurer=market["preferent"], year=2027, title="Beleid", body="x")
    client.force_login(purchaser)
    response = client.post(reverse("purchasing:policy", args=[2027]),
                           {"action": "attach", "file": SimpleUploadedFile(name, content)})
    assert response.status_code == 200
    assert message in text(response.content.decode())
    assert not policy.attachments.exists()


def test_a_pdf_is_attached_and_can_be_removed_from_the_draft(client, purchaser, market, year2027, settings,
                                                             tmp_path):
    settings.MEDIA_ROOT = tmp_path
    policy = policy_save_draft(actor=purchaser, insurer=market["preferent"], year=2027, title="Beleid", body="x")
    client.force_login(purchaser)
    url = reverse("purchasing:policy", args=[2027])
    response = client.post(url, {"action": "attach", "file": SimpleUploadedFile("rekenmodel.pdf", PDF)}, follow=True)
    assert "Bijlage ‘rekenmodel.pdf’ is toegevoegd." in text(response.content.decode())
    attachment = policy.attachments.get()
    response = client.post(url, {"action": "detach", "attachment": attachment.pk}, follow=True)
    assert "Bijlage ‘rekenmodel.pdf’ is uit het concept gehaald." in text(response.content.decode())
    attachment.refresh_from_db()
    assert attachment.removed_from_draft
    assert "rekenmodel.pdf" not in text(client.get(url).content.decode()).split("Voorbeeld")[0]


@pytest.mark.parametrize(("typed", "amount"), [
    ("17,50", "17.50"), ("17.50", "17.50"), ("€ 1.234,56", "1234.56"), ("4.000", "4000"), ("1,234.56", "1234.56"),
    ("12.5", "12.5"),
])
def test_amounts_are_read_as_dutch_and_international_users_type_them(typed, amount):
    assert parse_amount(typed) == Decimal(amount)


# --- Contract builder ----------------------------------------------------------------------------------------
def test_builder_shows_the_nza_maximum_beside_s1_prestaties(client, purchaser, draft_contract):
    html = text(page_html_as(client, purchaser, reverse("purchasing:contract_edit", args=[draft_contract.pk])))
    assert "NZa-max € 17,50" in html and "NZa-max € 4.000,00" in html
    assert "Van 3 tot 6 uur per week per 2.350 patiënten" in html  # praktijkmanagement's cap range


def test_a_tariff_above_the_nza_maximum_is_refused_and_nothing_is_saved(client, purchaser, draft_contract):
    url = reverse("purchasing:contract_edit", args=[draft_contract.pk])
    client.force_login(purchaser)
    response = client.post(url, {"action": "module", "module": "inschrijving", "m-inschrijving-include": "on",
                                 "m-inschrijving-tariff": "18,00", "m-inschrijving-conditions": "Nieuw"})
    assert response.status_code == 200
    assert ("Het tarief voor Inschrijving op naam (inschrijftarief) (€ 18,00) ligt boven het NZa-maximumtarief "
            "voor 2027 (€ 17,50).") in text(response.content.decode())
    cm = ContractModule.objects.get(standard_contract=draft_contract, module__code="inschrijving")
    assert (cm.tariff, cm.conditions) == (Decimal("17.00"), "")


def test_modules_are_added_changed_and_removed_one_at_a_time(client, purchaser, draft_contract):
    url = reverse("purchasing:contract_edit", args=[draft_contract.pk])
    client.force_login(purchaser)
    response = client.post(url, {"action": "module", "module": "poh-s", "m-poh-s-include": "on",
                                 "m-poh-s-tariff": "1.234,50", "m-poh-s-conditions": "Per fte"})
    assert response.status_code == 302 and response.url.endswith("#module-poh-s")
    cm = ContractModule.objects.get(standard_contract=draft_contract, module__code="poh-s")
    assert (cm.tariff, cm.conditions) == (Decimal("1234.50"), "Per fte")

    response = client.post(url, {"action": "module", "module": "praktijkmanagement",
                                 "m-praktijkmanagement-include": "on", "m-praktijkmanagement-tariff": "2500",
                                 "m-praktijkmanagement-cap_hours": "7"})
    assert "ligt tussen 3 en 6 uur per week per 2.350 patiënten" in text(response.content.decode())
    assert ContractModule.objects.get(standard_contract=draft_contract,
                                      module__code="praktijkmanagement").cap_hours == Decimal("4.00")

    client.post(url, {"action": "module", "module": "kwaliteit", "m-kwaliteit-tariff": "1500"})
    assert not ContractModule.objects.filter(standard_contract=draft_contract, module__code="kwaliteit").exists()


def test_a_module_saved_with_htmx_swaps_only_that_module(client, purchaser, draft_contract):
    client.force_login(purchaser)
    response = client.post(reverse("purchasing:contract_edit", args=[draft_contract.pk]),
                           {"action": "module", "module": "consult", "m-consult-include": "on",
                            "m-consult-tariff": "11,00"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith("<form") and 'id="module-consult"' in html
    assert "<html" not in html and "boven het NZa-maximumtarief" in text(html)


def test_preview_shows_what_a_practice_of_2350_patients_sees(client, purchaser, draft_contract):
    html = text(page_html_as(client, purchaser, reverse("purchasing:contract_preview", args=[draft_contract.pk])))
    assert "praktijk met 2.350 ingeschreven patiënten" in html
    assert "max. 12 uur per week voor 2.350 patiënten" in html  # POH-GGZ
    assert "max. 4 uur per week voor 2.350 patiënten" in html  # praktijkmanagement, capped by the insurer
    assert "€ 159.800,00" in html  # inschrijving: 17.00 x 2,350 x 4


@time_machine.travel(ams(2026, 9, 10, 10, 0), tick=False)
def test_publishing_sends_offers_and_makes_the_builder_read_only(client, purchaser, draft_contract, market):
    for _ in range(2):
        PracticeFactory(region=market["region"])
    url = reverse("purchasing:contract_publish", args=[draft_contract.pk])
    html = text(page_html_as(client, purchaser, url))
    assert "Er gaan 2 aanbiedingen uit naar de praktijken waar u preferent bent." in html
    assert "uiterlijk 15 september 2026" in html

    response = client.post(url, {"confirm": "on"}, follow=True)
    assert "2 aanbiedingen zijn verstuurd" in text(response.content.decode())
    draft_contract.refresh_from_db()
    assert draft_contract.status == StandardContract.Status.PUBLISHED and not draft_contract.is_late
    assert Offer.objects.filter(standard_contract=draft_contract).count() == 2

    edit = reverse("purchasing:contract_edit", args=[draft_contract.pk])
    html = client.get(edit).content.decode()
    assert 'name="action"' not in html and "verandert niet meer" in text(html)
    response = client.post(edit, {"action": "module", "module": "inschrijving", "m-inschrijving-include": "on",
                                  "m-inschrijving-tariff": "1"}, follow=True)
    assert "kan niet meer wijzigen" in text(response.content.decode())
    assert ContractModule.objects.get(standard_contract=draft_contract,
                                      module__code="inschrijving").tariff == Decimal("17.00")


@time_machine.travel(ams(2026, 8, 1, 10, 0), tick=False)
def test_new_contract_is_created_for_the_chosen_insurer(client, purchaser, market, year2027):
    client.force_login(purchaser)
    response = client.post(reverse("purchasing:contract_new"),
                           {"title": "Meerjarig", "first_year": 2027, "term_years": 3, "holder_kind": "practice"})
    contract = StandardContract.objects.get(title="Meerjarig")
    assert response.url == reverse("purchasing:contract_edit", args=[contract.pk])
    assert (contract.insurer, contract.term_years) == (market["preferent"], 3)


# --- Inbox and follow requests -------------------------------------------------------------------------------
def test_partial_follow_needs_an_explanation_then_it_is_stored(client, other_purchaser, follow_request):
    url = reverse("purchasing:follow_request", args=[follow_request.pk])
    html = text(page_html_as(client, other_purchaser, url))
    assert "Kwaliteit (NHG-accreditatie)" in html and "€ 1.500,00" in html and "15,8" in html

    with time_machine.travel(ams(2026, 12, 3, 10, 0), tick=False):
        client.force_login(other_purchaser)
        response = client.post(url, {"decision": "partial", "not_followed": ["kwaliteit"], "explanation": ""})
    assert response.status_code == 200
    assert "Licht toe waarom u het contract niet of niet geheel volgt." in text(response.content.decode())
    follow_request.refresh_from_db()
    assert follow_request.status == FollowRequest.Status.PENDING

    with time_machine.travel(ams(2026, 12, 3, 10, 0), tick=False):
        client.force_login(other_purchaser)
        response = client.post(url, {"decision": "partial", "not_followed": ["kwaliteit"],
                                     "explanation": "Wij hebben een eigen kwaliteitsbeleid."}, follow=True)
    follow_request.refresh_from_db()
    assert follow_request.status == FollowRequest.Status.PARTIAL
    assert (follow_request.not_followed, follow_request.explanation) == (["kwaliteit"],
                                                                          "Wij hebben een eigen kwaliteitsbeleid.")
    html = text(response.content.decode())
    assert "Gedeeltelijk gevolgd" in html and "Niet gevolgd: Kwaliteit (NHG-accreditatie)" in html


@time_machine.travel(ams(2026, 10, 30, 10, 0), tick=False)
def test_inbox_puts_overdue_items_first_in_red_and_answers_a_question(client, purchaser, offer, signatory):
    late = question_ask(actor=signatory, offer=offer, text="Oude vraag over POH-GGZ", now=ams(2026, 10, 15, 9, 0))
    fresh = question_ask(actor=signatory, offer=offer, text="Nieuwe vraag over kwaliteit", now=ams(2026, 10, 29, 9))
    html = page_html_as(client, purchaser, reverse("purchasing:inbox"))
    rows = re.findall(r'<tr class="utrecht-table__row[^"]*">(.*?)</tr>', html, flags=re.S)[1:]
    assert "te laat" in text(rows[0]) and "Oude vraag" in text(rows[0])
    assert "te laat" not in text(rows[1]) and "Nieuwe vraag" in text(rows[1])
    assert "portal-row--overdue" in html and "utrecht-status-badge--danger" in rows[0]

    url = reverse("purchasing:question", args=[fresh.pk])
    assert "Oude vraag over POH-GGZ" in text(client.get(url).content.decode())  # the thread's history
    response = client.post(url, {"answer": ""})
    assert "Typ uw antwoord." in text(response.content.decode())
    client.post(url, {"answer": "Ja, dat kan."})
    fresh.refresh_from_db()
    assert (fresh.answer, fresh.answered_by) == ("Ja, dat kan.", purchaser)
    assert "Nieuwe vraag" not in text(client.get(reverse("purchasing:inbox")).content.decode())
    assert late.pk in Request.objects.filter(answered_at__isnull=True).values_list("pk", flat=True)


@time_machine.travel(ams(2026, 12, 1, 10, 0), tick=False)
def test_inbox_shows_the_last_day_to_answer_and_the_days_left(client, purchaser, offer, signatory):
    # Asked on Tuesday 1 December 2026: five working days are 2, 3, 4, 7 and 8 December, so the answer is due
    # by the end of Tuesday 8 December (stored as 00:00 on the 9th), seven days from today.
    question_ask(actor=signatory, offer=offer, text="Vraag over de POH-GGZ", now=ams(2026, 12, 1, 9, 0))
    html = page_html_as(client, purchaser, reverse("purchasing:inbox"))
    row = text(re.findall(r'<tr class="utrecht-table__row[^"]*">(.*?)</tr>', html, flags=re.S)[1])
    # The days-left badge follows the date with no space in the markup (includes/deadline.html), hence " ?".
    assert "8 december 2026 nog 7 dagen" in row, row
    assert "9 december" not in row and "00:00" not in row
    with time_machine.travel(ams(2026, 12, 10, 9, 0), tick=False):
        row = text(re.findall(r'<tr class="utrecht-table__row[^"]*">(.*?)</tr>',
                              page_html_as(client, purchaser, reverse("purchasing:inbox")), flags=re.S)[1])
        assert "8 december 2026 2 dagen te laat" in row, row


# --- Query budgets -------------------------------------------------------------------------------------------
def _count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_dashboard_queries_do_not_grow_with_practices_or_regions(client, purchaser, published_contract, market,
                                                                 signatory, django_assert_num_queries):
    url = reverse("purchasing:dashboard") + "?year=2027"
    client.force_login(purchaser)
    client.get(url)  # warm the session
    small = _count_queries(client, url)

    for _ in range(30):  # practices in 30 new regions, all choosing this insurer as preferent
        PracticeFactory(preferred_insurer=market["preferent"])
    offers_create_for_preferent(contract=published_contract)
    for offer in Offer.objects.filter(standard_contract=published_contract)[:10]:
        asker = make_member(Role.PRACTICE_MEMBER, offer.practice)
        offer_mark_opened(actor=asker, offer=offer, now=IN_WINDOW)
        question_ask(actor=asker, offer=offer, text="Vraag", now=IN_WINDOW)
    html = text(client.get(url).content.decode())
    assert "Totaal 31 10" in html and "Pagina 1 van 2" in html and "10 open vragen" in html
    assert "Ondertekenen kan van 1 oktober tot en met 7 november 2026." in html

    # session, user, memberships, contract years, the year's milestones, draft policy, latest version,
    # contracts with offer counts, the signing aggregate by region id and status (from one index), the names
    # of those regions, unsigned count + page, open questions, the other open requests, pending follow requests,
    # reminders sent, the care groups of the insurer's regions without an offer by 15 July (none here, so no look
    # for negotiations), unread notifications (context processor).
    with django_assert_num_queries(18):
        large = _count_queries(client, url)
    assert large == small


def test_inbox_queries_do_not_grow_with_items(client, market, other_purchaser, signed_offer, signatory,
                                              django_assert_max_num_queries):
    client.force_login(other_purchaser)
    url = reverse("purchasing:inbox")
    client.get(url)
    follow_requests_create(actor=signatory, offer=signed_offer, insurers=[market["other"]], now=IN_WINDOW)
    small = _count_queries(client, url)

    contract = build_contract(market["other"], other_purchaser, now=ams(2026, 9, 2, 12, 0))
    for _ in range(12):
        practice = PracticeFactory(region=market["region"])
        offer = Offer.objects.create(standard_contract=contract, practice=practice, year=2027,
                                     insurer=market["other"], reason=Offer.Reason.REQUESTED)
        question_ask(actor=make_member(Role.PRACTICE_MEMBER, practice), offer=offer, text="Vraag", now=IN_WINDOW)
    html = text(client.get(url).content.decode())
    assert "13 open punten" in html

    # session, user, memberships, count + page of open questions, of the other open requests and of pending
    # follow requests, unread notifications (context processor).
    with django_assert_max_num_queries(10):
        large = _count_queries(client, url)
    assert large == small


def test_dashboard_lists_only_reminders_that_went_out(client, purchaser, published_contract, offer):
    client.force_login(purchaser)
    url = reverse("purchasing:dashboard") + "?year=2027"
    milestones_sweep(now=ams(2026, 10, 24, 9, 0))  # the 14-day reminder, on time
    # The worker was down until 6 November: the 7-day reminder is superseded by the 2-day one, which still goes
    # out (signing is open until the end of 7 November).
    milestones_sweep(now=ams(2026, 11, 6, 12, 0))
    with time_machine.travel(ams(2026, 11, 6, 12, 5), tick=False):
        html = text(client.get(url).content.decode())
    assert "Herinnering: nog 14 dagen om te ondertekenen — verstuurd op" in html
    assert "nog 7 dagen om te ondertekenen — verstuurd" not in html
    assert "nog 2 dagen om te ondertekenen — verstuurd op 6 november 2026, 12:00" in html
