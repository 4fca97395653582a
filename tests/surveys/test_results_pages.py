"""What users see of survey results on the pages, in the exports and in the API: the figures of groups large
enough, a note and no figure for the others, a chart beside each table, files that open in a spreadsheet, and
query counts that do not grow with the number of responses."""

import csv
import html
import io
import json
import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from surveys.models import Invitation, Question, Survey
from tests.factories import PracticeFactory
from tests.helpers import assert_error, client_for, page_html, page_html_as, text

from .builders import YES_NO, make_question, make_survey, many, per, respond

pytestmark = pytest.mark.django_db
SMALL = "minder dan 5 antwoorden"


def charts(body: str) -> list[dict]:
    return [json.loads(html.unescape(m)) for m in re.findall(r'data-chart="([^"]*)"', body)]


def csv_rows(response) -> list[list[str]]:
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    content = response.content.decode("utf-8")
    assert content.startswith("\ufeff")
    return list(csv.reader(io.StringIO(content[1:]), delimiter=";"))


def xlsx_rows(response) -> list[tuple]:
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    book = load_workbook(io.BytesIO(response.content))
    return list(book.active.iter_rows(values_only=True))


def test_an_overlegteam_reads_its_insurers_sub_report_with_a_chart_and_a_table(world, client):
    body = page_html_as(client, world.users["oth_zk"],
                        reverse("surveys:results_insurer", args=[world.gp.pk, world.zk.pk]))
    page = text(body)
    assert "Deelrapport voor Zilveren Kruis" in page
    # 6 GPs rated Zilveren Kruis: 3 times 8 and 3 times 6, mean 7.0. Only the question asked per insurer.
    assert "6 ingediende antwoorden" in page
    assert "Q1. Contractinhoud — Zilveren Kruis" in page
    assert "6 3 (50%)" in page and "8 3 (50%)" in page and "Gemiddelde 7,0" in page
    assert "Knelpunten gemeld" not in page and "Administratie" not in page
    assert charts(body) == [{"type": "bar", "labels": [str(v) for v in range(1, 11)], "percent": True,
                             "datasets": [{"label": "Alle antwoorden",
                                           "data": [0, 0, 0, 0, 0, 50.0, 0, 50.0, 0, 0]}]}]
    assert "vendor/chart.js/chart.umd.min.js" in body and "js/survey-charts.js" in body


def test_a_group_below_the_threshold_shows_its_note_and_no_chart(world, client):
    body = page_html_as(client, world.users["vgz"], reverse("surveys:results_insurer", args=[world.gp.pk,
                                                                                          world.vgz.pk]))
    page = text(body)
    # 3 GPs rated VGZ (all 5): below 5, so not a single figure, not even how many.
    assert "Minder dan 5 antwoorden." in page and SMALL in page
    assert "3 ingediende" not in page and "100%" not in page
    assert charts(body) == []


def test_a_split_and_a_filter_on_the_page(world, client):
    url = reverse("surveys:results", args=[world.evaluation.pk])
    client.force_login(world.users["zk"])
    # 4 respondents in S1 only, 3 in S1 and S2: both below 5; the whole (7) is shown.
    page = text(page_html(client, url, dimension="segment"))
    assert "Aantal antwoorden 7 minder dan 5 antwoorden minder dan 5 antwoorden" in page
    page = text(page_html(client, url, dimension="segment", value="s1"))
    assert "Alleen de groep: alleen S1." in page
    assert "Aantal antwoorden minder dan 5 antwoorden" in page and "Aantal antwoorden 7" not in page


def test_bad_input_on_the_page_gets_a_message_and_the_whole_results(world, client):
    client.force_login(world.users["zk"])
    body = page_html(client, reverse("surveys:results", args=[world.evaluation.pk]), 400, dimension="leeftijd")
    page = text(body)
    assert "Onbekend kenmerk om op uit te splitsen: leeftijd." in page
    assert "Aantal antwoorden 7" in page
    body = page_html(client, reverse("surveys:crosstab", args=[world.evaluation.pk]), 400, rows="E2", columns="E9")
    assert "Kies twee vragen met keuzes of een schaal uit deze enquête." in text(body)


def test_a_cross_tab_page(world, client):
    client.force_login(world.users["oth_zk"])
    body = page_html(client, reverse("surveys:crosstab", args=[world.evaluation.pk]), rows="E2", columns="E1")
    page = text(body)
    # E1 by the answer to E2: ja 4 and nee 3, both below 5. All: (4 * 4 + 3 * 2) / 7 = 3.14 -> 3,1.
    assert "Alle antwoorden Ja Nee Aantal antwoorden 7 minder dan 5 antwoorden minder dan 5 antwoorden" in page
    assert "Gemiddelde 3,1 — —" in page


