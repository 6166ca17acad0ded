"""A sheet save and a transition on the province database against the demo database (a small
seeded one): the same village-level assessment work through the services, each run in a
transaction rolled back afterwards, so neither database changes."""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

from django.conf import settings
from django.db import connection, transaction

from assessments import services
from assessments.models import Assessment, Outcome, State
from demo.drive import sheet_rows
from demo.rounds import round_make_current
from orgs.models import Role
from orgs.services import official_save

from .table import Ratio

# Rounds, each a fresh process per database, alternating; WRITE_RUNS runs in each. One write is
# a single 10–20 ms operation whose time moves by a fifth from one process to the next: three
# rounds of five runs let the ratio wander from 0.8× to 1.3× between two runs of the bench.
ROUNDS = 9
WRITE_RUNS = 9


def writes_ms(*, year: int) -> dict[str, float]:
    """Median ms of saving a village's whole self sheet (after its leader returned it to draft)
    and of accepting a reviewed village assessment, in this database. Each run is rolled back
    (so neither database changes): the services' durable blocks are nested in the run's
    transaction as Django's TestCase nests them, and the commit itself is not timed."""
    return _writes_ms(year=year)


def _run() -> transaction.Atomic:
    """An outer transaction that the services' durable blocks may nest in (as in TestCase)."""
    outer = transaction.atomic()
    outer._from_testcase = True
    return outer


def _writes_ms(*, year: int) -> dict[str, float]:
    a = (
        Assessment.objects.select_related("org__parent", "indicator_set")
        .filter(round__year=year, org__level="village", state=State.REVIEWED, outcome=Outcome.PASS)
        .order_by("pk")
        .first()
    )
    if a is None:
        raise RuntimeError(f"no reviewed village assessment in {year}")
    parent = a.org.parent.code
    saves, accepts = [], []
    for _ in range(WRITE_RUNS):
        with _run():
            operator, _ = official_save(username="bench_operator", org_code=a.org.code, role=Role.OPERATOR)
            leader, _ = official_save(username="bench_leader", org_code=parent, role=Role.LEADER)
            t0 = time.perf_counter()
            services.assessment_transition(assessment_id=a.pk, action="accept", actor=leader)
            accepts.append((time.perf_counter() - t0) * 1000)
            transaction.set_rollback(True)
        with _run():
            operator, _ = official_save(username="bench_operator", org_code=a.org.code, role=Role.OPERATOR)
            leader, _ = official_save(username="bench_leader", org_code=parent, role=Role.LEADER)
            round_make_current(year)  # the self sheet open today (rolled back with the rest)
            returned = services.assessment_transition(
                assessment_id=a.pk, action="return", actor=leader, reason="基准测试退回"
            )
            rows = sheet_rows(a, veto=True)
            t0 = time.perf_counter()
            services.scores_save(
                assessment_id=a.pk, stage="self", actor=operator, version=returned.version, rows=rows
            )
            saves.append((time.perf_counter() - t0) * 1000)
            transaction.set_rollback(True)
    saves.sort()
    accepts.sort()
    return {"sheet_save": saves[WRITE_RUNS // 2], "transition": accepts[WRITE_RUNS // 2], "rows": len(rows)}


def database_url(*, demo: bool = False) -> str:
    """This database's URL, or (``demo``) the demo's beside it: ``<name>_demo`` on the same
    server, or a SQLite file beside the province's."""
    db = settings.DATABASES["default"]
    if connection.vendor == "postgresql":
        user, host, port = db.get("USER") or "", db.get("HOST") or "", db.get("PORT") or 5432
        password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
        return f"postgres://{user}{password}@{host}:{port}/{db['NAME']}{'_demo' if demo else ''}"
    name = Path(db["NAME"])
    return f"sqlite:///{name.with_suffix('')}-demo.sqlite3" if demo else f"sqlite:///{name}"


def _ensure_postgres_database(name: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if cursor.fetchone() is None:
            cursor.execute(f'CREATE DATABASE "{name}"')


def _manage(url: str, *args: str) -> str:
    env = {**os.environ, "DATABASE_URL": url, "DEVTOOLS": "1"}
    done = subprocess.run(  # noqa: S603 - our own interpreter and arguments
        [sys.executable, "manage.py", *args],
        cwd=Path(settings.BASE_DIR),
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout


def write_ratios(*, year: int) -> list[Ratio]:
    """The demo database (migrated and seeded here, idempotently) against this one."""
    url = database_url(demo=True)
    if connection.vendor == "postgresql":
        _ensure_postgres_database(settings.DATABASES["default"]["NAME"] + "_demo")
    _manage(url, "migrate", "--no-input", "--verbosity", "0")
    _manage(url, "seed_demo")
    # The demo's runs and this database's alternate, ROUNDS times, each side in a fresh process
    # of its own (this long-lived one, after the loads and the endpoints, saved a sheet a fifth
    # slower than a fresh one did on the same database): a machine busy with something else then
    # slows both sides alike; the median of the rounds counts.
    here_url = os.environ.get("DATABASE_URL") or database_url()  # as given: with its options

    def measured(db_url: str) -> dict:
        return json.loads(_manage(db_url, "bench_writes", "--year", str(year)).strip().splitlines()[-1])

    demos, heres = [], []
    for n in range(ROUNDS):  # each side first in every other round
        if n % 2:
            heres.append(measured(here_url))
            demos.append(measured(url))
        else:
            demos.append(measured(url))
            heres.append(measured(here_url))
    demo = {key: statistics.median(d[key] for d in demos) for key in ("sheet_save", "transition")}
    here = {key: statistics.median(h[key] for h in heres) for key in ("sheet_save", "transition")}
    rows = heres[0]["rows"]
    return [
        Ratio(
            f"sheet save ({rows} rows, commit not timed), province vs demo",
            here["sheet_save"],
            "demo database",
            demo["sheet_save"],
            1.1,
        ),
        Ratio(
            "transition (accept, commit not timed), province vs demo",
            here["transition"],
            "demo database",
            demo["transition"],
            1.1,
        ),
    ]
