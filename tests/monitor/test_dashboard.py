"""The monitor's dashboard pages and downloads, on snapshot rows made by hand (tests/monitor/snapshots.py):
who may open what, what each role sees of other insurers, the filters in the URL, the downloads equal to the
table shown, and a query budget that does not grow with the snapshot rows."""

import csv
import html as htmllib
import io
import json
import re
from html.parser import HTMLParser

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from contracting.models import ContractYear, Offer, StandardContract
from monitor.access import insurer_letters
from monitor.indicators import Row, Unit, column, headline, table
from monitor.models import MonitorSnapshot
from monitor.tables import display
from tests.factories import RegionFactory
from tests.helpers import page_html_as, text
from tests.monitor.snapshots import CONTRACTS, SATISFACTION, TERMS, snapshot

pytestmark = pytest.mark.django_db

DASHBOARD = "/monitor/"
CONTRACTS_TAB = "/monitor/?chapter=contractafspraken"
SURVEYS_TAB = "/monitor/?chapter=enquetes"
CONTRACTS_CH, SURVEYS_CH = "contractafspraken", "enquetes"  # with other parameters: the test client drops a
# query string written in the path when it is given parameters
CSV = f"/monitor/cijfers/{CONTRACTS}.csv"
XLSX = f"/monitor/cijfers/{CONTRACTS}.xlsx"
TERMS_CSV, TERMS_XLSX = f"/monitor/cijfers/{TERMS}.csv", f"/monitor/cijfers/{TERMS}.xlsx"
VIEWERS = ("nza", "purchaser", "team", "practice_user", "care_group_user")
NAMES = ("Noordzee Zorg", "Zuiderlicht Verzekeringen", "Oostwind Zorgverzekeraar")


class Tables(HTMLParser):
    """The cells of the table of each figure (data-figure="code"), as a reader sees them."""

    def __init__(self):
        super().__init__()
        self.tables, self.current, self.row, self.cell = {}, None, None, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "table" and "data-figure" in attrs:
            self.current = self.tables.setdefault(attrs["data-figure"], [])
        elif self.current is not None and tag == "tr":
            self.row = []
        elif self.row is not None and tag in ("td", "th"):
            self.cell = []

    def handle_endtag(self, tag):
        if tag == "table":
            self.current = None
        elif tag in ("td", "th") and self.cell is not None:
            self.row.append(" ".join("".join(self.cell).split()))
            self.cell = None
        elif tag == "tr" and self.row is not None:
            self.current.append(self.row)
            self.row = None

    def handle_data(self, data):
        if self.cell is not None:
            self.cell.append(data)


def shown_table(html, code):
    parser = Tables()
    parser.feed(html)
    return parser.tables[code]


def download(client, url, **params):
    response = client.get(url, params)
    assert response.status_code == 200, (url, response.status_code)
    return response


def csv_rows(response):
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))


def xlsx_rows(response):
    book = load_workbook(io.BytesIO(response.content))
    return [list(r) for r in book.active.iter_rows(values_only=True)]


def test_role_matrix(client, monitor_world):
    w = monitor_world
    for url in (DASHBOARD, CONTRACTS_TAB, SURVEYS_TAB, CSV, XLSX):
        client.logout()
        response = client.get(url)
        assert response.status_code == 302 and "/account/inloggen/" in response["Location"], url  # log in first
        client.force_login(w.nobody)
        assert client.get(url).status_code == 403, url
        for who in VIEWERS:
            client.force_login(getattr(w, who))
            assert client.get(url).status_code == 200, (who, url)
    client.force_login(w.nza)
    assert client.get("/monitor/cijfers/bestaat_niet.csv").status_code == 404
    assert client.get(CSV, {"year": "2031"}).status_code == 404  # nothing computed for that year


def test_nza_sees_every_name_figure_and_drill_down(client, monitor_world):
    w = monitor_world
    html = page_html_as(client, w.nza, CONTRACTS_TAB)
    rows = shown_table(html, CONTRACTS)
    assert rows[0] == ["Onderwerp", "Nieuw", "Doorlopend", "Opmerking", "Onderliggende lijst"]
    assert rows[1:] == [["Noordzee Zorg", "80", "120", "", "Bekijk lijst: Noordzee Zorg"],
                        ["Zuiderlicht Verzekeringen", "20", "40", "", "Bekijk lijst: Zuiderlicht Verzekeringen"],
                        ["Oostwind Zorgverzekeraar", "10", "30", "", "Bekijk lijst: Oostwind Zorgverzekeraar"]]
    assert f'href="/register/2027/?insurer={w.zuid.pk}"' in html
    page = text(html)
    assert "Testcontracten per zorgverzekeraar 300 Contracten" in page
    assert "Gevolgde contracten tellen één keer." in page  # how it is computed, with its caveats
    assert "Cijfers over 2027, berekend op 30 november 2026 03:00 uit gegevens tot 30 november 2026 00:00." in page
    assert 'href="/monitor/2027/monitor.pdf"' in html and 'href="/monitor/berekeningen/"' in html
    # The overview: each figure's headline, linking to its chapter.
    page = text(page_html_as(client, w.nza, DASHBOARD))
    assert "Testcontracten per zorgverzekeraar 300" in page and "Testtevredenheid 7,1" in page


