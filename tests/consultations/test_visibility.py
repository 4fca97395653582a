"""Who sees what of the overleg, over every page and API endpoint: an overlegteam's round, meetings,
attachments, positions, knelpunten and timeline are its members' and its insurer's purchasers' (the NZa reads);
another team, another insurer's purchaser or a practice finds nothing (404), a role without any overleg gets a
403 on the lists, and an anonymous visitor is sent to log in (pages) or refused (API). An evaluation is its
insurer's until shared, then also its overlegteams' and its contractants'."""

from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from consultations.models import Position
from consultations.services import (
    evaluation_finish,
    evaluation_save,
    evaluation_share,
    knelpunt_raise,
    meeting_attach,
    meeting_plan,
    position_submit,
)
from contracting.services import contract_year_ensure, offer_sign
from tests.consultations.conftest import ams
from tests.contracting.conftest import CHOICE, IN_WINDOW, build_contract
from tests.factories import MarketShareFactory, enrol_totp, make_member
from tests.helpers import client_for

ROLES = ["member_a", "member_b", "purchaser_a", "purchaser_b", "practice_user", "nza", "anonymous"]
MAY_SEE_A = {"member_a", "purchaser_a", "nza"}
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _objects(world, round_a):
    meeting = meeting_plan(actor=world["member_a"], round=round_a, title="Overleg maart",
                           starts_at=ams(2026, 3, 10, 14, 0), agenda="Mandaat", now=ams(2026, 3, 1))
    [attachment] = meeting_attach(actor=world["purchaser_a"], meeting=meeting,
                                  files=[SimpleUploadedFile("agenda.pdf", PDF, content_type="application/pdf")],
                                  now=ams(2026, 3, 1))
    position = position_submit(actor=world["member_a"], round=round_a, meeting=meeting, title="ANW",
                               text="Meer ANW-vergoeding.", now=ams(2026, 3, 10, 16, 0))
    knelpunt = knelpunt_raise(actor=world["member_a"], round=round_a, title="Wachttijden", text="x",
                              now=ams(2026, 3, 10, 16, 0))
    return meeting, attachment, position, knelpunt


def _status(user, url: str, api: bool = False) -> int:
    client = client_for(None if user is None else user)
    response = client.get(url, HTTP_ACCEPT="application/json" if api else "text/html")
    if response.streaming:
        b"".join(response.streaming_content)  # read the file; the response closes its handle
    return response.status_code


def test_every_page_and_endpoint_of_a_teams_overleg_by_role(world, round_a, round_b):
    meeting, attachment, position, knelpunt = _objects(world, round_a)
    pages = {
        "round": reverse("consultations:round", args=[round_a.pk]),
        "meeting": reverse("consultations:meeting", args=[meeting.pk]),
        "attachment": reverse("consultations:meeting_attachment", args=[meeting.pk, attachment.pk]),
        "position": reverse("consultations:position", args=[position.pk]),
        "timeline": reverse("consultations:timeline", args=[world["team_a"].pk]),
    }
    api = {
        "round": f"/api/v1/consultation-rounds/{round_a.pk}/",
        "meeting": f"/api/v1/consultation-meetings/{meeting.pk}/",
        "position": f"/api/v1/consultation-positions/{position.pk}/",
        "knelpunt": f"/api/v1/consultation-knelpunten/{knelpunt.pk}/",
    }
    lists = ["/api/v1/consultation-rounds/", "/api/v1/consultation-meetings/", "/api/v1/consultation-positions/",
             "/api/v1/consultation-knelpunten/"]
    seen = {}
    for role in ROLES:
        user = None if role == "anonymous" else world[role]
        for name, url in pages.items():
            expected = 200 if role in MAY_SEE_A else 302 if role == "anonymous" else 404
            seen[("page", role, name)] = (_status(user, url), expected)
        expected_list = 302 if role == "anonymous" else 403 if role == "practice_user" else 200
        seen[("page", role, "rounds")] = (_status(user, reverse("consultations:rounds")), expected_list)
        for name, url in api.items():
            expected = 200 if role in MAY_SEE_A else 403 if role in ("anonymous", "practice_user") else 404
            seen[("api", role, name)] = (_status(user, url, api=True), expected)
        for url in lists:
            expected = 403 if role in ("anonymous", "practice_user") else 200
            seen[("api", role, url)] = (_status(user, url, api=True), expected)
    wrong = {key: value for key, value in seen.items() if value[0] != value[1]}
    assert wrong == {}

    # The lists hold one's own team's (or own insurer's) overleg only.
    for role, rounds in [("member_a", [round_a.pk]), ("member_b", [round_b.pk]), ("purchaser_b", [round_b.pk]),
                         ("nza", sorted([round_a.pk, round_b.pk]))]:
        body = client_for(world[role]).get("/api/v1/consultation-rounds/").json()
        assert sorted(r["id"] for r in body["results"]) == rounds, role
        positions = client_for(world[role]).get("/api/v1/consultation-positions/").json()["results"]
        assert [p["id"] for p in positions] == ([position.pk] if role in MAY_SEE_A else []), role
    html = client_for(world["purchaser_b"]).get(reverse("consultations:rounds")).content.decode()
    assert "OTH Utrecht – Andere" in html and "OTH Utrecht – Zilverpunt" not in html


