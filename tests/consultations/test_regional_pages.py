"""Regiobijeenkomsten on the pages and in the API: the purchaser plans, the practice registers, the purchaser
records attendance; the role × endpoint matrix (who sees and who may act; another organisation's meeting is a
404, a role that sees it but may not act a 403, and nothing changes); bad input gets a message; query counts do
not grow with invitations."""

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from consultations.models import RegionalMeeting, RegionalMeetingInvitation
from tests.factories import PracticeFactory
from tests.helpers import assert_error, client_for, page_html_as, text

from .conftest import PLANNED_AT, STARTS, ams, plan

AFTER = ams(2026, 4, 21, 9, 0)


def _state():
    return (sorted(RegionalMeeting.objects.values_list("pk", "status", "cancel_reason", "attendance_recorded_at")),
            sorted(RegionalMeetingInvitation.objects.values_list("pk", "registered_at", "attendees", "attended")))


@time_machine.travel(PLANNED_AT, tick=False)
def test_a_purchaser_plans_a_meeting_on_the_page_in_amsterdam_time(client, regional):
    client.force_login(regional["users"]["purchaser A"])
    url = reverse("consultations:regional_meeting_new")
    form = {"region": regional["region"].pk, "year": 2027, "title": "Toelichting inkoopbeleid 2027",
            "day": "2026-04-20", "start": "19:30", "end": "21:30", "location": "Arnhem, Zaal 1",
            "online_url": "", "agenda": "1. Opening\n2. Het beleid 2027"}
    bad = client.post(url, form | {"end": "19:00"})
    assert bad.status_code == 200 and "De bijeenkomst eindigt na het begin." in text(bad.content.decode())
    assert not RegionalMeeting.objects.exists()
    response = client.post(url, form)
    meeting = RegionalMeeting.objects.get()
    assert response.status_code == 302 and response.url == reverse("consultations:regional_meeting",
                                                                   args=[meeting.pk])
    assert meeting.starts_at.isoformat() == "2026-04-20T17:30:00+00:00"
    page = text(page_html_as(client, regional["users"]["purchaser A"], response.url))
    assert "3 zorgaanbieders uitgenodigd, 0 aangemeld (0 personen)" in page
    assert "maandag 20 april 2026, 19:30–21:30" in page and "Praktijk Pieterse nee" in page
    # The region list offers only regions where A has insured (R and S), and the list page shows the counts.
    new_page = page_html_as(client, regional["users"]["purchaser A"], url)
    assert "Stedendriehoek" in new_page
    listing = text(page_html_as(client, regional["users"]["purchaser A"], reverse("consultations:regional_meetings")))
    assert "Toelichting inkoopbeleid 2027" in listing and "20 april 2026, 19:30 3 0 0 —" in listing


def test_a_practice_registers_and_cancels_on_the_page_and_the_purchaser_records_attendance(client, regional):
    meeting = plan(regional)
    url = reverse("consultations:regional_invitation", args=[meeting.pk])
    mine = meeting.invitations.get(practice=regional["p"])
    with time_machine.travel(PLANNED_AT, tick=False):
        listing = text(page_html_as(client, regional["users"]["member P"],
                                    reverse("consultations:regional_invitations")))
        assert "Toelichting inkoopbeleid 2027" in listing and "niet aangemeld" in listing
        page = text(page_html_as(client, regional["users"]["member P"], url))
        assert "Praktijk Pieterse Niet aangemeld." in page and "Praktijk Quist" not in page
        bad = client.post(url, {"invitation": mine.pk, "action": "register", "attendees": "0"})
        assert bad.status_code == 200 and not RegionalMeetingInvitation.objects.filter(
            registered_at__isnull=False).exists()
        client.post(url, {"invitation": mine.pk, "action": "register", "attendees": "2"})
        assert "Aangemeld met 2 personen." in text(client.get(url).content.decode())
        client.post(url, {"invitation": mine.pk, "action": "unregister"})
        assert "Niet aangemeld." in text(client.get(url).content.decode())
        client.post(url, {"invitation": mine.pk, "action": "register", "attendees": "1"})
        # Another practice's invitation on this page: not found, nothing changes.
        other = meeting.invitations.get(practice=regional["q"])
        assert client.post(url, {"invitation": other.pk, "action": "register", "attendees": "1"}).status_code == 404
        assert not RegionalMeetingInvitation.objects.get(pk=other.pk).is_registered
    with time_machine.travel(AFTER, tick=False):
        page = text(page_html_as(client, regional["users"]["member P"], url))
        assert "Aanmelden" not in page  # registration closed at the start
        detail = reverse("consultations:regional_meeting", args=[meeting.pk])
        client.force_login(regional["users"]["purchaser A"])
        client.post(detail, {"action": "attendance", "attended": [mine.pk]})
        assert "3 zorgaanbieders uitgenodigd, 1 aangemeld (1 persoon), 1 aanwezig" in text(
            client.get(detail).content.decode())
        assert "De zorgverzekeraar heeft u als aanwezig genoteerd." in text(
            page_html_as(client, regional["users"]["member P"], url))


