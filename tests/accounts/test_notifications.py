"""Notices: marking one read is audited; the administrator sees each notice's mail status, read-only; texts
with message ids render in the reader's language, old rows as they were stored."""

import re
from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import translation
from rest_framework.test import APIClient

from accounts.models import MailStatus, Notification
from accounts.notices import amount, day, label, moment, plural, render
from accounts.services import notify_users
from contracting.calendar import MilestoneKind
from core.models import AuditEvent
from tests.helpers import text

pytestmark = pytest.mark.django_db

T = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


def changelist_rows(content: str) -> list[dict[str, str]]:
    """The admin change list's rows, each as {column name: the cell's text}."""
    rows = []
    for row in re.findall(r"<tr[^>]*>(.*?)</tr>", content, re.S):
        cells = re.findall(r'<t[dh] class="field-(\w+)[^"]*"[^>]*>(.*?)</t[dh]>', row, re.S)
        if cells:
            rows.append({name: text(cell) for name, cell in cells})
    return rows


def _notice(user, key="offer-1") -> Notification:
    notify_users(user_ids=[user.pk], key=key, subject="Nieuwe vraag over %(contract)s",
                 body="%(holder)s stelde een vraag. Antwoord uiterlijk %(last_day)s.",
                 params={"contract": "Huisartsenzorg 2027", "holder": "Praktijk De Linde",
                         "last_day": day(date(2026, 12, 8))}, url="/")
    return Notification.objects.get(user=user, key=key)


# --- Marking read is audited ----------------------------------------------------------------------------
def test_marking_a_notice_read_in_the_inbox_is_audited_once(client, practice_user):
    notice = _notice(practice_user)
    client.force_login(practice_user)
    url = reverse("accounts:notification_read", args=[notice.pk])
    with time_machine.travel(T, tick=False):
        assert client.post(url).status_code == 302
    assert client.post(url).status_code == 302  # again, later: keeps the first moment, no second event
    notice.refresh_from_db()
    assert notice.read_at == T
    (event,) = AuditEvent.objects.filter(verb="accounts.notification.read")
    assert event.actor == practice_user and event.object_id == str(notice.pk)
    assert event.after == {"read_at": "2026-12-01T09:00:00Z"}


def test_marking_a_notice_read_through_the_api_is_audited_once(practice_user, outsider):
    notice = _notice(practice_user)
    api = APIClient()
    api.force_authenticate(practice_user)
    assert api.post(f"/api/v1/notifications/{notice.pk}/read/").status_code == 200
    assert api.post(f"/api/v1/notifications/{notice.pk}/read/").status_code == 200
    assert AuditEvent.objects.filter(verb="accounts.notification.read", actor=practice_user).count() == 1

    theirs = _notice(outsider)
    assert api.post(f"/api/v1/notifications/{theirs.pk}/read/").status_code == 404
    assert AuditEvent.objects.filter(verb="accounts.notification.read").count() == 1


# --- Admin ----------------------------------------------------------------------------------------------
def test_admin_lists_notices_with_their_mail_status_and_filters_them(admin_client, practice_user, outsider):
    failed = _notice(practice_user, "failed")
    Notification.objects.filter(pk=failed.pk).update(email_attempts=3,
                                                     email_last_error="ConnectionRefusedError: [Errno 111]")
    sent = _notice(outsider, "sent")
    Notification.objects.filter(pk=sent.pk).update(emailed_at=T, email_next_attempt_at=None, email_attempts=1)
    _notice(outsider, "pending")
    gave_up = _notice(practice_user, "gave-up")
    Notification.objects.filter(pk=gave_up.pk).update(
        email_attempts=1, email_next_attempt_at=None, email_gave_up_at=T,
        email_last_error="SMTPRecipientsRefused: 550 5.1.1 Mailbox unavailable")

    rows = changelist_rows(admin_client.get("/beheer/accounts/notification/").content.decode())
    # The status column of each row; the filter sidebar names every status whatever the rows hold.
    shown = sorted((r["user"], r["shown_mail_status"], r["email_attempts"], r["short_error"]) for r in rows)
    assert shown == sorted([
        (str(practice_user), "mislukt, wordt opnieuw geprobeerd", "3", "ConnectionRefusedError: [Errno 111]"),
        (str(outsider), "verzonden", "1", "-"),  # the admin's sign for an empty cell
        (str(outsider), "wacht op verzending", "0", "-"),
        (str(practice_user), "niet te bezorgen", "1", "SMTPRecipientsRefused: 550 5.1.1 Mailbox unavailable"),
    ])
    assert {r["shown_subject"] for r in rows} == {"Nieuwe vraag over Huisartsenzorg 2027"}

    only_failed = admin_client.get("/beheer/accounts/notification/", {"mail": MailStatus.FAILED})
    assert [n.pk for n in only_failed.context["cl"].result_list] == [failed.pk]
    only_sent = admin_client.get("/beheer/accounts/notification/", {"mail": MailStatus.SENT})
    assert [n.pk for n in only_sent.context["cl"].result_list] == [sent.pk]
    only_gave_up = admin_client.get("/beheer/accounts/notification/", {"mail": MailStatus.GAVE_UP})
    assert [n.pk for n in only_gave_up.context["cl"].result_list] == [gave_up.pk]


