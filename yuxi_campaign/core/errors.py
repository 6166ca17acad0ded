"""Domain errors. Services raise them; the API's exception handler and the pages map them to
HTTP once: invalid → 400, not allowed → 403, out of scope → 404, wrong state or stale → 409.
Each kind declares its status and default code where it is defined."""

from __future__ import annotations

import datetime as dt


class DomainError(Exception):
    status_code = 400
    default_code = "invalid"

    def __init_subclass__(cls, *, status: int, code: str, **kwargs):
        super().__init_subclass__(**kwargs)
        cls.status_code, cls.default_code = status, code

    def __init__(self, detail: str, *, fields: dict[str, list[str]] | None = None, code: str | None = None):
        super().__init__(detail)
        self.detail = detail
        self.fields = fields or {}
        self.code = code or self.default_code


class InvalidInput(DomainError, status=400, code="invalid"):
    """The input is wrong; ``fields`` says where, per field."""


class NotAllowed(DomainError, status=403, code="not_allowed"):
    """The actor's unit or role may not do this."""


class OutOfScope(DomainError, status=404, code="not_found"):
    """No such object, or outside the actor's subtree: the two answer alike."""


class WrongState(DomainError, status=409, code="wrong_state"):
    """Not from the object's current state (or a duplicate of what exists)."""


class StaleVersion(DomainError, status=409, code="stale_version"):
    """Someone saved since the caller read the object; nothing was written."""


class Frozen(DomainError, status=409, code="frozen"):
    """An indicator set that an assessment uses can no longer be edited."""


DATE_FORMAT = "日期格式应为 YYYY-MM-DD"


def date_input(value, *, field: str, what: str, missing: str, missing_field: str | None = None):
    """A date given as a date or as ``YYYY-MM-DD`` (spaces around allowed), for a service's input
    ``field``. A string that is no date: "{what}格式应为 YYYY-MM-DD"; nothing (an empty string
    included), a datetime or anything else: ``missing`` (``missing_field`` by the field)."""
    if isinstance(value, str) and value.strip():
        try:
            value = dt.date.fromisoformat(value.strip())
        except ValueError:
            raise InvalidInput(f"{what}格式应为 YYYY-MM-DD", fields={field: [DATE_FORMAT]}) from None
    if isinstance(value, dt.datetime) or not isinstance(value, dt.date):
        raise InvalidInput(missing, fields={field: [missing_field or missing]})
    return value
