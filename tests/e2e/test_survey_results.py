"""Browser test: an overlegteam member opens its insurer's sub-report of the GP satisfaction survey from the list
of results; the chart is drawn (Chart.js under the Content-Security-Policy, no inline script) above its table;
a split by region shows the group and the note of a small one."""

import pytest

from tests.factories import DEFAULT_PASSWORD
from tests.surveys.builders import results_world

from .conftest import login

pytestmark = pytest.mark.django_db(transaction=True)


def test_an_overlegteam_member_opens_its_insurers_sub_report(page, shot, world):
    blocked = []
    page.on("console", lambda msg: blocked.append(msg.text) if "Content Security Policy" in msg.text else None)
    login(page, "lid@oth-zk.example", DEFAULT_PASSWORD)
    page.goto("/enquetes/resultaten/")
    page.get_by_role("link", name="Tevredenheid huisartsen (2026) — Zilveren Kruis").click()
    page.wait_for_selector("canvas[data-drawn='1']")
    assert page.get_by_role("heading", name="Q1. Contractinhoud — Zilveren Kruis").is_visible()
    table = page.get_by_role("table", name="Q1. Contractinhoud — Zilveren Kruis")
    assert "Gemiddelde" in table.inner_text() and "7,0" in table.inner_text()
    shot(page, "sub-report")
    page.select_option("#id_dimension", "segment")
    page.get_by_role("button", name="Toon").click()
    page.wait_for_selector("canvas[data-drawn='1']")
    header = page.get_by_role("table", name="Q1. Contractinhoud — Zilveren Kruis").locator("thead").inner_text()
    assert "Alle antwoorden" in header and "alleen S1" in header
    shot(page, "split")
    assert blocked == []


@pytest.fixture
def world(transactional_db):
    return results_world()
