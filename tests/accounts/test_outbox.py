"""The notification mail outbox: a notice is marked e-mailed only after its mail went out; mail that cannot be
sent waits and is retried by the sweep; two sweeps never send one mail twice; inactive users get nothing.
SMTP is a real SMTP server (aiosmtpd) on a loopback port, or nothing listening on that port."""

import asyncio
import socket
import threading
from datetime import UTC, datetime, timedelta
from email import message_from_bytes
from email.policy import default as email_policy

import pytest
from aiosmtpd.controller import Controller
from django.core import mail
from django.db import connection

from accounts.models import MAIL_STATUS_CONDITIONS, MailStatus, Notification, Role
from accounts.selectors import notifications_mail_due
from accounts.services import (
    mail_due_batch,
    mail_retry_delay,
    notifications_email_due,
    notify_audiences,
    notify_users,
)
from tests.factories import PracticeFactory, make_member
from tests.helpers import free_port, run_in_threads

pytestmark = pytest.mark.django_db

T = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
BASE = "https://portaal.example"


class Inbox:
    """What the SMTP server received; refuses the recipients in `refuse`."""

    def __init__(self, refuse=()):
        self.refuse = set(refuse)
        self.messages = []

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return "550 5.1.1 Mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(message_from_bytes(envelope.content, policy=email_policy))
        return "250 Message accepted"

    def to(self) -> list[str]:
        return sorted(m["To"] for m in self.messages)


@pytest.fixture
def smtp_port(settings):
    port = free_port()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_USE_TLS = "127.0.0.1", port, False
    settings.EMAIL_TIMEOUT = 10
    return port


def smtp_server(port: int, inbox: Inbox) -> Controller:
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    return controller


def notify(users, key="offer-1"):
    return notify_users(user_ids=[u.pk for u in users], key=key, subject="Nieuw aanbod van %(insurer)s",
                        body="Bekijk het aanbod.", params={"insurer": "Zorgverzekeraar Noord"},
                        url="/contracten/aanbod/1/")


def sweep(now=T):
    return notifications_email_due(now=now, base_url=BASE)


@pytest.fixture
def created_at_t():
    """Notices created at T (notify_users stamps them with the clock)."""
    import time_machine

    with time_machine.travel(T, tick=False):
        yield


def test_a_notice_is_marked_emailed_only_after_its_mail_went_out(practice_user, created_at_t):
    assert notify([practice_user]) == 1
    notice = Notification.objects.get()
    assert notice.emailed_at is None and notice.mail_status == MailStatus.PENDING
    assert mail.outbox == []  # writing a notice sends nothing

    assert sweep() == {"sent": 1, "failed": 0, "skipped": 0}
    (message,) = mail.outbox
    assert message.to == ["medewerker@praktijk.example"]
    assert message.subject == "Nieuw aanbod van Zorgverzekeraar Noord"
    assert message.body == "Bekijk het aanbod.\n\nhttps://portaal.example/contracten/aanbod/1/\n"
    notice.refresh_from_db()
    assert notice.emailed_at == T and notice.email_attempts == 1 and notice.mail_status == MailStatus.SENT

    assert sweep(T + timedelta(hours=1)) == {"sent": 0, "failed": 0, "skipped": 0}
    assert len(mail.outbox) == 1


def test_smtp_down_keeps_the_notice_pending_with_the_error_then_it_goes_out_once(practice_user, smtp_port,
                                                                                  created_at_t):
    notify([practice_user])

    assert sweep() == {"sent": 0, "failed": 1, "skipped": 0}  # nothing listens on the port
    notice = Notification.objects.get()
    assert notice.emailed_at is None and notice.mail_status == MailStatus.FAILED
    assert notice.email_attempts == 1
    assert notice.email_last_error.startswith("ConnectionRefusedError")
    assert notice.email_next_attempt_at == T + timedelta(minutes=1)
    assert notice.email_claimed_until is None

    assert sweep(T + timedelta(seconds=59))["failed"] == 0  # not yet due again: no attempt
    assert sweep(T + timedelta(minutes=1))["failed"] == 1
    notice.refresh_from_db()
    assert notice.email_attempts == 2 and notice.email_next_attempt_at == T + timedelta(minutes=1 + 2)

    inbox = Inbox()
    server = smtp_server(smtp_port, inbox)  # the mail server is back, on the same port
    try:
        assert sweep(T + timedelta(minutes=2))["sent"] == 0  # still waiting for its retry time
        assert sweep(T + timedelta(minutes=3)) == {"sent": 1, "failed": 0, "skipped": 0}
        assert sweep(T + timedelta(minutes=4))["sent"] == 0
    finally:
        server.stop()
    assert inbox.to() == ["medewerker@praktijk.example"]
    assert inbox.messages[0]["Subject"] == "Nieuw aanbod van Zorgverzekeraar Noord"
    notice.refresh_from_db()
    assert notice.mail_status == MailStatus.SENT and notice.email_attempts == 3
    assert notice.emailed_at == T + timedelta(minutes=3)


