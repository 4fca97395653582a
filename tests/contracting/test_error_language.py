"""A business rule's refusal is told in the user's language: the services' PortalError details and field
errors are translated at the moment they are raised, so an API client sending `Accept-Language: en` and a
browser switched to English read English, and everyone else the Dutch default."""


import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from accounts.models import Role
from contracting.models import Signature
from contracting.services import offer_choose_modules
from tests.contracting.conftest import IN_WINDOW, ams
from tests.contracting.test_api_contracting import client_for, verified_client_for
from tests.factories import PracticeFactory, make_member
from tests.helpers import text

AFTER_WINDOW = ams(2026, 11, 8, 0, 0, 0)
OVER_CAP = [{"module": "poh-ggz", "hours": 16}]


@pytest.fixture
def member(practice_3100):
    return make_member(Role.PRACTICE_MEMBER, practice_3100, email="assistent@praktijk.example")


def sign(client, offer, modules, **headers):
    return client.post(f"/api/v1/offers/{offer.pk}/sign/", {"modules": modules}, format="json", **headers)


def error(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.content
    body = response.json()
    assert body["code"] == code, body
    return body


@time_machine.travel(AFTER_WINDOW, tick=False)
def test_signing_after_the_window_is_refused_in_the_language_asked(offer, signatory):
    client = verified_client_for(signatory)

    english = error(sign(client, offer, ["kwaliteit"], HTTP_ACCEPT_LANGUAGE="en"), 409, "signing_window_closed")
    dutch = error(sign(client, offer, ["kwaliteit"]), 409, "signing_window_closed")

    assert english["detail"] == ("The signing period has closed: signing was possible up to and including "
                                 "7 November 2026.")
    assert dutch["detail"] == "De ondertekentermijn is gesloten: ondertekenen kon tot en met 7 november 2026."
    assert not Signature.objects.exists()


@time_machine.travel(ams(2026, 9, 30, 23, 59, 59), tick=False)
def test_signing_before_the_window_is_refused_in_the_language_asked(offer, signatory):
    body = error(sign(verified_client_for(signatory), offer, ["kwaliteit"], HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9"),
                 409, "signing_window_not_open")
    assert body["detail"] == "Signing is possible from 1 October 2026."


@time_machine.travel(IN_WINDOW, tick=False)
def test_a_module_over_its_cap_is_a_field_error_in_the_language_asked(offer, signatory):
    client = verified_client_for(signatory)

    english = error(sign(client, offer, OVER_CAP, HTTP_ACCEPT_LANGUAGE="en"), 400, "module_over_cap")
    dutch = error(sign(client, offer, OVER_CAP), 400, "module_over_cap")

    assert english["detail"] == "Check the chosen modules."
    assert english["fields"] == {"modules": {"poh-ggz": [
        "POH-GGZ: at most 15.8 hours per week for your 3,100 patients (you chose 16)."]}}
    assert dutch["detail"] == "Controleer de gekozen modules."
    assert dutch["fields"] == {"modules": {"poh-ggz": [
        "POH-GGZ: ten hoogste 15,8 uur per week voor uw 3.100 patiënten (u koos 16)."]}}
    assert not Signature.objects.exists()


@time_machine.travel(IN_WINDOW, tick=False)
def test_the_error_code_does_not_depend_on_the_wording(offer, member):
    """The code was once told apart by looking for "ten hoogste" in the Dutch message; in English a module
    over its cap must still be module_over_cap, and a missing number of hours invalid_modules."""
    client = client_for(member)
    url = f"/api/v1/offers/{offer.pk}/choose/"
    for language in ("en", "nl"):
        over = client.post(url, {"modules": OVER_CAP}, format="json", HTTP_ACCEPT_LANGUAGE=language)
        error(over, 400, "module_over_cap")
        missing = client.post(url, {"modules": [{"module": "poh-ggz"}, "onbekend"]}, format="json",
                              HTTP_ACCEPT_LANGUAGE=language)
        fields = error(missing, 400, "invalid_modules")["fields"]["modules"]
        if language == "en":
            assert fields == {"poh-ggz": ["Enter the number of hours per week for POH-GGZ."],
                              "onbekend": ["This module is not part of this contract."]}
        else:
            assert fields == {"poh-ggz": ["Vul het aantal uren per week in voor POH-GGZ."],
                              "onbekend": ["Deze module hoort niet bij dit contract."]}
    assert not offer.choices.exists()


@time_machine.travel(IN_WINDOW, tick=False)
def test_practice_screen_shows_the_refusal_in_english_after_the_language_switch(client, member, offer):
    offer_choose_modules(actor=None, offer=offer, modules=["kwaliteit"])
    client.force_login(member)
    detail = reverse("offers:detail", args=[offer.pk])
    response = client.post(reverse("set_language"), {"language": "en", "next": detail})
    assert response.status_code == 302

    response = client.post(reverse("offers:choose", args=[offer.pk]), {
        "modules": ["poh-ggz", "kwaliteit"], "uren-poh-ggz": "15,9", "action": "opslaan"})

    assert response.status_code == 200
    page = text(response.content.decode())
    assert "Check the chosen modules." in page  # the django message at the top of the page
    assert "POH-GGZ: at most 15.8 hours per week for your 3,100 patients (you chose 15.9)." in page
    assert "ten hoogste" not in page
    assert {c.contract_module.module.code for c in offer.choices.all()} == {"inschrijving", "consult", "kwaliteit"}

    client.post(reverse("set_language"), {"language": "nl", "next": detail})
    response = client.post(reverse("offers:choose", args=[offer.pk]), {
        "modules": ["poh-ggz", "kwaliteit"], "uren-poh-ggz": "15,9", "action": "opslaan"})
    assert "POH-GGZ: ten hoogste 15,8 uur per week voor uw 3.100 patiënten (u koos 15,9)." in text(
        response.content.decode())


def test_invalid_input_is_told_in_the_language_asked(offer):
    stranger = make_member(Role.PRACTICE_MEMBER, PracticeFactory(), email="elders@praktijk.example")
    client = client_for(stranger)

    english = client.post("/api/v1/follow-requests/", {"offer": "geen getal"}, format="json",
                          HTTP_ACCEPT_LANGUAGE="en").json()
    dutch = client.post("/api/v1/follow-requests/", {"offer": "geen getal"}, format="json").json()
    assert (english["code"], english["detail"]) == ("invalid", "The input is not valid.")
    assert dutch["detail"] == "De invoer is niet geldig."



def test_the_no_access_page_speaks_english_after_the_switch(offer, purchaser):
    # The insurer's purchaser may see the offer, but signing is for the practice's own people.
    page = Client()
    page.force_login(purchaser)
    page.post(reverse("set_language"), {"language": "en"})
    response = page.get(reverse("offers:sign", args=[offer.pk]))
    assert response.status_code == 403
    assert "Only staff of the care provider can do this." in text(response.content.decode())