def test_the_api_gives_the_same_figures_and_no_figure_for_a_small_group(world):
    client = client_for(world.users["oth_zk"])
    body = client.get(reverse("survey-results-insurer", args=[world.gp.pk, world.zk.pk])).json()
    assert body["responses"] == 6 and body["threshold"] == 5 and body["available"] is True
    [block] = body["blocks"]
    assert block["question"] == "Q1" and block["repeat_label"] == "Zilveren Kruis"
    whole = block["groups"][0]
    assert (whole["n"], whole["mean"]) == (6, 7.0)
    assert [(c["value"], c["count"], c["percent"]) for c in whole["cells"] if c["count"]] == [("6", 3, 50.0),
                                                                                              ("8", 3, 50.0)]
    nza = client_for(world.users["nza"])
    body = nza.get(reverse("survey-results-insurer", args=[world.gp.pk, world.vgz.pk])).json()
    assert body["responses"] is None
    assert body["blocks"][0]["groups"] == [{"key": "", "label": "Alle antwoorden", "shown": False, "note": SMALL}]
    # Filtered to one segment of the evaluation: a group of 4, no figure.
    body = nza.get(reverse("survey-results-detail", args=[world.evaluation.pk]),
                   {"dimension": "segment", "value": "s1"}).json()
    assert [g for b in body["blocks"] for g in b["groups"]] == [
        {"key": "s1", "label": "alleen S1", "shown": False, "note": SMALL}] * 2
    body = nza.get(reverse("survey-results-crosstab", args=[world.evaluation.pk]), {"rows": "E2", "columns": "E1"})
    groups = body.json()["blocks"][0]["groups"]
    assert [(g["label"], g["shown"]) for g in groups] == [("Alle antwoorden", True), ("Ja", False), ("Nee", False)]
    assert "n" not in groups[1] and "cells" not in groups[1]
    assert_error(nza.get(reverse("survey-results-detail", args=[world.evaluation.pk]), {"dimension": "leeftijd"}),
                 400, "unknown_dimension")
    assert_error(nza.get(reverse("survey-results-crosstab", args=[world.evaluation.pk]), {"rows": "E2"}),
                 400, "unknown_question")


def test_results_tables_export_as_csv_and_xlsx_with_the_same_groups(world):
    client = client_for(world.users["nza"])
    rows = csv_rows(client.get(reverse("surveys:results_export", args=[world.gp.pk, "csv"])))
    assert rows[0] == ["Vraag", "Vraagtekst", "Thema", "Over", "Groep", "Antwoorden", "Antwoord", "Aantal",
                       "Percentage", "Gemiddelde", "Opmerking"]
    q1 = [r for r in rows[1:] if r[0] == "Q1"]
    # VGZ: a note only. Zilveren Kruis: one row per scale value, 6 and 8 with 3 (50%), mean 7,0 (Dutch decimal).
    assert ["Q1", "Contractinhoud", "", "VGZ", "Alle antwoorden", "", "", "", "", "", SMALL] in q1
    assert ["Q1", "Contractinhoud", "", "Zilveren Kruis", "Alle antwoorden", "6", "8", "3", "50,0", "7,0", ""] in q1
    # Q2 once: 6 answers, 3 ja and 3 nee. Q3 (open text): the count only, no text.
    assert ["Q2", "Knelpunten gemeld?", "", "", "Alle antwoorden", "6", "Ja", "3", "50,0", "", ""] in rows
    assert not any("Administratie" in cell for r in rows for cell in r)
    sheet = xlsx_rows(client.get(reverse("surveys:results_export_insurer",
                                         args=[world.gp.pk, world.vgz.pk, "xlsx"])))
    assert sheet[1:] == [("Q1", "Contractinhoud", None, "VGZ", "Alle antwoorden", None, None, None, None, None,
                          SMALL)]
    # A split's export holds the split's groups, withheld ones as notes.
    rows = csv_rows(client.get(reverse("surveys:results_export", args=[world.evaluation.pk, "csv"]),
                               {"dimension": "segment"}))
    assert [r[4:6] + r[10:] for r in rows[1:] if r[0] == "E2"] == [
        ["Alle antwoorden", "7", ""], ["Alle antwoorden", "7", ""], ["alleen S1", "", SMALL], ["S1 en S2", "", SMALL]]


def test_a_cross_tab_exports_its_rows(world):
    client = client_for(world.users["zk"])
    rows = csv_rows(client.get(reverse("surveys:results_export", args=[world.evaluation.pk, "csv"]),
                               {"rows": "E2", "columns": "E1"}))
    assert [r[4] for r in rows[1:]] == ["Alle antwoorden"] * 5 + ["Ja", "Nee"]
    assert [r[10] for r in rows[-2:]] == [SMALL, SMALL]
    response = client.get(reverse("surveys:results_export", args=[world.evaluation.pk, "csv"]), {"rows": "E2"})
    assert response.status_code == 400
    assert "Kies twee vragen met keuzes of een schaal uit deze enquête." in text(response.content.decode())


