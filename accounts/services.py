"""Writes of the accounts app: notifications, memberships, two-factor enrolment."""

from functools import partial

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from core.audit import audit_record
from core.errors import PortalError

from .models import Membership, Notification, Role, User

AUDIENCE_ROLES = {
    "insurer": (Role.INSURER_PURCHASER,),
    "practice": (Role.PRACTICE_MEMBER, Role.PRACTICE_SIGNATORY),
    "caregroup": (Role.CAREGROUP_MEMBER, Role.CAREGROUP_SIGNATORY),
    "oth": (Role.OTH_MEMBER,),
    "nza": (Role.NZA_ANALYST,),
}


def notify_users(*, user_ids, key: str, subject: str, body: str = "", url: str = "") -> int:
    """Put a notice in each user's inbox, once per (user, key), and e-mail it after the transaction commits.
    Returns how many users were newly notified; repeating the call notifies nobody twice."""
    user_ids = sorted(set(user_ids))
    already = set(Notification.objects.filter(key=key, user_id__in=user_ids).values_list("user_id", flat=True))
    now = timezone.now()
    new = [Notification(user_id=uid, key=key, subject=subject, body=body, url=url, created_at=now)
           for uid in user_ids if uid not in already]
    Notification.objects.bulk_create(new, ignore_conflicts=True, batch_size=1000)
    if new:
        from .tasks import send_notification_emails_task

        transaction.on_commit(partial(send_notification_emails_task.delay, key), robust=True)
    return len(new)


def notify_audiences(*, audiences, key: str, subject: str, body: str = "", url: str = "") -> int:
    roles = [role for audience in audiences for role in AUDIENCE_ROLES.get(str(audience), ())]
    user_ids = (
        Membership.objects.filter(role__in=roles, user__is_active=True).values_list("user_id", flat=True).distinct()
    )
    return notify_users(user_ids=user_ids, key=key, subject=subject, body=body, url=url)


def notifications_email(*, key: str, base_url: str) -> int:
    """Send the e-mails for notices with `key` not yet e-mailed; each notice claims itself first
    (compare-and-set on emailed_at), so two workers never send the same mail."""
    from django.core.mail import EmailMessage, get_connection

    sent = 0
    pending = Notification.objects.filter(key=key, emailed_at__isnull=True).select_related("user")
    with get_connection() as connection:
        for notice in pending.iterator(chunk_size=500):
            claimed = Notification.objects.filter(pk=notice.pk, emailed_at__isnull=True).update(
                emailed_at=timezone.now())
            if claimed != 1:
                continue
            link = f"{base_url.rstrip('/')}{notice.url}" if notice.url else base_url
            EmailMessage(subject=notice.subject, body=f"{notice.body}\n\n{link}\n", to=[notice.user.email],
                         connection=connection).send()
            sent += 1
    return sent


def notification_mark_read(*, user: User, notification_id: int) -> Notification:
    notice = Notification.objects.filter(user=user, pk=notification_id).first()
    if notice is None:
        raise PortalError("not_found", _("Deze melding bestaat niet (meer)."), status=404)
    if notice.read_at is None:
        notice.read_at = timezone.now()
        notice.save(update_fields=["read_at"])
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


# --- Password reset -------------------------------------------------------------------------------------
def password_reset_record_request(*, user: User, ip_address: str | None) -> None:
    """Record that a reset link was asked for this active account (the reset form sends the mail). Nobody is
    logged in, so there is no actor; the client address says where it came from. An unknown address records
    nothing: there is no account to attach it to, and the page looks the same either way."""
    audit_record(actor=None, verb="accounts.password.reset_requested", obj=user, after={"ip_address": ip_address})


def password_reset_complete(*, user: User, password: str) -> User:
    """Set the new password chosen through a reset link (already validated by the form). The link's holder
    acts for the account, so the user is the actor. Changing the password hash also voids the link."""
    with transaction.atomic():
        user.set_password(password)
        user.save(update_fields=["password"])
        audit_record(actor=user, verb="accounts.password.reset", obj=user)
    return user
