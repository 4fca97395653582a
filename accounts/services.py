"""Writes of the accounts app: notifications and their mail outbox, memberships, two-factor enrolment, the
calendar feed's link."""

import logging
import secrets
import smtplib
import time
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F, QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from core.audit import audit_record
from core.errors import Forbidden, PortalError

from .models import CalendarFeed, Membership, Notification, Role, User
from .notices import render, untranslated
from .selectors import notifications_mail_due

logger = logging.getLogger(__name__)

AUDIENCE_ROLES = {
    "insurer": (Role.INSURER_PURCHASER,),
    "practice": (Role.PRACTICE_MEMBER, Role.PRACTICE_SIGNATORY),
    "caregroup": (Role.CAREGROUP_MEMBER, Role.CAREGROUP_SIGNATORY),
    "oth": (Role.OTH_MEMBER,),
    "nza": (Role.NZA_ANALYST,),
}


def notify_users(*, user_ids, key: str, subject: str, body: str = "", params: dict | None = None,
                 url: str = "") -> int:
    """Put a notice in each active user's inbox, once per (user, key), and in the mail outbox.

    `subject` and `body` are message ids: Dutch source texts marked with N_ (accounts.notices), with
    %(name)s placeholders that `params` fills (see accounts.notices for the kinds of values). Inactive users get
    nothing. Returns how many users were newly notified; repeating the call notifies nobody twice.

    Talks to no broker and sends no mail: the rows are the outbox, written in the caller's transaction, and
    the mail sweep (notifications_email_due, every minute) sends them once that transaction has committed."""
    subject, body, params = untranslated(subject), untranslated(body), params or {}  # a lazy text: its msgid
    with translation.override("nl"):  # the portal's language: the text as it is kept and e-mailed
        subject_nl, body_nl = render(subject, params), render(body, params)  # a params mistake fails here
    wanted = user_ids if isinstance(user_ids, QuerySet) else set(user_ids)  # a queryset stays a subquery
    user_ids = sorted(User.objects.filter(pk__in=wanted, is_active=True).values_list("pk", flat=True))
    already = set(Notification.objects.filter(key=key, user_id__in=user_ids).values_list("user_id", flat=True))
    now = timezone.now()
    new = [Notification(user_id=uid, key=key, subject=subject_nl[:200], body=body_nl, subject_msgid=subject,
                        body_msgid=body, params=params, url=url, created_at=now, email_next_attempt_at=now)
           for uid in user_ids if uid not in already]
    Notification.objects.bulk_create(new, ignore_conflicts=True, batch_size=1000)
    return len(new)


def notify_audiences(*, audiences, key: str, subject: str, body: str = "", params: dict | None = None,
                     url: str = "") -> int:
    """notify_users for everyone in the given audiences (practice, insurer, caregroup, oth, nza)."""
    roles = [role for audience in audiences for role in AUDIENCE_ROLES.get(str(audience), ())]
    user_ids = Membership.objects.filter(role__in=roles).values_list("user_id", flat=True).distinct()
    return notify_users(user_ids=user_ids, key=key, subject=subject, body=body, params=params, url=url)


# --- Mail outbox ----------------------------------------------------------------------------------------
# A claim lasts far longer than one mail takes (EMAIL_TIMEOUT bounds a hanging server), so a sweep that is
# still sending keeps its claim, and a crashed worker's claim runs out and another sweep sends that mail.
MAIL_CLAIM = timedelta(minutes=10)
MAIL_RETRY_CAP = timedelta(minutes=60)
MAIL_BATCH = 200
MAIL_SWEEP_SECONDS = 50  # beat starts a sweep every minute; one that overlaps the next is harmless
# What a failed mail says (mail_failure_kind).
MAIL_REFUSED_FOR_GOOD = "refused_for_good"
MAIL_FAILED = "mail_failed"
MAIL_SERVER_FAILED = "server_failed"


def mail_retry_delay(attempts: int) -> timedelta:
    """After the n-th failed attempt: 1, 2, 4, 8, 16, 32 minutes, then every hour."""
    return min(timedelta(minutes=2 ** min(max(attempts - 1, 0), 6)), MAIL_RETRY_CAP)