def test_the_answers_export_of_an_anonymous_survey_has_no_identity_and_no_attributes(world):
    respond(world.gp, {world.gp_q3: '=HYPERLINK("http://example.com","klik")'}, region=world.region.pk,
            segment="s2", provider_type="gp")
    client = client_for(world.users["nza"])
    rows = csv_rows(client.get(reverse("surveys:answers_export", args=[world.gp.pk, "csv"])))
    # Neither who answered nor their segment, provider type or region (the one GP in S2 would stand out).
    assert rows[0] == ["Antwoord nr.", "Vraag", "Vraagtekst", "Thema", "Over", "Antwoord"]
    assert not any(cell in ("Amsterdam", "alleen S1", "alleen S2") for r in rows for cell in r)
    # Response 1 (3 GPs rated Zilveren Kruis 8 and VGZ 5; insurers by name).
    assert rows[1:5] == [["1", "Q1", "Contractinhoud", "", "VGZ", "5"],
                         ["1", "Q1", "Contractinhoud", "", "Zilveren Kruis", "8"],
                         ["1", "Q2", "Knelpunten gemeld?", "", "", "Ja"],
                         ["1", "Q3", "Grootste knelpunt", "", "", "Administratie"]]
    # A text that a spreadsheet would run as a formula is written as text.
    assert rows[-1] == ["7", "Q3", "Grootste knelpunt", "", "", "'=HYPERLINK(\"http://example.com\",\"klik\")"]
    book = load_workbook(io.BytesIO(client.get(reverse("surveys:answers_export", args=[world.gp.pk, "xlsx"]))
                                    .content))
    cell = book.active.cell(row=book.active.max_row, column=6)
    assert cell.value.startswith("=HYPERLINK") and cell.data_type == "s"


def test_the_answers_export_of_an_identified_survey_names_the_respondent(world):
    survey = make_survey(anonymous=False, owner_insurer=world.zk, title="Uitvraag")
    q1 = make_question(survey, "U1", Question.Kind.SINGLE, options=YES_NO)
    for name in ("Praktijk Aa", "Praktijk Bb", "Praktijk Cc", "Praktijk Dd", "Praktijk Ee"):
        invitation = Invitation.objects.create(survey=survey, practice=PracticeFactory(name=name))
        respond(survey, {q1: "ja"}, invitation=invitation, segment="s1")
    rows = csv_rows(client_for(world.users["zk"]).get(reverse("surveys:answers_export", args=[survey.pk, "csv"])))
    assert rows[0] == ["Antwoord nr.", "Respondent", "Segment", "Soort zorgaanbieder", "Regio", "Vraag", "Vraagtekst",
                       "Thema", "Over", "Antwoord"]
    assert rows[1] == ["1", "Praktijk Aa", "alleen S1", "", "", "U1", "Vraag U1", "", "", "Ja"]
    assert [r[1] for r in rows[1:]] == ["Praktijk Aa", "Praktijk Bb", "Praktijk Cc", "Praktijk Dd", "Praktijk Ee"]


def test_no_answers_export_below_the_threshold_or_before_closing(world, client):
    survey = make_survey(owner_insurer=world.zk)
    q1 = make_question(survey, "Q1", Question.Kind.SINGLE, options=YES_NO)
    many(4, survey, {q1: "ja"})
    client.force_login(world.users["zk"])
    body = page_html(client, reverse("surveys:answers_export", args=[survey.pk, "csv"]), 409)
    assert "Er zijn minder dan 5 antwoorden: de antwoorden worden niet gedeeld." in text(body)
    many(2, survey, {q1: "ja"})
    Survey.objects.filter(pk=survey.pk).update(status=Survey.Status.PUBLISHED,
                                               closes_at=timezone.now() + timedelta(days=2))
    body = page_html(client, reverse("surveys:answers_export", args=[survey.pk, "xlsx"]), 409)
    assert "De antwoorden zijn te downloaden nadat de enquête is gesloten." in text(body)
    page = text(page_html(client, reverse("surveys:results", args=[survey.pk])))
    assert "De uitkomsten komen beschikbaar nadat de enquête is gesloten" in page
    assert "Aantal antwoorden" not in page


