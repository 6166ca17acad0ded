"""A province-sized data set for benchmarks: all of Yunnan's divisions (one tree per prefecture)
with generated groups below every village, the default indicator sets and campaign, and a year of
scores for every unit, then timings of the read endpoints against it.

Everything here is bulk work: units go through ``orgs_bulk_load`` (one depth-first numbering per
tree), assessments and titles through ``bulk_create`` and score rows through one raw
``executemany`` per chunk (about 2.8 million rows: building a model instance for each would cost
more than inserting it). Totals are computed here with the rule of ``indicators.scoring`` rather
than through the workflow services, which save one sheet at a time. Scores are random but
deterministic: each unit draws from its own generator seeded with its code and the year, so a
slice of the province gets the same numbers as the whole. Re-running creates nothing new."""

from __future__ import annotations

import datetime as dt
import math
import random
import statistics
import time
from collections import defaultdict
from collections.abc import Callable, Collection, Iterator
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from django.conf import settings
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from django.utils import timezone

from demo.tree import division_rows, generated_groups
from indicators.models import Indicator, IndicatorSet, applies
from indicators.scoring import TWO_PLACES, scale_factor
from indicators.services import indicator_set_freeze, indicator_sets_install_defaults
from orgs.models import AreaType, Organisation
from orgs.services import NewOrg, official_save, orgs_bulk_load

from .models import Assessment, Outcome, Round, Score, Stage, State, Target, Title, TitleStatus
from .services import campaign_install_default

DATA = Path(__file__).resolve().parent.parent / "demo" / "data" / "yunnan-divisions.csv"
SCORED_LEVELS = ("county", "township", "village", "group")
CHUNK = 2000  # units per bulk_create / executemany round trip
BENCH_USERNAME = "bench_admin"

Log = Callable[[str], None]


def _quiet(message: str) -> None:
    """The default log: say nothing."""


# ---------------------------------------------------------------------------------------------
# The tree


def province_rows(
    *, prefectures: Collection[str] | None = None, limit_counties: int | None = None, path: Path = DATA
) -> dict[str, list[NewOrg]]:
    """Division rows per prefecture code (in code order), parents before children, with the
    generated groups below every village. ``prefectures`` restricts to those codes (all when None);
    ``limit_counties`` keeps only the first N counties (by code) of each prefecture, for tests."""
    rows = division_rows(path)
    roots = sorted(r.code for r in rows if r.parent_code is None)
    unknown = sorted(set(prefectures or ()) - set(roots))
    if unknown:
        raise ValueError(f"不是云南省的州市编码：{', '.join(unknown)}（可选 {', '.join(roots)}）")
    wanted = [code for code in roots if prefectures is None or code in prefectures]
    children: dict[str, list[NewOrg]] = defaultdict(list)
    for row in rows:
        if row.parent_code is not None:
            children[row.parent_code].append(row)
    by_code = {r.code: r for r in rows}
    result: dict[str, list[NewOrg]] = {}
    for root in wanted:
        units = [by_code[root]]
        counties = sorted(children[root], key=lambda r: r.code)
        if limit_counties is not None:
            counties = counties[:limit_counties]
        frontier = counties
        while frontier:  # breadth-first: every level after its parents
            units.extend(frontier)
            frontier = [c for parent in frontier for c in sorted(children[parent.code], key=lambda r: r.code)]
        units.extend(generated_groups([u for u in units if u.level == "village"]))
        result[root] = units
    return result


# ---------------------------------------------------------------------------------------------
# Scores


@dataclass(frozen=True)
class SheetPlan:
    """What one unit of a level and area type is scored on: the applicable indicators as
    (id, max in half points, veto?), the factor that scales the raw sum to the set's total, and
    the set's pass mark."""

    indicator_set_id: int
    items: tuple[tuple[int, int, bool], ...]
    factor: Decimal
    threshold: Decimal