def mail_failure_kind(exc: Exception) -> str:
    """What a failed send says about the mail. MAIL_REFUSED_FOR_GOOD: the server refused its recipient with a
    permanent (5xx) reply, so trying again cannot help. MAIL_FAILED: the failure is this mail's, perhaps for
    now (its recipient refused with 4xx, its content refused, a text that does not render); it counts towards
    NOTIFICATION_MAIL_MAX_ATTEMPTS. MAIL_SERVER_FAILED: the connection or the session failed (dropped, timed
    out, our sender refused), which says nothing about this mail, so it never makes the outbox give up."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _reply in exc.recipients.values()]
        return MAIL_REFUSED_FOR_GOOD if codes and all(500 <= code < 600 for code in codes) else MAIL_FAILED
    if isinstance(exc, smtplib.SMTPDataError) or not isinstance(exc, OSError):
        return MAIL_FAILED
    return MAIL_SERVER_FAILED


def _notice_message(notice: Notification, base_url: str, connection):
    from django.core.mail import EmailMessage

    link = f"{base_url.rstrip('/')}{notice.url}" if notice.url else base_url
    with translation.override("nl"):  # no per-user language yet: mail goes out in the portal's language
        subject, body = notice.display_subject, notice.display_body
    return EmailMessage(subject=subject, body=f"{body}\n\n{link}\n", to=[notice.user.email],
                        connection=connection)


def mail_due_batch(*, now: datetime) -> QuerySet[Notification]:
    """The sweep's query: the next batch of due notices, oldest first, with their users."""
    return notifications_mail_due(now=now).select_related("user")[:MAIL_BATCH]


def _mail_due_notices(*, now: datetime):
    # Every notice handled leaves the query (sent, skipped, retried later, or claimed by another sweep), so
    # each batch is new work and this ends.
    while True:
        batch = list(mail_due_batch(now=now))
        yield from batch
        if len(batch) < MAIL_BATCH:
            return


def notifications_email_due(*, now: datetime, base_url: str, seconds: float = MAIL_SWEEP_SECONDS) -> dict:
    """Send the mail of every notice that is due at `now` (new, or a retry whose time has come), oldest first,
    until none is left, the mail server cannot be reached, or `seconds` have been spent (the next sweep
    carries on). The time is checked after every mail, so a sweep ends within `seconds` plus one mail's
    timeouts (EMAIL_TIMEOUT bounds each step with a hanging server) and never holds up the worker for long.

    Each notice is claimed before it is sent (compare-and-set on email_claimed_until), so two sweeps never
    send the same mail; `emailed_at` is set only after the mail went out. The connection to the mail server is
    opened apart from sending: when it cannot be opened (server down, hanging, dropping the connection,
    refusing the login), that one attempt is recorded on the notice that needed it (error, next attempt) and
    the sweep ends; the other notices stay due, untouched, for the next sweep. A mail that fails once the
    connection is open (its recipient refused) records the attempt, the error and its next attempt
    (mail_retry_delay), and the sweep carries on with the others; a mail whose recipient is refused for good,
    or that failed NOTIFICATION_MAIL_MAX_ATTEMPTS times on its own account, is given up (mail_failure_kind).
    A notice whose user is no longer active is not sent, and not tried again. A crash between sending and
    recording would send that one mail twice after its claim runs out: at least once, never lost.
    Returns counts of sent, failed (retried later or given up) and skipped mails."""
    from django.core.mail import get_connection

    def clock():  # a long sweep claims each mail for its own moment, not the sweep's start
        return max(now, timezone.now())

    stop_at = time.monotonic() + seconds
    counts = {"sent": 0, "failed": 0, "skipped": 0}
    connection = get_connection()
    try:
        for notice in _mail_due_notices(now=now):
            reachable = _email_one(notice, base_url, connection, now=now, clock=clock, counts=counts)
            if not reachable:
                logger.warning("Notification mail: the mail server cannot be reached; the next sweep tries again")
                break
            if time.monotonic() >= stop_at:
                break
    finally:
        _close_quietly(connection)
    if counts["failed"]:
        logger.warning("Notification mail: %(sent)s sent, %(failed)s failed (retried later or given up)", counts)
    return counts