def test_another_insurers_purchaser_cannot_touch_the_teams_positions(world, round_a):
    _meeting, _attachment, position, knelpunt = _objects(world, round_a)
    outsider = client_for(world["purchaser_b"])
    assert outsider.post(f"/api/v1/consultation-positions/{position.pk}/decide/",
                         {"decision": "adopted"}, format="json").status_code == 404
    assert outsider.post(f"/api/v1/consultation-knelpunten/{knelpunt.pk}/respond/",
                         {"response": "x"}, format="json").status_code == 404
    assert outsider.post(reverse("consultations:position", args=[position.pk]),
                         {"action": "decide", "decision": "adopted"}).status_code == 404
    assert outsider.post("/api/v1/consultation-positions/", {"round": round_a.pk, "title": "x", "text": "y"},
                         format="json").status_code == 404
    # The team's member is the wrong side for a decision: 403, and nothing changes.
    member = client_for(world["member_a"])
    response = member.post(f"/api/v1/consultation-positions/{position.pk}/decide/", {"decision": "adopted"},
                           format="json")
    assert (response.status_code, response.json()["code"]) == (403, "not_purchaser")
    assert Position.objects.get(pk=position.pk).status == Position.Status.SUBMITTED


def test_an_evaluation_is_read_by_its_teams_and_contractants_once_shared(world, nza_2027):
    # The evaluation in contract year 2028's calendar (February 2027) is of the contracting for 2027: the
    # practice that signed Zilverpunt's 2027 contract is a contractant; the other practice is not.
    contract_year_ensure(actor=None, year=2028)
    MarketShareFactory(region=world["region"], insurer=world["insurer_a"], share_percent=Decimal("60"))
    contract = build_contract(world["insurer_a"], world["purchaser_a"])
    signatory = make_member("practice_signatory", world["practice"], email="teken@oudwijk.example")
    enrol_totp(signatory)
    offer_sign(actor=signatory, offer=contract.offers.get(practice=world["practice"]), now=IN_WINDOW,
               modules=CHOICE, two_factor_verified=True)
    evaluation = evaluation_save(actor=world["purchaser_a"], insurer=world["insurer_a"], year=2028,
                                 method="both", summary="Tevreden over de ANW.", now=ams(2027, 2, 10))
    evaluation = evaluation_finish(actor=world["purchaser_a"], evaluation=evaluation, now=ams(2027, 2, 20))
    url, api = reverse("consultations:evaluation", args=[evaluation.pk]), f"/api/v1/evaluations/{evaluation.pk}/"
    readers_before = {"purchaser_a", "nza"}
    readers_after = readers_before | {"member_a", "practice_user", "signatory"}
    people = {**{r: world[r] for r in ROLES if r != "anonymous"}, "signatory": signatory}
    for name, user in people.items():
        assert _status(user, url) == (200 if name in readers_before else 404), name
    evaluation_share(actor=world["purchaser_a"], evaluation=evaluation, now=ams(2027, 2, 25))
    evaluation_share(actor=world["purchaser_a"], evaluation=evaluation, now=ams(2027, 2, 26))
    for name, user in people.items():
        assert _status(user, url) == (200 if name in readers_after else 404), name
        assert _status(user, api, api=True) == (200 if name in readers_after else 404), name
    from accounts.models import Notification

    told = set(Notification.objects.filter(key=f"evaluation-shared:{evaluation.pk}").values_list("user__email",
                                                                                                  flat=True))
    assert told == {"lid@oth-a.example", "praktijk@oudwijk.example", "teken@oudwijk.example"}
