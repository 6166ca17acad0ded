"""Fixtures shared by every test: the small tree, officials, API clients, and the workflow's world
(the tree with the default indicator sets, the campaign and officials at every level). What they
build on is in ``tests.helpers`` and ``tests.assessments.helpers``."""

from __future__ import annotations

import os

import pytest

from assessments.services import campaign_install_default
from indicators.services import indicator_sets_install_defaults
from orgs.services import orgs_bulk_load
from tests.assessments.helpers import World
from tests.helpers import Tree, api_client_for, make_user, tree_rows


def pytest_configure(config):
    from django.conf import settings

    # PBKDF2 costs ~0.3 s a user; tests make hundreds of users. Production keeps the default.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # A test's database is one open transaction that another thread cannot see: background exports
    # run inside the request that starts them (eager), except in the tests of the thread itself.
    settings.EXPORT_JOBS_IN_THREAD = False
    # On PostgreSQL, a test's commit need not wait for the disk (the test database is thrown away):
    # the browser and thread tests commit and truncate all the time.
    default = settings.DATABASES["default"]
    if default["ENGINE"].endswith("postgresql"):
        options = default.setdefault("OPTIONS", {})
        options["options"] = f"{options.get('options', '')} -c synchronous_commit=off".strip()


@pytest.fixture
def tree(db) -> Tree:
    orgs_bulk_load(rows=tree_rows())
    return Tree()


@pytest.fixture
def world(tree) -> World:
    indicator_sets_install_defaults()
    campaign_install_default()
    return World(tree)


@pytest.fixture
def freeze(monkeypatch):
    """``freeze(date)``: from then on ``timezone.now()`` (and so ``localdate()``, ``auto_now`` and
    every deadline and window check) answers 10:00 local time on that day."""
    import datetime as dt
    from zoneinfo import ZoneInfo

    from django.conf import settings
    from django.utils import timezone

    def at(day: dt.date) -> dt.datetime:
        instant = dt.datetime.combine(day, dt.time(10), tzinfo=ZoneInfo(settings.TIME_ZONE))
        monkeypatch.setattr(timezone, "now", lambda: instant)
        return instant

    return at


@pytest.fixture
def user_factory(db):
    return make_user


@pytest.fixture
def api_for():
    return api_client_for


@pytest.fixture(autouse=True)
def fresh_cache():
    """Throttles (objections, tokens) count per address in the cache: each test starts at zero,
    whatever ran before it."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    """Evidence files of a test go to its own folder."""
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private-media"
    return settings.PRIVATE_MEDIA_ROOT


@pytest.fixture
def keep_test_connection():
    """Called as a plain WSGI app (as schemathesis calls it), Django closes the database connection
    after each request; the test client avoids that by unhooking the same signal handlers, and so
    does this."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture(autouse=True)
def celery_in_process(request):
    """Tasks run in process in tests (even when CI points CELERY_BROKER_URL at Redis), except in
    the test that runs a real worker."""
    from yuxi_campaign.celery import app

    eager = "real_worker" not in request.keywords
    previous = app.conf.task_always_eager
    app.conf.task_always_eager = eager
    yield
    app.conf.task_always_eager = previous


@pytest.fixture(autouse=True)
def postgres_only(request):
    """Tests marked ``postgres`` run when the database is PostgreSQL (CI's second run) and are
    skipped on SQLite, unless REQUIRE_POSTGRES says they must run."""
    if "postgres" not in request.keywords:
        return
    from django.db import connection

    if connection.vendor != "postgresql":
        if os.environ.get("REQUIRE_POSTGRES"):
            pytest.fail("REQUIRE_POSTGRES is set but the database is not PostgreSQL")
        pytest.skip("needs PostgreSQL: set DATABASE_URL=postgres://… (CI's second run does)")