def _email_one(notice: Notification, base_url: str, connection, *, now: datetime, clock, counts: dict) -> bool:
    """Claim, send and record one notice's mail. False when the mail server could not be reached."""
    claimed = notifications_mail_due(now=now).filter(pk=notice.pk).update(email_claimed_until=clock() + MAIL_CLAIM)
    if not claimed:
        return True  # another sweep has it, or it went out meanwhile
    settle = Notification.objects.filter(pk=notice.pk)
    if not notice.user.is_active:
        settle.update(email_next_attempt_at=None, email_claimed_until=None)  # MailStatus.SKIPPED
        counts["skipped"] += 1
        return True

    def failed(exc: Exception, kind: str) -> None:
        attempts, error = notice.email_attempts + 1, f"{type(exc).__name__}: {exc}"[:2000]
        give_up = kind == MAIL_REFUSED_FOR_GOOD or (
            kind == MAIL_FAILED and attempts >= settings.NOTIFICATION_MAIL_MAX_ATTEMPTS)
        # Given up (MailStatus.GAVE_UP): out of the due index, never tried again.
        then = ({"email_next_attempt_at": None, "email_gave_up_at": clock()} if give_up
                else {"email_next_attempt_at": clock() + mail_retry_delay(attempts)})
        settle.update(email_attempts=F("email_attempts") + 1, email_claimed_until=None, email_last_error=error,
                      **then)
        if give_up:
            logger.warning("Notification mail %s given up after %s attempts: %s", notice.pk, attempts, error)
        counts["failed"] += 1
        _close_quietly(connection)  # the next mail starts with a fresh connection

    try:
        connection.open()  # does nothing while the connection is open
    except Exception as exc:  # refused, timed out, dropped, TLS or login refused: no mail can go now
        failed(exc, MAIL_SERVER_FAILED)
        return False
    try:
        _notice_message(notice, base_url, connection).send()
    except Exception as exc:  # a failure of this one mail (address refused) waits for its retry
        failed(exc, mail_failure_kind(exc))
        return True
    settle.update(emailed_at=clock(), email_attempts=F("email_attempts") + 1, email_claimed_until=None,
                  email_next_attempt_at=None)
    counts["sent"] += 1
    return True


def _close_quietly(connection) -> None:
    try:
        connection.close()
    except Exception:  # closing a connection that already broke
        logger.debug("closing the mail connection failed", exc_info=True)


def notification_mark_read(*, user: User, notification_id: int, now: datetime | None = None) -> Notification:
    """Mark one of the user's own notices read (audited). Repeating it keeps the first read moment."""
    notice = Notification.objects.filter(user=user, pk=notification_id).first()
    if notice is None:
        raise PortalError("not_found", _("Deze melding bestaat niet (meer)."), status=404)
    if notice.read_at is None:
        now = now or timezone.now()
        with transaction.atomic():
            if Notification.objects.filter(pk=notice.pk, read_at__isnull=True).update(read_at=now):
                audit_record(actor=user, verb="accounts.notification.read", obj=notice, after={"read_at": now})
        notice.refresh_from_db(fields=["read_at"])
    return notice


def membership_create(*, actor, user: User, role: str, organisation=None) -> Membership:
    """Give `user` a role for an organisation. Safe to repeat: an existing membership is returned."""
    from django.core.exceptions import ValidationError

    from .models import ROLE_ORGANISATION_FIELD

    field = ROLE_ORGANISATION_FIELD.get(role)
    if field and organisation is None:
        raise PortalError("organisation_required", _("Deze rol hoort bij een organisatie; kies er een."))
    if not field and organisation is not None:
        raise PortalError("organisation_not_allowed", _("Deze rol hoort niet bij een organisatie."))
    values = {field: organisation} if field else {}
    with transaction.atomic():
        membership, created = Membership.objects.get_or_create(user=user, role=role, **values)
        if created:
            try:
                membership.full_clean()
            except ValidationError as exc:
                raise PortalError("invalid", "; ".join(exc.messages))
            audit_record(actor=actor, verb="accounts.membership.created", obj=membership,
                         after={"user": user.email, "role": role, field or "organisation": str(organisation)})
    return membership


# --- Two-factor (TOTP) ----------------------------------------------------------------------------------
def totp_device_start(*, user: User) -> TOTPDevice:
    """Start enrolment: an unconfirmed TOTP device whose secret the user scans. Repeating it while the user
    has not confirmed returns the same pending device."""
    with transaction.atomic():
        device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
        if device is None:
            device = TOTPDevice.objects.create(user=user, name="Authenticator-app", confirmed=False)
            audit_record(actor=user, verb="accounts.two_factor.enrolment_started", obj=user)
    return device