def sheet_plans(*, year: int) -> dict[tuple[str, str], SheetPlan]:
    """One plan per (level, area type) for the sets of ``year``; the factor is the one
    ``indicators.scoring.scaled_total`` uses."""
    sets = {s.level: s for s in IndicatorSet.objects.filter(year=year, level__in=SCORED_LEVELS)}
    missing = [level for level in SCORED_LEVELS if level not in sets]
    if missing:
        raise ValueError(f"{year} 年缺少以下层级的指标体系：{', '.join(missing)}")
    indicators: dict[int, list[Indicator]] = defaultdict(list)
    for indicator in Indicator.objects.filter(indicator_set__in=sets.values()).order_by("order"):
        indicators[indicator.indicator_set_id].append(indicator)
    plans: dict[tuple[str, str], SheetPlan] = {}
    for level, indicator_set in sets.items():
        items = indicators[indicator_set.pk]
        for area in AreaType.values:
            applicable = [i for i in items if applies(i.applies_to, area)]
            plans[level, area] = SheetPlan(
                indicator_set_id=indicator_set.pk,
                items=tuple((i.pk, int(i.max_score * 2), i.is_veto) for i in applicable),
                factor=scale_factor(items, area, indicator_set.total_score),
                threshold=indicator_set.standard_threshold,
            )
    return plans


@dataclass
class UnitScores:
    """One unit's generated sheets and the figures the workflow would compute from them."""

    self_halves: list[int]
    review_halves: list[int]
    review_vetoes: list[bool | None]
    self_total: Decimal
    review_total: Decimal
    veto_failed: bool
    outcome: str
    state: str


def _total(halves: list[int], factor: Decimal) -> Decimal:
    """``scaled_total`` on half points: the raw sum times the factor, to the cent, half up."""
    return ((Decimal(sum(halves)) / 2) * factor).quantize(TWO_PLACES, rounding=ROUND_HALF_UP)


def unit_scores(*, code: str, year: int, plan: SheetPlan) -> UnitScores:
    """Deterministic sheets for one unit: a quality level between 62 % and 99 % (most near 90 %),
    self scores around it, review scores equal or up to one point lower (never more than 30 % of
    the max apart, so no comment is needed), all in half points between 60 % and 100 % of the max;
    about 1.5 % of units fail a veto item at review. The state follows the outcome: passes are
    reviewed, accepted or named; fails are reviewed (awaiting the decision) or failed."""
    rng = random.Random(int(code) * 10_000 + year)  # noqa: S311 - benchmark data, not secrets
    quality = rng.triangular(0.62, 0.99, 0.9)
    veto_fails = rng.random() < 0.015
    self_halves: list[int] = []
    review_halves: list[int] = []
    vetoes: list[bool | None] = []
    for _indicator_id, max_halves, is_veto in plan.items:
        low = math.ceil(max_halves * 0.6)
        own = min(max_halves, max(low, round(max_halves * (quality + rng.uniform(-0.05, 0.05)))))
        self_halves.append(own)
        review_halves.append(max(low, own - rng.choice((0, 0, 0, 1, 2))))
        if is_veto:
            vetoes.append(not veto_fails)
            veto_fails = False  # one failed veto item is enough
        else:
            vetoes.append(None)
    review_total = _total(review_halves, plan.factor)
    veto_failed = False in vetoes
    passed = review_total >= plan.threshold and not veto_failed
    draw = rng.random()
    if passed:
        state = State.REVIEWED if draw < 0.25 else State.ACCEPTED if draw < 0.6 else State.NAMED
    else:
        state = State.REVIEWED if draw < 0.5 else State.FAILED
    return UnitScores(
        self_halves=self_halves,
        review_halves=review_halves,
        review_vetoes=vetoes,
        self_total=_total(self_halves, plan.factor),
        review_total=review_total,
        veto_failed=veto_failed,
        outcome=Outcome.PASS if passed else Outcome.FAIL,
        state=state,
    )


@dataclass
class ScoresResult:
    assessments: int = 0
    scores: int = 0
    titles: int = 0
    skipped: int = 0