@time_machine.travel(PLANNED_AT, tick=False)
def test_cancelling_on_the_page_needs_a_reason(client, regional):
    meeting = plan(regional)
    client.force_login(regional["users"]["purchaser A"])
    detail = reverse("consultations:regional_meeting", args=[meeting.pk])
    page = text(client.post(detail, {"action": "cancel", "reason": ""}).content.decode())
    assert "Reden van afgelasten Dit veld is vereist." in page
    assert not RegionalMeeting.objects.get(pk=meeting.pk).is_cancelled
    client.post(detail, {"action": "cancel", "reason": "De zaal is niet beschikbaar."})
    assert RegionalMeeting.objects.get(pk=meeting.pk).is_cancelled
    page = text(page_html_as(client, regional["users"]["member Q"],
                             reverse("consultations:regional_invitation", args=[meeting.pk])))
    assert "Deze bijeenkomst is afgelast: De zaal is niet beschikbaar." in page and "Aanmelden" not in page


# --- The role × endpoint matrix -------------------------------------------------------------------------------
ROLES = ["purchaser A", "purchaser C", "purchaser B", "member P", "signatory P", "member G", "member T",
         "OTH A in R", "OTH A in S", "OTH C in R", "NZa"]
SEES = {"purchaser A", "member P", "signatory P", "member G", "OTH A in R", "NZa"}  # who sees A's meeting in R
HOLDERS = {"member P", "signatory P", "member G"}


def _expect(allowed: set, *, ok=200, seen_forbidden=403, unseen=404):
    """ok for `allowed`, 403 for the rest of those who see the meeting, 404 for those who do not."""
    return {role: ok if role in allowed else seen_forbidden if role in SEES else unseen for role in ROLES}


HTML = {
    # (url name, with the meeting's id, method, data): expected per role
    ("consultations:regional_invitations", False, "get", None):
        {r: 200 if r in HOLDERS | {"member T"} else 403 for r in ROLES},
    ("consultations:regional_invitation", True, "get", None): {r: 200 if r in HOLDERS else 404 for r in ROLES},
    ("consultations:regional_invitation", True, "post", "register"): {r: 404 for r in ROLES if r not in HOLDERS},
    ("consultations:regional_meetings", False, "get", None):
        {r: 200 if r.startswith("purchaser") else 403 for r in ROLES},
    ("consultations:regional_meeting_new", False, "get", None):
        {r: 200 if r.startswith("purchaser") else 403 for r in ROLES},
    ("consultations:regional_meeting_new", False, "post", "plan"):
        {r: 403 for r in ROLES if not r.startswith("purchaser")},
    ("consultations:regional_meeting", True, "get", None): {r: 200 if r == "purchaser A" else 404 for r in ROLES},
    ("consultations:regional_meeting", True, "post", "cancel"): {r: 404 for r in ROLES if r != "purchaser A"},
    ("consultations:regional_meeting", True, "post", "attendance"): {r: 404 for r in ROLES if r != "purchaser A"},
    ("consultations:regional_meeting_invite", True, "post", None): {r: 404 for r in ROLES if r != "purchaser A"},
}
POSTS = {
    "register": {"action": "register", "attendees": "2"},
    "plan": {"region": 0, "year": 2027, "title": "Gekaapt", "day": "2026-05-01", "start": "10:00", "end": "11:00",
             "location": "X"},
    "cancel": {"action": "cancel", "reason": "Gekaapt"},
    "attendance": {"action": "attendance"},
}