def totp_device_confirm(*, user: User, token: str) -> TOTPDevice:
    """Confirm enrolment with a code from the app. A wrong code changes nothing."""
    token = (token or "").strip().replace(" ", "")
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=False).first()
        if device is None:
            confirmed = TOTPDevice.objects.filter(user=user, confirmed=True).first()
            if confirmed:
                return confirmed
            raise PortalError("no_pending_device", _("Start eerst de koppeling van een authenticator-app."))
        if not token.isdigit() or not device.verify_token(token):
            raise PortalError("invalid_otp", _("Deze code klopt niet. Voer de zescijferige code uit uw app in."))
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        audit_record(actor=user, verb="accounts.two_factor.enrolled", obj=user)
    return device


def user_has_two_factor(user: User) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


# --- Login throttling -----------------------------------------------------------------------------------
def login_lockout_record(*, username: str | None, ip_address: str | None) -> None:
    """Record that wrong passwords just locked an e-mail address or a client address (django-axes reached its
    limit on this failure). Nobody is logged in, so there is no actor. The object is axes' attempt record of
    that address from that client, which exists whether or not the address has an account."""
    from axes.models import AccessAttempt

    attempt = (AccessAttempt.objects.filter(username=username, ip_address=ip_address)
               .order_by("-attempt_time", "-pk").first())
    if attempt is None:  # axes writes it before it locks; nothing to attach the record to otherwise
        logger.warning("Login lockout of %s from %s without an attempt record", username, ip_address)
        return
    audit_record(actor=None, verb="accounts.login.locked_out", obj=attempt,
                 after={"username": username, "ip_address": ip_address})


# --- Password reset -------------------------------------------------------------------------------------
def password_reset_record_request(*, user: User, ip_address: str | None) -> None:
    """Record that a reset link was asked for this active account (the reset form sends the mail). Nobody is
    logged in, so there is no actor; the client address says where it came from. An unknown address records
    nothing: there is no account to attach it to, and the page looks the same either way."""
    audit_record(actor=None, verb="accounts.password.reset_requested", obj=user, after={"ip_address": ip_address})


def password_reset_record_mail_failed(*, user: User, ip_address: str | None, error: Exception) -> None:
    """Record that the reset link asked for this account could not be mailed (mail server down, address
    refused). The visitor saw the usual page, as for an address without an account, so this record is where
    the administrator finds out."""
    audit_record(actor=None, verb="accounts.password.reset_mail_failed", obj=user,
                 after={"ip_address": ip_address, "error": f"{type(error).__name__}: {error}"[:500]})


def password_reset_complete(*, user: User, password: str) -> User:
    """Set the new password chosen through a reset link (already validated by the form). The link's holder
    acts for the account, so the user is the actor. Changing the password hash also voids the link."""
    with transaction.atomic():
        user.set_password(password)
        user.save(update_fields=["password"])
        audit_record(actor=user, verb="accounts.password.reset", obj=user)
    return user


# --- Calendar feed ----------------------------------------------------------------------------------------
def calendar_feed_renew(*, actor: User, replaces: int = 0, now: datetime | None = None) -> CalendarFeed:
    """Make the actor's secret calendar-feed link, or a new one that ends the old at once (a link that was
    shared by mistake). `replaces` is the version of the link the actor saw (0: none yet): a repeated post of
    the same form finds the link already renewed and changes nothing, so it never makes two links. Locks the
    user's feed row; audited."""
    if not actor.is_authenticated or not actor.is_active:
        raise Forbidden("not_allowed", _("Alleen een actieve gebruiker heeft een agenda-link."))
    now = now or timezone.now()
    with transaction.atomic():
        User.objects.select_for_update().filter(pk=actor.pk).first()  # serialises the first link of a user
        feed = CalendarFeed.objects.select_for_update().filter(user=actor).first()
        if feed is not None and feed.version != replaces:
            return feed  # already made or renewed by an earlier post of this form
        before = {"version": feed.version} if feed else None
        if feed is None:
            feed = CalendarFeed(user=actor, version=1)
        else:
            feed.version += 1
        feed.nonce, feed.created_at = secrets.token_urlsafe(32), now
        feed.save()
        audit_record(actor=actor, verb="accounts.calendar_feed.renewed" if before else "accounts.calendar_feed.created",
                     obj=feed, before=before, after={"version": feed.version})
    return feed