def test_insurer_never_sees_another_insurers_name(client, monitor_world):
    w = monitor_world
    client.force_login(w.purchaser)
    for chapter in ("", CONTRACTS_CH, SURVEYS_CH):
        for params in ({}, {"insurer": w.zuid.pk}, {"region": w.utrecht.pk}, {"year": 2026}):
            html = client.get(DASHBOARD, {"chapter": chapter, **params}).content.decode()
            assert "Zuiderlicht" not in html and "Oostwind" not in html, (chapter, params)
    for url in (CSV, XLSX, TERMS_CSV, TERMS_XLSX):
        for params in ({}, {"insurer": w.zuid.pk}, {"region": w.utrecht.pk}):
            response = download(client, url, **params)
            content = response.content.decode("utf-8-sig") if url.endswith(".csv") else str(xlsx_rows(response))
            assert "Zuiderlicht" not in content and "Oostwind" not in content, (url, params)
    # A national table with a row per insurer: its own name, the others' letters.
    letters = insurer_letters(2027, [w.noord.pk, w.zuid.pk, w.oost.pk])
    others = sorted([(letters[w.zuid.pk], "40,0"), (letters[w.oost.pk], "30,0")])
    assert csv_rows(download(client, TERMS_CSV))[1:] == [
        ["Noordzee Zorg", "50,0", ""], *[[f"Zorgverzekeraar {letter}", share, ""] for letter, share in others]]
    html = client.get(DASHBOARD, {"chapter": CONTRACTS_CH, "insurer": w.zuid.pk}).content.decode()
    assert "andere zorgverzekeraars zijn niet te kiezen" in text(html)
    # Its own figure (200 in 2027) beside the national one (300), and its own drill-down.
    page = text(html)
    assert "Testcontracten per zorgverzekeraar 200 Contracten Landelijk: 300" in page
    assert shown_table(html, CONTRACTS)[1] == ["Noordzee Zorg", "80", "120", "", "Bekijk lijst: Noordzee Zorg"]


def test_practice_sees_only_its_region_and_the_nation(client, monitor_world):
    w = monitor_world
    client.force_login(w.practice_user)
    letter = insurer_letters(2027, [w.noord.pk, w.zuid.pk, w.oost.pk])[w.oost.pk]
    params = {"chapter": CONTRACTS_CH, "region": w.utrecht.pk, "insurer": w.noord.pk}
    html = client.get(DASHBOARD, params).content.decode()
    assert not any(name in html for name in NAMES)
    assert shown_table(html, CONTRACTS)[1:] == [[f"Zorgverzekeraar {letter}", "2", "3", ""]]  # no drill column
    assert "Mijn positie" in text(html) and "Landelijk: 300" in text(html)
    assert "Utrecht-test" not in html  # not even another region's name in the filters
    assert not any(name in client.get(CSV).content.decode("utf-8-sig") for name in NAMES)


def test_my_position_lists_the_practices_own_contracts_in_force(client, monitor_world):
    w = monitor_world
    page = text(page_html_as(client, w.practice_user, DASHBOARD))
    assert "Uw eigen positie in 2027 U heeft nog geen getekend contract dat in 2027 geldt." in page
    practice = w.practice_user.memberships.get().practice
    running = StandardContract.objects.create(insurer=w.noord, first_year=2026, term_years=3, title="Meerjarig")
    Offer.objects.create(standard_contract=running, insurer=w.noord, practice=practice, year=2026,
                         region=w.limburg, status=Offer.Status.SIGNED)
    yearly = StandardContract.objects.create(insurer=w.zuid, first_year=2027, title="Eenjarig")
    Offer.objects.create(standard_contract=yearly, insurer=w.zuid, practice=practice, year=2027,
                         region=w.limburg, status=Offer.Status.SIGNED)
    ended = StandardContract.objects.create(insurer=w.oost, first_year=2026, title="Afgelopen")
    Offer.objects.create(standard_contract=ended, insurer=w.oost, practice=practice, year=2026,
                         region=w.limburg, status=Offer.Status.SIGNED)
    other = StandardContract.objects.create(insurer=w.oost, first_year=2027, title="Niet getekend")
    Offer.objects.create(standard_contract=other, insurer=w.oost, practice=practice, year=2027, region=w.limburg)
    page = text(page_html_as(client, w.practice_user, DASHBOARD))
    assert ("Uw eigen positie in 2027 U heeft 2 getekende contracten die in dit jaar gelden: "
            "Noordzee Zorg — meerjarig, 2026 tot en met 2028 Zuiderlicht Verzekeringen") in page
    # Only the holder's own: another practice's people see none of it, an insurer no such section.
    assert "Zuiderlicht" not in page_html_as(client, w.care_group_user, DASHBOARD)
    assert "Uw eigen positie" not in text(page_html_as(client, w.purchaser, DASHBOARD))


