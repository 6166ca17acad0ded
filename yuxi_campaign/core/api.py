"""API plumbing shared by every app: pagination and the one place where domain errors become
HTTP responses."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from .errors import DomainError


class Pagination(PageNumberPagination):
    """``{"count", "next", "previous", "results"}`` with ``?page=`` and ``?page_size=`` (≤ 1000)."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 1000
    invalid_page_message = "页码无效"

    def get_page_size(self, request):
        raw = request.query_params.get(self.page_size_query_param)
        if raw is not None:
            try:
                value = int(raw)
            except ValueError:
                raise exceptions.ValidationError(
                    {"page_size": ["page_size 应为 1 到 1000 之间的整数"]}
                ) from None
            if not 1 <= value <= self.max_page_size:
                raise exceptions.ValidationError({"page_size": ["page_size 应为 1 到 1000 之间的整数"]})
            return value
        return self.page_size


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
        for field, errors in response.data.items():
            if isinstance(errors, list):
                summary.extend(f"{field}: {e}" for e in errors if isinstance(e, str))
        response.data = {"detail": "；".join(summary) or "请求无效", **response.data}
    elif response is not None and isinstance(response.data, list):
        response.data = {"detail": "；".join(str(e) for e in response.data)}
    return response


def decimal_str(value, places: int = 2) -> str | None:
    """Decimals go out as strings, as DRF's DecimalField does (and the schema says)."""
    return None if value is None else f"{value:.{places}f}"


def not_found(request, exception=None):
    """404 for URLs no view matched: JSON under /api/, Django's page elsewhere."""
    from django.http import JsonResponse
    from django.views.defaults import page_not_found

    if request.path.startswith("/api/"):
        return JsonResponse({"detail": "未找到该地址"}, status=404, json_dumps_params={"ensure_ascii": False})
    return page_not_found(request, exception)
