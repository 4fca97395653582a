"""Ids and years typed into a URL or a form are read with core.params.parse_id: '²' is a digit to Python's
str.isdigit() but no number to int(), and such input gets the page's ordinary answer, never a server error."""

import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.models import Role
from contracting.services import policy_attach, policy_save_draft
from core.params import MAX_ID, parse_id
from tests.contracting.conftest import IN_WINDOW
from tests.factories import make_member

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_parse_id_takes_ascii_digits_only():
    assert parse_id("2027") == 2027
    assert parse_id("007") == 7
    assert parse_id(str(MAX_ID)) == MAX_ID
    for raw in ["", " 12", "12 ", "-3", "+3", "0", "1.5", "²", "12²", "١٢", "١٢٣", "x", str(MAX_ID + 1), "9" * 5000,
                None]:
        assert parse_id(raw) is None, raw


@time_machine.travel(IN_WINDOW, tick=False)
def test_a_superscript_year_on_the_offer_list_shows_the_default_year(client, offer, practice_3100):
    client.force_login(make_member(Role.PRACTICE_MEMBER, practice_3100))
    response = client.get(reverse("offers:list"), {"jaar": "²"})
    assert response.status_code == 200
    assert "Uw contracten voor 2027" in response.content.decode()


def test_a_superscript_insurer_on_the_api_register_is_a_400_with_a_message(year2027):
    response = APIClient().get("/api/v1/register/2027/", {"insurer": "²"})
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert body["fields"]["insurer"] == ["Geef het id van een zorgverzekeraar."]


def test_a_superscript_attachment_id_is_not_found_and_detaches_nothing(client, purchaser, market, year2027,
                                                                       settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    policy = policy_save_draft(actor=purchaser, insurer=market["preferent"], year=2027, title="Beleid", body="x")
    attachment = policy_attach(actor=purchaser, policy=policy, upload=SimpleUploadedFile("rekenmodel.pdf", PDF))
    client.force_login(purchaser)
    response = client.post(reverse("purchasing:policy", args=[2027]), {"action": "detach", "attachment": "²"})
    assert response.status_code == 404
    attachment.refresh_from_db()
    assert not attachment.removed_from_draft


def test_a_superscript_insurer_or_year_on_the_purchaser_screens_is_handled(client, purchaser, year2027):
    client.force_login(purchaser)
    assert client.get(reverse("purchasing:dashboard"), {"insurer": "²"}).status_code == 404
    assert client.get(reverse("purchasing:dashboard"), {"year": "²"}).status_code == 200
