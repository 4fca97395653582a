"""API tokens: issuing them (optionally with a second factor) and authenticating requests that carry one.

A token is 40 hex characters handed out once; the database keeps only its SHA-256, so a leaked table holds no
usable credentials. A token issued with a valid TOTP code is marked `two_factor`: that is the API's counterpart
of a browser session verified with the authenticator app, and only such a token may sign a contract.
"""

import hashlib
import secrets
from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header

from core.audit import audit_record
from core.errors import PortalError

from .models import ApiToken, User
from .otp import totp_verify

KEYWORD = "Token"
# Writing last_used_at on every request would turn each API read into a write; a minute is precise enough
# to see which tokens are still in use.
LAST_USED_RESOLUTION = timedelta(minutes=1)


def token_hash(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def api_token_issue(*, user: User, otp: str | None) -> tuple[str, ApiToken]:
    """Issue a new token for a user whose password was already checked. With `otp` the code must be valid and
    the token may sign (two_factor=True); without it the token may do everything except sign. Returns the raw
    token, which is shown once and never stored, and the row."""
    two_factor = otp not in (None, "")
    if two_factor:
        try:
            totp_verify(user=user, code=otp, purpose="api_token")
        except PortalError as exc:
            if exc.status == 400:
                exc.fields = {"otp": [exc.detail]}
            raise
    raw = secrets.token_hex(20)
    with transaction.atomic():
        token = ApiToken.objects.create(key=token_hash(raw), user=user, two_factor=two_factor)
        audit_record(actor=user, verb="accounts.api_token.issued", obj=token, after={"two_factor": two_factor})
    return raw, token


class TokenExpired(exceptions.AuthenticationFailed):
    default_code = "token_expired"


class ApiTokenAuthentication(BaseAuthentication):
    """`Authorization: Token <key>`, looked up by its hash. `request.auth` is the ApiToken, so views can see
    whether it was issued with a second factor (request_two_factor_verified)."""

    def authenticate(self, request):
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() != KEYWORD.lower().encode():
            return None
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed(
                _("Ongeldige Authorization-header: verwacht 'Token' gevolgd door één sleutel."))
        try:
            raw = parts[1].decode("ascii")
        except UnicodeError:
            raise exceptions.AuthenticationFailed(_("Ongeldig token."))
        return self.authenticate_credentials(raw)

    def authenticate_credentials(self, raw: str):
        token = ApiToken.objects.select_related("user").filter(key=token_hash(raw)).first()
        if token is None:
            raise exceptions.AuthenticationFailed(_("Ongeldig token."))
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("Dit account is gedeactiveerd."))
        now = timezone.now()
        if now >= token.expires_at:
            raise TokenExpired(_("Dit token is verlopen. Vraag een nieuw token aan via /api/v1/auth/token/."))
        if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
            token.last_used_at = now
        return token.user, token

    def authenticate_header(self, request) -> str:
        return KEYWORD


def request_two_factor_verified(request) -> bool:
    """Whether this API request carries a second factor: a token issued with a TOTP code, or a browser session
    verified with one (django_otp's middleware gives the session's user `is_verified`)."""
    if isinstance(request.auth, ApiToken):
        return request.auth.two_factor
    is_verified = getattr(request.user, "is_verified", None)
    return bool(is_verified is not None and is_verified())


class ApiTokenScheme(OpenApiAuthenticationExtension):
    """Describes ApiTokenAuthentication in the OpenAPI schema (drf-spectacular finds it by class path)."""

    target_class = "accounts.authentication.ApiTokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "`Token <token>` from POST /api/v1/auth/token/. Only a token issued with `otp` may sign.",
        }