def test_overlegteam_sees_its_insurer_in_its_region_without_drill_down(client, monitor_world):
    w = monitor_world
    html = page_html_as(client, w.team, CONTRACTS_TAB)
    assert shown_table(html, CONTRACTS)[1:] == [["Noordzee Zorg", "4", "6", ""]]
    page = text(html)
    assert ("11 Contracten Zorgverzekeraar, alle regio's: 200 Regio, alle zorgverzekeraars: 14 Landelijk: 300"
            in page)
    assert "Bekijk lijst" not in page and "Zuiderlicht" not in html
    assert "monitor.pdf" not in html and "/monitor/berekeningen/" not in html


def test_filters_are_in_the_url_and_htmx_swaps_the_results(client, monitor_world):
    w = monitor_world
    client.force_login(w.nza)
    params = {"chapter": CONTRACTS_CH, "insurer": w.noord.pk, "region": w.utrecht.pk}
    html = client.get(DASHBOARD, params).content.decode()
    assert re.search(rf'<option value="{w.noord.pk}" selected>Noordzee Zorg', html)
    assert re.search(rf'<option value="{w.utrecht.pk}" selected>Utrecht-test', html)
    assert shown_table(html, CONTRACTS)[1][:3] == ["Noordzee Zorg", "4", "6"]
    # The downloads and the chapter tabs keep the same view.
    assert f"/monitor/cijfers/{CONTRACTS}.csv?year=2027&amp;insurer={w.noord.pk}&amp;region={w.utrecht.pk}" in html
    assert f"?year=2027&amp;insurer={w.noord.pk}&amp;region={w.utrecht.pk}&amp;chapter=enquetes" in html
    # htmx asks for the results region only.
    response = client.get(DASHBOARD, {"chapter": CONTRACTS_CH, "region": w.utrecht.pk}, headers={"HX-Request": "true"})
    body = response.content.decode()
    assert "<html" not in body and "<h1" not in body and shown_table(body, CONTRACTS)[1][:3] == [
        "Noordzee Zorg", "4", "6"]
    assert "HX-Request" in response["Vary"]
    # A filter that cannot be read is left at "all", with a message; never an error page.
    page = text(page_html_as(client, w.nza, DASHBOARD, chapter=CONTRACTS_CH, segment="s9", insurer="x"))
    assert "Kies segment 1 of segment 2, of alle segmenten." in page and "Kies een zorgverzekeraar" in page
    assert "Testcontracten per zorgverzekeraar 300" in page


def test_unsplit_dimension_is_said_on_the_figure(client, monitor_world):
    w = monitor_world
    page = text(page_html_as(client, w.nza, DASHBOARD, chapter=SURVEYS_CH, region=w.utrecht.pk))
    assert "Dit cijfer is niet per regio uitgesplitst; u ziet alle regio's samen." in page


@pytest.mark.parametrize("who", ["nza", "purchaser", "practice_user"])
def test_downloads_equal_the_table_shown(client, monitor_world, who):
    w = monitor_world
    client.force_login(getattr(w, who))
    params = {"region": w.utrecht.pk} if who == "nza" else {}
    shown = shown_table(client.get(DASHBOARD, {"chapter": CONTRACTS_CH, **params}).content.decode(), CONTRACTS)
    width = 4  # label, Nieuw, Doorlopend, Opmerking (the drill-down column is a link, not a figure)
    expected = [r[:width] for r in shown]
    as_csv = csv_rows(download(client, CSV, **params))
    as_xlsx = xlsx_rows(download(client, XLSX, **params))
    assert as_csv[0] == as_xlsx[0] == expected[0]
    assert [[r[0], display(int(r[1]), "count"), display(int(r[2]), "count"), r[3]] for r in as_csv[1:]] == \
        expected[1:]
    assert [[r[0], display(r[1], "count"), display(r[2], "count"), r[3] or ""] for r in as_xlsx[1:]] == expected[1:]
    assert isinstance(as_xlsx[1][1], int)  # numbers stay numbers in the spreadsheet


