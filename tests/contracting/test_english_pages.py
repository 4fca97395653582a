"""Every role's main pages in English: after the language switch no Dutch sentence is left in the interface.
What organisations write themselves (names, module names from the NZa catalogue, conditions, policy text) stays
as written and is taken out before looking; what is left must be English, with numbers of years, hours and
offers in the right singular or plural."""

import re

import pytest
import time_machine
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import Role, User
from contracting.models import Module, Offer, StandardContract
from contracting.services import (
    contract_year_ensure,
    follow_requests_create,
    offer_choose_modules,
    offer_request,
    offer_sign,
    policy_publish,
    policy_save_draft,
    question_ask,
)
from insurers.models import Insurer
from providers.models import CareGroup, Practice, Region
from tests.contracting.conftest import CHOICE, IN_WINDOW, ams, build_contract
from tests.factories import (
    CareGroupFactory,
    OverlegTeamFactory,
    PracticeFactory,
    UserFactory,
    make_member,
    set_nza_tariffs,
)
from tests.helpers import text

# Words that only Dutch has (none of them is an English word, nor part of a domain term kept in Dutch).
DUTCH_WORDS = {"de", "het", "een", "van", "voor", "niet", "uw", "zijn", "wordt", "naar", "met", "bij", "nog",
               "geen", "dit", "deze", "jaar", "uur", "dagen", "dag", "en", "op", "te", "tot", "ook", "kunt",
               "bekijken", "ondertekenen", "aanbod", "verzekeraar", "zorgverzekeraar", "praktijk", "patiënten",
               "uiterlijk", "gekozen", "vragen", "terug", "volgende", "opslaan", "weigeren", "meldingen",
               "organisaties", "profiel", "uitloggen", "inloggen", "gepubliceerd", "ondertekend", "kalender"}
# Domain terms that stay Dutch in the English interface (ARCHITECTURE.md, Conventions).
DOMAIN_TERMS = ("POH-GGZ", "inschrijftarief", "volgcontract", "Nederlands")


def visible(content: str) -> str:
    """What a reader sees, without scripts, styles and the options of select boxes."""
    content = re.sub(r"(?is)<(script|style)\b.*?</\1>", " ", content)
    content = re.sub(r"(?is)<option\b[^>]*>.*?</option>", " ", content)
    return text(content)


def written_by_organisations() -> list[str]:
    """Everything the portal shows as organisations and people wrote it, longest first."""
    values = [*Practice.objects.values_list("name", flat=True), *Practice.objects.values_list("street", flat=True),
              *Practice.objects.values_list("city", flat=True), *CareGroup.objects.values_list("name", flat=True),
              *Insurer.objects.values_list("name", flat=True), *Region.objects.values_list("name", flat=True),
              *User.objects.values_list("full_name", flat=True), *User.objects.values_list("email", flat=True),
              *Module.objects.values_list("name", flat=True),
              *Module.objects.values_list("description", flat=True),
              *StandardContract.objects.values_list("conditions", flat=True),
              *StandardContract.objects.values_list("adjustment_clause", flat=True),
              "Huisartsenzorg 2027", "Huisartsenzorg 2026", "Beleid Pref", "Ons beleid.",
              "Geldt het plafond per locatie?"]
    return sorted({v for v in values if v}, key=len, reverse=True)


def dutch_left(body: str, data: list[str]) -> list[str]:
    """Each Dutch word left once the organisations' own text is taken out, with the words around it."""
    for value in data:
        body = body.replace(value, " ")
    for term in DOMAIN_TERMS:
        body = body.replace(term, " ")
    # A SHA-256 in hex is no text: its letters between the digits can spell "de" or "een", depending on ids.
    body = re.sub(r"\b[0-9a-f]{64}\b", " ", body)
    words = re.findall(r"[A-Za-zÀ-ÿ]+", body)
    return sorted({" ".join(words[max(0, i - 4):i + 5]) for i, w in enumerate(words) if w.lower() in DUTCH_WORDS})


@pytest.fixture
def world(market, nza_tariffs, practice_3100, signatory, purchaser, other_purchaser, contract_2026):
    member = make_member(Role.PRACTICE_MEMBER, practice_3100, email="medewerker@x.example")
    contract = build_contract(market["preferent"], purchaser, term_years=2)
    signed = contract.offers.get(practice=practice_3100)
    offer_sign(actor=signatory, offer=signed, now=IN_WINDOW, modules=CHOICE, two_factor_verified=True)
    follow_requests_create(actor=signatory, offer=Offer.objects.get(pk=signed.pk), insurers=[market["other"]],
                           now=IN_WINDOW)
    open_offer = offer_request(actor=signatory, practice=practice_3100,
                               contract=build_contract(market["other"], other_purchaser), now=IN_WINDOW)
    offer_choose_modules(actor=member, offer=open_offer, modules=[{"module": "poh-ggz", "hours": "1"}],
                         now=IN_WINDOW)
    question = question_ask(actor=member, offer=signed, text="Geldt het plafond per locatie?", now=IN_WINDOW)
    policy = policy_save_draft(actor=purchaser, insurer=market["preferent"], year=2027, title="Beleid Pref",
                               body="Ons beleid.")
    policy_publish(actor=purchaser, policy=policy, now=ams(2026, 3, 1, 10, 0))
    group = CareGroupFactory(region=market["region"])
    draft = build_contract(market["preferent"], purchaser, publish=False)
    return {"member": member, "signed": signed, "open": open_offer, "question": question, "draft": draft,
            "follow": signed.follow_requests.get(), "group": group,
            "group_member": make_member(Role.CAREGROUP_MEMBER, group, email="medewerker@groep.example"),
            "oth": make_member(Role.OTH_MEMBER, OverlegTeamFactory(region=market["region"],
                                                                   insurer=market["preferent"])),
            "nza": make_member(Role.NZA_ANALYST), "admin": UserFactory(is_superuser=True, is_staff=True)}