def test_the_trend_of_a_series_across_the_years(world, client):
    for year, grades in ((2024, [7, 7, 7, 8, 8, 5]), (2025, [9, 9, 9])):
        survey = make_survey(kind=Survey.Kind.GP_SATISFACTION, series="gp-tevredenheid", year=year,
                             title="Tevredenheid huisartsen")
        q1 = make_question(survey, "Q1", Question.Kind.SCALE10, repeat=Question.Repeat.INSURER)
        for grade in grades:
            respond(survey, {q1: per({world.zk.pk: grade})})
    body = page_html_as(client, world.users["oth_zk"],
                        reverse("surveys:trend_insurer", args=["gp-tevredenheid", world.zk.pk]))
    page = text(body)
    # 2024: (7 + 7 + 7 + 8 + 8 + 5) / 6 = 7.0; 2025: 3 answers, below 5; 2026: 7.0 (the world's survey).
    assert "Lijn 2024 2025 2026 Zilveren Kruis 7,0 minder dan 5 antwoorden 7,0" in page
    assert charts(body) == [{"type": "line", "labels": ["2024", "2025", "2026"], "percent": False,
                             "datasets": [{"label": "Zilveren Kruis", "data": [7.0, None, 7.0]}]}]
    rows = xlsx_rows(client.get(reverse("surveys:trend_export_insurer", args=["gp-tevredenheid", world.zk.pk,
                                                                              "xlsx"])))
    assert rows == [("Vraag", "Vraagtekst", "Maat", "Lijn", "2024", "2025", "2026"),
                    ("Q1", "Vraag Q1", "gemiddelde", "Zilveren Kruis", 7, SMALL, 7)]
    body = client.get(reverse("survey-series-insurer-trend", args=["gp-tevredenheid", world.zk.pk])).json()
    assert body["years"] == [2024, 2025, 2026]
    assert body["questions"][0]["lines"][0]["points"][1] == {"year": 2025, "shown": False, "note": SMALL}


def _count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("name", ["index", "api_list", "results", "results_insurer", "crosstab", "export", "answers",
                                  "api", "trend"])
def test_query_budgets_do_not_grow_with_the_number_of_responses(world, name):
    gp, zk = world.gp.pk, world.zk.pk
    urls = {
        "index": reverse("surveys:results_index"),
        "api_list": reverse("survey-results-list"),
        "results": reverse("surveys:results", args=[gp]) + "?dimension=region",
        "results_insurer": reverse("surveys:results_insurer", args=[gp, zk]) + "?dimension=segment",
        "crosstab": reverse("surveys:crosstab_insurer", args=[gp, zk]) + "?rows=Q1&columns=Q1b",
        "export": reverse("surveys:results_export", args=[gp, "xlsx"]) + "?dimension=provider_type",
        "answers": reverse("surveys:answers_export", args=[gp, "csv"]),
        "api": reverse("survey-results-detail", args=[gp]) + f"?dimension=insurer&value={zk}",
        "trend": reverse("surveys:trend", args=["gp-tevredenheid"]),
    }
    second = make_question(world.gp, "Q1b", Question.Kind.SCALE10, repeat=Question.Repeat.INSURER)
    many(5, world.gp, {second: per({world.zk.pk: 6})})
    client = client_for(world.users["nza"])
    before = _count_queries(client, urls[name])
    many(20, world.gp, {world.gp_q1: per({world.zk.pk: 9, world.vgz.pk: 4}), second: per({world.zk.pk: 3}),
                        world.gp_q2: "ja",
                        world.gp_q3: "Tijd"}, region=world.region.pk, segment="both", provider_type="both",
         insurers=[world.zk.pk, world.vgz.pk])
    assert _count_queries(client, urls[name]) == before
    assert before <= BUDGETS[name], before


# Each page: session, user, memberships, the survey (scope), [the insurer of a sub-report], regions and insurers
# (labels), the response count, the questions, the two GROUP BY queries (respondents and answer cells per
# question, repetition, theme and attributes), the unread-notice count of the header. The NZa's full results add
# two (does the survey ask per insurer, the insurers to open sub-reports of); a cross-tab two more GROUP BYs
# (per answer to the row question) and the questions once more for its form.
# The list page: session, user, memberships, the surveys with full results, the insurers of the sub-reports, the
# surveys with sub-reports, the unread-notice count (the API list: the same without the notices).
BUDGETS = {"index": 8, "api_list": 7, "results": 13, "results_insurer": 12, "crosstab": 14, "export": 11,
           "answers": 10, "api": 11, "trend": 12}


def test_the_results_read_in_english(world, client):
    client.force_login(world.users["nza"])
    client.cookies["django_language"] = "en"
    page = text(page_html(client, reverse("surveys:results_insurer", args=[world.gp.pk, world.vgz.pk])))
    assert "Sub-report for VGZ: the answers about this insurer." in page
    assert "Number of answers fewer than 5 answers" in page
