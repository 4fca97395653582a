"""Rules about what a year's signing fixes: a purchasing-policy version published while offers are signed does
not replace what signed practices saw, and after signing closes nothing new is published for the year; the NZa
cannot lower a maximum under a tariff already published; no new contract for a closed year. Each rule in its
service, with the pages showing what the service would say."""

import re
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Notification, Role
from contracting.models import ContractModule, Module, NzaMaxTariff, Offer, Signature, StandardContract
from contracting.pdf import signed_contract_pdf
from contracting.services import (
    contract_year_ensure,
    follow_requests_create,
    nza_tariff_set,
    offer_sign,
    policy_publish,
    policy_save_draft,
    standard_contract_create,
)
from core.errors import ConflictError, PortalError
from core.models import AuditEvent
from insurers.models import PolicyVersion
from tests.contracting.conftest import CHOICE, IN_WINDOW, ams, build_contract
from tests.contracting.test_pdf import page_text
from tests.factories import CareGroupFactory, PracticeFactory, make_member
from tests.helpers import page_html_as, text

AFTER_CLOSE = ams(2026, 11, 8, 0, 0)  # signing for 2027 closed at the end of 7 November 2026


@pytest.fixture
def member(practice_3100):
    return make_member(Role.PRACTICE_MEMBER, practice_3100, email="assistent@praktijk.example")


@pytest.fixture
def nza_analyst(db):
    return make_member(Role.NZA_ANALYST, None, email="analist@nza.example")


@pytest.fixture
def policy_v1(market, year2027, purchaser):
    policy = policy_save_draft(actor=purchaser, insurer=market["preferent"], year=2027, title="Inkoopbeleid 2027",
                               body="Wij contracteren meerjarig.\n\nPOH-GGZ volgens de NZa-norm.")
    policy_publish(actor=purchaser, policy=policy, now=ams(2026, 3, 20, 10, 0))
    return policy


def publish_v2(purchaser, policy, now):
    policy_save_draft(actor=purchaser, insurer=policy.insurer, year=2027, title="Inkoopbeleid 2027",
                      body="Wij contracteren meerjarig.\n\nPOH-GGZ alleen met een tweede locatie.")
    return policy_publish(actor=purchaser, policy=policy, now=now)


# --- 1. A version published while offers are signed ----------------------------------------------------------
def test_a_signed_contract_keeps_the_policy_version_it_was_signed_under(client, policy_v1, offer, signatory,
                                                                       member, purchaser, market):
    offer_sign(actor=signatory, offer=offer, now=IN_WINDOW, modules=CHOICE, two_factor_verified=True)
    v2 = publish_v2(purchaser, policy_v1, now=ams(2026, 10, 20, 10, 0))
    v1 = PolicyVersion.objects.get(policy=policy_v1, number=1)

    signature = Signature.objects.get(offer=offer)
    assert signature.policy_version == v1
    assert signature.content["policy"] == {
        "id": v1.pk, "number": 1, "title": "Inkoopbeleid 2027", "published_at": v1.published_at.isoformat(),
        "content_hash": v1.content_hash}

    with time_machine.travel(ams(2026, 10, 21, 9, 0), tick=False):
        detail = text(page_html_as(client, member, reverse("offers:detail", args=[offer.pk])))
        receipt = text(page_html_as(client, member, reverse("offers:receipt", args=[offer.pk])))
        printed = text(page_html_as(client, member, reverse("offers:print", args=[offer.pk])))
    assert "versie 1, gepubliceerd op 20 maart 2026" in detail
    assert "Uw contract is ondertekend onder versie 1 van het inkoopbeleid" in detail
    assert "De verzekeraar publiceerde daarna versie 2 (20 oktober 2026)" in detail
    assert "POH-GGZ volgens de NZa-norm." in detail and "tweede locatie" not in detail
    for page in (receipt, printed):
        assert f"Inkoopbeleid bij ondertekening ‘Inkoopbeleid 2027’, versie 1 van 20 maart 2026 inhoudshash " \
               f"{v1.content_hash}" in page
        assert "versie 2" not in page
    drawn = page_text(signed_contract_pdf(signature, compress=False))
    assert "versie 1 van 20 maart 2026" in drawn and v1.content_hash[:16] in drawn

    # The insurer asked to follow sees the same version.
    offer.refresh_from_db()
    follow = follow_requests_create(actor=signatory, offer=offer, insurers=[market["other"]], now=IN_WINDOW)[0]
    other = make_member(Role.INSURER_PURCHASER, market["other"], email="inkoper@ver.example")
    page = text(page_html_as(client, other, reverse("purchasing:follow_request", args=[follow.pk])))
    assert "Inkoopbeleid bij ondertekening ‘Inkoopbeleid 2027’, versie 1 van 20 maart 2026" in page
    assert v2.number == 2


