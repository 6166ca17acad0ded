"""Domain errors. Services raise them; the API's exception handler and the pages map them to
HTTP once: invalid → 400, not allowed → 403, out of scope → 404, wrong state or stale → 409."""

from __future__ import annotations


class DomainError(Exception):
    status_code = 400
    default_code = "invalid"

    def __init__(self, detail: str, *, fields: dict[str, list[str]] | None = None, code: str | None = None):
        super().__init__(detail)
        self.detail = detail
        self.fields = fields or {}
        self.code = code or self.default_code


class InvalidInput(DomainError):
    status_code = 400
    default_code = "invalid"


class NotAllowed(DomainError):
    status_code = 403
    default_code = "not_allowed"


class OutOfScope(DomainError):
    status_code = 404
    default_code = "not_found"


class WrongState(DomainError):
    status_code = 409
    default_code = "wrong_state"


class StaleVersion(DomainError):
    status_code = 409
    default_code = "stale_version"


class Frozen(DomainError):
    status_code = 409
    default_code = "frozen"
