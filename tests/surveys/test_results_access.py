"""Who sees which survey results: every results page, export and API endpoint for every role. Another insurer's
sub-report or evaluation is a 404, as is any draft; the individual answers are for the NZa and the survey's own
insurer."""

import pytest
from django.urls import reverse

from tests.helpers import client_for

pytestmark = pytest.mark.django_db

ROLES = ["nza", "zk", "vgz", "oth_zk", "oth_vgz", "practice", "care_group", "anonymous"]


def pages(w):
    """(name, url, expected status per role in ROLES order). Anonymous users are sent to the login page."""
    gp, ev, nza, draft, zk, vgz = w.gp.pk, w.evaluation.pk, w.nza.pk, w.draft.pk, w.zk.pk, w.vgz.pk
    r = reverse
    sub_zk = (200, 200, 404, 200, 404, 404, 404, 302)
    sub_vgz = (200, 404, 200, 404, 200, 404, 404, 302)
    nza_only = (200, 404, 404, 404, 404, 404, 404, 302)
    evaluation = (200, 200, 404, 200, 404, 404, 404, 302)
    nobody = (404, 404, 404, 404, 404, 404, 404, 302)
    return [
        ("index", r("surveys:results_index"), (200, 200, 200, 200, 200, 403, 403, 302)),
        # The latest GP satisfaction sub-report (a redirect), e.g. from an overlegteam's home page.
        ("latest zk", r("surveys:satisfaction_latest", args=[zk]), tuple(302 if s == 200 else s for s in sub_zk)),
        ("latest vgz", r("surveys:satisfaction_latest", args=[vgz]), tuple(302 if s == 200 else s for s in sub_vgz)),
        ("gp full", r("surveys:results", args=[gp]), nza_only),
        ("gp sub zk", r("surveys:results_insurer", args=[gp, zk]), sub_zk),
        ("gp sub vgz", r("surveys:results_insurer", args=[gp, vgz]), sub_vgz),
        ("gp sub zk split", r("surveys:results_insurer", args=[gp, zk]) + "?dimension=region", sub_zk),
        ("gp sub zk crosstab", r("surveys:crosstab_insurer", args=[gp, zk]), sub_zk),
        ("gp sub zk csv", r("surveys:results_export_insurer", args=[gp, zk, "csv"]), sub_zk),
        ("gp sub vgz xlsx", r("surveys:results_export_insurer", args=[gp, vgz, "xlsx"]), sub_vgz),
        ("gp answers", r("surveys:answers_export", args=[gp, "csv"]), nza_only),
        ("evaluation", r("surveys:results", args=[ev]), evaluation),
        ("evaluation crosstab", r("surveys:crosstab", args=[ev]) + "?rows=E2&columns=E1", evaluation),
        ("evaluation csv", r("surveys:results_export", args=[ev, "csv"]), evaluation),
        # The overlegteam reads its insurer's evaluation but does not download the individual answers.
        ("evaluation answers", r("surveys:answers_export", args=[ev, "xlsx"]), (200, 200, 404, 403, 404, 404, 404,
                                                                                 302)),
        ("evaluation as a sub-report", r("surveys:results_insurer", args=[ev, zk]), nobody),
        ("nza", r("surveys:results", args=[nza]), nza_only),
        ("nza csv", r("surveys:results_export", args=[nza, "csv"]), nza_only),
        ("draft", r("surveys:results", args=[draft]), nobody),
        ("draft answers", r("surveys:answers_export", args=[draft, "csv"]), nobody),
        ("gp trend", r("surveys:trend", args=["gp-tevredenheid"]), nza_only),
        ("gp trend zk", r("surveys:trend_insurer", args=["gp-tevredenheid", zk]), sub_zk),
        ("gp trend zk csv", r("surveys:trend_export_insurer", args=["gp-tevredenheid", zk, "csv"]), sub_zk),
        ("evaluation trend", r("surveys:trend", args=["evaluatie-zk"]), evaluation),
        ("evaluation trend xlsx", r("surveys:trend_export", args=["evaluatie-zk", "xlsx"]), evaluation),
        ("unknown survey", r("surveys:results", args=[999999]), nobody),
        ("unknown insurer", r("surveys:results_insurer", args=[gp, 999999]), nobody),
        ("unknown series", r("surveys:trend", args=["geen-reeks"]), nobody),
    ]