@pytest.mark.parametrize("endpoint", list(HTML), ids=[f"{n}-{m}-{d}" for n, _p, m, d in HTML])
@time_machine.travel(PLANNED_AT, tick=False)
def test_html_role_matrix(client, regional, endpoint):
    meeting = plan(regional)
    name, with_pk, method, data_key = endpoint
    url = reverse(name, args=[meeting.pk] if with_pk else [])
    data = dict(POSTS.get(data_key) or {})
    if data_key == "register":
        data["invitation"] = meeting.invitations.get(practice=regional["p"]).pk
    if data_key == "plan":
        data["region"] = regional["region"].pk
    if data_key == "attendance":
        data["attended"] = [i.pk for i in meeting.invitations.all()]
    before = _state()
    for role, expected in HTML[endpoint].items():
        client.force_login(regional["users"][role])
        response = getattr(client, method)(url, data or None)
        assert response.status_code == expected, f"{role}: {method.upper()} {url} gave {response.status_code}"
    assert _state() == before
    client.logout()
    response = getattr(client, method)(url, data or None)
    assert response.status_code == 302 and response.url.startswith(reverse("accounts:login"))


API = {
    # name: (method, path after the meeting's URL, body, expected per role)
    "list": ("get", None, None, {r: 200 for r in ROLES}),
    "detail": ("get", "", None, _expect(set(SEES), ok=200)),
    "invitations": ("get", "invitations/", None, _expect({"purchaser A"})),
    "register": ("post", "register/", {"attendees": 2}, _expect(HOLDERS)),
    "unregister": ("post", "unregister/", {}, _expect(HOLDERS)),
    "cancel": ("post", "cancel/", {"reason": "Gekaapt"}, _expect({"purchaser A"})),
    # Before the start even its purchaser cannot record attendance (409); nobody else gets that far.
    "attendance": ("post", "attendance/", {"attended": []}, _expect(set(), ok=409) | {"purchaser A": 409}),
    # C has insured in R too, so it may plan its own meeting there; B has none (region_not_served).
    "create": ("post", False, "create", {r: 403 if not r.startswith("purchaser") else 400 if r == "purchaser B"
                                         else 201 for r in ROLES}),
}


@pytest.mark.parametrize("name", list(API))
@time_machine.travel(PLANNED_AT, tick=False)
def test_api_role_matrix(regional, name):
    meeting = plan(regional)
    method, tail, body, expected = API[name]
    url = "/api/v1/regional-meetings/" + ("" if tail in (None, False) else f"{meeting.pk}/{tail}")
    if body == "create":
        body = {"region": regional["region"].pk, "year": 2027, "title": "Tweede avond",
                "starts_at": "2026-05-01T18:00:00+02:00", "ends_at": "2026-05-01T20:00:00+02:00", "location": "X"}
    before = _state()
    for role in ROLES:
        if name in ("register", "unregister", "cancel", "create"):
            before = _state()
        response = getattr(client_for(regional["users"][role]), method)(url, body, format="json")
        assert response.status_code == expected[role], (role, response.status_code, response.content[:300])
        if expected[role] >= 400:
            assert _state() == before, role
        if name == "list":
            ids = [m["id"] for m in response.json()["results"]]
            assert ids == ([meeting.pk] if role in SEES else []), role
    assert client_for().get(url).status_code in (401, 403)


