"""The campaign's results so far, for the dashboard to show real pace: 达标 and 示范 titles granted
in 2022, 2023 and 2024 across the whole demo tree, some counties ahead of the campaign's pace and
some behind. Loaded in bulk as named assessments with their titles (the year-end results of those
rounds, without their score sheets: the workflow's own demo is ``demo.assessments``), then the
title and state rollups are recomputed once. Deterministic and idempotent: a unit that already
has an assessment for the round and title is left alone, and nothing is written the second time."""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction
from django.utils import timezone

from assessments.models import Assessment, Outcome, PaceTarget, Round, State, Target, Title, TitleStatus
from assessments.rollups import assessment_rollups_rebuild
from indicators.models import IndicatorSet
from orgs import loads
from orgs.models import Organisation
from orgs.services import lock_tree

from .assessments import PLAN

YEARS = (2022, 2023, 2024)
# How far along each county's units are, as a share of the campaign's pace (1.0: exactly on it).
COUNTY_PACE = {
    "530402": 1.15,  # 红塔区
    "530403": 1.0,  # 江川区
    "530481": 0.8,  # 澄江市
    "530423": 1.05,  # 通海县
    "530424": 0.7,  # 华宁县
    "530425": 0.95,  # 易门县
    "530426": 0.6,  # 峨山彝族自治县
    "530427": 1.1,  # 新平彝族傣族自治县
    "530428": 0.85,  # 元江哈尼族彝族傣族自治县
}
CITY_PACE = 0.9  # the counties themselves, assessed by the city
# Units whose assessments the workflow demo drives through the services: left out here.
WORKFLOW_UNITS = frozenset(PLAN)


def _cumulative(year: int) -> dict[str, int]:
    totals = dict.fromkeys(Target.values, 0)
    for target, percent in PaceTarget.objects.filter(year__lte=year).values_list("target", "percent"):
        totals[target] += percent
    return {k: min(v, 100) for k, v in totals.items()}


def _share(count: int, percent: int, pace: float) -> int:
    """How many of ``count`` children hold a title once ``percent`` % are due, at ``pace``."""
    share = Decimal(count) * Decimal(percent) * Decimal(str(pace)) / 100
    return min(count, int(share.quantize(Decimal(1), rounding=ROUND_HALF_UP)))


def planned_titles() -> dict[tuple[int, str], int]:
    """(unit, title) → the year it is granted in, for every unit below the city. Per parent, its
    children in a fixed order (the counties: those ahead first; elsewhere shuffled), the first of
    them titled first, as many by each year's end as the cumulative target times the pace (the
    city's for the counties, the county's for the units in it)."""
    percents = {year: _cumulative(year) for year in YEARS}
    units = (
        Organisation.objects.filter(is_active=True, parent__isnull=False)
        .exclude(code__in=WORKFLOW_UNITS)
        .order_by("code")
        .values_list("pk", "code", "level", "parent_id", "county__code")
    )
    families: dict[int, list[tuple[int, str, str]]] = defaultdict(list)
    counties: set[int] = set()  # the parents whose children are counties (the city)
    for pk, code, level, parent_id, county_code in units:
        families[parent_id].append((pk, code if level == "county" else county_code, code))
        if level == "county":
            counties.add(parent_id)
    plan: dict[tuple[int, str], int] = {}
    for parent_id, kids in families.items():
        if parent_id in counties:
            order = sorted(kids, key=lambda kid: -COUNTY_PACE.get(kid[1], 1.0))
            pace = CITY_PACE
        else:
            order = list(kids)
            # seeded by the codes, not the keys: the same demo on every database and every run
            random.Random(kids[0][2]).shuffle(order)  # noqa: S311 - demo data, not secrets
            pace = COUNTY_PACE.get(kids[0][1], 1.0)
        for kind in Target.values:
            done = 0
            for year in YEARS:
                due = _share(len(order), percents[year][kind], pace)
                for pk, _county, _code in order[done:due]:
                    plan[(pk, kind)] = year
                done = max(done, due)
    return plan


def _granted_at(year: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime(year, 12, 20, 10, 0))  # noqa: DTZ001 - made aware here


def history_load() -> int:
    """Write the planned titles that are not there yet (a named assessment and an active title
    each), then recompute the rollups once; how many were written."""
    plan = planned_titles()
    rounds = {r.year: r for r in Round.objects.filter(year__in=YEARS)}
    found = Assessment.objects.filter(round__year__in=YEARS).values_list(
        "org_id", "target", "round__year", "state"
    )
    have = {(org_id, kind, year) for org_id, kind, year, _state in found}
    # Units the other parts of the demo drive through the workflow (their own rounds and titles)
    # are left to them: an assessment the plan does not hold, or one that is not named, marks the
    # unit as theirs.
    theirs = {
        org_id
        for org_id, kind, year, state in found
        if plan.get((org_id, kind)) != year or state != State.NAMED
    }
    todo = sorted(
        (
            (org_id, kind, year)
            for (org_id, kind), year in plan.items()
            if (org_id, kind, year) not in have and org_id not in theirs
        ),
        key=lambda row: (row[2], row[1], row[0]),
    )
    if not todo:
        return 0
    units = Organisation.objects.filter(pk__in={r[0] for r in todo}).values_list("pk", "level", "code")
    levels = {pk: level for pk, level, _code in units}
    codes = {pk: code for pk, _level, code in units}
    sets = {(s.level, s.year): s for s in IndicatorSet.objects.filter(year__in=YEARS)}
    assessments = []
    for org_id, kind, year in todo:
        indicator_set = sets[(levels[org_id], year)]
        rng = random.Random(f"{codes[org_id]}-{year}")  # noqa: S311 - demo scores, not secrets
        low = (
            indicator_set.demonstration_threshold
            if kind == Target.DEMONSTRATION
            else indicator_set.standard_threshold
        )
        score = (low + Decimal(rng.randint(2, 16)) / 2).quantize(Decimal("0.01"))
        granted = _granted_at(year)
        round_ = rounds[year]
        assessments.append(
            Assessment(
                org_id=org_id,
                round=round_,
                target=kind,
                indicator_set=indicator_set,
                state=State.NAMED,
                version=8,
                self_total=min(score + 1, indicator_set.total_score),
                review_total=score,
                final_score=score,
                outcome=Outcome.PASS,
                notice_started_at=granted - dt.timedelta(days=round_.notice_days + 1),
                notice_ends_at=granted - dt.timedelta(days=1),
            )
        )
    with transaction.atomic():
        lock_tree()  # no structural write while the rollups are recomputed
        loads.instances_copy(assessments)
        loads.instances_copy(
            [
                Title(
                    org_id=a.org_id,
                    kind=a.target,
                    round=a.round,
                    assessment=a,
                    status=TitleStatus.ACTIVE,
                    granted_at=_granted_at(a.round.year),
                )
                for a in assessments
            ]
        )
        assessment_rollups_rebuild()
    return len(assessments)
