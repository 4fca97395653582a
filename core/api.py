"""One exception handler for the whole API: every error body is {"code": ..., "detail": ...}."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, serializers, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from .errors import PortalError

_DEFAULT_CODES = {
    400: "invalid",
    401: "not_authenticated",
    403: "permission_denied",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    429: "throttled",
}


def exception_handler(exc, context):
    if isinstance(exc, PortalError):
        body = {"code": exc.code, "detail": exc.detail}
        if exc.fields:
            body["fields"] = exc.fields
        return Response(body, status=exc.status, headers=exc.headers or None)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()

    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        response.data = {
            "code": "invalid",
            "detail": _("De invoer is niet geldig."),
            "fields": exc.detail if isinstance(exc.detail, dict) else {"non_field_errors": exc.detail},
        }
        response.status_code = status.HTTP_400_BAD_REQUEST
        return response
    code = getattr(exc, "default_code", None) or _DEFAULT_CODES.get(response.status_code, "error")
    detail = getattr(exc, "detail", "")
    response.data = {"code": str(code), "detail": str(detail)}
    return response


class ChoiceLabelField(serializers.CharField):
    """The label of a choice in the request's language, e.g. ChoiceLabelField("status", Offer.Status) gives
    "Ondertekend". Looks the label up instead of calling get_status_display per row, which DRF inspects as a
    callable on every object and which made up a sixth of an offer page's serialising time."""

    def __init__(self, source: str, choices, **kwargs):
        kwargs.setdefault("read_only", True)
        super().__init__(source=source, **kwargs)
        self.labels = dict(choices.choices)

    def to_representation(self, value) -> str:
        return str(self.labels.get(value, value or ""))