def test_formula_looking_text_stays_text(client, monitor_world):
    w = monitor_world
    snap = snapshot(2025, CONTRACTS, [("=HYPERLINK(\"x\")", None, 1, 2)], head=3)
    assert snap.pk
    client.force_login(w.nza)
    assert csv_rows(download(client, CSV, year=2025))[1][0] == "'=HYPERLINK(\"x\")"
    cell = load_workbook(io.BytesIO(download(client, XLSX, year=2025).content)).active["A2"]
    assert cell.data_type == "s" and cell.value == "=HYPERLINK(\"x\")"


def test_empty_states(client, monitor_world):
    w = monitor_world
    page = text(page_html_as(client, w.nza, DASHBOARD, year=2031))
    assert "Er is geen contractjaar 2031, dus ook geen cijfers." in page
    ContractYear.objects.create(year=2028)  # a year in contracting that has not been computed yet
    page = text(page_html_as(client, w.nza, DASHBOARD, year=2028))
    assert "Voor 2028 zijn nog geen cijfers berekend. De cijfers worden elke nacht berekend" in page
    # A figure without a snapshot for the cut: said on its card.
    page = text(page_html_as(client, w.nza, DASHBOARD, chapter=SURVEYS_CH, insurer=w.oost.pk))
    assert "Testtevredenheid Voor deze selectie is nog geen cijfer berekend." in page


def page_queries(client, url, **params):
    client.get(url, params)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url, params).status_code == 200
    return len(ctx.captured_queries)


def test_query_budget_does_not_grow_with_the_data(client, monitor_world):
    w = monitor_world
    counts = {}
    for who in ("nza", "purchaser", "team", "practice_user"):
        client.force_login(getattr(w, who))
        counts[who] = (page_queries(client, CONTRACTS_TAB), page_queries(client, DASHBOARD),
                       page_queries(client, CSV))
    for year in (2024, 2025):
        snapshot(year, CONTRACTS, [("Noordzee Zorg", w.noord, 1, 1)], head=2)
        snapshot(year, SATISFACTION, [("Noordzee Zorg", w.noord, 7, 0)], head=7)
    for _n in range(30):
        snapshot(2027, CONTRACTS, [("Noordzee Zorg", w.noord, 1, 1)], region=RegionFactory(), head=2)
    for who in ("nza", "purchaser", "team", "practice_user"):
        client.force_login(getattr(w, who))
        assert (page_queries(client, CONTRACTS_TAB), page_queries(client, DASHBOARD),
                page_queries(client, CSV)) == counts[who], who
    assert max(max(c) for c in counts.values()) <= 16


def test_a_withheld_row_shows_its_note_and_no_figure_in_table_chart_and_download(client, monitor_world):
    w = monitor_world
    value = table(columns=[column("mark", "Cijfer", Unit.MARK)],
                  rows=[Row(key="insurer:1", label="Noordzee Zorg", insurer=w.noord.pk, cells={"mark": 7.2}),
                        Row(key="insurer:2", label="Zuiderlicht Verzekeringen", insurer=w.zuid.pk, withheld=True,
                            note="minder dan 10 antwoorden")],
                  headline=headline(7.2, Unit.MARK, "gemiddeld"))
    MonitorSnapshot.objects.filter(year=2027, indicator=SATISFACTION, insurer=None).update(value=value)
    client.force_login(w.nza)
    html = client.get(DASHBOARD, {"chapter": SURVEYS_CH}).content.decode()
    assert shown_table(html, SATISFACTION)[1:] == [["Noordzee Zorg", "7,2", "", ""],
                                                   ["Zuiderlicht Verzekeringen", "—", "minder dan 10 antwoorden", ""]]
    chart = json.loads(htmllib.unescape(re.search(r'data-chart="([^"]*)"', html).group(1)))
    assert chart["labels"] == ["Noordzee Zorg"] and chart["datasets"][0]["data"] == [7.2]
    rows = csv_rows(download(client, f"/monitor/cijfers/{SATISFACTION}.csv"))
    assert rows[1:] == [["Noordzee Zorg", "7,2", ""], ["Zuiderlicht Verzekeringen", "", "minder dan 10 antwoorden"]]
