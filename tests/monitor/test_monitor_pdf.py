"""The printable yearly monitor (/monitor/<year>/monitor.pdf): opened with pypdf, its text holds every chapter of
the monitor, the figures of the stored snapshots in Dutch notation, and for an insurer no other insurer's name."""

import io
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pypdf import PdfReader

from monitor.indicators import Row, Unit, column, headline, table
from monitor.models import MonitorSnapshot
from tests.monitor.snapshots import COMPUTED

pytestmark = pytest.mark.django_db

CHAPTERS = ("Samenvatting", "Contractafspraken huisartsenzorg", "Multidisciplinaire zorg", "Maatwerk en verzoeken",
            "Goede contracteerpraktijken", "Enquêtes")


def url(year=2027):
    return reverse("monitor:print_pdf", args=[year])


def pdf_text(client, user, year=2027) -> str:
    client.force_login(user)
    response = client.get(url(year))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    return " ".join(text.split())  # one space between words, whatever the line breaks


def test_nza_prints_every_chapter_with_the_stored_figures(client, monitor_world):
    text = pdf_text(client, monitor_world.nza)
    assert "Monitor contractafspraken huisartsenzorg en multidisciplinaire zorg 2027" in text
    for title in CHAPTERS:
        assert title in text
    # The national cut of 2027 (tests/monitor/snapshots.py): 300 contracts; Noordzee Zorg 80 new, 120 continuing.
    assert "Testcontracten per zorgverzekeraar" in text
    assert "Contracten: 300" in text
    assert "Noordzee Zorg 80 120" in text
    assert "Grafiek: Nieuw" in text  # the bars of the count column
    # The satisfaction mark in Dutch notation: 7,1.
    assert "7,1" in text and "7.1" not in text
    assert "Zuiderlicht Verzekeringen" in text and "Oostwind Zorgverzekeraar" in text
    assert "Berekend op 30 november 2026" in text
    assert "Hoe berekend: Aantal getekende testcontracten." in text


def test_a_stored_percentage_and_count_in_dutch_notation(client, monitor_world):
    value = table(columns=[column("due", "verstreken termijnen", Unit.COUNT),
                           column("share", "op tijd (%)", Unit.PERCENT)],
                  rows=[Row(key="request:question", label="Vraag", cells={"due": 6666, "share": 58.3})],
                  headline=headline(58.3, Unit.PERCENT, "termijnen op tijd"), n=6666)
    MonitorSnapshot.objects.create(year=2027, indicator="gcp_clocks_met", value=value, computed_at=COMPUTED)
    text = pdf_text(client, monitor_world.nza)
    assert "termijnen op tijd: 58,3%" in text
    assert "Vraag 6.666 58,3%" in text
    # Indicators without a snapshot say so.
    assert "Nog niet berekend voor dit jaar." in text


def test_insurer_sees_others_anonymised(client, monitor_world):
    text = pdf_text(client, monitor_world.purchaser)
    for title in CHAPTERS:
        assert title in text
    assert "Noordzee Zorg" in text
    assert "Zuiderlicht" not in text and "Oostwind" not in text
    # The national table (after "Landelijk"): its own row first, then the others in letter order, not in the
    # order of the names they stand for.
    national = text[text.index("Landelijk"):text.index("Uw zorgverzekeraar")]
    letters = re.findall(r"Zorgverzekeraar ([A-C]) \d+ \d+", national)
    assert len(letters) == 2 and letters == sorted(letters)
    assert national.index("Noordzee Zorg 80 120") < national.index(f"Zorgverzekeraar {letters[0]}")
    # Its own table beside the national one (its own cut of the indicators split by insurer).
    assert "Uw zorgverzekeraar" in text
    assert "Contracten: 300" in text


@pytest.mark.parametrize("who, status", [
    ("nza", 200), ("purchaser", 200), ("team", 403), ("practice_user", 403), ("care_group_user", 403),
    ("nobody", 403),
])
def test_role_matrix(client, monitor_world, who, status):
    client.force_login(getattr(monitor_world, who))
    assert client.get(url()).status_code == status


def test_anonymous_is_sent_to_login(client, monitor_world):
    response = client.get(url())
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:login") + "?next=" + url()


def test_unknown_year_is_404(client, monitor_world):
    client.force_login(monitor_world.nza)
    assert client.get(url(2031)).status_code == 404


def test_query_count_does_not_grow_with_snapshots(client, monitor_world):
    client.force_login(monitor_world.purchaser)

    def queries():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url()).status_code == 200
        return len(ctx.captured_queries)

    few = queries()
    for year in (2024, 2025):
        MonitorSnapshot.objects.create(year=year, indicator="test_contracts", value=table(columns=[], rows=[]),
                                       computed_at=COMPUTED)
    assert queries() == few


def test_cells_in_dutch_notation_and_the_charted_column():
    from django.utils import translation

    from monitor.indicators import get_indicator
    from monitor.pdf import _t, cell_text, chart_column

    with translation.override("nl"):
        assert cell_text(6666, Unit.COUNT) == "6.666"
        assert cell_text(58.3, Unit.PERCENT) == "58,3%"
        assert cell_text(1234.5, Unit.EURO) == "€ 1.234,50"
        assert cell_text(7.1, Unit.MARK) == "7,1"
        assert cell_text(None, Unit.COUNT) == "–"
    assert _t("≥ 35 dagen") == ">= 35 dagen"
    # The scoreboard (unit text) charts its last percentage, the share on time; the clocks table (unit
    # percent) its percentage column.
    scoreboard = {"columns": [column("policy", "Inkoopbeleid", Unit.TEXT), column("on_time", "op tijd", Unit.COUNT),
                              column("score", "op tijd (%)", Unit.PERCENT)]}
    assert chart_column(get_indicator("gcp_scoreboard"), scoreboard)["key"] == "score"
    clocks = {"columns": [column("due", "verstreken", Unit.COUNT), column("share", "op tijd (%)", Unit.PERCENT)]}
    assert chart_column(get_indicator("gcp_clocks_met"), clocks)["key"] == "share"
