"""Requests per second under gunicorn with two workers (``gunicorn -w 2``, DEBUG off, started on a
free port with the baseline views mounted), hammered for a few seconds by a small threaded client
with API tokens."""

from __future__ import annotations

import http.client
import os
import secrets
import socket
import subprocess
import sys
import threading
import time
from importlib import import_module
from pathlib import Path

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.test.utils import override_settings
from rest_framework.authtoken.models import Token

from orgs.models import Organisation, User

from .endpoints import ADMIN, NOOP
from .table import Ratio

SECONDS = 3.0
THREADS = 4


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Gunicorn:
    """``gunicorn -w 2`` on the benchmark's database, for the length of a ``with`` block."""

    def __init__(self) -> None:
        self.port = _free_port()
        self.process: subprocess.Popen | None = None

    secret = secrets.token_urlsafe(50)  # the server's key, which its sessions are signed with

    def __enter__(self) -> Gunicorn:
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "devtools.bench.settings",
            "DEBUG": "0",
            "SECRET_KEY": self.secret,
            "SECURE_SSL_REDIRECT": "0",
            "BEHIND_PROXY": "0",
            "SESSION_COOKIE_SECURE": "0",
            "CSRF_COOKIE_SECURE": "0",
        }
        command = [
            sys.executable,
            "-m",
            "gunicorn",
            "-w",
            "2",
            "-b",
            f"127.0.0.1:{self.port}",
            "--log-level",
            "warning",
        ]
        self.process = subprocess.Popen(  # noqa: S603 - our own interpreter and arguments
            [*command, "yuxi_campaign.wsgi:application"], cwd=Path(settings.BASE_DIR), env=env
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                status, _ = _get(self.port, NOOP, "")
                if status in (200, 401, 403):
                    return self
            except OSError:
                time.sleep(0.2)
        self.__exit__()
        raise RuntimeError("gunicorn did not start")

    def __exit__(self, *exc) -> None:
        if self.process:
            self.process.terminate()
            self.process.wait(timeout=30)


def _get(port: int, path: str, token: str) -> tuple[int, bytes]:
    """``token`` is an API token, or a session cookie (``sessionid=…``) for the pages."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    if token.startswith(f"{settings.SESSION_COOKIE_NAME}="):
        headers = {"Cookie": token}
    else:
        headers = {"Authorization": f"Token {token}"} if token else {}
    try:
        conn.request("GET", path, headers=headers)
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def hammer(port: int, path: str, token: str, *, seconds: float = SECONDS, threads: int = THREADS) -> float:
    """Answered requests per second (HTTP 200 only; any other answer stops the count with an
    error) from ``threads`` clients for ``seconds``."""
    status, _ = _get(port, path, token)
    if status != 200:
        raise RuntimeError(f"{path}: HTTP {status}")
    counts = [0] * threads
    failures: list[str] = []
    stop = time.monotonic() + seconds

    def client(n: int) -> None:
        while time.monotonic() < stop and not failures:
            code, _ = _get(port, path, token)
            if code != 200:
                failures.append(f"{path}: HTTP {code}")
            counts[n] += 1

    started = time.monotonic()
    workers = [threading.Thread(target=client, args=(n,)) for n in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    if failures:
        raise RuntimeError(failures[0])
    return sum(counts) / (time.monotonic() - started)


def session_for(user: User) -> str:
    """A logged-in session of ``user`` (as a login would write it): the pages' cookie."""
    engine = import_module(settings.SESSION_ENGINE)
    session = engine.SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[-1]
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.save()
    return session.session_key


def throughput_ratios(*, root_code: str, year: int) -> list[Ratio]:
    """Progress, the assessment list and the dashboard against the no-op endpoint (and the first
    two against their trivial views), and the league table against the no-op endpoint."""
    admin = User.objects.get(username=ADMIN)
    token = Token.objects.get_or_create(user=admin)[0].key

    root = Organisation.objects.only("pk").get(code=root_code).pk
    paths = {
        "noop": NOOP,
        "progress": f"/api/v1/progress/?org={root}&year={year}",
        "children": f"/__bench__/children/?org={root}",
        "list": "/api/v1/assessments/?page_size=1000",
        "values": "/__bench__/assessments/?page_size=1000",
        "league": "/api/v1/league/?level=county",
    }
    with Gunicorn() as server:
        rate = {name: hammer(server.port, path, token) for name, path in paths.items()}
        with override_settings(SECRET_KEY=server.secret):  # a session the server can read
            cookie = f"{settings.SESSION_COOKIE_NAME}={session_for(admin)}"
        rate["dashboard"] = hammer(server.port, f"/dashboard/?year={year}", cookie)
        # the no-op again at the end: the mean of both, so that a machine busier at the start or
        # at the end weighs on the baseline as on the rest
        rate["noop"] = (rate["noop"] + hammer(server.port, NOOP, token)) / 2
    return [
        Ratio("throughput: no-op endpoint", rate["noop"], "—", None, per_second=True),
        Ratio(
            "throughput: progress, one prefecture",
            rate["progress"],
            "no-op",
            rate["noop"],
            0.25,
            per_second=True,
        ),
        Ratio(
            "throughput: progress, one prefecture",
            rate["progress"],
            "trivial view",
            rate["children"],
            per_second=True,
        ),
        Ratio(
            "throughput: `/api/v1/assessments/` 1,000 rows",
            rate["list"],
            "no-op",
            rate["noop"],
            per_second=True,
        ),
        Ratio(
            "throughput: `/api/v1/assessments/` 1,000 rows",
            rate["list"],
            "`.values()` view",
            rate["values"],
            per_second=True,
        ),
        Ratio(
            "throughput: dashboard, one prefecture", rate["dashboard"], "no-op", rate["noop"], per_second=True
        ),
        Ratio(
            "throughput: league table, one prefecture", rate["league"], "no-op", rate["noop"], per_second=True
        ),
    ]
