"""What the tests build on: a small tree built through the same bulk path as the demo, officials
bound to units, API clients logged in as them, and the nested-set invariants of a tree."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import pytest
from django.core.management import call_command
from django.db import connections
from django.http import HttpRequest
from django.test import Client
from rest_framework.test import APIClient

from orgs.models import Organisation, User
from orgs.services import NewOrg

PASSWORD = "correct-horse-battery"


# a township's kind, its villages' kind, and its groups' name suffix and kind: rural, then urban
KINDS = {False: ("镇", "村", "组", "村民小组"), True: ("街道", "社区", "小区", "居民小区")}


def tree_rows(*, counties: int = 2, townships: int = 2, villages: int = 2, groups: int = 2) -> list[NewOrg]:
    """A city 530400 with ``counties`` counties, each with townships (a 镇 and a 街道 alternately),
    villages (村 under 镇, 社区 under 街道) and groups."""
    rows = [NewOrg("530400", "玉溪市", "city", "市", None)]
    for c in range(1, counties + 1):
        county = f"5304{c:02d}"
        rows.append(NewOrg(county, f"第{c}县", "county", "县", "530400"))
        for t in range(1, townships + 1):
            township = f"{county}{t:03d}"
            township_kind, village_kind, group_suffix, group_kind = KINDS[t % 2 == 0]
            rows.append(NewOrg(township, f"{c}县{t}{township_kind}", "township", township_kind, county))
            for v in range(1, villages + 1):
                village = f"{township}{v:03d}"
                rows.append(NewOrg(village, f"{c}-{t}-{v}{village_kind}", "village", village_kind, township))
                for g in range(1, groups + 1):
                    name = f"{c}-{t}-{v}-{g}{group_suffix}"
                    rows.append(NewOrg(f"{village}{g:03d}", name, "group", group_kind, village))
    return rows


class Tree:
    """Units of the standard small tree by role in the tests."""

    def __init__(self):
        get = Organisation.objects.get
        self.city = get(code="530400")
        self.county = get(code="530401")
        self.other_county = get(code="530402")
        self.township = get(code="530401001")  # a 镇 (rural)
        self.street = get(code="530401002")  # a 街道 (urban)
        self.village = get(code="530401001001")
        self.sibling_village = get(code="530401001002")
        self.community = get(code="530401002001")
        self.group = get(code="530401001001001")
        self.far_township = get(code="530402001")
        self.far_village = get(code="530402001001")

    def refresh(self) -> Tree:
        return Tree()


def make_user(org: Organisation | None, role: str, username: str | None = None) -> User:
    username = username or f"{role}-{org.code if org else 'root'}"
    user = User.objects.create_user(username=username, password=PASSWORD, org=org, role=role)
    if role == "admin":
        user.is_staff = True
        user.save(update_fields=["is_staff"])
    return user


def password_login(client: Client, username: str, password: str = PASSWORD) -> bool:
    """``client.login`` through the real password check, which counts failed logins and so needs a
    request (axes refuses to check a password without one)."""
    request = HttpRequest()
    request.META["REMOTE_ADDR"] = "127.0.0.1"
    return client.login(request=request, username=username, password=password)


def login(user: User) -> Client:
    """A browser-like client logged in through the real login (session and CSRF as the pages)."""
    client = Client()
    assert password_login(client, user.username)
    return client


def api_client_for(user: User | None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def assert_tree_valid(tree_id: int) -> None:
    """The nested-set invariants: lft/rght are exactly 1..2n, each node sits inside its parent,
    depth is the parent's plus one, and the denormalised ancestors match the real ones."""
    rows = {
        r["id"]: r
        for r in Organisation.objects.filter(tree_id=tree_id).values(
            "id", "parent_id", "lft", "rght", "depth", "level", "county_id", "township_id", "village_id"
        )
    }
    values = sorted(v for r in rows.values() for v in (r["lft"], r["rght"]))
    assert values == list(range(1, 2 * len(rows) + 1)), "lft/rght are not a permutation of 1..2n"
    for r in rows.values():
        assert r["lft"] < r["rght"]
        if r["parent_id"] is None:
            assert r["depth"] == 0
            continue
        parent = rows[r["parent_id"]]
        assert parent["lft"] < r["lft"] and r["rght"] < parent["rght"], f"node {r['id']} outside its parent"
        assert r["depth"] == parent["depth"] + 1
        for level in ("county", "township", "village"):
            expected = parent["id"] if parent["level"] == level else parent[f"{level}_id"]
            assert r[f"{level}_id"] == expected, f"node {r['id']} has a stale {level}"


