"""The one check of a code from the authenticator app, for every place that asks for one: the code step after
login, the signing page and the token API."""

import math

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django_otp.plugins.otp_totp.models import TOTPDevice

from core.audit import audit_record
from core.errors import PortalError

from .models import User

PURPOSES = ("login", "signing", "api_token")


def totp_verify(*, user: User, code: str, purpose: str) -> TOTPDevice:
    """Check `code` against the user's confirmed authenticator apps and return the device that accepted it.

    Raises PortalError `no_device` (no confirmed app), `otp_throttled` (429: django-otp makes every device wait
    after wrong codes, 1, 2, 4, … seconds) or `invalid_otp` (wrong, or already used: django-otp accepts a code
    only for a time step after the last one accepted, so a code seen over someone's shoulder cannot be replayed).

    Locks the user's devices (select_for_update), so two requests cannot both spend one code or both slip past
    the throttle. Writes `accounts.two_factor.verified` or `accounts.two_factor.failed` with the purpose. The
    outcome is committed before the error is raised: a wrong code has to count towards the throttle and be on
    record, so call this outside any transaction that the error would roll back.
    """
    if purpose not in PURPOSES:
        raise ValueError(f"unknown purpose {purpose!r}")
    code = (code or "").strip().replace(" ", "")
    with transaction.atomic():
        devices = list(TOTPDevice.objects.select_for_update().filter(user=user, confirmed=True).order_by("pk"))
        accepted, throttled, free_at = None, False, []
        for device in devices:
            allowed, info = device.verify_is_allowed()
            if not allowed:
                throttled = True
                free_at.append((info or {}).get("locked_until") or timezone.now())
                continue
            if device.verify_token(code):  # saves the device: last step on success, a failure count otherwise
                accepted = device
                break
        if accepted is not None:
            audit_record(actor=user, verb="accounts.two_factor.verified", obj=accepted,
                         after={"purpose": purpose, "device": accepted.persistent_id})
            return accepted
        reason = "no_device" if not devices else "otp_throttled" if throttled else "invalid_otp"
        audit_record(actor=user, verb="accounts.two_factor.failed", obj=user,
                     after={"purpose": purpose, "reason": reason})
    # Outside the block on purpose: the failure count and the audit row are committed.
    if reason == "no_device":
        raise PortalError("no_device", _("U heeft geen authenticator-app gekoppeld. Koppel er eerst een via uw "
                                         "profiel."))
    if reason == "otp_throttled":
        # The first device free again is the one the user can use.
        seconds = max(1, math.ceil((min(free_at) - timezone.now()).total_seconds()))
        raise PortalError("otp_throttled", ngettext(
            "U heeft te vaak een verkeerde code ingevoerd. Wacht %(seconds)d seconde en probeer het opnieuw.",
            "U heeft te vaak een verkeerde code ingevoerd. Wacht %(seconds)d seconden en probeer het opnieuw.",
            seconds) % {"seconds": seconds}, status=429)
    raise PortalError("invalid_otp", _("Deze code klopt niet. Voer de zescijferige code uit uw app in."))