def test_an_open_offer_shows_the_latest_version(client, policy_v1, offer, member, purchaser):
    publish_v2(purchaser, policy_v1, now=ams(2026, 10, 20, 10, 0))
    with time_machine.travel(ams(2026, 10, 21, 9, 0), tick=False):
        detail = text(page_html_as(client, member, reverse("offers:detail", args=[offer.pk])))
    assert "versie 2, gepubliceerd op 20 oktober 2026" in detail and "tweede locatie" in detail


def test_a_version_published_during_signing_notifies_the_holders_of_open_offers_once(
        policy_v1, offer, member, signatory, purchaser, market, published_contract):
    # An open offer of a care group, a signed offer of another practice, an open offer of another insurer.
    care_group = CareGroupFactory(region=market["region"])
    cg_member = make_member(Role.CAREGROUP_MEMBER, care_group, email="zorggroep@example.org")
    Offer.objects.create(standard_contract=published_contract, care_group=care_group, year=2027,
                         insurer=market["preferent"])
    signed_practice = PracticeFactory(region=market["region"], registered_patients=3100)
    signed_signatory = make_member(Role.PRACTICE_SIGNATORY, signed_practice, email="getekend@example.org")
    signed_offer = Offer.objects.create(standard_contract=published_contract, practice=signed_practice, year=2027,
                                        insurer=market["preferent"])
    offer_sign(actor=signed_signatory, offer=signed_offer, now=IN_WINDOW, modules=CHOICE, two_factor_verified=True)
    elsewhere = PracticeFactory(region=market["region"])
    elsewhere_member = make_member(Role.PRACTICE_MEMBER, elsewhere, email="elders@example.org")
    theirs = build_contract(market["other"], now=ams(2026, 9, 2, 12, 0))
    Offer.objects.create(standard_contract=theirs, practice=elsewhere, year=2027, insurer=market["other"])
    gone = make_member(Role.PRACTICE_MEMBER, offer.practice, email="vertrokken@praktijk.example")
    gone.is_active = False
    gone.save()

    v2 = publish_v2(purchaser, policy_v1, now=ams(2026, 10, 20, 10, 0))
    notices = Notification.objects.filter(key=f"policy-version:{v2.pk}")
    assert set(notices.values_list("user__email", flat=True)) == {member.email, signatory.email, cg_member.email}
    notice = notices.get(user=member)
    assert notice.subject == "Nieuwe versie van het inkoopbeleid 2027 van Preferente Verzekeraar"
    assert notice.body.startswith("Preferente Verzekeraar heeft op 20 oktober 2026 versie 2 van het inkoopbeleid "
                                  "2027 gepubliceerd, terwijl uw aanbod nog openstaat.")
    assert notice.url == reverse("policies:insurer_year", args=["pref", 2027])
    assert AuditEvent.objects.get(verb="insurers.policy.published", after__number=2).after["notified"] == 3

    # Publishing the same text again makes no version and no notice; notices per person stay one.
    assert policy_publish(actor=purchaser, policy=policy_v1, now=ams(2026, 10, 21, 10, 0)) == v2
    assert Notification.objects.filter(key__startswith="policy-version:").count() == 3
    assert not Notification.objects.filter(user__in=[signed_signatory, elsewhere_member, gone],
                                            key__startswith="policy-version:").exists()


def test_a_version_published_before_signing_opens_notifies_nobody(policy_v1, offer, member, purchaser):
    publish_v2(purchaser, policy_v1, now=ams(2026, 9, 20, 10, 0))
    assert not Notification.objects.filter(key__startswith="policy-version:").exists()


