"""The request pages and API: who sees what (another organisation's request is a 404 on every page, action
and export), the overlegteam's and the NZa's figures, query budgets that do not grow with rows, and what a
user reads on the pages."""

import json

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.models import Role
from contracting.models import Request, RequestMessage
from contracting.services import innovation_criteria_publish, request_decide, request_raise
from tests.contracting.conftest import ams
from tests.factories import (
    CareGroupFactory,
    InsurerFactory,
    OverlegTeamFactory,
    PracticeFactory,
    make_member,
)
from tests.helpers import assert_error, client_for, page_html_as, text

NOW = ams(2026, 5, 6, 12, 0)
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def world(market, practice_3100, purchaser, offer):
    member = make_member(Role.PRACTICE_MEMBER, practice_3100, email="lid@praktijk.example")
    insurer = market["preferent"]

    def raise_(kind, when, **kwargs):
        return request_raise(actor=member, kind=kind, practice=practice_3100, insurer=insurer, now=when,
                             text=f"Tekst van {kind}", subject=f"Onderwerp {kind}", **kwargs)

    requests = {
        "question": raise_("question", ams(2026, 4, 24, 10, 0)),
        "maatwerk": raise_("maatwerk", ams(2026, 5, 4, 10, 0), situation="takeover",
                           attachments=[SimpleUploadedFile("plan.pdf", PDF)]),
        "innovation": raise_("innovation", ams(2026, 5, 4, 10, 0), year=2027),
        "knelpunt": raise_("knelpunt", ams(2026, 5, 4, 10, 0)),
        "dispute": raise_("dispute", ams(2026, 5, 4, 10, 0), phase="contractual"),
    }
    region = market["region"]
    other_insurer = InsurerFactory(name="Derde Verzekeraar", short_name="Der", slug="der")
    strangers = {
        "practice member of another practice": make_member(Role.PRACTICE_MEMBER, PracticeFactory(region=region),
                                                            email="medewerker@y.example"),
        "purchaser of another insurer": make_member(Role.INSURER_PURCHASER, other_insurer, email="inkoper@der.example"),
        "care-group member": make_member(Role.CAREGROUP_MEMBER, CareGroupFactory(region=region),
                                         email="medewerker@zorggroep.example"),
        "OTH member": make_member(Role.OTH_MEMBER, OverlegTeamFactory(region=region, insurer=insurer),
                                  email="lid@oth.example"),
        "NZa analyst": make_member(Role.NZA_ANALYST, email="analist@nza.example"),
    }
    return {"member": member, "purchaser": purchaser, "requests": requests, "strangers": strangers,
            "attachment": requests["maatwerk"].attachments.get()}


HTML = [("offers:request", "get"), ("offers:request", "post"), ("purchasing:request", "get"),
        ("offers:request_pdf", "get"), ("offers:request_json", "get")]
API_ACTIONS = ["messages", "laborious", "answer", "decide", "appeal", "decide-appeal", "escalate", "withdraw",
               "close", "addendum"]
ACTION_DATA = {"text": "Gekaapt", "outcome": "granted", "reasons": "x", "action": "message"}


@time_machine.travel(NOW, tick=False)
@pytest.mark.parametrize("kind", ["question", "maatwerk", "innovation", "knelpunt", "dispute"])
def test_another_organisations_request_is_a_404_everywhere(client, world, kind):
    obj = world["requests"][kind]
    urls = [(reverse(name, args=[obj.pk]), method) for name, method in HTML]
    urls.append((reverse("offers:request_attachment", args=[world["requests"]["maatwerk"].pk,
                                                            world["attachment"].pk]), "get"))
    urls.append((f"/api/v1/requests/{obj.pk}/", "get"))
    urls.append((f"/api/v1/requests/{obj.pk}/dossier/", "get"))
    urls += [(f"/api/v1/requests/{obj.pk}/{name}/", "post") for name in API_ACTIONS]
    for role, user in world["strangers"].items():
        api = client_for(user)
        for url, method in urls:
            response = getattr(api, method)(url, ACTION_DATA)
            assert response.status_code == 404, f"{role}: {method.upper()} {url} gave {response.status_code}"
    # The parties see it; nothing was changed by the strangers.
    for owner in ("member", "purchaser"):
        assert client_for(world[owner]).get(f"/api/v1/requests/{obj.pk}/").status_code == 200
    assert not RequestMessage.objects.exists()
    assert not Request.objects.exclude(status__in=["open"]).exists()


@time_machine.travel(NOW, tick=False)
def test_lists_show_each_side_only_its_own(world):
    for role, user in world["strangers"].items():
        response = client_for(user).get("/api/v1/requests/")
        assert response.status_code == 200 and response.json()["count"] == 0, role
    assert client_for(world["member"]).get("/api/v1/requests/").json()["count"] == 5
    assert client_for(world["purchaser"]).get("/api/v1/requests/").json()["count"] == 5


