"""The whole run: the tree of every prefecture, the default sets and campaign, a year of scores, and
fresh planner statistics, with the time of each phase."""

from __future__ import annotations

import resource
import time
from collections.abc import Callable, Collection
from dataclasses import dataclass, field

from django.db import transaction

from assessments.models import Round
from assessments.rollups import assessment_rollups_rebuild
from assessments.services import campaign_install_default
from indicators.models import IndicatorSet
from indicators.services import indicator_set_freeze, indicator_sets_install_defaults
from orgs import loads
from orgs.models import Organisation
from orgs.services import orgs_bulk_load

from .scores import ScoresResult, sheet_plans, year_of_scores
from .tree import province_rows

Log = Callable[[str], None]


def _quiet(message: str) -> None:
    """The default log: say nothing."""


@dataclass
class ProvinceReport(ScoresResult):
    """What a run created (scores as ``ScoresResult`` counts them), and how long each phase took
    (seconds)."""

    units_created: int = 0
    units_unchanged: int = 0
    timings: dict[str, float] = field(default_factory=dict)
    root_codes: list[str] = field(default_factory=list)
    peak_mb: dict[str, float] = field(default_factory=dict)  # the process's peak memory after each phase
    load_ratios: list = field(default_factory=list)  # ``devtools.bench.table.Ratio`` rows with bench_loads


def peak_memory_mb() -> float:
    """The peak resident memory of this process so far (Linux reports kilobytes)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def province_generate(
    *,
    prefectures: Collection[str] | None = None,
    year: int = 2024,
    limit_counties: int | None = None,
    log: Log = _quiet,
    bench_loads: bool = False,
) -> ProvinceReport:
    """Load the tree, install the default sets and campaign, write a year of scores (one
    transaction per prefecture and phase) and refresh the planner's statistics. Idempotent.
    ``bench_loads``: first time the tree load and one prefecture's score load against COPY of
    the same rows (``devtools.bench.loads``, rolled back), into ``report.load_ratios``."""
    from devtools.bench.loads import score_load_ratio, tree_load_ratio

    report = ProvinceReport()
    started = time.perf_counter()
    rows_by_prefecture = province_rows(prefectures=prefectures, limit_counties=limit_counties)
    report.root_codes = list(rows_by_prefecture)
    report.timings["read divisions"] = time.perf_counter() - started
    if bench_loads:
        log("  timing the tree load against COPY (rolled back)…")
        report.load_ratios.append(tree_load_ratio([r for rows in rows_by_prefecture.values() for r in rows]))

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
    report.peak_mb["tree"] = peak_memory_mb()

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
    if bench_loads:
        sample = report.root_codes[0]
        log(f"  timing the score load of {sample} against COPY (rolled back)…")
        report.load_ratios.append(
            score_load_ratio(tree_id=trees[sample], round=round_, plans=plans, label=f"prefecture {sample}")
        )
        started = time.perf_counter()
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
    report.peak_mb["scores"] = peak_memory_mb()

    started = time.perf_counter()
    with transaction.atomic():
        assessment_rollups_rebuild()  # the score load bypasses the services that keep them
    report.timings["rollups"] = time.perf_counter() - started

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
    loads.tables_analyze()