def test_a_refused_address_does_not_stop_the_other_mails(smtp_port, created_at_t):
    practice = PracticeFactory()
    users = [make_member(Role.PRACTICE_MEMBER, practice, email=f"lid{n}@praktijk.example") for n in range(3)]
    notify(users)
    inbox = Inbox(refuse={"lid1@praktijk.example"})
    server = smtp_server(smtp_port, inbox)
    try:
        assert sweep() == {"sent": 2, "failed": 1, "skipped": 0}
    finally:
        server.stop()
    assert inbox.to() == ["lid0@praktijk.example", "lid2@praktijk.example"]
    refused = Notification.objects.get(user__email="lid1@praktijk.example")
    # Refused for good (5xx): the outbox stops trying, instead of every hour for ever.
    assert refused.mail_status == MailStatus.GAVE_UP and refused.email_gave_up_at == T
    assert refused.email_attempts == 1 and refused.email_next_attempt_at is None
    assert "SMTPRecipientsRefused" in refused.email_last_error and "550" in refused.email_last_error
    assert not notifications_mail_due(now=T + timedelta(days=7)).exists()


def _members(n: int) -> list:
    practice = PracticeFactory()
    return [make_member(Role.PRACTICE_MEMBER, practice, email=f"lid{i}@praktijk.example") for i in range(n)]


def _untouched(notices) -> bool:
    return all((n.email_attempts, n.email_last_error, n.email_next_attempt_at, n.email_claimed_until,
                n.mail_status) == (0, "", T, None, MailStatus.PENDING) for n in notices)


def test_a_mail_server_that_is_down_costs_one_attempt_per_sweep(smtp_port, created_at_t):
    """Nothing listens: the sweep records the one attempt that found out and leaves the rest for the next."""
    notify(_members(3))
    assert sweep() == {"sent": 0, "failed": 1, "skipped": 0}
    first, *rest = Notification.objects.order_by("pk")
    assert first.email_attempts == 1 and first.email_last_error.startswith("ConnectionRefusedError")
    assert first.email_next_attempt_at == T + timedelta(minutes=1) and first.email_claimed_until is None
    assert len(rest) == 2 and _untouched(rest)


def test_a_hanging_mail_server_costs_one_timeout_per_sweep(settings, smtp_port, created_at_t):
    """The server takes the connection and never answers: one mail waits EMAIL_TIMEOUT, not each of them."""
    settings.EMAIL_TIMEOUT = 1
    notify(_members(3))
    with socket.socket() as listener:  # accepts connections into its backlog and never greets
        listener.bind(("127.0.0.1", smtp_port))
        listener.listen(8)
        assert sweep() == {"sent": 0, "failed": 1, "skipped": 0}
    first, *rest = Notification.objects.order_by("pk")
    assert first.email_attempts == 1 and "timed out" in first.email_last_error
    assert len(rest) == 2 and _untouched(rest)


def test_a_sweep_ends_when_its_time_is_up_after_any_mail(created_at_t):
    """The time limit is checked after every mail, not after a batch of 200: with no time left, one mail goes
    out and the others wait for the next sweep."""
    notify(_members(3))
    assert notifications_email_due(now=T, base_url=BASE, seconds=0) == {"sent": 1, "failed": 0, "skipped": 0}
    assert [m.to for m in mail.outbox] == [["lid0@praktijk.example"]]
    assert _untouched(Notification.objects.filter(emailed_at__isnull=True)) and len(mail.outbox) == 1
    assert notifications_email_due(now=T, base_url=BASE, seconds=0)["sent"] == 1
    assert sweep() == {"sent": 1, "failed": 0, "skipped": 0}
    assert sorted(m.to[0] for m in mail.outbox) == [f"lid{i}@praktijk.example" for i in range(3)]


class DeferringInbox(Inbox):
    """Refuses the recipients in `defer` for now (4xx), as a full mailbox does."""

    def __init__(self, defer=()):
        super().__init__()
        self.defer = set(defer)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.defer:
            return "452 4.2.2 Mailbox full, try again later"
        return await super().handle_RCPT(server, session, envelope, address, rcpt_options)


