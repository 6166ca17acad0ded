"""Logging in, against password guessing. django-axes counts failed logins per account and per
address (``AXES_*`` in settings) on every path that authenticates with a password: the login page,
the admin's login and the API's token endpoint. While locked, even the right password is refused,
with ``lockout_message``: the pages answer 429 with the lockout page, the token endpoint a JSON
``detail``. The token endpoint is also throttled per address (scope ``token``)."""

from __future__ import annotations

import ipaddress
import math

from django.conf import settings
from django.shortcuts import render
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions
from rest_framework.authtoken.models import Token
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.throttling import BaseThrottle, ScopedRateThrottle

from .schema import errors


def client_ip(request) -> str | None:
    """The caller's address as the throttles see it (X-Forwarded-For only from the trusted proxies
    of ``NUM_PROXIES``), or None when the server was given none that is an address. Works on
    Django's request and on DRF's."""
    ident = (BaseThrottle().get_ident(request) or "").split(",")[-1].strip()
    try:
        return str(ipaddress.ip_address(ident))
    except ValueError:
        return None


def lockout_seconds() -> int:
    return int(settings.AXES_COOLOFF_TIME.total_seconds())


def lockout_message() -> str:
    minutes = math.ceil(lockout_seconds() / 60)
    return _(
        "Too many failed logins: the account is locked for now. Try again in %(minutes)s minutes "
        "or ask an administrator to unlock it."
    ) % {"minutes": minutes}


def lockout_response(request, original_response=None, credentials=None):
    """axes' answer to a locked login on the pages (``AXES_LOCKOUT_CALLABLE``): the login page's
    layout with the message, 429 and Retry-After."""
    response = render(request, "registration/locked_out.html", {"message": lockout_message()}, status=429)
    response["Retry-After"] = str(lockout_seconds())
    return response


class LockedOut(exceptions.Throttled):
    default_detail = "登录失败次数过多"
    default_code = "locked_out"

    def __init__(self):
        super().__init__(wait=lockout_seconds(), detail=lockout_message())
        self.detail = lockout_message()  # not Throttled's "expected available in N seconds" tail


class TokenThrottle(ScopedRateThrottle):
    """Every request for a token counts, per address (nobody is logged in yet)."""

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class TokenView(ObtainAuthToken):
    """``POST /api/v1/auth/token/``: DRF's token view, throttled per address, whose password check
    goes through axes (DRF passes the request to ``authenticate``); a locked account or address
    answers 429 with a JSON ``detail``."""

    throttle_classes = [TokenThrottle]
    throttle_scope = "token"
    # DRF's token view names its own parsers; this one takes the project's (the safe JSON parser).
    parser_classes = api_settings.DEFAULT_PARSER_CLASSES

    @extend_schema(responses={200: ObtainAuthToken.serializer_class, **errors(400, 429)})
    def post(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        if not serializer.is_valid():
            # axes marks the request it was given (DRF's) when the account or address is locked.
            if getattr(request, "axes_locked_out", False):
                raise LockedOut()
            raise exceptions.ValidationError(serializer.errors)
        token, _created = Token.objects.get_or_create(user=serializer.validated_data["user"])
        return Response({"token": token.key})
