"""Reading a user's calendar feed in tests: make their secret link through the service, fetch it without a
session (as a calendar app does) and parse it with icalendar."""

from django.test import Client
from django.urls import reverse
from icalendar import Calendar

from accounts.selectors import calendar_feed_token
from accounts.services import calendar_feed_renew


def feed_path(user) -> str:
    feed = calendar_feed_renew(actor=user)
    return reverse("calendar_feed", args=[calendar_feed_token(feed)])


def fetch_feed(user) -> Calendar:
    response = Client().get(feed_path(user))
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return Calendar.from_ical(response.content)


def feed_events(user) -> dict[str, list]:
    """The feed's events by summary (a summary can occur more than once)."""
    events: dict[str, list] = {}
    for event in fetch_feed(user).walk("VEVENT"):
        events.setdefault(str(event["SUMMARY"]), []).append(event)
    return events
