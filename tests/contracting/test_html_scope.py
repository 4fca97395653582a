"""Who sees what on the HTML side, mirroring the API matrix of test_api_contracting.py: every HTML page that takes
an object id answers 404 to every other organisation's people (a login redirect to the anonymous) and 200 to the
object's own; follow decisions show only to those the API shows them to; an unsigned module choice shows to the
holder's people alone."""

import html as htmllib
import re
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.models import Role
from contracting.services import (
    follow_request_decide,
    follow_requests_create,
    offer_choose_modules,
    offer_sign,
)
from tests.contracting.conftest import CHOICE, IN_WINDOW, ams
from tests.factories import (
    UserFactory,
    make_member,
)

EXPLANATION = "Wij kopen kwaliteit anders in."


def text(content: str) -> str:
    inline_dropped = re.sub(r"</?(strong|span|time|a|em|data|code)\b[^>]*>", "", content)
    return " ".join(htmllib.unescape(re.sub(r"<[^>]+>", " ", inline_dropped)).split())


def get(client, user, url: str, status: int = 200) -> str:
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == status, (url, user.email, response.status_code)
    return response.content.decode() if not hasattr(response, "streaming_content") else ""


# --- 1. Follow decisions: the API's rule on every page ----------------------------------------------------------
@pytest.fixture
def decided(signed_offer, signatory, market, other_purchaser):
    """The practice offered its signed preferent contract to the other insurer, which followed it in part."""
    [request] = follow_requests_create(actor=signatory, offer=signed_offer, insurers=[market["other"]],
                                       now=IN_WINDOW)
    follow_request_decide(actor=other_purchaser, follow_request=request, decision="partial",
                          not_followed=["kwaliteit"], explanation=EXPLANATION, now=ams(2026, 11, 10, 9, 0))
    return request


@pytest.mark.parametrize("name", ["offers:detail", "offers:receipt"])
@time_machine.travel(ams(2026, 11, 12, 9, 0), tick=False)
def test_the_insurer_of_the_signed_offer_sees_no_other_insurers_decisions(client, decided, purchaser, name):
    url = reverse(name, args=[decided.offer_id])
    body = text(get(client, purchaser, url))
    assert "Ondertekend" in body or "Bewijs van ondertekening" in body
    assert EXPLANATION not in body
    assert "Gedeeltelijk gevolgd" not in body
    assert "Niet gevolgd:" not in body
    assert "Verre Verzekeraar" not in body
    # The API agrees: the follow request is not found for this purchaser.
    api = APIClient()
    api.force_login(purchaser)
    assert api.get(f"/api/v1/follow-requests/{decided.pk}/").status_code == 404


@pytest.mark.parametrize("name", ["offers:detail", "offers:receipt", "offers:list"])
@time_machine.travel(ams(2026, 11, 12, 9, 0), tick=False)
def test_the_holders_people_see_every_decision(client, decided, signatory, name):
    url = reverse(name) + "?jaar=2027" if name == "offers:list" else reverse(name, args=[decided.offer_id])
    body = text(get(client, signatory, url))
    assert "Verre Verzekeraar" in body and "Gedeeltelijk gevolgd" in body
    if name != "offers:list":
        assert f"Toelichting: {EXPLANATION}" in body


@time_machine.travel(ams(2026, 11, 12, 9, 0), tick=False)
def test_the_nza_sees_the_decisions_as_over_the_api(client, decided):
    nza = make_member(Role.NZA_ANALYST)
    body = text(get(client, nza, reverse("offers:detail", args=[decided.offer_id])))
    assert f"Toelichting: {EXPLANATION}" in body


# --- 2. An unsigned choice is the holder's alone --------------------------------------------------------------
def _viewer(kind: str, purchaser):
    if kind == "purchaser":
        return purchaser
    if kind == "superuser":
        return UserFactory(is_superuser=True, is_staff=True)
    return make_member({"nza": Role.NZA_ANALYST, "administrator": Role.ADMINISTRATOR}[kind])


# inschrijving 17.00 x 3,100 x 4 (mandatory); consult depends on production.
MANDATORY_ONLY = Decimal("210800.00")
# ... + POH-GGZ 3,900 x 15.8 + praktijkmanagement 2,500 x 5 + kwaliteit 1,500
WITH_CHOICE = Decimal("286420.00")


def estimate_total(content: str) -> Decimal:
    return Decimal(re.search(r'class="offers-estimate-total" value="([^"]+)"', content).group(1))


@pytest.mark.parametrize("kind", ["nza", "administrator", "superuser", "purchaser"])
@time_machine.travel(IN_WINDOW, tick=False)
def test_an_unsigned_choice_is_shown_to_the_holder_alone(client, offer, signatory, purchaser, kind):
    offer_choose_modules(actor=signatory, offer=offer, modules=CHOICE)
    viewer = _viewer(kind, purchaser)
    api = APIClient()
    api.force_login(viewer)
    assert api.get(f"/api/v1/offers/{offer.pk}/").json()["chosen_modules"] == []
    content = get(client, viewer, reverse("offers:detail", args=[offer.pk]))
    assert estimate_total(content) == MANDATORY_ONLY
    assert "uur per week gekozen" not in text(content)
    assert "15,8 uur/week" not in text(content)

    # The holder sees its own choice, on both sides.
    api.force_login(signatory)
    assert len(api.get(f"/api/v1/offers/{offer.pk}/").json()["chosen_modules"]) == 5
    assert estimate_total(get(client, signatory, reverse("offers:detail", args=[offer.pk]))) == WITH_CHOICE

    # Once signed, the choice is the signed content, which they all may read.
    offer_sign(actor=signatory, offer=offer, now=IN_WINDOW, modules=CHOICE, two_factor_verified=True)
    api.force_login(viewer)
    assert len(api.get(f"/api/v1/offers/{offer.pk}/").json()["chosen_modules"]) == 5
    assert "15,8" in text(get(client, viewer, reverse("offers:detail", args=[offer.pk])))