@pytest.fixture
def contract_2026(market, purchaser):
    """Last year's one-year contract, built while its year was ahead."""
    with time_machine.travel(ams(2025, 8, 1, 10, 0), tick=False):
        contract_year_ensure(actor=None, year=2026)
        set_nza_tariffs(2026, {"inschrijving": "17.50", "consult": "10.50", "poh-ggz": "4000.00"})
        return build_contract(market["preferent"], purchaser, year=2026, now=ams(2025, 9, 1, 12, 0))


def english_client(client, user):
    if user is not None:
        client.force_login(user)
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        if device:
            session = client.session
            session[DEVICE_ID_SESSION_KEY] = device.persistent_id
            session.save()
    client.post(reverse("set_language"), {"language": "en"})
    return client


def pages_of(role: str, w: dict) -> tuple[object, list[str]]:
    signed, open_offer = w["signed"].pk, w["open"].pk
    practice = w["signed"].practice_id
    if role == "anonymous":
        return None, [reverse("register:index"), reverse("register:year", args=[2027]),
                      reverse("accounts:login"), reverse("accounts:password_reset")]
    if role in ("practice member", "signatory"):
        user = w["member"] if role == "practice member" else User.objects.get(email="tekenbevoegd@praktijk.example")
        return user, ["/", reverse("offers:list"), reverse("offers:detail", args=[signed]),
                      reverse("offers:detail", args=[open_offer]), reverse("offers:receipt", args=[signed]),
                      reverse("offers:print", args=[signed]), reverse("offers:follow", args=[signed]),
                      reverse("offers:sign", args=[open_offer]), reverse("accounts:profile"),
                      reverse("accounts:organisations"), reverse("accounts:practice_detail", args=[practice]),
                      ] + ([reverse("offers:refuse", args=[open_offer])] if role == "signatory" else [])
    if role == "care-group member":
        return w["group_member"], ["/", reverse("offers:list"),
                                   reverse("accounts:care_group_detail", args=[w["group"].pk])]
    if role == "purchaser":
        return User.objects.get(email="inkoper@pref.example"), [
            "/", reverse("purchasing:dashboard"), reverse("purchasing:inbox"),
            reverse("purchasing:policy", args=[2027]),
            reverse("purchasing:contract_new"), reverse("purchasing:contract_edit", args=[w["draft"].pk]),
            reverse("purchasing:contract_preview", args=[w["draft"].pk]),
            reverse("purchasing:contract_publish", args=[w["draft"].pk]),
            reverse("purchasing:question", args=[w["question"].pk]), reverse("offers:detail", args=[signed]),
            reverse("accounts:insurer_detail", args=[w["signed"].insurer_id])]
    if role == "other purchaser":
        return User.objects.get(email="inkoper@ver.example"), [
            reverse("purchasing:follow_request", args=[w["follow"].pk]), reverse("purchasing:inbox")]
    if role == "OTH member":
        return w["oth"], ["/", reverse("accounts:organisations"), reverse("accounts:profile"),
                          reverse("consultations:index")]
    return w[role], ["/", reverse("purchasing:nza_tariffs"), reverse("accounts:organisations"),
                     reverse("offers:detail", args=[signed])]


ROLES = ["anonymous", "practice member", "signatory", "care-group member", "purchaser", "other purchaser",
         "OTH member", "nza", "admin"]


@pytest.mark.parametrize("role", ROLES)
@time_machine.travel(IN_WINDOW, tick=False)
def test_each_roles_main_pages_are_english(client, world, role):
    user, urls = pages_of(role, world)
    client = english_client(client, user)
    data = written_by_organisations()
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        content = response.content.decode()
        assert '<html lang="en">' in content, url
        left = dutch_left(visible(content), data)
        assert not left, f"{role} {url}: Dutch words left: {left}"


@time_machine.travel(IN_WINDOW, tick=False)
def test_numbers_of_years_and_hours_take_singular_and_plural(client, world):
    client = english_client(client, world["member"])
    # Last year's contract ran 1 year, this one 2.
    assert "Term: was 1 year, now 2 years." in visible(client.get(
        reverse("offers:detail", args=[world["signed"].pk])).content.decode())
    # One hour of POH-GGZ chosen on the open offer.
    body = visible(client.get(reverse("offers:detail", args=[world["open"].pk])).content.decode())
    assert "POH-GGZ (1 hour/week)" in body


@time_machine.travel(ams(2026, 12, 1, 10, 0), tick=False)
def test_a_care_group_without_an_offer_reads_english_on_1_december(client, world):
    client = english_client(client, world["group_member"])
    body = visible(client.get(reverse("offers:list")).content.decode())
    assert "No offer for 2027 has come for your care group. Insurers had to send it by 15 July 2026." in body
    assert "The contracting cycle for 2028 starts on 1 January 2027" in body
    assert "15 september" not in body and "uiterlijk" not in body


@pytest.mark.parametrize(("practices", "message"), [
    (1, "The contract has been published; 1 offer has been sent."),
    (2, "The contract has been published; 2 offers have been sent."),
])
def test_offers_sent_take_singular_and_plural(client, market, nza_tariffs, purchaser, practices, message):
    PracticeFactory.create_batch(practices, region=market["region"])
    draft = build_contract(market["preferent"], purchaser, publish=False)
    client = english_client(client, purchaser)
    with time_machine.travel(ams(2026, 9, 1, 12, 0), tick=False):
        response = client.post(reverse("purchasing:contract_publish", args=[draft.pk]), {"confirm": "on"},
                               follow=True)
    assert message in visible(response.content.decode())
