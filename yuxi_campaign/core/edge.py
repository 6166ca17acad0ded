"""The edge: what every request is checked for before any view sees it, and the error answers
Django gives itself. Under ``/api/`` every refusal is JSON ``{"detail": …}``; elsewhere it is a
plain 400 page with the same message.

Refused here, for pages and API alike (PostgreSQL refuses a NUL byte in any text, and Python's
JSON parser recurses):
- a NUL byte (``\\x00``) anywhere in the path, the query string, the cookies, the
  ``Authorization`` header, a form field (name or value) or a JSON body (keys and nested values);
- a JSON body nested deeper than ``MAX_JSON_DEPTH``;
- a body over ``DATA_UPLOAD_MAX_MEMORY_SIZE`` (files excepted), too many fields or files, or a
  multipart body that cannot be read."""

from __future__ import annotations

import json

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.http import HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.http.multipartparser import MultiPartParserError
from django.template.loader import render_to_string
from django.views import defaults
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

NUL_ERROR = "请求中含有空字符（\\x00），无法处理：请删去后重试"
TOO_DEEP_ERROR = "JSON 嵌套层数过多，无法处理"
TOO_BIG_ERROR = "请求内容过大（文件以外的内容不得超过 {mb} MB）"
TOO_MANY_FIELDS_ERROR = "请求中的字段或文件过多"
UNREADABLE_ERROR = "请求内容无法读取（格式有误）"
BAD_JSON_ERROR = "请求内容不是有效的 JSON"
BAD_REQUEST_ERROR = "请求无效"
FORBIDDEN_ERROR = "您没有执行该操作的权限"

# No body of this API nests deeper than a few levels ({"scores": [{…}]}).
MAX_JSON_DEPTH = 32
FORM = "application/x-www-form-urlencoded"
BODY_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


class TooDeep(ValueError):
    pass


def _no_constant(name: str):
    raise ValueError(f"{name} is not JSON")


def json_loads(text: str | bytes):
    """``json.loads`` that never raises RecursionError: too deep a document is ``TooDeep`` (a
    ValueError, like any other malformed document). ``NaN`` and ``Infinity`` are not JSON."""
    try:
        data = json.loads(text, parse_constant=_no_constant)
    except RecursionError:
        raise TooDeep(TOO_DEEP_ERROR) from None
    if _depth_exceeds(data, MAX_JSON_DEPTH):
        raise TooDeep(TOO_DEEP_ERROR)
    return data


def _walk(data):
    """Every key and scalar of a JSON document, without recursion."""
    stack = [data]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
        else:
            yield item


def _depth_exceeds(data, limit: int) -> bool:
    stack = [(data, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict | list):
            if depth > limit:
                return True
            children = item.values() if isinstance(item, dict) else item
            stack.extend((child, depth + 1) for child in children)
    return False


def _has_nul(values) -> bool:
    return any(isinstance(v, str) and "\x00" in v for v in values)


def _nul_field(params) -> str | None:
    """The first field of a QueryDict (or of a parsed JSON object) with a NUL byte in its name
    or anywhere in its value: its name, or ``""`` when the name itself holds the NUL."""
    items = (
        params.lists() if hasattr(params, "lists") else params.items() if isinstance(params, dict) else None
    )
    if items is None:  # a JSON array or scalar at the top
        return "" if _has_nul(_walk(params)) else None
    for key, value in items:
        if _has_nul([key]):
            return ""
        if _has_nul(_walk(value)):
            return key
    return None


class SafeJSONParser(JSONParser):
    """DRF's JSON parser that answers 400 (not 500) to a document nested too deep."""

    def parse(self, stream, media_type=None, parser_context=None):
        encoding = (parser_context or {}).get("encoding", "utf-8")
        try:
            return json_loads(stream.read().decode(encoding))
        except TooDeep:
            raise ParseError(TOO_DEEP_ERROR) from None
        except ValueError:  # malformed JSON, or not text in that encoding
            raise ParseError(BAD_JSON_ERROR) from None


def is_api(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


def refusal(request: HttpRequest, detail: str, status: int = 400, fields: dict | None = None) -> HttpResponse:
    """JSON ``{"detail": …}`` (and the field errors, as the API's exception handler writes them)
    under /api/, the plain error page elsewhere."""
    if is_api(request):
        body = {"detail": detail, **{k: v for k, v in (fields or {}).items() if k != "detail"}}
        return JsonResponse(body, status=status, json_dumps_params={"ensure_ascii": False})
    # Rendered without the request: the page must not touch the session or the user, which may be
    # what was refused (a cookie with a NUL byte).
    return HttpResponse(render_to_string("error.html", {"detail": detail, "status": status}), status=status)


def _is_json(content_type: str) -> bool:
    return content_type == "application/json" or content_type.endswith("+json")


def _problem(request: HttpRequest) -> tuple[str, str] | None:
    """Why the request is refused at the edge, and the field concerned (``""`` when none is
    named), or None."""
    if "\x00" in request.path or "\x00" in request.META.get("HTTP_AUTHORIZATION", ""):
        return NUL_ERROR, ""
    for params in (request.GET, request.COOKIES):
        if (field := _nul_field(params)) is not None:
            return NUL_ERROR, field
    if request.method not in BODY_METHODS:
        return None
    content_type = request.content_type or ""
    try:
        if request.method == "POST" and content_type in ("multipart/form-data", FORM):
            if (field := _nul_field(request.POST)) is not None:
                return NUL_ERROR, field
            if _has_nul(request.FILES.keys()):
                return NUL_ERROR, ""
        elif content_type == FORM:  # Django parses forms of POST only; DRF parses the others
            if (field := _nul_field(QueryDict(request.body, encoding=request.encoding))) is not None:
                return NUL_ERROR, field
        elif _is_json(content_type) and request.body:
            try:
                data = json_loads(request.body)
            except TooDeep:
                return TOO_DEEP_ERROR, ""
            except ValueError:
                return None  # malformed: the view's parser says so
            if (field := _nul_field(data)) is not None:
                return NUL_ERROR, field
    except RequestDataTooBig:
        return TOO_BIG_ERROR.format(mb=settings.DATA_UPLOAD_MAX_MEMORY_SIZE // (1024 * 1024)), ""
    except (TooManyFieldsSent, TooManyFilesSent):
        return TOO_MANY_FIELDS_ERROR, ""
    except MultiPartParserError:
        return UNREADABLE_ERROR, ""
    return None


class HostileInputMiddleware:
    """Refuses, with 400, what no view can store or parse safely (see the module)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if (problem := _problem(request)) is not None:
            detail, field = problem
            return refusal(
                request,
                f"{field}: {detail}" if field else detail,
                fields={field: [detail]} if field else None,
            )
        return self.get_response(request)


# Django's own error answers (handler400/403; handler500 is core/failures.py): JSON under /api/.


def bad_request(request, exception=None):
    return refusal(request, BAD_REQUEST_ERROR)


def permission_denied(request, exception=None):
    if is_api(request):
        return refusal(request, FORBIDDEN_ERROR, status=403)
    return defaults.permission_denied(request, exception)
