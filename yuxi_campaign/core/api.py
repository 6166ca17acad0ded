"""API plumbing shared by every app: pagination, the one place where domain errors become HTTP
responses, and output fields."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.http import Http404
from rest_framework import exceptions, serializers, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from .errors import DomainError

PAGE_SIZE_ERROR = "page_size 应为 1 到 1000 之间的整数"
ID_MAX = 2**63 - 1  # the largest id (BigAutoField); a larger number overflows the database


def whole_number(value) -> int:
    """``value`` (a query parameter) as a whole number from 0 to ``ID_MAX``: ASCII digits only,
    no sign, no decimal point, no digits of other scripts. ValueError otherwise."""
    text = str(value).strip()
    if not (text.isascii() and text.isdigit()) or int(text) > ID_MAX:
        raise ValueError(f"not a whole number: {text!r}")
    return int(text)


class Pagination(PageNumberPagination):
    """``{"count", "next", "previous", "results"}`` with ``?page=`` and ``?page_size=`` (≤ 1000)."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 1000
    invalid_page_message = "页码无效"

    def get_page_size(self, request):
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        try:
            value = int(raw)
        except ValueError:
            raise exceptions.ValidationError({"page_size": [PAGE_SIZE_ERROR]}) from None
        if not 1 <= value <= self.max_page_size:
            raise exceptions.ValidationError({"page_size": [PAGE_SIZE_ERROR]})
        return value

    def get_schema_operation_parameters(self, view):
        page, size = super().get_schema_operation_parameters(view)
        page["schema"]["minimum"] = 1
        size["schema"].update(minimum=1, maximum=self.max_page_size)
        size["allowEmptyValue"] = False  # ?page_size= is refused
        return [page, size]


class WholeNumberField(serializers.IntegerField):
    """A whole number (``whole_number``) in a query parameter or a body: an id, a year, a
    version. A JSON number or ASCII digits; ``true``, ``1.0``, ``"１"`` or ``"1_0"`` is refused."""

    default_error_messages = {"invalid": "应为整数（半角数字）"}

    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", 0)
        kwargs.setdefault("max_value", ID_MAX)
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        try:
            return whole_number(data)
        except ValueError:
            self.fail("invalid")


class UtcDateTimeField(serializers.DateTimeField):
    """An instant in UTC (``…Z``), as the API has always written them."""

    def __init__(self, **kwargs):
        kwargs.setdefault("default_timezone", dt.UTC)
        super().__init__(**kwargs)


class BlankAsNullChoiceField(serializers.ChoiceField):
    """A choice stored as ``""`` when there is none, written as ``null``."""

    def __init__(self, **kwargs):
        kwargs.setdefault("allow_null", True)
        super().__init__(**kwargs)

    def to_representation(self, value):
        return None if value in ("", None) else super().to_representation(value)


def exception_handler(exc, context):
    if isinstance(exc, DomainError):
        body: dict = {"detail": exc.detail, "code": exc.code}
        body.update(exc.fields)
        return Response(body, status=exc.status_code)
    if isinstance(exc, Http404):
        return Response({"detail": "未找到，或不在您的权限范围内"}, status=status.HTTP_404_NOT_FOUND)
    if isinstance(exc, PermissionDenied):
        return Response({"detail": "您没有执行该操作的权限"}, status=status.HTTP_403_FORBIDDEN)
    response = drf_exception_handler(exc, context)
    if response is not None and isinstance(response.data, dict) and "detail" not in response.data:
        # Field errors: keep them, and add a readable summary.
        summary = []
        for field, errors_ in response.data.items():
            if isinstance(errors_, list):
                summary.extend(f"{field}: {e}" for e in errors_ if isinstance(e, str))
        response.data = {"detail": "；".join(summary) or "请求无效", **response.data}
    elif response is not None and isinstance(response.data, list):
        response.data = {"detail": "；".join(str(e) for e in response.data)}
    return response


def not_found(request, exception=None):
    """404 for URLs no view matched: JSON under /api/, Django's page elsewhere."""
    from django.http import JsonResponse
    from django.views.defaults import page_not_found

    if request.path.startswith("/api/"):
        return JsonResponse({"detail": "未找到该地址"}, status=404, json_dumps_params={"ensure_ascii": False})
    return page_not_found(request, exception)


class TextField(serializers.CharField):
    """Input text: a JSON number or boolean is refused (400), not quietly turned into text."""

    default_error_messages = {"invalid": "应为文字"}

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)
