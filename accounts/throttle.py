"""Login throttling: the one home of what django-axes needs from the portal, and of what the login page and the
token API say when it refuses.

django-axes counts wrong passwords per e-mail address and per client address (AXES_LOCKOUT_PARAMETERS) and
refuses any login, the right password included, while either count is at AXES_FAILURE_LIMIT within
AXES_COOLOFF_TIME (config/settings.py). It counts the address that was typed, whether or not an account has it,
so a lockout reveals nothing about which accounts exist.
"""

import ipaddress
import math
from datetime import datetime

from axes.helpers import get_cool_off, get_failure_limit
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Q
from django.shortcuts import render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from core.errors import PortalError

from .services import login_lockout_record


def login_username(request, credentials: dict | None) -> str | None:
    """The e-mail address an attempt was for, as the account would store it (AXES_USERNAME_CALLABLE). The login
    form passes it as `username`, the token API as `email`; both count against the same address."""
    credentials = credentials or {}
    value = credentials.get("email") or credentials.get("username")
    if value is None and request is not None:
        post = getattr(request, "POST", None) or {}
        value = post.get("username") or post.get("email")
    value = (value or "").strip().lower()
    return value or None


def client_ip_address(request) -> str | None:
    """The client's address (AXES_CLIENT_IP_CALLABLE, also used by the audit trail). Behind TRUSTED_PROXY_COUNT
    reverse proxies, each appends the address it received the request from to X-Forwarded-For, so the client is
    that many entries from the right; anything further left is whatever the client claimed and is ignored."""
    remote = request.META.get("REMOTE_ADDR") or None
    count = settings.TRUSTED_PROXY_COUNT
    if count <= 0:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    if len(forwarded) < count:
        return remote
    try:
        return str(ipaddress.ip_address(forwarded[-count]))
    except ValueError:
        return remote


def login_throttled(request) -> bool:
    """Whether django-axes refused (or just locked) the login that `request` carried to authenticate()."""
    return bool(getattr(request, "axes_locked_out", False))


def login_lockout_ends(request, username: str | None) -> datetime:
    """When the lockout of this e-mail address or this client address lifts, whichever is later.

    Axes keeps one row per (address typed, client address, user agent) with the count of failures and the time of
    the last one; a row stops counting a cool-off after its last failure. A criterion (the e-mail address, the
    client address) unlocks once the rows still counting add up to less than the limit, i.e. when the row that
    brings the newest-first running total to the limit expires."""
    cool_off = get_cool_off(request)
    limit = get_failure_limit(request, None)
    now = timezone.now()
    ends = None
    criteria = [Q(ip_address=getattr(request, "axes_ip_address", None) or client_ip_address(request))]
    if username:
        criteria.append(Q(username=username))
    for criterion in criteria:
        rows = (AccessAttempt.objects.filter(criterion, attempt_time__gte=now - cool_off)
                .order_by("-attempt_time").values_list("attempt_time", "failures_since_start"))
        total = 0
        for attempt_time, failures in rows:
            total += failures
            if total >= limit:
                ends = max(ends or attempt_time, attempt_time + cool_off)
                break
    # Nothing at the limit any more (the lock lifted between the refusal and this question): a full cool-off
    # from now is never too early.
    return ends if ends is not None and ends > now else now + cool_off


def login_throttled_message(request, username: str | None, *, ends: datetime | None = None) -> str:
    """The Dutch (or English) sentence for a refused login: which of the two it is stays unsaid, and so does
    whether the e-mail address has an account."""
    ends = timezone.localtime(ends or login_lockout_ends(request, username))
    if ends.date() == timezone.localdate():
        moment = date_format(ends, "H:i")
    else:
        moment = date_format(ends, "j F Y H:i")
    return _("Te veel mislukte inlogpogingen. Inloggen met dit e-mailadres of vanaf uw netwerkadres is tijdelijk "
             "geblokkeerd. Probeer het na %(moment)s opnieuw.") % {"moment": moment}


def login_throttled_error(request, username: str | None) -> PortalError:
    """The API's answer to a refused login: 429 `login_throttled`, with Retry-After in seconds."""
    ends = login_lockout_ends(request, username)
    seconds = max(1, math.ceil((ends - timezone.now()).total_seconds()))
    return PortalError("login_throttled", login_throttled_message(request, username, ends=ends), status=429,
                       headers={"Retry-After": str(seconds)})


def login_failures_forget(request, username: str) -> int:
    """After a successful login: forget the failures this user made from this client address (typos), so they
    start afresh. Never axes' own reset on success, which also deletes the address's failures on other accounts:
    logging in to one's own account would then unlock an address that is guessing at others."""
    deleted, _rows = AccessAttempt.objects.filter(
        username=username, ip_address=getattr(request, "axes_ip_address", None) or client_ip_address(request),
    ).delete()
    return deleted


def lockout_recorded(sender, request, username, ip_address, **kwargs) -> None:
    """Receiver of axes' user_locked_out. Axes sends it for the failure that reaches the limit and again for
    every login it refuses while the lockout lasts; only the first is a new lockout (axes has counted that
    failure, so it set axes_failures_since_start), and only that one is recorded."""
    if getattr(request, "axes_failures_since_start", None) is None:
        return  # refused during a lockout that is on record already
    login_lockout_record(username=username, ip_address=ip_address)


def lockout_response(request, original_response, credentials):
    """AXES_LOCKOUT_CALLABLE: what a request gets when axes refused its login. The login page and the token API
    already answer 429 with their own message; anything else that logs in (the admin's login form) gets a page
    that says why."""
    if original_response is not None and original_response.status_code == 429:
        return original_response
    message = login_throttled_message(request, login_username(request, credentials))
    return render(request, "accounts/login_throttled.html", {"message": message}, status=429)
