"""What a caller sees when the server itself fails: the database or the evidence object store gone
(503 with Retry-After, so clients and proxies try again), or a bug (500). JSON under /api/, a
plain page elsewhere; neither shows a traceback, a host name or a query. The pages are rendered
without the request context: its processors read the session and the menu from the database that
may be the thing that failed. With DEBUG on, Django shows its debug page before these handlers
are reached."""

from __future__ import annotations

import logging
import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.template import loader

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 30
UNAVAILABLE = "数据库暂时无法连接，请稍后再试"
STORE_UNAVAILABLE = "文件存储暂时无法连接，文件没有保存，请稍后再试"
FAILED = "服务器内部错误，已记录，请稍后再试或联系管理员"


def database_unavailable(exc: BaseException | None) -> bool:
    """Lost, refused, overloaded or locked: the database cannot answer now, but may soon."""
    return isinstance(exc, OperationalError | InterfaceError)


def store_unavailable(exc: BaseException | None) -> bool:
    """The object store (S3-compatible) cannot answer now: refused, timed out, the connection
    dropped, or it answered that it is failing or overloaded (HTTP 5xx). Also when that is the
    cause of ``exc`` (a transfer wraps the error it met)."""
    from botocore.exceptions import ClientError, HTTPClientError
    from botocore.exceptions import ConnectionError as StoreConnectionError

    seen = 0
    while exc is not None and seen < 5:
        if isinstance(exc, StoreConnectionError | HTTPClientError):
            return True
        if isinstance(exc, ClientError):
            status = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode") or 0
            return status >= 500
        exc, seen = exc.__cause__ or exc.__context__, seen + 1
    return False


def _answer(request, status: int, detail: str, template: str, **context) -> HttpResponse:
    if request.path.startswith("/api/"):
        response: HttpResponse = JsonResponse(
            {"detail": detail}, status=status, json_dumps_params={"ensure_ascii": False}
        )
    else:
        try:
            html = loader.render_to_string(
                template, {"retry_after": RETRY_AFTER_SECONDS, "path": request.path, **context}
            )
        except Exception:  # noqa: BLE001 - the failure page must not fail in turn (no static manifest...)
            logger.exception("the %s page could not be rendered", status)
            html = (
                f'<!doctype html><html lang="zh-hans"><title>{status}</title><main><h1>{detail}</h1></main>'
            )
        response = HttpResponse(html, status=status)
    if status == 503:
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


def server_error(request, *args, **kwargs) -> HttpResponse:
    """handler500: Django calls it inside the ``except`` block, so the failure is at hand."""
    exc = sys.exc_info()[1]
    if database_unavailable(exc):
        logger.error("database unavailable: %s", type(exc).__name__)
        return _answer(request, 503, UNAVAILABLE, "503.html")
    if store_unavailable(exc):
        logger.error("evidence store unavailable: %s", type(exc).__name__)
        return _answer(request, 503, STORE_UNAVAILABLE, "503.html", store=True)
    return _answer(request, 500, FAILED, "500.html")
