from django.core.exceptions import PermissionDenied


class PortalError(Exception):
    """A business rule said no. Services raise it; views show `detail`, the API answers `{code, detail}`.

    status: 400 for bad input, 403 for a role that may not act, 404 for out of scope, 409 for a state or
    deadline conflict, 429 for too many attempts. `headers` go on the API response (e.g. Retry-After).
    """

    status = 400

    def __init__(self, code: str, detail: str, *, status: int | None = None, fields: dict | None = None,
                 headers: dict[str, str] | None = None):
        super().__init__(detail)
        self.code = code
        self.detail = detail
        self.fields = fields or {}
        self.headers = headers or {}
        if status is not None:
            self.status = status


class ConflictError(PortalError):
    status = 409


class Forbidden(PortalError, PermissionDenied):
    """The actor's role does not allow this. The API answers 403 with the code; an HTML view that does not
    catch it shows the 403 page with the detail."""

    status = 403
