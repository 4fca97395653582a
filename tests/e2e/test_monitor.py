"""Browser test: an NZa analyst opens the monitor, goes to the contracts chapter, filters by insurer and region
(htmx swaps the figures in place and the URL follows, so reloading it gives the same view), drills down to the
register and downloads the table as CSV and XLSX; an insurer's purchaser sees the other insurers only as
letters. Charts are drawn under the Content-Security-Policy. Snapshot rows made by hand
(tests/monitor/snapshots.py)."""

import csv
import io

import pytest
from openpyxl import load_workbook

from contracting.models import ContractYear
from monitor.access import insurer_letters
from tests.factories import DEFAULT_PASSWORD
from tests.monitor.snapshots import CONTRACTS, TERMS, build_world, register_test_indicators, unregister_test_indicators

from .conftest import login

pytestmark = pytest.mark.django_db(transaction=True)


def table_text(page, code):
    return page.locator(f"table[data-figure='{code}']").inner_text()


def test_nza_filters_drills_down_and_exports(page, shot, world):
    w = world
    ContractYear.objects.create(year=2027)  # the register's year page the drill-down opens
    blocked = []
    page.on("console", lambda msg: blocked.append(msg.text) if "Content Security Policy" in msg.text else None)
    login(page, w.nza.email, DEFAULT_PASSWORD)
    page.get_by_role("link", name="Monitor", exact=True).click()
    assert page.get_by_role("heading", name="NZa-monitor").is_visible()
    shot(page, "overview")
    page.get_by_role("link", name="Contractafspraken huisartsenzorg").click()
    page.wait_for_selector("canvas[data-drawn='1']")
    assert "Zuiderlicht Verzekeringen" in table_text(page, CONTRACTS)

    page.select_option("#id_insurer", label="Noordzee Zorg")
    page.wait_for_url(f"**insurer={w.noord.pk}**")
    page.select_option("#id_region", label="Utrecht-test")
    page.wait_for_url(f"**region={w.utrecht.pk}**")
    page.wait_for_selector("canvas[data-drawn='1']")
    table = table_text(page, CONTRACTS)
    assert "Noordzee Zorg" in table and "Zuiderlicht" not in table
    assert "Landelijk: 300" in page.locator("#fig-test_contracts").inner_text()
    shot(page, "filtered")

    # The URL reopens the same view.
    filtered = page.url
    page.reload()
    assert page.locator("#id_region").input_value() == str(w.utrecht.pk)
    assert "chapter=contractafspraken" in filtered

    with page.expect_download() as info:
        page.locator("#fig-test_contracts").get_by_role("link", name="CSV").click()
    rows = list(csv.reader(io.StringIO(open(info.value.path(), encoding="utf-8-sig").read()), delimiter=";"))
    assert rows == [["Onderwerp", "Nieuw", "Doorlopend", "Opmerking"], ["Noordzee Zorg", "4", "6", ""]]
    with page.expect_download() as info:
        page.locator("#fig-test_contracts").get_by_role("link", name="Excel (XLSX)").click()
    with open(info.value.path(), "rb") as f:
        sheet = load_workbook(f).active
    assert [list(r) for r in sheet.iter_rows(values_only=True)] == [
        ["Onderwerp", "Nieuw", "Doorlopend", "Opmerking"], ["Noordzee Zorg", 4, 6, None]]

    page.locator("#fig-test_contracts").get_by_role("link", name="Bekijk lijst").click()
    page.wait_for_url(f"**/register/2027/?insurer={w.noord.pk}")
    shot(page, "drill-down")
    assert blocked == []


def test_insurer_sees_other_insurers_anonymised(page, shot, world):
    w = world
    letters = insurer_letters(2027, [w.noord.pk, w.zuid.pk, w.oost.pk])
    login(page, w.purchaser.email, DEFAULT_PASSWORD)
    page.goto("/monitor/?chapter=contractafspraken")
    page.wait_for_selector("canvas[data-drawn='1']")
    table = table_text(page, TERMS)
    assert "Noordzee Zorg" in table
    assert f"Zorgverzekeraar {letters[w.zuid.pk]}" in table and f"Zorgverzekeraar {letters[w.oost.pk]}" in table
    content = page.content()
    assert "Zuiderlicht" not in content and "Oostwind" not in content
    assert [o.strip() for o in page.locator("#id_insurer option").all_inner_texts()] == ["Noordzee Zorg"]
    shot(page, "insurer")


@pytest.fixture
def world(transactional_db):
    register_test_indicators()
    yield build_world()
    unregister_test_indicators()
