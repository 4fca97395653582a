"""The calendar-feed link in a real browser: a purchaser makes it on the profile page, copies it with "Kopieer
link" (under the Content-Security-Policy: the script is a static file) and the link gives the calendar."""

import pytest
from icalendar import Calendar

from accounts.models import Role
from contracting.services import contract_year_ensure
from tests.factories import DEFAULT_PASSWORD, InsurerFactory, make_member

from .conftest import login

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_purchaser_makes_and_copies_the_calendar_link(page, shot):
    contract_year_ensure(actor=None, year=2027)
    user = make_member(Role.INSURER_PURCHASER, InsurerFactory(name="Zorgverzekeraar Noord"),
                       email="inkoper@noord.example", full_name="Ineke Kooij")
    problems = []
    # A script blocked by the Content-Security-Policy, or one that fails, is reported like this.
    page.on("console", lambda message: problems.append(message.text)
            if message.type == "error" and "Failed to load resource" not in message.text else None)
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    login(page, user.email, DEFAULT_PASSWORD)
    page.goto("/account/profiel/")
    page.get_by_role("button", name="Agenda-link maken").click()
    page.get_by_text("Uw agenda-link is gemaakt").wait_for()
    link = page.get_by_label("Uw agenda-link").input_value()
    page.get_by_role("button", name="Kopieer link").click()
    page.locator("[data-copy-status]", has_text="Gekopieerd").wait_for()
    assert page.evaluate("navigator.clipboard.readText()") == link
    page.locator("#agenda").scroll_into_view_if_needed()
    shot(page, "profile")

    response = page.request.get(link)
    assert response.status == 200
    summaries = {str(e["SUMMARY"]) for e in Calendar.from_ical(response.body()).walk("VEVENT")}
    assert "Publicatie voorgenomen inkoopbeleid en contracteerprocedure (contractjaar 2027)" in summaries
    assert problems == []
