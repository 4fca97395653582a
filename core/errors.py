class PortalError(Exception):
    """A business rule said no. Services raise it; views show `detail`, the API answers `{code, detail}`.

    status: 400 for bad input, 403 for a role that may not act, 404 for out of scope, 409 for a state or
    deadline conflict.
    """

    status = 400

    def __init__(self, code: str, detail: str, *, status: int | None = None, fields: dict | None = None):
        super().__init__(detail)
        self.code = code
        self.detail = detail
        self.fields = fields or {}
        if status is not None:
            self.status = status


class ConflictError(PortalError):
    status = 409