def test_after_signing_has_closed_no_new_version_is_published_for_that_year(client, policy_v1, purchaser, offer,
                                                                            member):
    policy_save_draft(actor=purchaser, insurer=policy_v1.insurer, year=2027, title="Inkoopbeleid 2027",
                      body="Een late wijziging.")
    with pytest.raises(ConflictError) as exc:
        policy_publish(actor=purchaser, policy=policy_v1, now=AFTER_CLOSE)
    assert exc.value.code == "policy_year_closed"
    assert exc.value.detail == (
        "De ondertekentermijn voor 2027 is gesloten (ondertekenen kon tot en met 7 november 2026). Een nieuwe "
        "versie van het inkoopbeleid voor 2027 kan niet meer worden gepubliceerd: de contracten zijn gesloten op "
        "het beleid dat toen gold.")
    assert list(PolicyVersion.objects.values_list("number", flat=True)) == [1]
    assert not Notification.objects.filter(key__startswith="policy-version:").exists()

    # The pages say so before the purchaser tries, and offer no button.
    with time_machine.travel(AFTER_CLOSE, tick=False):
        edit = page_html_as(client, purchaser, reverse("purchasing:policy", args=[2027]))
        confirm = page_html_as(client, purchaser, reverse("purchasing:policy_publish", args=[2027]))
        response = client.post(reverse("purchasing:policy_publish", args=[2027]), {"confirm": "on"})
    assert "kan niet meer worden gepubliceerd" in text(edit)
    assert reverse("purchasing:policy_publish", args=[2027]) not in edit
    assert "kan niet meer worden gepubliceerd" in text(confirm)
    assert "Publiceren kan nog" not in text(confirm) and 'type="submit"' not in confirm.split("<main", 1)[1]
    assert "U publiceert het opgeslagen concept" not in text(confirm)
    assert response.status_code == 200
    assert list(PolicyVersion.objects.values_list("number", flat=True)) == [1]


def test_the_first_version_after_close_is_refused_too(market, year2027, purchaser):
    policy = policy_save_draft(actor=purchaser, insurer=market["preferent"], year=2027, title="Beleid", body="Laat.")
    with pytest.raises(ConflictError):
        policy_publish(actor=purchaser, policy=policy, now=AFTER_CLOSE)
    assert not PolicyVersion.objects.exists()


# --- 2. NZa maxima and published tariffs ---------------------------------------------------------------------
def test_the_nza_cannot_lower_a_maximum_below_a_published_tariff(published_contract, market, purchaser):
    inschrijving = Module.objects.get(code="inschrijving")  # maximum 17.50, the contract pays 17.00
    build_contract(market["other"], now=ams(2026, 9, 2, 12, 0))  # also 17.00
    draft = build_contract(market["preferent"], purchaser, publish=False)
    ContractModule.objects.filter(standard_contract=draft, module=inschrijving).update(tariff=Decimal("17.40"))

    with pytest.raises(PortalError) as exc:
        nza_tariff_set(actor=None, module=inschrijving, year=2027, max_tariff="16.00")
    assert exc.value.code == "nza_max_below_contract"
    assert exc.value.detail == (
        "Het maximumtarief voor Inschrijving op naam (inschrijftarief) in 2027 kan niet lager worden dan € 17,00: "
        "de gepubliceerde standaardcontracten ‘Huisartsenzorg 2027’ (Preferente Verzekeraar, € 17,00), "
        "‘Huisartsenzorg 2027’ (Verre Verzekeraar, € 17,00) hebben een hoger tarief.")
    assert exc.value.fields == {"max_tariff": ["Ten minste € 17,00."]}
    assert NzaMaxTariff.objects.get(module=inschrijving, year=2027).max_tariff == Decimal("17.50")

    # Down to the published tariff is allowed (a draft's higher tariff is checked when it is published).
    assert nza_tariff_set(actor=None, module=inschrijving, year=2027, max_tariff="17.00").max_tariff == Decimal("17")
    assert nza_tariff_set(actor=None, module=inschrijving, year=2027, max_tariff="18.00").max_tariff == Decimal("18")


def test_a_multi_year_contract_holds_the_maxima_of_every_year_it_covers(market, nza_tariffs, purchaser):
    build_contract(market["preferent"], purchaser, term_years=2)  # 2027–2028, inschrijving 17.00
    contract_year_ensure(actor=None, year=2028)
    inschrijving = Module.objects.get(code="inschrijving")
    with pytest.raises(PortalError) as exc:
        nza_tariff_set(actor=None, module=inschrijving, year=2028, max_tariff="16.50")
    assert "in 2028 kan niet lager worden dan € 17,00: het gepubliceerde standaardcontract ‘Huisartsenzorg " \
           "2027’ (Preferente Verzekeraar, € 17,00) heeft een hoger tarief." in exc.value.detail
    assert not NzaMaxTariff.objects.filter(year=2028).exists()
    contract_year_ensure(actor=None, year=2029)
    assert nza_tariff_set(actor=None, module=inschrijving, year=2029, max_tariff="16.50")  # not covered


