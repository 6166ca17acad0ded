"""The OpenAPI side of the API plumbing: the error body and the schema class that documents it
on every operation. (Apart from ``api`` because drf-spectacular imports DRF's generic views, which
import the pagination class.)"""

from __future__ import annotations

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiResponse, extend_schema_field
from rest_framework import serializers
from rest_framework.permissions import AllowAny


@extend_schema_field(
    {"oneOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}]},
)
class ErrorCodeField(serializers.Field):
    """The error's code (``wrong_state``…), or the messages of an invalid field named ``code``."""


class ErrorSerializer(serializers.Serializer):
    """Every error body: a readable ``detail``; a ``code`` for the workflow's errors; for invalid
    input, each offending field with its messages (as further properties)."""

    detail = serializers.CharField()
    code = ErrorCodeField(required=False)


ERROR_DESCRIPTIONS = {
    400: (
        "invalid input: `detail` and the field errors (also a NUL byte, JSON nested too deep or a "
        "body too big, refused at the edge before any view)"
    ),
    403: "not logged in, or not allowed",
    404: "not found, or outside the caller's scope",
    409: "wrong state, stale version or a duplicate",
    415: "the body's media type (its Content-Type) is not one the operation reads",
    429: "too many requests from this address",
}


def errors(*codes: int) -> dict:
    """``responses`` entries for ``extend_schema``: the error body under each status code."""
    return {code: OpenApiResponse(ErrorSerializer, description=ERROR_DESCRIPTIONS[code]) for code in codes}


class ApiSchema(AutoSchema):
    """Filters and pages belong to the list action alone (another action that answers a list
    answers all of it). An optional query parameter given empty counts as not given (``?level=``
    lists every level) unless it says otherwise (``page_size``). Every operation documents the
    errors it can give next to what it declares: 403 unless anyone may call it, 400 everywhere (the
    edge refuses a NUL byte in any request; a body or filters besides), 404 where the path names an
    object or the list is paged, 415 where it reads a body (one sent without a media type it
    reads).
    Operations declare further errors (409, 429) themselves."""

    def _lists(self) -> bool:
        return getattr(self.view, "action", None) == "list"

    def get_filter_backends(self):
        return super().get_filter_backends() if self._lists() else []

    def _get_paginator(self):
        return super()._get_paginator() if self._lists() else None

    def get_operation(self, *args, **kwargs):
        operation = super().get_operation(*args, **kwargs)
        if operation is not None:
            for parameter in operation.get("parameters", []):
                if parameter["in"] == "query" and not parameter.get("required"):
                    parameter.setdefault("allowEmptyValue", True)
            responses = operation["responses"]
            for code, response in errors(*self._error_codes()).items():
                # Errors are JSON whatever the operation answers otherwise (a file, say).
                error = self._get_response_for_code(response, str(code), media_types=["application/json"])
                responses.setdefault(str(code), error)
            operation["responses"] = dict(sorted(responses.items()))
        return operation

    def _error_codes(self) -> list[int]:
        # 400 on every operation: the edge refuses a NUL byte in any query string or body
        codes = [400]
        paged = self._get_paginator() is not None
        if not all(issubclass(p, AllowAny) for p in self.view.permission_classes):
            codes.append(403)
        if "{" in self.path or paged:
            codes.append(404)
        if self.method in ("POST", "PUT", "PATCH"):
            codes.append(415)
        return codes