@time_machine.travel(NOW, tick=False)
def test_both_sides_see_the_clocks_with_the_due_day_and_the_days_left(client, world):
    question = world["requests"]["question"]
    # Asked Friday 24 April 2026: Koningsdag (27 April) does not count; due by Monday 4 May; on 6 May it is
    # 2 days late. The maatwerk of Monday 4 May: 5, 6, 7, 8, 11 May -> 11 May, 5 days left.
    page = text(page_html_as(client, world["member"], reverse("offers:requests")))
    assert "Reactie: 4 mei 2026 2 dagen te laat" in page
    assert "Reactie: 11 mei 2026 nog 5 dagen" in page
    # A knelpunt: 2 weeks, Monday 18 May: 12 days left.
    assert "Reactie op knelpunt: 18 mei 2026 nog 12 dagen" in page
    page = text(page_html_as(client, world["purchaser"], reverse("purchasing:question", args=[question.pk])))
    assert "Reactie uiterlijk 4 mei 2026 2 dagen te laat" in page
    api = client_for(world["purchaser"]).get(f"/api/v1/requests/{question.pk}/").json()
    assert api["clocks"] == [{"kind": "contracting.request.reaction", "label": "Reactie",
                              "due_at": "2026-05-04T22:00:00Z", "last_day": "2026-05-04", "days_left": -2,
                              "overdue": True, "done_at": None, "met": False}]


@time_machine.travel(NOW, tick=False)
def test_bad_input_over_the_api_gets_the_services_codes_and_changes_nothing(world, market):
    api, member = client_for(world["purchaser"]), client_for(world["member"])
    innovation = world["requests"]["innovation"]
    assert_error(api.post(f"/api/v1/requests/{innovation.pk}/decide/",
                          {"outcome": "refused", "reasons": "Nee."}, format="json"), 400, "criterion_required")
    other = innovation_criteria_publish(actor=None, insurer=InsurerFactory(slug="x", short_name="X", name="X"),
                                        year=2027, method="Zo.", items=[("Kosten", "")], now=NOW)
    assert_error(api.post(f"/api/v1/requests/{innovation.pk}/decide/",
                          {"outcome": "refused", "reasons": "Nee.", "criteria": [other.items.get().pk]},
                          format="json"), 400, "criterion_unknown")
    assert_error(member.post(f"/api/v1/requests/{innovation.pk}/appeal/", {"text": "Beroep"}, format="json"),
                 409, "not_decided")
    assert_error(api.post(f"/api/v1/requests/{innovation.pk}/appeal/", {"text": "Beroep"}, format="json"),
                 403, "holder_only")
    assert_error(member.post(f"/api/v1/requests/{innovation.pk}/messages/", {"text": " "}, format="json"),
                 400, "message_required")
    assert_error(member.post("/api/v1/requests/", {"kind": "maatwerk", "text": "Help",
                                                   "insurer": market["preferent"].pk}, format="json"),
                 400, "situation_required")
    big = SimpleUploadedFile("b" * 250 + ".pdf", PDF)
    assert_error(member.post(f"/api/v1/requests/{innovation.pk}/messages/", {"text": "Zie bijlage",
                                                                            "attachments": [big]}),
                 400, "attachment_name_too_long")
    innovation.refresh_from_db()
    assert innovation.decided_at is None and innovation.appealed_at is None
    assert not RequestMessage.objects.exists() and Request.objects.count() == 5


@time_machine.travel(NOW, tick=False)
def test_the_dossier_exports_as_json_and_pdf(client, world, purchaser):
    maatwerk = world["requests"]["maatwerk"]
    request_decide(actor=purchaser, request=maatwerk, outcome="granted", now=ams(2026, 5, 6, 11, 0))
    client.force_login(world["member"])
    dossier = json.loads(client.get(reverse("offers:request_json", args=[maatwerk.pk])).content)
    assert dossier["decision"]["outcome"] == "granted" and dossier["attachments"][0]["name"] == "plan.pdf"
    assert dossier["clocks"][0]["met"] is True and dossier["clocks"][0]["last_day"] == "2026-05-11"
    pdf = client.get(reverse("offers:request_pdf", args=[maatwerk.pk]))
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF-")
    api = client_for(purchaser).get(f"/api/v1/requests/{maatwerk.pk}/dossier/")
    assert api.json()["decision"]["outcome"] == "granted"


@time_machine.travel(NOW, tick=False)
def test_the_overlegteam_sees_counts_for_its_insurer_and_region_and_the_nza_an_anonymised_list(client, world):
    oth, nza = world["strangers"]["OTH member"], world["strangers"]["NZa analyst"]
    figures = client_for(oth).get("/api/v1/requests/figures/").json()
    [team] = figures
    # Question overdue since 4 May; the others run. None decided.
    assert team["totals"] == {"total": 5, "open": 5, "overdue": 1, "decided": 0, "escalated": 0}
    assert team["by_kind"]["question"]["overdue"] == 1 and team["by_kind"]["maatwerk"]["open"] == 1
    assert client_for(oth).get("/api/v1/requests/anonymised/").status_code == 404
    page = text(page_html_as(client, oth, reverse("requests_figures")))
    assert "Tekst van" not in page and "Onderwerp" not in page and world["requests"]["question"].holder.name not in page
    rows = client_for(nza).get("/api/v1/requests/anonymised/").json()["results"]
    assert len(rows) == 5 and set(rows[0]) == {"kind", "insurer", "region", "status", "outcome", "appeal_outcome",
                                               "side", "year", "raised_at", "decided_at", "clocks"}
    page = text(page_html_as(client, nza, reverse("requests_figures")))
    assert "Geanonimiseerde lijst" in page and world["requests"]["question"].holder.name not in page
    for user in (world["member"], world["purchaser"]):
        assert client_for(user).get("/api/v1/requests/figures/").status_code == 404
        client.force_login(user)
        assert client.get(reverse("requests_figures")).status_code == 404