def test_the_nza_screen_shows_why_beside_the_tariff_and_saves_nothing(client, nza_analyst, published_contract):
    inschrijving = Module.objects.get(code="inschrijving")
    consult = Module.objects.get(code="consult")
    client.force_login(nza_analyst)
    response = client.post(reverse("purchasing:nza_tariffs") + "?year=2027",
                           {f"module_{inschrijving.pk}": "16,00", f"module_{consult.pk}": "11,00"})
    assert response.status_code == 200
    html = response.content.decode()
    error = re.search(rf'id="id_module_{inschrijving.pk}_error">(.*?)</div>', html, re.S).group(1)
    assert "kan niet lager worden dan € 17,00" in text(error)
    assert "Niets is opgeslagen" in text(html)
    assert dict(NzaMaxTariff.objects.filter(year=2027).values_list("module__code", "max_tariff")) == {
        "inschrijving": Decimal("17.50"), "consult": Decimal("10.50"), "poh-ggz": Decimal("4000.00"),
        "specifieke-verrichtingen": Decimal("30.00")}


# --- 3. No new contract for a closed year ---------------------------------------------------------------------
def test_no_draft_contract_for_a_year_whose_signing_has_closed(client, market, year2027, purchaser):
    with pytest.raises(ConflictError) as exc:
        standard_contract_create(actor=purchaser, insurer=market["preferent"], first_year=2027, title="Te laat",
                                 now=AFTER_CLOSE)
    assert exc.value.code == "signing_window_closed"
    assert not StandardContract.objects.exists()

    url = reverse("purchasing:contract_new")
    with time_machine.travel(AFTER_CLOSE, tick=False):
        html = page_html_as(client, purchaser, url)
        assert "Er is geen contractjaar waarvoor nog ondertekend kan worden" in text(html)
        assert 'name="first_year"' not in html
        contract_year_ensure(actor=None, year=2028)
        html = page_html_as(client, purchaser, url)
        options = re.findall(r'<option value="(\d+)"', html.split('name="first_year"', 1)[1].split("</select>")[0])
        assert options == ["2028"]
        response = client.post(url, {"title": "Te laat", "first_year": 2027, "term_years": 1,
                                     "holder_kind": "practice"})
        assert response.status_code == 200
        assert not StandardContract.objects.exists()
        client.post(url, {"title": "Op tijd", "first_year": 2028, "term_years": 1, "holder_kind": "practice"})
    assert StandardContract.objects.get().first_year == 2028


def test_the_new_contract_page_reads_every_years_window_at_once(client, market, year2027, purchaser):
    def page_queries() -> tuple[int, list[str]]:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse("purchasing:contract_new"))
        select = response.content.decode().split('name="first_year"', 1)[1].split("</select>")[0]
        return len(queries), re.findall(r'<option value="(\d+)"', select)

    with time_machine.travel(AFTER_CLOSE, tick=False):  # 2027's signing has closed
        client.force_login(purchaser)
        contract_year_ensure(actor=None, year=2028)
        one_open, options = page_queries()
        assert options == ["2028"]
        for year in (2029, 2030, 2031):
            contract_year_ensure(actor=None, year=year)
        queries, options = page_queries()
    assert options == ["2028", "2029", "2030", "2031"]
    assert queries == one_open  # not one query per year


def test_the_publish_page_says_what_the_service_would(client, market, nza_tariffs, purchaser):
    draft = build_contract(market["preferent"], purchaser, publish=False)
    url = reverse("purchasing:contract_publish", args=[draft.pk])
    with time_machine.travel(ams(2026, 10, 2, 10, 0), tick=False):  # late, but signing is still open
        html = text(page_html_as(client, purchaser, url))
    assert "Publiceren kan nog, maar wordt als te laat geregistreerd." in html
    assert "Publiceren en aanbiedingen versturen" in html

    with time_machine.travel(AFTER_CLOSE, tick=False):
        html = text(page_html_as(client, purchaser, url))
        response = client.post(url, {"confirm": "on"})
    assert "Publiceren kan nog" not in html and "Publiceren en aanbiedingen versturen" not in html
    assert "De ondertekentermijn voor 2027 is voorbij; een contract voor dat jaar kan niet meer worden gemaakt " \
           "of gepubliceerd." in html
    assert response.status_code == 200
    draft.refresh_from_db()
    assert draft.status == StandardContract.Status.DRAFT and not Offer.objects.exists()

    empty = standard_contract_create(actor=purchaser, insurer=market["preferent"], first_year=2027, title="Leeg",
                                     now=ams(2026, 8, 1, 10, 0))
    with time_machine.travel(ams(2026, 9, 1, 10, 0), tick=False):
        html = text(page_html_as(client, purchaser, reverse("purchasing:contract_publish", args=[empty.pk])))
    assert "Voeg eerst modules aan het contract toe." in html
    assert "Publiceren en aanbiedingen versturen" not in html
