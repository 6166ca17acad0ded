"""A year of scores for every unit of a tree, in bulk: one standard assessment with self and review
sheets per unit, totals and outcomes by the rule of ``indicators.scoring``, titles for the named."""

from __future__ import annotations

import datetime as dt
import math
import random
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import connection
from django.utils import timezone

from assessments.models import Assessment, Outcome, Round, Score, Stage, State, Target, Title, TitleStatus
from indicators.models import Indicator, IndicatorSet, applies
from indicators.scoring import scale_factor, to_cents
from orgs import loads
from orgs.models import AreaType, Organisation

SCORED_LEVELS = ("county", "township", "village", "group")
CHUNK = 2000  # units per bulk_create / executemany round trip


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
    return to_cents((Decimal(sum(halves)) / 2) * factor)


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
    outcome = Outcome.of(review_total, plan.threshold, veto_failed)
    draw = rng.random()
    if outcome == Outcome.PASS:
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
        outcome=outcome,
        state=state,
    )


@dataclass
class ScoresResult:
    """What ``year_of_scores`` wrote, and how many units it found already assessed."""

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


# The columns the load writes; the others of each table are null (nullable, none to fill).
ASSESSMENT_COLUMNS = (
    "id",
    "org",
    "round",
    "target",
    "indicator_set",
    "state",
    "version",
    "self_total",
    "review_total",
    "final_score",
    "veto_failed",
    "outcome",
    "notice_started_at",
    "notice_ends_at",
    "created_at",
    "updated_at",
)
TITLE_COLUMNS = ("id", "org", "kind", "round", "assessment", "status", "granted_at", "warnings")


def _rows_copy(model, names: tuple[str, ...], rows: list[tuple]) -> None:
    """Insert ``rows`` (tuples in ``names`` order) without model instances: COPY on PostgreSQL
    (executemany there is one round trip per row, even pipelined), one executemany elsewhere."""
    if rows:
        columns = [model._meta.get_field(name).column for name in names]
        loads.rows_copy(table=model._meta.db_table, columns=columns, rows=rows)


def scores_insert(*, rows: list[tuple]) -> None:
    """Insert score rows given as tuples in ``SCORE_COLUMNS`` order."""
    _rows_copy(Score, SCORE_COLUMNS, rows)


@dataclass
class ScoresPlan:
    """A tree's year of scores, generated and numbered but not written: per chunk of ``CHUNK``
    units the assessment, score and title rows (tuples in ``ASSESSMENT_COLUMNS``,
    ``SCORE_COLUMNS`` and ``TITLE_COLUMNS`` order, ids reserved), and how many units were
    already assessed."""

    chunks: list[tuple[list[tuple], list[tuple], list[tuple]]] = field(default_factory=list)
    skipped: int = 0


def scores_plan(*, tree_id: int, round: Round, plans: dict[tuple[str, str], SheetPlan]) -> ScoresPlan:  # noqa: A002 - the domain word
    """Generate the sheets of every unit below the root of ``tree_id`` that has no assessment in
    ``round`` (``unit_scores``) and the rows ``scores_write`` writes. Reads the tree and reserves
    the ids; writes no row."""
    now = timezone.now()
    adapt = connection.ops.adapt_datetimefield_value
    notice_started = now - dt.timedelta(days=round.notice_days + 3)
    notice_ended = notice_started + dt.timedelta(days=round.notice_days)
    stamp, started, ended = adapt(now), adapt(notice_started), adapt(notice_ended)
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
    todo = [u for u in units if u[0] not in assessed]
    plan = ScoresPlan(skipped=len(units) - len(todo))
    ids = iter(loads.ids_reserve(Assessment, len(todo)))
    for chunk in _chunks(todo, CHUNK):
        assessments: list[tuple] = []
        rows: list[tuple] = []
        named: list[tuple[int, int]] = []  # (assessment, unit)
        for org_id, code, level, area in chunk:
            sheet = plans[level, area]
            generated = unit_scores(code=code, year=round.year, plan=sheet)
            if generated.state == State.NAMED and org_id in titled:
                generated.state = State.ACCEPTED  # one active 达标 title per unit
            pk, is_named = next(ids), generated.state == State.NAMED
            assessments.append(
                (
                    pk,
                    org_id,
                    round.pk,
                    Target.STANDARD.value,
                    sheet.indicator_set_id,
                    generated.state,
                    3,  # declared, self sheet saved, review sheet saved
                    generated.self_total,
                    generated.review_total,
                    generated.review_total,  # the final score
                    generated.veto_failed,
                    generated.outcome,
                    started if is_named else None,
                    ended if is_named else None,
                    stamp,
                    stamp,
                )
            )
            if is_named:
                named.append((pk, org_id))
            rows.extend(_score_rows(pk, sheet, generated, stamp))
        plan.chunks.append((assessments, rows, named))
    # the titles' ids in one draw (SQLite draws after the highest id stored: once per plan)
    title_ids = iter(loads.ids_reserve(Title, sum(len(named) for _a, _r, named in plan.chunks)))
    active = TitleStatus.ACTIVE.value
    plan.chunks = [
        (
            assessments,
            rows,
            [
                (next(title_ids), org_id, Target.STANDARD.value, round.pk, pk, active, stamp, 0)
                for pk, org_id in named
            ],
        )
        for assessments, rows, named in plan.chunks
    ]
    return plan


def _score_rows(assessment_id: int, sheet: SheetPlan, generated: UnitScores, stamp) -> Iterator[tuple]:
    """The self and review sheet of one unit as ``SCORE_COLUMNS`` tuples."""
    for stage, halves in ((Stage.SELF, generated.self_halves), (Stage.REVIEW, generated.review_halves)):
        for n, (indicator_id, _max, is_veto) in enumerate(sheet.items):
            veto = (generated.review_vetoes[n] if stage == Stage.REVIEW else True) if is_veto else None
            yield (assessment_id, stage.value, indicator_id, Decimal(halves[n]) / 2, "", veto, None, stamp)


def scores_write(plan: ScoresPlan) -> ScoresResult:
    """Write a ``scores_plan``: per chunk the assessments, their scores and titles (COPY on
    PostgreSQL), each row once. A fixed number of queries per 2,000 units, none per unit."""
    result = ScoresResult(skipped=plan.skipped)
    for assessments, rows, titles in plan.chunks:
        _rows_copy(Assessment, ASSESSMENT_COLUMNS, assessments)
        scores_insert(rows=rows)
        _rows_copy(Title, TITLE_COLUMNS, titles)
        result.assessments += len(assessments)
        result.scores += len(rows)
        result.titles += len(titles)
    return result


def year_of_scores(*, tree_id: int, round: Round, plans: dict[tuple[str, str], SheetPlan]) -> ScoresResult:  # noqa: A002 - the domain word
    """A standard assessment with self and review sheets for every unit below the root of
    ``tree_id`` that has none in ``round``; named ones get an active 达标 title unless they already
    hold one. A fixed number of queries per 2,000 units, none per unit."""
    with loads.gc_paused():
        return scores_write(scores_plan(tree_id=tree_id, round=round, plans=plans))
