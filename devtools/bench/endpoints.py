"""Each read endpoint in process (Django's test client, the baseline URLconf mounted) against its
own SQL run bare, a trivial ``.values()`` view of the same rows, and the no-op endpoint."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings

from orgs.models import Organisation, Role, User
from orgs.services import official_save

from .table import Ratio, interleaved_medians, median_ms

ADMIN = "bench_admin"
SUPERUSER = "bench_superuser"
NOOP = "/__bench__/noop/"
ENDPOINT_RUNS = 15  # each endpoint, its trivial view and the no-op, in turn: medians of 15


@dataclass(frozen=True)
class Endpoint:
    label: str
    user: str
    path: str
    trivial: str  # the baseline view of the same rows
    trivial_target: float | None = None
    noop_target: float | None = None
    same_rows: str | None = None  # the endpoint's own page as ``.values()`` rows


def bench_users(*, root_code: str) -> None:
    """A prefecture admin of ``root_code`` and a superuser (the whole province in scope)."""
    official_save(username=ADMIN, org_code=root_code, role=Role.ADMIN, password=None)
    if not User.objects.filter(username=SUPERUSER).exists():
        User.objects.create_superuser(username=SUPERUSER, email="", password=None)


def endpoints(*, root_id: int, year: int) -> list[Endpoint]:
    page = "page_size=1000"
    return [
        Endpoint(
            "progress, one prefecture",
            ADMIN,
            f"/api/v1/progress/?org={root_id}&year={year}",
            f"/__bench__/children/?org={root_id}",
            trivial_target=2,
        ),
        Endpoint(
            "`/api/v1/assessments/` 1,000 rows, prefecture admin",
            ADMIN,
            f"/api/v1/assessments/?{page}",
            f"/__bench__/assessments/?{page}",
            trivial_target=1.5,
            same_rows=f"/__bench__/assessment-rows/?{page}",
        ),
        Endpoint(
            "`/api/v1/assessments/` 1,000 rows, superuser (province)",
            SUPERUSER,
            f"/api/v1/assessments/?{page}",
            f"/__bench__/assessments/?{page}",
            trivial_target=1.5,
            same_rows=f"/__bench__/assessment-rows/?{page}",
        ),
        Endpoint(
            "`/assessments/` page, prefecture admin",
            ADMIN,
            "/assessments/",
            "/__bench__/assessments/?page_size=50",
        ),
        Endpoint(
            "`/assessments/` page, superuser (province)",
            SUPERUSER,
            "/assessments/",
            "/__bench__/assessments/?page_size=50",
        ),
        Endpoint(
            "dashboard, one prefecture",
            ADMIN,
            f"/dashboard/?year={year}",
            f"/__bench__/children/?org={root_id}",
            noop_target=3,
        ),
        Endpoint(
            "dashboard, province",
            SUPERUSER,
            f"/dashboard/?year={year}",
            "/__bench__/children/",
            noop_target=3,
        ),
        Endpoint(
            "league table, one prefecture",
            ADMIN,
            f"/api/v1/league/?level=county&year={year}",
            f"/__bench__/children/?org={root_id}",
            noop_target=3,
        ),
        Endpoint(
            "`/api/v1/results/` 1,000 rows, prefecture admin",
            ADMIN,
            f"/api/v1/results/?{page}&year={year}",
            f"/__bench__/assessments/?{page}",
        ),
        Endpoint(
            "`/api/v1/rankings/` villages, prefecture admin",
            ADMIN,
            f"/api/v1/rankings/?year={year}&level=village&{page}",
            f"/__bench__/assessments/?{page}",
        ),
    ]


class _Clients:
    def __init__(self) -> None:
        self.clients: dict[str, Client] = {}

    def get(self, username: str, path: str):
        if username not in self.clients:
            client = Client()
            client.force_login(User.objects.get(username=username))
            self.clients[username] = client
        response = self.clients[username].get(path)
        if response.status_code != 200:
            raise RuntimeError(f"{path}: HTTP {response.status_code}")
        return response


def _bare_sql_ms(queries: list[str]) -> float:
    """The captured statements of one request, run again bare (no Django), fetching every row."""

    def run() -> None:
        with connection.cursor() as cursor:
            for sql in queries:
                cursor.execute(sql)
                if cursor.description:
                    cursor.fetchall()

    return median_ms(run)


def endpoint_ratios(*, root_code: str, year: int) -> list[Ratio]:
    """Rows for every endpoint: vs its own SQL, vs the trivial view, vs the no-op endpoint; the
    province's progress (one request if the API answers it, else one call per prefecture) vs
    the no-op endpoint, and the province's page vs the prefecture's."""
    bench_users(root_code=root_code)
    root_id = Organisation.objects.only("pk").get(code=root_code).pk
    clients = _Clients()
    rows: list[Ratio] = []
    with override_settings(
        ROOT_URLCONF="devtools.bench.urls", ALLOWED_HOSTS=[*settings.ALLOWED_HOSTS, "testserver"]
    ):
        noop = median_ms(lambda: clients.get(ADMIN, NOOP), ENDPOINT_RUNS)
        rows.append(Ratio("no-op endpoint (API authentication, `{}`)", noop, "—", None))
        measured: dict[str, float] = {}
        for e in endpoints(root_id=root_id, year=year):
            try:
                clients.get(e.user, e.path)  # warm
                clients.get(e.user, e.trivial)
                with CaptureQueriesContext(connection) as captured:
                    clients.get(e.user, e.path)
                queries = [
                    q["sql"] for q in captured.captured_queries
                ]  # now: the next request clears the log
                # the endpoint, its trivial view and the no-op in turn: the same noise for all three
                actions = {
                    "endpoint": lambda e=e: clients.get(e.user, e.path),
                    "trivial": lambda e=e: clients.get(e.user, e.trivial),
                    "noop": lambda e=e: clients.get(e.user, NOOP),
                }
                if e.same_rows:
                    actions["same_rows"] = lambda e=e: clients.get(e.user, e.same_rows)
                times = interleaved_medians(actions, ENDPOINT_RUNS)
                ms, trivial, noop = times["endpoint"], times["trivial"], times["noop"]
                bare = _bare_sql_ms(queries)
            except Exception as exc:  # a broken endpoint is a finding, not a crash
                rows.append(Ratio(e.label, None, "—", None, note=f"error: {exc}"[:120]))
                continue
            measured[e.label] = ms
            n = len(queries)
            rows.append(Ratio(f"{e.label} vs its own SQL ({n} queries)", ms, "SQL alone", bare))
            rows.append(
                Ratio(f"{e.label} vs trivial view", ms, "`.values()` view", trivial, e.trivial_target)
            )
            if e.same_rows:
                rows.append(
                    Ratio(
                        f"{e.label} vs its page as `.values()`",
                        ms,
                        "the same rows, `.values()`",
                        times["same_rows"],
                    )
                )
            rows.append(Ratio(f"{e.label} vs no-op", ms, "no-op", noop, e.noop_target))
        rows.append(_province_progress(clients, year=year))
        page_pref = measured.get("`/assessments/` page, prefecture admin")
        page_prov = measured.get("`/assessments/` page, superuser (province)")
        rows.append(
            Ratio(
                "`/assessments/` page, province vs prefecture", page_prov, "prefecture's page", page_pref, 2
            )
        )
    return rows


def _province_progress(clients: _Clients, *, year: int) -> Ratio:
    whole = f"/api/v1/progress/?year={year}"
    try:
        clients.get(SUPERUSER, whole)
        times = interleaved_medians(
            {"whole": lambda: clients.get(SUPERUSER, whole), "noop": lambda: clients.get(SUPERUSER, NOOP)},
            ENDPOINT_RUNS,
        )
        return Ratio("progress, province-wide (one request)", times["whole"], "no-op", times["noop"], 3)
    except RuntimeError:
        pass
    noop = median_ms(lambda: clients.get(SUPERUSER, NOOP), ENDPOINT_RUNS)
    roots = list(Organisation.objects.filter(parent=None).values_list("pk", flat=True))

    def every_prefecture() -> None:
        for pk in roots:
            clients.get(SUPERUSER, f"/api/v1/progress/?org={pk}&year={year}")

    ms = median_ms(every_prefecture)
    return Ratio(
        f"progress, province-wide ({len(roots)} calls: no one-request answer yet)", ms, "no-op", noop, 3
    )