def test_admin_shows_a_notice_read_only(admin_client, practice_user):
    notice = _notice(practice_user)
    url = f"/beheer/accounts/notification/{notice.pk}/change/"
    content = admin_client.get(url).content.decode()
    assert "Praktijk De Linde stelde een vraag. Antwoord uiterlijk 8 december 2026." in text(content)
    assert 'name="_save"' not in content
    response = admin_client.post(url, {"subject": "Anders", "email_attempts": 0})
    assert response.status_code == 403
    assert Notification.objects.get(pk=notice.pk).subject == "Nieuwe vraag over Huisartsenzorg 2027"
    assert admin_client.get("/beheer/accounts/notification/add/").status_code == 403


# --- Texts in the reader's language ---------------------------------------------------------------------
def test_params_render_in_the_active_language():
    params = {
        "day": day(date(2026, 12, 8)), "short": day(date(2026, 11, 7), "j F"),
        "moment": moment(datetime(2026, 10, 15, 8, 0, tzinfo=UTC)),  # 10:00 in Amsterdam (summer time)
        "amount": amount("1234.5"), "label": label(MilestoneKind.SIGNING_CLOSE.label),
        "one": plural("Nog %(n)s dag", "Nog %(n)s dagen", 1), "two": plural("Nog %(n)s dag", "Nog %(n)s dagen", 2),
        "name": "Huisartsenpraktijk De Linde",
    }
    template = "%(day)s | %(short)s | %(moment)s | %(amount)s | %(label)s | %(one)s | %(two)s | %(name)s"
    with translation.override("nl"):
        assert render(template, params) == (
            "8 december 2026 | 7 november | 15 oktober 2026, 10:00 | € 1.234,50 | Contractering sluit | "
            "Nog 1 dag | Nog 2 dagen | Huisartsenpraktijk De Linde")
    with translation.override("en"):
        assert render(template, params) == (
            "8 December 2026 | 7 November | 15 October 2026, 10:00 | € 1,234.50 | Contracting closes | "
            "1 day left | 2 days left | Huisartsenpraktijk De Linde")


def test_a_text_without_params_is_shown_as_it_is():
    with translation.override("en"):
        assert render("Korting 10% voor iedereen", {}) == "Korting 10% voor iedereen"


def test_a_wrong_param_fails_where_the_notice_is_written(practice_user):
    with pytest.raises(KeyError):
        notify_users(user_ids=[practice_user.pk], key="k", subject="Nieuwe vraag over %(contract)s",
                     params={"contact": "Huisartsenzorg 2027"})
    assert not Notification.objects.exists()


def test_old_notices_without_message_ids_keep_their_stored_text(client, practice_user):
    Notification.objects.create(user=practice_user, key="old", subject="Contractjaar 2027: Contractering sluit",
                                body="Uiterlijk 7 november 2026: contractering sluit.",
                                created_at=T - timedelta(days=30), emailed_at=T, email_next_attempt_at=None)
    client.force_login(practice_user)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    page = text(client.get(reverse("accounts:inbox")).content.decode())
    assert "Contractjaar 2027: Contractering sluit" in page
    assert "Uiterlijk 7 november 2026: contractering sluit." in page
