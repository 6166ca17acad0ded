"""Timings of the read endpoints whose speed at province scale matters most, as a Markdown table."""

from __future__ import annotations

import statistics
import time
from dataclasses import dataclass

from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings

from orgs.models import Organisation, Role
from orgs.services import official_save

BENCH_USERNAME = "bench_admin"


@dataclass
class BenchRow:
    path: str
    status: int | None
    median_ms: float | None = None
    queries: int | None = None
    rows: str = ""
    note: str = ""


def bench_paths(*, root_id: int, year: int) -> list[str]:
    """The read endpoints whose speed at province scale matters most."""
    return [
        "/api/v1/orgs/?page_size=1000",
        "/api/v1/orgs/?level=village&page_size=1000",
        "/api/v1/assessments/?page_size=1000",
        f"/api/v1/results/?page_size=1000&year={year}",
        f"/api/v1/rankings/?year={year}&level=village&page_size=1000",
        f"/api/v1/progress/?org={root_id}&year={year}",
        "/api/v1/indicator-sets/",
    ]


def _rows_of(payload) -> str:
    """How much an answer carried: page length and total for paginated lists."""
    if isinstance(payload, dict) and isinstance(payload.get("results"), list):
        return f"{len(payload['results']):,} of {payload.get('count', 0):,}"
    if isinstance(payload, list):
        return f"{len(payload):,}"
    if isinstance(payload, dict) and isinstance(payload.get("children"), list):
        return f"{len(payload['children']):,} children"
    return ""


def bench_run(*, root_code: str, year: int = 2024, runs: int = 5) -> list[BenchRow]:
    """Time each endpoint ``runs`` times with the test client, logged in as an admin of the
    prefecture ``root_code``: median wall time, SQL queries of the last run, rows returned. A 404
    for the path means the endpoint is not built yet and is reported, not raised."""
    user, _ = official_save(username=BENCH_USERNAME, org_code=root_code, role=Role.ADMIN, password=None)
    root_id = Organisation.objects.only("pk").get(code=root_code).pk
    hosts = [*settings.ALLOWED_HOSTS, "testserver"]
    results: list[BenchRow] = []
    with override_settings(ALLOWED_HOSTS=hosts):
        client = Client()
        client.force_login(user)
        for path in bench_paths(root_id=root_id, year=year):
            times: list[float] = []
            row = BenchRow(path=path, status=None)
            try:
                for _ in range(runs):
                    with CaptureQueriesContext(connection) as queries:
                        t0 = time.perf_counter()
                        response = client.get(path)
                        times.append((time.perf_counter() - t0) * 1000)
                    row.status = response.status_code
                    row.queries = len(queries.captured_queries)
                    if response.status_code != 200:
                        break
            except Exception as exc:  # a broken endpoint is a finding of the benchmark, not a crash
                row.note = f"error: {type(exc).__name__}: {exc}"[:200]
                results.append(row)
                continue
            if row.status == 404:
                row.note = "not built"
            elif row.status == 200:
                row.median_ms = statistics.median(times)
                row.rows = _rows_of(response.json())
            else:
                row.note = f"HTTP {row.status}"
            results.append(row)
    return results


def bench_table(rows: list[BenchRow]) -> str:
    """The results as a Markdown table."""
    lines = [
        "| endpoint | status | median ms | SQL queries | rows | note |",
        "|---|---:|---:|---:|---|---|",
    ]
    for r in rows:
        median = f"{r.median_ms:.1f}" if r.median_ms is not None else "—"
        queries = str(r.queries) if r.queries is not None else "—"
        status = str(r.status) if r.status is not None else "—"
        lines.append(f"| `{r.path}` | {status} | {median} | {queries} | {r.rows or '—'} | {r.note} |")
    return "\n".join(lines)