def test_a_mail_refused_for_now_is_given_up_after_the_set_number_of_attempts(settings, practice_user, smtp_port,
                                                                             created_at_t):
    settings.NOTIFICATION_MAIL_MAX_ATTEMPTS = 3
    notify([practice_user])
    server = smtp_server(smtp_port, DeferringInbox(defer={practice_user.email}))
    notice = Notification.objects.get()
    try:
        for attempt, at in ((1, T), (2, T + timedelta(minutes=1))):
            assert sweep(at) == {"sent": 0, "failed": 1, "skipped": 0}
            notice.refresh_from_db()
            assert (notice.email_attempts, notice.mail_status) == (attempt, MailStatus.FAILED)
            assert "452" in notice.email_last_error
        assert sweep(T + timedelta(minutes=3)) == {"sent": 0, "failed": 1, "skipped": 0}  # the third attempt
        notice.refresh_from_db()
        assert (notice.email_attempts, notice.mail_status) == (3, MailStatus.GAVE_UP)
        assert notice.email_gave_up_at == T + timedelta(minutes=3) and notice.email_next_attempt_at is None
        assert sweep(T + timedelta(days=1)) == {"sent": 0, "failed": 0, "skipped": 0}
    finally:
        server.stop()
    notice.refresh_from_db()
    assert notice.email_attempts == 3


def test_a_mail_server_that_stays_down_never_makes_the_outbox_give_up(settings, practice_user, smtp_port,
                                                                      created_at_t):
    """The attempts limit is for mail that fails on its own account: after a long outage the mail still goes."""
    settings.NOTIFICATION_MAIL_MAX_ATTEMPTS = 2
    notify([practice_user])
    for at in (T, T + timedelta(minutes=1), T + timedelta(minutes=3), T + timedelta(minutes=7)):
        assert sweep(at) == {"sent": 0, "failed": 1, "skipped": 0}
    notice = Notification.objects.get()
    assert (notice.email_attempts, notice.mail_status) == (4, MailStatus.FAILED)
    assert notice.email_next_attempt_at == T + timedelta(minutes=7 + 8)

    inbox = Inbox()
    server = smtp_server(smtp_port, inbox)
    try:
        assert sweep(T + timedelta(minutes=15)) == {"sent": 1, "failed": 0, "skipped": 0}
    finally:
        server.stop()
    assert inbox.to() == [practice_user.email]


def test_retries_wait_longer_each_time_up_to_an_hour():
    assert [mail_retry_delay(n) for n in range(1, 10)] == [
        timedelta(minutes=m) for m in (1, 2, 4, 8, 16, 32, 60, 60, 60)]


def test_a_claimed_mail_waits_until_the_claim_runs_out(practice_user, created_at_t):
    """A worker that claimed a mail and crashed: nobody else sends it until its claim runs out."""
    notify([practice_user])
    Notification.objects.update(email_claimed_until=T + timedelta(minutes=10))
    assert sweep(T + timedelta(minutes=9)) == {"sent": 0, "failed": 0, "skipped": 0}
    assert mail.outbox == []
    assert sweep(T + timedelta(minutes=10))["sent"] == 1
    assert sweep(T + timedelta(minutes=11))["sent"] == 0
    assert len(mail.outbox) == 1


class GatedInbox(Inbox):
    """Holds the first mail in DATA until a second SMTP session has reached RCPT: then two sweeps are sending
    at once, each with a claimed mail in flight."""

    def __init__(self):
        super().__init__()
        self.sessions = set()
        self.overlapped = asyncio.Event()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        self.sessions.add(session.peer)
        if len(self.sessions) >= 2:
            self.overlapped.set()
        return await super().handle_RCPT(server, session, envelope, address, rcpt_options)

    async def handle_DATA(self, server, session, envelope):
        try:  # awaited, so the server goes on serving the other session meanwhile
            await asyncio.wait_for(self.overlapped.wait(), timeout=60)
        except TimeoutError:
            pass  # no second sweep came; the test says so
        return await super().handle_DATA(server, session, envelope)