@time_machine.travel(PLANNED_AT, tick=False)
def test_the_api_shows_counts_and_only_your_own_invitation(regional):
    meeting = plan(regional)
    member = client_for(regional["users"]["member P"])
    body = member.post(f"/api/v1/regional-meetings/{meeting.pk}/register/", {"attendees": 2}, format="json").json()
    assert (body["invited"], body["registered"], body["attendees"], body["attended"]) == (3, 1, 2, None)
    [mine] = body["my_invitations"]
    assert mine["holder_name"] == "Praktijk Pieterse" and mine["registered"] and mine["attendees"] == 2
    oth = client_for(regional["users"]["OTH A in R"]).get(f"/api/v1/regional-meetings/{meeting.pk}/").json()
    assert oth["registered"] == 1 and oth["my_invitations"] == []
    assert "Praktijk Pieterse" not in str(oth)
    names = client_for(regional["users"]["purchaser A"]).get(
        f"/api/v1/regional-meetings/{meeting.pk}/invitations/").json()["results"]
    assert sorted(n["holder_name"] for n in names) == ["Praktijk Pieterse", "Praktijk Quist", "Zorggroep Gelre"]


@time_machine.travel(PLANNED_AT, tick=False)
def test_bad_input_in_the_api_gets_a_dutch_message_and_changes_nothing(regional):
    meeting = plan(regional)
    purchaser = client_for(regional["users"]["purchaser A"])
    member = client_for(regional["users"]["member P"])
    assert_error(member.post(f"/api/v1/regional-meetings/{meeting.pk}/register/", {"attendees": 50},
                             format="json"), 400, "invalid_attendees")
    body = assert_error(purchaser.post("/api/v1/regional-meetings/", {
        "region": regional["region"].pk, "year": 2027, "title": "Te vroeg",
        "starts_at": "2026-02-01T18:00:00+01:00", "ends_at": "2026-02-01T20:00:00+01:00", "location": "X"},
        format="json"), 400, "invalid_meeting")
    assert body["fields"]["starts_at"] == ["Een regiobijeenkomst plant u in de toekomst."]
    assert_error(purchaser.post(f"/api/v1/regional-meetings/{meeting.pk}/cancel/", {"reason": ""}, format="json"),
                 400, "reason_required")
    assert_error(purchaser.post(f"/api/v1/regional-meetings/{meeting.pk}/attendance/", {"attended": [10**9]},
                                format="json"), 409, "meeting_not_started")
    assert RegionalMeeting.objects.count() == 1 and not RegionalMeetingInvitation.objects.filter(
        registered_at__isnull=False).exists()
    with time_machine.travel(STARTS, tick=False):
        member = client_for(regional["users"]["member P"])  # the sessions of 1 March have run out by now
        purchaser = client_for(regional["users"]["purchaser A"])
        assert_error(member.post(f"/api/v1/regional-meetings/{meeting.pk}/register/", {}, format="json"), 409,
                     "meeting_started")
        assert_error(purchaser.post(f"/api/v1/regional-meetings/{meeting.pk}/attendance/", {"attended": [10**9]},
                                    format="json"), 400, "unknown_invitation")


@time_machine.travel(PLANNED_AT, tick=False)
def test_lists_read_as_many_queries_with_more_meetings_and_invitations(client, regional):
    plan(regional)
    urls = {"purchaser A": [reverse("consultations:regional_meetings"), "/api/v1/regional-meetings/"],
            "member P": [reverse("consultations:regional_invitations"), "/api/v1/regional-meetings/"],
            "OTH A in R": [reverse("consultations:index")]}

    def counts():
        found = {}
        for role, role_urls in urls.items():
            api = client_for(regional["users"][role])
            for url in role_urls:
                with CaptureQueriesContext(connection) as queries:
                    assert api.get(url).status_code == 200
                found[(role, url)] = len(queries)
        return found

    counts()  # warm the process-wide caches (content types) first
    small = counts()
    for n in range(5):
        PracticeFactory(region=regional["region"], name=f"Nieuw {n}")
    for n in range(3):
        plan(regional, title=f"Avond {n}")
    big = counts()
    assert big == small
    # The purchaser's list: session, user, memberships, the session's insurer choice, the meetings with their
    # counts (one grouped query); the API list adds the page count and the user's own invitations.
    assert small[("purchaser A", reverse("consultations:regional_meetings"))] <= 6
    assert small[("purchaser A", "/api/v1/regional-meetings/")] <= 7