def apis(w):
    gp, ev, nza, draft, zk, vgz = w.gp.pk, w.evaluation.pk, w.nza.pk, w.draft.pk, w.zk.pk, w.vgz.pk
    r = reverse
    sub_zk = (200, 200, 404, 200, 404, 404, 404, 403)
    nza_only = (200, 404, 404, 404, 404, 404, 404, 403)
    evaluation = (200, 200, 404, 200, 404, 404, 404, 403)
    nobody = (404, 404, 404, 404, 404, 404, 404, 403)
    return [
        ("list", r("survey-results-list"), (200, 200, 200, 200, 200, 200, 200, 403)),
        ("gp full", r("survey-results-detail", args=[gp]), nza_only),
        ("gp sub zk", r("survey-results-insurer", args=[gp, zk]), sub_zk),
        ("gp sub vgz", r("survey-results-insurer", args=[gp, vgz]), (200, 404, 200, 404, 200, 404, 404, 403)),
        ("gp sub zk crosstab", r("survey-results-insurer-crosstab", args=[gp, zk]) + "?rows=Q1&columns=Q1",
         tuple(400 if s == 200 else s for s in sub_zk)),
        ("evaluation", r("survey-results-detail", args=[ev]), evaluation),
        ("evaluation crosstab", r("survey-results-crosstab", args=[ev]) + "?rows=E2&columns=E1", evaluation),
        ("nza", r("survey-results-detail", args=[nza]), nza_only),
        ("draft", r("survey-results-detail", args=[draft]), nobody),
        ("gp trend zk", r("survey-series-insurer-trend", args=["gp-tevredenheid", zk]), sub_zk),
        ("evaluation trend", r("survey-series-trend", args=["evaluatie-zk"]), evaluation),
    ]


def _status_matrix(w, endpoints):
    got, expected = {}, {}
    for role in ROLES:
        client = client_for(None if role == "anonymous" else w.users[role])
        for name, url, statuses in endpoints:
            response = client.get(url)
            got[(name, role)] = response.status_code
            expected[(name, role)] = statuses[ROLES.index(role)]
    return got, expected


def test_every_results_page_and_export_for_every_role(world):
    got, expected = _status_matrix(world, pages(world))
    assert {k: v for k, v in got.items() if v != expected[k]} == {}


def test_every_results_api_endpoint_for_every_role(world):
    got, expected = _status_matrix(world, apis(world))
    assert {k: v for k, v in got.items() if v != expected[k]} == {}


def test_the_latest_satisfaction_sub_report_is_the_newest_closed_one(world):
    from datetime import timedelta

    from django.utils import timezone

    from surveys.models import Survey
    from tests.surveys.builders import make_survey

    older = make_survey(kind=Survey.Kind.GP_SATISFACTION, year=2025, title="Tevredenheid 2025")
    older.questions.create(code="Q1", position=1, kind="scale10", text="Contractinhoud", repeat="insurer")
    # The next year's is open: no results until it closes, so the link skips it.
    newer = make_survey(kind=Survey.Kind.GP_SATISFACTION, year=2099, title="Tevredenheid 2099",
                        status=Survey.Status.PUBLISHED, closes_at=timezone.now() + timedelta(days=30))
    newer.questions.create(code="Q1", position=1, kind="scale10", text="Contractinhoud", repeat="insurer")
    response = client_for(world.users["oth_zk"]).get(reverse("surveys:satisfaction_latest", args=[world.zk.pk]))
    assert response.status_code == 302
    assert response.url == reverse("surveys:results_insurer", args=[world.gp.pk, world.zk.pk])


def test_the_list_shows_each_user_what_they_may_open(world):
    from tests.helpers import page_html_as, text

    client = client_for()
    page = text(page_html_as(client, world.users["zk"], reverse("surveys:results_index")))
    assert "Evaluatie contractering (2026)" in page
    assert "Tevredenheid huisartsen (2026) — Zilveren Kruis" in page
    assert "VGZ" not in page and "NZa-enquête" not in page and "Concept" not in page
    page = text(page_html_as(client, world.users["oth_vgz"], reverse("surveys:results_index")))
    assert "Tevredenheid huisartsen (2026) — VGZ" in page
    assert "Zilveren Kruis" not in page and "Evaluatie" not in page
    body = client_for(world.users["oth_zk"]).get(reverse("survey-results-list")).json()
    assert [s["title"] for s in body["full"]] == ["Evaluatie contractering"]
    assert body["sub_reports"] == [{"id": world.gp.pk, "title": "Tevredenheid huisartsen", "year": 2026,
                                    "kind": "gp_satisfaction", "series": "gp-tevredenheid",
                                    "insurers": [world.zk.pk]}]


def test_the_survey_list_links_to_the_results_for_roles_that_see_them(world):
    from tests.helpers import page_html_as, text

    client = client_for()
    for role, expected in [("nza", True), ("zk", True), ("oth_vgz", True), ("practice", False),
                           ("care_group", False)]:
        page = text(page_html_as(client, world.users[role], reverse("surveys:list")))
        assert ("Uitkomsten van enquêtes" in page) is expected, role