@time_machine.travel(NOW, tick=False)
def test_list_queries_do_not_grow_with_rows(client, world, django_assert_num_queries, practice_3100, market):
    member, purchaser, nza = world["member"], world["purchaser"], world["strangers"]["NZa analyst"]
    pages = [(member, reverse("offers:requests")), (purchaser, reverse("purchasing:requests")),
             (nza, reverse("requests_figures")), (member, "/api/v1/requests/"), (purchaser, "/api/v1/requests/"),
             (nza, "/api/v1/requests/anonymised/")]

    def counts():
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        result = []
        for user, url in pages:
            client.force_login(user)
            client.get(url)  # warm the session
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url).status_code == 200
            result.append(len(queries))
        return result

    before = counts()
    for i in range(12):
        request_raise(actor=member, kind="knelpunt", practice=practice_3100, insurer=market["preferent"],
                      now=ams(2026, 5, 5, 9, i), text=f"Knelpunt {i}")
    assert counts() == before
    # The holder's list and the purchaser's: session, user, memberships, count, page, the page's clocks, unread
    # notifications; the figures page one more (the overlegteam's and the NZa's counts, the anonymised page);
    # the API lists: session, user, memberships, count, page, clocks.
    assert before == [7, 7, 8, 6, 6, 6]


def test_the_public_criteria_page_and_the_purchasers_form(client, world, market, purchaser):
    url = reverse("policies:innovation_criteria", args=[market["preferent"].slug, 2027])
    assert client.get(url).status_code == 404
    client.force_login(purchaser)
    response = client.post(reverse("purchasing:criteria", args=[2027]), {
        "title": ["Meetbare doelen", "", ""], "explanation": ["Met nulmeting.", "", ""],
        "method": "Elk voorstel aan alle eisen."})
    assert response.status_code == 302
    client.logout()
    page = text(client.get(url).content.decode())
    assert "1. Meetbare doelen — Met nulmeting." in page or "Meetbare doelen — Met nulmeting." in page
    assert "Elk voorstel aan alle eisen." in page


@time_machine.travel(NOW, tick=False)
def test_the_new_request_form_says_what_is_wrong_and_saves_nothing(client, world, market, offer):
    client.force_login(world["member"])
    url = reverse("offers:request_new")
    data = {"kind": "maatwerk", "insurer": market["preferent"].pk, "offer": offer.pk, "subject": "Overname",
            "text": "Wij nemen een praktijk over.", "situation": "takeover"}
    long_name = SimpleUploadedFile("n" * 230 + ".pdf", PDF)
    page = text(client.post(url, {**data, "attachments": [long_name]}).content.decode())
    assert ("De bestandsnaam is 234 tekens lang; ten hoogste 200. Geef het bestand een kortere naam en voeg het "
            "opnieuw toe.") in page
    page = text(client.post(url, {**data, "situation": ""}).content.decode())
    assert "Kies de bijzondere situatie waarvoor u maatwerk vraagt." in page
    assert Request.objects.count() == 5
    response = client.post(url, {**data, "attachments": [SimpleUploadedFile("overname.pdf", PDF)]})
    created = Request.objects.get(subject="Overname")
    assert response.status_code == 302 and response.url == reverse("offers:request", args=[created.pk])
    assert (created.kind, created.offer, created.year, created.attachments.get().name) == (
        "maatwerk", offer, 2027, "overname.pdf")
    # The insurer's purchaser reads it in the inbox, with its reaction date (Wednesday 6 May 2026: 7, 8, 11, 12
    # and 13 May -> by 13 May).
    page = text(page_html_as(client, world["purchaser"], reverse("purchasing:inbox")))
    assert "13 mei 2026 nog 7 dagen Maatwerkverzoek" in page


@time_machine.travel(NOW, tick=False)
def test_a_laborious_question_waits_in_the_inbox_by_its_settlement_day(client, world, purchaser):
    from contracting.services import request_mark_laborious

    question = world["requests"]["question"]
    page = text(page_html_as(client, purchaser, reverse("purchasing:inbox")))
    assert "4 mei 2026 2 dagen te laat Vraag" in page
    # Asked Friday 24 April 2026: 2 working weeks (Koningsdag not counted) end on Monday 11 May.
    request_mark_laborious(actor=purchaser, request=question, reason="Uitzoekwerk.", now=NOW)
    page = text(page_html_as(client, purchaser, reverse("purchasing:inbox")))
    assert "11 mei 2026 nog 5 dagen Vraag" in page and "2 dagen te laat" not in page