def _chunks(items: list, size: int) -> Iterator[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


SCORE_COLUMNS = (
    "assessment",
    "stage",
    "indicator",
    "score",
    "comment",
    "veto_passed",
    "updated_by",
    "updated_at",
)


def scores_insert(*, rows: list[tuple]) -> None:
    """Insert score rows given as tuples in ``SCORE_COLUMNS`` order, without model instances:
    COPY on PostgreSQL (executemany there is one round trip per row, even pipelined), one
    executemany elsewhere."""
    if not rows:
        return
    qn = connection.ops.quote_name
    table = qn(Score._meta.db_table)
    columns = ", ".join(qn(Score._meta.get_field(name).column) for name in SCORE_COLUMNS)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            placeholders = ", ".join(["%s"] * len(SCORE_COLUMNS))
            cursor.executemany(
                f"INSERT INTO {table} ({columns}) VALUES ({placeholders})",  # noqa: S608 - our table
                rows,
            )


def year_of_scores(*, tree_id: int, round: Round, plans: dict[tuple[str, str], SheetPlan]) -> ScoresResult:  # noqa: A002 - the domain word
    """A standard assessment with self and review sheets for every unit below the root of
    ``tree_id`` that has none in ``round``; named ones get an active 达标 title unless they already
    hold one. A fixed number of queries per 2,000 units, none per unit."""
    now = timezone.now()
    notice_started = now - dt.timedelta(days=round.notice_days + 3)
    notice_ended = notice_started + dt.timedelta(days=round.notice_days)
    stamp = connection.ops.adapt_datetimefield_value(now)
    units = list(
        Organisation.objects.filter(tree_id=tree_id, level__in=SCORED_LEVELS)
        .order_by("lft")
        .values_list("pk", "code", "level", "area_type")
    )
    assessed = set(
        Assessment.objects.filter(round=round, org__tree_id=tree_id).values_list("org_id", flat=True)
    )
    titled = set(
        Title.objects.filter(
            org__tree_id=tree_id, kind=Target.STANDARD, status=TitleStatus.ACTIVE
        ).values_list("org_id", flat=True)
    )
    result = ScoresResult(skipped=sum(1 for u in units if u[0] in assessed))
    todo = [u for u in units if u[0] not in assessed]
    for chunk in _chunks(todo, CHUNK):
        assessments: list[Assessment] = []
        sheets: list[tuple[SheetPlan, UnitScores]] = []
        for org_id, code, level, area in chunk:
            plan = plans[level, area]
            generated = unit_scores(code=code, year=round.year, plan=plan)
            if generated.state == State.NAMED and org_id in titled:
                generated.state = State.ACCEPTED  # one active 达标 title per unit
            named = generated.state == State.NAMED
            assessments.append(
                Assessment(
                    org_id=org_id,
                    round=round,
                    target=Target.STANDARD,
                    indicator_set_id=plan.indicator_set_id,
                    state=generated.state,
                    version=3,  # declared, self sheet saved, review sheet saved
                    self_total=generated.self_total,
                    review_total=generated.review_total,
                    final_score=generated.review_total,
                    veto_failed=generated.veto_failed,
                    outcome=generated.outcome,
                    notice_started_at=notice_started if named else None,
                    notice_ends_at=notice_ended if named else None,
                )
            )
            sheets.append((plan, generated))
        created = Assessment.objects.bulk_create(assessments, batch_size=CHUNK)
        if created and created[0].pk is None:  # backends that return no ids
            ids = dict(
                Assessment.objects.filter(round=round, org_id__in=[a.org_id for a in created]).values_list(
                    "org_id", "pk"
                )
            )
            for a in created:
                a.pk = ids[a.org_id]
        rows: list[tuple] = []
        for a, (plan, generated) in zip(created, sheets, strict=True):
            for stage, halves in (
                (Stage.SELF, generated.self_halves),
                (Stage.REVIEW, generated.review_halves),
            ):
                for n, (indicator_id, _max, is_veto) in enumerate(plan.items):
                    veto = (
                        (generated.review_vetoes[n] if stage == Stage.REVIEW else True) if is_veto else None
                    )
                    rows.append(
                        (a.pk, stage.value, indicator_id, Decimal(halves[n]) / 2, "", veto, None, stamp)
                    )
        scores_insert(rows=rows)
        titles = [
            Title(
                org_id=a.org_id,
                kind=Target.STANDARD,
                round=round,
                assessment=a,
                status=TitleStatus.ACTIVE,
                granted_at=now,
            )
            for a in created
            if a.state == State.NAMED
        ]
        Title.objects.bulk_create(titles, batch_size=CHUNK)
        result.assessments += len(created)
        result.scores += len(rows)
        result.titles += len(titles)
    return result


# ---------------------------------------------------------------------------------------------
# The whole run


@dataclass
class ProvinceReport:
    """What a run created, and how long each phase took (seconds)."""

    units_created: int = 0
    units_unchanged: int = 0
    assessments: int = 0
    scores: int = 0
    titles: int = 0
    skipped: int = 0
    timings: dict[str, float] = field(default_factory=dict)
    root_codes: list[str] = field(default_factory=list)


def province_generate(
    *,
    prefectures: Collection[str] | None = None,
    year: int = 2024,
    limit_counties: int | None = None,
    log: Log = _quiet,
) -> ProvinceReport:
    """Load the tree, install the default sets and campaign, write a year of scores (one
    transaction per prefecture and phase) and refresh the planner's statistics. Idempotent."""
    report = ProvinceReport()
    started = time.perf_counter()
    rows_by_prefecture = province_rows(prefectures=prefectures, limit_counties=limit_counties)
    report.root_codes = list(rows_by_prefecture)
    report.timings["read divisions"] = time.perf_counter() - started

    started = time.perf_counter()
    for code, rows in rows_by_prefecture.items():
        t0 = time.perf_counter()
        loaded = orgs_bulk_load(rows=rows)  # one transaction
        report.units_created += loaded.created
        report.units_unchanged += loaded.unchanged
        log(
            f"  tree {code} {rows[0].name}: {len(rows):,} units, {loaded.created:,} new "
            f"({time.perf_counter() - t0:.1f} s)"
        )
    report.timings["tree"] = time.perf_counter() - started

    started = time.perf_counter()
    indicator_sets_install_defaults()
    campaign_install_default()
    try:
        round_ = Round.objects.get(year=year)
    except Round.DoesNotExist:
        years = ", ".join(str(y) for y in Round.objects.values_list("year", flat=True))
        raise ValueError(f"没有 {year} 年度的评估轮次（现有：{years}）") from None
    plans = sheet_plans(year=year)
    report.timings["indicator sets and campaign"] = time.perf_counter() - started

    started = time.perf_counter()
    trees = dict(
        Organisation.objects.filter(code__in=report.root_codes, parent=None).values_list("code", "tree_id")
    )
    for code in report.root_codes:
        t0 = time.perf_counter()
        with transaction.atomic():
            done = year_of_scores(tree_id=trees[code], round=round_, plans=plans)
        report.assessments += done.assessments
        report.scores += done.scores
        report.titles += done.titles
        report.skipped += done.skipped
        log(
            f"  scores {code}: {done.assessments:,} assessments, {done.scores:,} scores, "
            f"{done.titles:,} titles, {done.skipped:,} already there ({time.perf_counter() - t0:.1f} s)"
        )
    if report.assessments:
        for indicator_set in IndicatorSet.objects.filter(pk__in={p.indicator_set_id for p in plans.values()}):
            indicator_set_freeze(indicator_set=indicator_set)
    report.timings["scores"] = time.perf_counter() - started

    started = time.perf_counter()
    database_analyze()
    report.timings["analyze"] = time.perf_counter() - started
    return report


def database_analyze() -> None:
    """Refresh the planner's statistics of every table after a bulk load. Without them
    PostgreSQL (autovacuum off, or not run yet) planned the progress rollup as if the tables were
    empty: 2.5 s instead of 0.1 s. Analysing only the big tables is not enough: with the small
    ones (rounds, indicators, users) still unanalysed, results and rankings took 0.6–0.8 s
    instead of 0.1–0.15 s (measured on the full province)."""
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


# ---------------------------------------------------------------------------------------------
# The benchmark


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
    user, _ = official_save(username=BENCH_USERNAME, org_code=root_code, role="admin", password=None)
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