def at_once(jobs: list[Callable[[], object]]) -> list[BaseException | None]:
    """Start every job at the same moment, each in its own thread with its own database
    connection (closed when it ends); what each raised, or None, in the order of ``jobs``."""
    barrier = threading.Barrier(len(jobs))
    raised: list[BaseException | None] = [None] * len(jobs)

    def run(index: int, job: Callable[[], object]) -> None:
        try:
            barrier.wait()
            job()
        except BaseException as exc:  # noqa: BLE001 - reported to the test
            raised[index] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, job)) for i, job in enumerate(jobs)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return raised


def rebuild_rollups() -> None:
    """Recompute the totals kept at write time, after a test wrote rows past the services."""
    call_command("rebuild_rollups", stdout=io.StringIO())


def rollup_differences() -> list[str]:
    """Every row where the stored totals differ from a recomputation (empty when they agree)."""
    from assessments.rollups import assessment_rollups_differences
    from orgs.rollups import unit_rollups_differences

    return unit_rollups_differences() + assessment_rollups_differences()


# ---------------------------------------------------------------------------------------------
# A real Celery worker (CI's second run has a broker)


def database_url() -> str:
    """The test database as a DATABASE_URL, for a process started by a test."""
    s = connections["default"].settings_dict
    if connections["default"].vendor == "sqlite":
        return f"sqlite:///{s['NAME']}"
    auth = s["USER"] + (f":{s['PASSWORD']}" if s["PASSWORD"] else "")
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


@dataclass
class Worker:
    queue: str
    output: str = ""


@contextmanager
def real_worker(**env: str) -> Iterator[Worker]:
    """A Celery worker process on a queue of its own, against the test database and the broker in
    CELERY_BROKER_URL; skipped without a broker unless REQUIRE_BROKER says it must run. Its output
    is in ``worker.output`` once the block has ended."""
    broker = os.environ.get("CELERY_BROKER_URL")
    if not broker:
        if os.environ.get("REQUIRE_BROKER"):
            pytest.fail("REQUIRE_BROKER is set but CELERY_BROKER_URL is not")
        pytest.skip("needs a broker: set CELERY_BROKER_URL=redis://127.0.0.1:6379/0 (CI's second run does)")
    worker = Worker(queue=f"test-{uuid.uuid4().hex[:8]}")
    process = subprocess.Popen(  # noqa: S603 - our own interpreter and app
        [sys.executable, "-m", "celery", "-A", "yuxi_campaign", "worker", "--pool", "solo", "-Q"]
        + [worker.queue, "--loglevel", "INFO", "--without-gossip", "--without-mingle", "--without-heartbeat"],
        env={**os.environ, "DATABASE_URL": database_url(), "CELERY_BROKER_URL": broker, **env},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        yield worker
    finally:
        process.terminate()
        try:
            worker.output, _ = process.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            worker.output, _ = process.communicate()


def wait_until(done: Callable[[], bool], seconds: float = 60) -> bool:
    """Polls ``done`` until it holds or the time is up; returns its last answer."""
    deadline = time.monotonic() + seconds
    while not done() and time.monotonic() < deadline:
        time.sleep(0.5)
    return done()
