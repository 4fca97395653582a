"""Who sees what on the HTML side, mirroring the API matrix of test_api_contracting.py: every HTML page that takes
an object id answers 404 to every other organisation's people (a login redirect to the anonymous) and 200 to the
object's own; follow decisions show only to those the API shows them to; an unsigned module choice shows to the
holder's people alone."""

import re
from decimal import Decimal

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.models import Notification, Role
from contracting.models import FollowRequest, Offer, Request, StandardContract
from contracting.services import (
    follow_request_decide,
    follow_requests_create,
    offer_choose_modules,
    offer_request,
    offer_sign,
    policy_attach,
    policy_publish,
    policy_save_draft,
    question_ask,
)
from tests.contracting.conftest import CHOICE, IN_WINDOW, ams, build_contract
from tests.factories import (
    CareGroupFactory,
    InsurerFactory,
    MarketShareFactory,
    OverlegTeamFactory,
    PracticeFactory,
    UserFactory,
    enrol_totp,
    make_member,
)
from tests.helpers import client_for, page_html_as, text

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
EXPLANATION = "Wij kopen kwaliteit anders in."


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
    body = text(page_html_as(client, purchaser, url))
    assert "Ondertekend" in body or "Bewijs van ondertekening" in body
    assert EXPLANATION not in body
    assert "Gedeeltelijk gevolgd" not in body
    assert "Niet gevolgd:" not in body
    assert "Verre Verzekeraar" not in body
    # The API agrees: the follow request is not found for this purchaser.
    api = client_for(purchaser)
    assert api.get(f"/api/v1/follow-requests/{decided.pk}/").status_code == 404


@pytest.mark.parametrize("name", ["offers:detail", "offers:receipt", "offers:list"])
@time_machine.travel(ams(2026, 11, 12, 9, 0), tick=False)
def test_the_holders_people_see_every_decision(client, decided, signatory, name):
    url = reverse(name) + "?jaar=2027" if name == "offers:list" else reverse(name, args=[decided.offer_id])
    body = text(page_html_as(client, signatory, url))
    assert "Verre Verzekeraar" in body and "Gedeeltelijk gevolgd" in body
    if name != "offers:list":
        assert f"Toelichting: {EXPLANATION}" in body


@time_machine.travel(ams(2026, 11, 12, 9, 0), tick=False)
def test_the_nza_sees_the_decisions_as_over_the_api(client, decided):
    nza = make_member(Role.NZA_ANALYST)
    body = text(page_html_as(client, nza, reverse("offers:detail", args=[decided.offer_id])))
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
    api = client_for(viewer)
    assert api.get(f"/api/v1/offers/{offer.pk}/").json()["chosen_modules"] == []
    content = page_html_as(client, viewer, reverse("offers:detail", args=[offer.pk]))
    assert estimate_total(content) == MANDATORY_ONLY
    assert "uur per week gekozen" not in text(content)
    assert "15,8 uur/week" not in text(content)

    # The holder sees its own choice, on both sides.
    api.force_login(signatory)
    assert len(api.get(f"/api/v1/offers/{offer.pk}/").json()["chosen_modules"]) == 5
    assert estimate_total(page_html_as(client, signatory, reverse("offers:detail", args=[offer.pk]))) == WITH_CHOICE

    # Once signed, the choice is the signed content, which they all may read.
    offer_sign(actor=signatory, offer=offer, now=IN_WINDOW, modules=CHOICE, two_factor_verified=True)
    api.force_login(viewer)
    assert len(api.get(f"/api/v1/offers/{offer.pk}/").json()["chosen_modules"]) == 5
    assert "15,8" in text(page_html_as(client, viewer, reverse("offers:detail", args=[offer.pk])))


