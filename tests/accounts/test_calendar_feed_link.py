"""The calendar-feed link on the profile page: made with one button, shown with "Kopieer link" and
instructions, renewed with "Nieuwe link maken" (the old link then stops at once). Posting the same form twice
makes one link, not two; each change is audited; only a logged-in user makes one."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from core.models import AuditEvent
from tests.helpers import page_html_as, text

PROFILE = reverse("accounts:profile")
RENEW = reverse("accounts:calendar_feed_renew")
FEED_URL = re.compile(r'value="(http://testserver/agenda/[0-9]+-[0-9a-f]{64}\.ics)"')


def shown_link(client, user) -> str:
    html = page_html_as(client, user, PROFILE)
    match = FEED_URL.search(html)
    assert match, "no feed link on the profile page"
    return match.group(1)


@pytest.mark.django_db
def test_a_user_makes_the_link_on_the_profile_page_and_a_calendar_app_reads_it(client, practice_user):
    page = text(page_html_as(client, practice_user, PROFILE))
    assert "Termijnen in uw agenda" in page and "Agenda-link maken" in page
    assert not FEED_URL.search(page_html_as(client, practice_user, PROFILE))

    response = client.post(RENEW, {"replaces": "0"})
    assert response.status_code == 302 and response["Location"] == PROFILE + "#agenda"
    html = page_html_as(client, practice_user, PROFILE)
    page = text(html)
    assert "Uw agenda-link is gemaakt" in page
    assert "Kopieer link" in page and "Google Agenda" in page and "Nieuwe link maken" in page
    assert 'src="/static/js/copy-link.js"' in html
    link = shown_link(client, practice_user)
    assert f'href="webcal://{link.removeprefix("http://")}"' in html
    calendar = Client().get(link.removeprefix("http://testserver"))  # no session, as a calendar app
    assert calendar.status_code == 200 and calendar["Content-Type"] == "text/calendar; charset=utf-8"
    assert AuditEvent.objects.filter(verb="accounts.calendar_feed.created", actor=practice_user).count() == 1


@pytest.mark.django_db
def test_a_new_link_ends_the_old_one_and_a_repeated_post_makes_only_one(client, practice_user):
    client.force_login(practice_user)
    client.post(RENEW, {"replaces": "0"})
    client.post(RENEW, {"replaces": "0"})  # the first form posted again: the link stays
    first = shown_link(client, practice_user)
    client.post(RENEW, {"replaces": "1"})
    client.post(RENEW, {"replaces": "1"})  # "Nieuwe link maken" double-clicked: one new link
    html = page_html_as(client, practice_user, PROFILE)
    assert "Er is een nieuwe agenda-link gemaakt; de vorige werkt niet meer." in text(html)
    second = FEED_URL.search(html).group(1)
    assert second != first
    assert Client().get(first.removeprefix("http://testserver")).status_code == 404
    assert Client().get(second.removeprefix("http://testserver")).status_code == 200
    assert AuditEvent.objects.filter(verb="accounts.calendar_feed.created").count() == 1
    assert AuditEvent.objects.filter(verb="accounts.calendar_feed.renewed").count() == 1
    assert 'name="replaces" value="2"' in page_html_as(client, practice_user, PROFILE)
    # A tab opened before any link was made posts its form: nothing changes, and the page does not claim it did.
    client.post(RENEW, {"replaces": "0"})
    page = text(page_html_as(client, practice_user, PROFILE))
    assert "Dit is uw huidige agenda-link; er is niets veranderd." in page
    assert "de vorige werkt niet meer" not in page
    assert shown_link(client, practice_user) == second


@pytest.mark.django_db
def test_making_a_link_needs_a_login_and_a_post(client, practice_user):
    response = Client().post(RENEW, {"replaces": "0"})
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))
    client.force_login(practice_user)
    assert client.get(RENEW).status_code == 405
    assert not AuditEvent.objects.filter(verb__startswith="accounts.calendar_feed").exists()