@pytest.mark.django_db(transaction=True)
def test_two_sweeps_at_once_send_each_mail_once(smtp_port):
    """The mail server holds the first sweep's first mail until the second sweep is sending too, so the second
    sweep reads the due mail while the first holds claims and neither can finish first: both then claim their
    way through the same list, and each mail goes out once."""
    practice = PracticeFactory()
    users = [make_member(Role.PRACTICE_MEMBER, practice, email=f"lid{n:02d}@praktijk.example") for n in range(40)]
    notify(users)
    inbox = GatedInbox()
    server = smtp_server(smtp_port, inbox)
    results = []
    start = threading.Barrier(2)

    def run():
        start.wait()
        results.append(notifications_email_due(now=datetime.now(UTC), base_url=BASE))

    try:
        errors = run_in_threads(run, run)
    finally:
        server.stop()
    assert errors == []
    assert inbox.overlapped.is_set() and len(inbox.sessions) == 2  # the two sweeps were sending at once
    assert sorted(r["sent"] for r in results)[0] >= 1 and sum(r["sent"] for r in results) == 40
    assert inbox.to() == sorted(u.email for u in users)  # each exactly once
    assert Notification.objects.filter(emailed_at__isnull=True).count() == 0


def test_inactive_users_get_no_notice_and_no_mail(practice, created_at_t):
    active = make_member(Role.PRACTICE_MEMBER, practice, email="actief@praktijk.example")
    inactive = make_member(Role.PRACTICE_MEMBER, practice, email="weg@praktijk.example", is_active=False)
    later_gone = make_member(Role.PRACTICE_SIGNATORY, practice, email="vertrokken@praktijk.example")

    assert notify([active, inactive, later_gone]) == 2
    assert notify_audiences(audiences=["practice"], key="all-practices", subject="Nieuw aanbod van %(insurer)s",
                            params={"insurer": "Noord"}) == 2
    assert not Notification.objects.filter(user=inactive).exists()

    later_gone.is_active = False  # deactivated after the notices were written
    later_gone.save()
    assert sweep() == {"sent": 2, "failed": 0, "skipped": 2}
    assert [m.to for m in mail.outbox] == [["actief@praktijk.example"]] * 2
    skipped = Notification.objects.filter(user=later_gone)
    assert {n.mail_status for n in skipped} == {MailStatus.SKIPPED}

    later_gone.is_active = True  # back again: old notices are not sent after all
    later_gone.save()
    assert sweep(T + timedelta(days=1)) == {"sent": 0, "failed": 0, "skipped": 0}


def test_each_mail_status_filter_agrees_with_the_status_of_the_row(practice_user, created_at_t):
    rows = {
        MailStatus.PENDING: {},
        MailStatus.FAILED: {"email_attempts": 2, "email_last_error": "ConnectionRefusedError"},
        MailStatus.SENT: {"emailed_at": T, "email_next_attempt_at": None, "email_attempts": 1},
        MailStatus.SKIPPED: {"email_next_attempt_at": None},
        MailStatus.GAVE_UP: {"email_next_attempt_at": None, "email_gave_up_at": T, "email_attempts": 10},
    }
    for status, values in rows.items():
        Notification.objects.create(user=practice_user, key=status, subject=status, **values)
    for status, condition in MAIL_STATUS_CONDITIONS.items():
        (row,) = Notification.objects.filter(condition)
        assert row.key == status and row.mail_status == status


def test_the_sweeps_query_can_be_served_by_the_index_of_mail_still_to_be_tried(practice_user):
    """Performance guard, not behaviour: the query the sweep runs (mail_due_batch) must be one that the partial
    index notification_mail_due can serve, so that it does not grow with the sent, skipped and given-up
    notices, which are outside that index. With table scans forbidden, the planner finds the due mail through
    that index, or the query no longer matches it and this fails."""
    Notification.objects.bulk_create(
        [Notification(user=practice_user, key=f"k{n}", subject="s", emailed_at=T, email_next_attempt_at=None)
         for n in range(200)]
        + [Notification(user=practice_user, key=f"g{n}", subject="s", email_next_attempt_at=None,
                        email_gave_up_at=T) for n in range(50)])
    notify([practice_user])
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("ANALYZE accounts_notification")
    plan = mail_due_batch(now=T).explain()
    assert "notification_mail_due" in plan, plan


def test_one_sweep_sends_more_than_a_batch(created_at_t):
    practice = PracticeFactory()
    users = [make_member(Role.PRACTICE_MEMBER, practice, email=f"lid{n:03d}@praktijk.example") for n in range(450)]
    notify(users)
    assert sweep() == {"sent": 450, "failed": 0, "skipped": 0}
    assert len({m.to[0] for m in mail.outbox}) == len(mail.outbox) == 450


def test_beat_runs_the_mail_sweep_every_minute():
    from accounts.tasks import send_due_notification_emails_task
    from config.celery import app as celery_app

    entry = celery_app.conf.beat_schedule["accounts-send-due-notification-emails"]
    assert entry["task"] == send_due_notification_emails_task.name
    assert entry["task"] in celery_app.tasks
    assert entry["schedule"].minute == set(range(60))