# --- 3. The role x page matrix ---------------------------------------------------------------------------------
@pytest.fixture
def world(settings, tmp_path, market, nza_tariffs, practice_3100, signatory, purchaser, other_purchaser):
    """Insurer A (preferent) and insurer C; practice X holds A's signed contract (offered to C) and an open offer
    of C; care group G holds an offer of A. Strangers: practice Y (member, signatory), insurer B, care group H,
    an overlegteam facing A."""
    settings.MEDIA_ROOT = tmp_path
    region = market["region"]
    insurer_a, insurer_c = market["preferent"], market["other"]
    member_x = make_member(Role.PRACTICE_MEMBER, practice_3100, email="medewerker@x.example")
    contract_a = build_contract(insurer_a, purchaser)
    signed = contract_a.offers.get(practice=practice_3100)
    offer_sign(actor=signatory, offer=signed, now=IN_WINDOW, modules=CHOICE, two_factor_verified=True)
    [follow] = follow_requests_create(actor=signatory, offer=Offer.objects.get(pk=signed.pk), insurers=[insurer_c],
                                      now=IN_WINDOW)
    contract_c = build_contract(insurer_c, other_purchaser)
    open_offer = offer_request(actor=signatory, practice=practice_3100, contract=contract_c, now=IN_WINDOW)
    question = question_ask(actor=member_x, offer=signed, text="Geldt het plafond per locatie?", now=IN_WINDOW)

    group = CareGroupFactory(region=region)
    group.practices.add(PracticeFactory(region=region))
    group_offer = Offer.objects.create(standard_contract=contract_a, care_group=group, year=2027, insurer=insurer_a)
    group_member = make_member(Role.CAREGROUP_MEMBER, group, email="medewerker@zorggroep-g.example")

    policy = policy_save_draft(actor=purchaser, insurer=insurer_a, year=2027, title="Beleid A", body="Tekst.")
    version = policy_publish(actor=purchaser, policy=policy, now=ams(2026, 3, 1, 10, 0))
    # Only in the draft: a published version's attachments are public (tests/contracting/test_policy_public.py).
    attachment = policy_attach(actor=purchaser, policy=policy, upload=SimpleUploadedFile("a.pdf", PDF))
    draft = build_contract(insurer_a, purchaser, publish=False)
    notice = Notification.objects.create(user=member_x, key="test", subject="Een melding")

    practice_y = PracticeFactory(region=region)
    signatory_y = make_member(Role.PRACTICE_SIGNATORY, practice_y, email="tekenbevoegd@y.example")
    enrol_totp(signatory_y)
    insurer_b = InsurerFactory(name="Derde Verzekeraar", short_name="Der", slug="der")
    MarketShareFactory(region=region, insurer=insurer_b, share_percent=Decimal("5"))
    return {
        "objects": {
            "signed": signed, "open": open_offer, "group_offer": group_offer, "follow": follow,
            "question": question, "version": version, "attachment": attachment, "draft": draft,
            "practice": practice_3100, "group": group, "insurer": insurer_a, "notice": notice,
        },
        "owners": {
            "member_x": member_x, "signatory_x": signatory, "group_member": group_member,
            "purchaser_a": purchaser, "purchaser_c": other_purchaser,
        },
        "strangers": {
            "practice member of another practice": make_member(Role.PRACTICE_MEMBER, practice_y,
                                                                email="medewerker@y.example"),
            "signatory of another practice": signatory_y,
            "purchaser of another insurer": make_member(Role.INSURER_PURCHASER, insurer_b,
                                                        email="inkoper@der.example"),
            "care-group member": make_member(Role.CAREGROUP_MEMBER, CareGroupFactory(region=region),
                                             email="medewerker@zorggroep-h.example"),
            "OTH member": make_member(Role.OTH_MEMBER, OverlegTeamFactory(region=region, insurer=insurer_a),
                                      email="lid@oth.example"),
        },
    }


# (url name, object, method, the owner for whom the page is 200; None: a form post, checked for strangers only)
HTML_OBJECT_PAGES = [
    ("offers:detail", "signed", "get", "member_x"),
    ("offers:detail", "group_offer", "get", "group_member"),
    ("offers:estimate", "open", "post", "member_x"),
    ("offers:choose", "open", "post", None),
    ("offers:ask", "open", "post", None),
    ("offers:sign", "open", "get", "signatory_x"),
    ("offers:sign", "open", "post", None),
    ("offers:notify_signatories", "open", "post", None),
    ("offers:refuse", "open", "get", "signatory_x"),
    ("offers:refuse", "open", "post", None),
    ("offers:receipt", "signed", "get", "member_x"),
    ("offers:print", "signed", "get", "member_x"),
    ("offers:pdf", "signed", "get", "member_x"),
    ("offers:follow", "signed", "get", "member_x"),
    ("offers:follow", "signed", "post", None),
    ("purchasing:policy_version", "version", "get", "purchaser_a"),
    ("purchasing:contract_edit", "draft", "get", "purchaser_a"),
    ("purchasing:contract_edit", "draft", "post", None),
    ("purchasing:contract_preview", "draft", "get", "purchaser_a"),
    ("purchasing:contract_publish", "draft", "get", "purchaser_a"),
    ("purchasing:contract_publish", "draft", "post", None),
    ("purchasing:question", "question", "get", "purchaser_a"),
    ("purchasing:question", "question", "post", None),
    ("purchasing:follow_request", "follow", "get", "purchaser_c"),
    ("purchasing:follow_request", "follow", "post", None),
    ("accounts:practice_detail", "practice", "get", "member_x"),
    ("accounts:care_group_detail", "group", "get", "group_member"),
    ("accounts:insurer_detail", "insurer", "get", "purchaser_a"),
    ("accounts:notification_read", "notice", "post", None),
]
STRANGERS = ["practice member of another practice", "signatory of another practice", "purchaser of another insurer",
             "care-group member", "OTH member"]
# An overlegteam member reads its insurer's published policy versions (read only); the draft contract stays a 404
# to it (tests/consultations/test_oth_reading.py has the whole matrix).
READERS = {("purchasing:policy_version", "version"): {"OTH member"}}


@time_machine.travel(IN_WINDOW, tick=False)
def test_a_draft_policy_attachment_is_a_404_to_everyone_but_its_purchasers(client, world):
    """Attachments are served on a public address (published ones to anyone), so a draft's is a 404 to the
    anonymous visitor too, not a login page."""
    url = reverse("policies:attachment", args=[world["objects"]["attachment"].pk])
    for role in STRANGERS:
        client.force_login(world["strangers"][role])
        assert client.get(url).status_code == 404, role
    client.logout()
    assert client.get(url).status_code == 404
    client.force_login(world["owners"]["purchaser_a"])
    assert client.get(url).status_code == 200


@pytest.mark.parametrize(("name", "obj", "method", "owner"), HTML_OBJECT_PAGES,
                         ids=[f"{n}-{o}-{m}" for n, o, m, _owner in HTML_OBJECT_PAGES])
@time_machine.travel(IN_WINDOW, tick=False)
def test_another_organisations_object_is_a_404_on_every_html_page(client, world, name, obj, method, owner):
    url = reverse(name, args=[world["objects"][obj].pk])
    data = {"action": "general", "title": "Gekaapt", "term_years": 1, "text": "?", "answer": "!",
            "decision": "followed", "confirm": "on", "modules": "kwaliteit", "reason": "x"}
    readers = READERS.get((name, obj), set())
    for role in STRANGERS:
        client.force_login(world["strangers"][role])
        response = getattr(client, method)(url, data)
        expected = 200 if role in readers else 404
        assert response.status_code == expected, f"{role}: {method.upper()} {url} gave {response.status_code}"
    client.logout()
    response = getattr(client, method)(url, data)
    assert response.status_code == 302 and response.url.startswith(reverse("accounts:login")), url
    if owner is not None:
        client.force_login(world["owners"][owner])
        response = getattr(client, method)(url, {} if method == "post" else None)
        assert response.status_code == 200, f"{owner}: {method.upper()} {url} gave {response.status_code}"
    # Nothing was changed by any of it.
    assert not StandardContract.objects.filter(title="Gekaapt").exists()
    assert Offer.objects.get(pk=world["objects"]["open"].pk).status == Offer.Status.OPEN
    assert not FollowRequest.objects.exclude(status=FollowRequest.Status.PENDING).exists()
    assert not Request.objects.exclude(answered_at=None).exists()
    assert Notification.objects.get(pk=world["objects"]["notice"].pk).read_at is None
