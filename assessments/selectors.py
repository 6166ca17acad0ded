"""Reads of assessments, results, rankings and progress. Scope is applied here once and reused
by every list, detail, page and export; nothing walks the tree row by row."""

from __future__ import annotations

import functools
from collections import defaultdict

from django.db import connection
from django.db.models import Exists, F, OuterRef, QuerySet, Window
from django.db.models.functions import Rank
from django.http import FileResponse

from orgs import rules
from orgs.models import Organisation, UnitRollup, User
from orgs.selectors import in_subtree, scope_filter
from yuxi_campaign.core.errors import InvalidInput, OutOfScope

from .models import (
    Assessment,
    AssessmentRollup,
    Evidence,
    Objection,
    ObjectionStatus,
    PaceTarget,
    Round,
    State,
    Target,
    Title,
    TitleStatus,
)
from .storage import evidence_storage

TITLE_KINDS = (Target.STANDARD, Target.DEMONSTRATION)
NUMBER_KEYS = ("standard", "demonstration", "standard_target", "demonstration_target")


def assessments_for_user(user: User) -> QuerySet[Assessment]:
    filters = scope_filter(user, prefix="org__")
    if filters is None:
        return Assessment.objects.none()
    return Assessment.objects.filter(**filters)


def with_detail(qs: QuerySet[Assessment]) -> QuerySet[Assessment]:
    """Everything the detail representation and allowed_actions need, in the same query."""
    pending = Objection.objects.filter(assessment=OuterRef("pk"), status=ObjectionStatus.PENDING)
    return qs.select_related("org__parent", "round", "indicator_set").annotate(
        has_pending_objection=Exists(pending)
    )


def assessment_get_for_user(user: User, pk) -> Assessment:
    try:
        return with_detail(assessments_for_user(user)).get(pk=pk)
    except (Assessment.DoesNotExist, ValueError, TypeError):
        raise OutOfScope("未找到该评估，或不在您的权限范围内") from None


def evidence_file_response(assessment: Assessment, evidence_id):
    """The stored file of one evidence row of ``assessment`` (already scope-checked), streamed from
    the evidence storage as a private attachment that browsers must not sniff; OutOfScope when
    there is no such row or file."""
    e = Evidence.objects.filter(
        pk=evidence_id if str(evidence_id).isdigit() else -1, assessment=assessment
    ).first()
    if e is None:
        raise OutOfScope("未找到该佐证材料")
    try:
        handle = evidence_storage().open(e.stored_name, "rb")
    except FileNotFoundError:
        raise OutOfScope("未找到该佐证材料") from None
    response = FileResponse(handle, as_attachment=True, filename=e.original_name, content_type=e.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def active_title_kinds(org_id: int) -> set[str]:
    """The kinds of title (standard, demonstration) the unit holds now."""
    return set(Title.objects.filter(org_id=org_id, status=TitleStatus.ACTIVE).values_list("kind", flat=True))


def notices() -> QuerySet[Assessment]:
    """Assessments in public notice, with what the public lists show (unit path, round)."""
    return (
        Assessment.objects.filter(state=State.IN_NOTICE)
        .select_related("org__county", "org__township", "org__village", "round")
        .order_by("notice_ends_at", "org__code")
    )


def notice_path(a: Assessment) -> str:
    """The unit's names from its county down (the rows of ``notices()`` have them joined)."""
    org = a.org
    return "".join(u.name for u in (org.county, org.township, org.village) if u is not None) + org.name


def objections_for_user(user: User) -> QuerySet[Objection]:
    """Objections on assessments in scope, with the unit and round joined."""
    return Objection.objects.filter(assessment__in=assessments_for_user(user)).select_related(
        "assessment__org", "assessment__round"
    )


def objection_get_for_user(user: User, pk) -> Objection:
    try:
        return objections_for_user(user).get(pk=pk)
    except (Objection.DoesNotExist, ValueError, TypeError):
        raise OutOfScope("未找到该异议，或不在您的权限范围内") from None


def results_for_user(user: User) -> QuerySet:
    """Flat result rows in scope with a rank per (year, level, target) by final score: 1, 2, 2, 4.
    Filters added to the rows (``filters.ResultFilter``) apply before the ranks are taken."""
    rank = Window(
        Rank(),
        partition_by=[F("round__year"), F("org__level"), F("target")],
        order_by=F("final_score").desc(nulls_last=True),
    )
    return (
        assessments_for_user(user)
        .annotate(
            rank=rank,
            org_code=F("org__code"),
            org_name=F("org__name"),
            level=F("org__level"),
            year=F("round__year"),
            title_kind=F("title__kind"),
            title_status=F("title__status"),
        )
        .values(
            "id",
            "org_id",
            "org_code",
            "org_name",
            "level",
            "year",
            "target",
            "final_score",
            "outcome",
            "state",
            "title_kind",
            "title_status",
            "rank",
        )
    )


RESULT_ORDER = ("-year", "org__tree_id", "org__lft", "target")
RANKING_ORDER = ("-year", "level", "target", "rank", "org_code")


def results_ordered(user: User) -> QuerySet:
    """The result rows in the order the list and its exports show them."""
    return results_for_user(user).order_by(*RESULT_ORDER)


def rankings_for_user(user: User) -> QuerySet:
    """The scored rows, by year, level, target and rank."""
    return results_for_user(user).filter(final_score__isnull=False).order_by(*RANKING_ORDER)


# ---------------------------------------------------------------------------------------------
# Progress against the campaign's pace


def _capped(totals: dict[str, int]) -> dict[str, int]:
    return {k: min(v, 100) for k, v in totals.items()}


def cumulative_targets(year: int) -> dict[str, int]:
    """Cumulative percent per title up to ``year`` (达标 30/70/100, 示范 10/20/30), at most 100:
    what ``progress_for_user`` reads in its one query, for readers of several years at once."""
    totals = dict.fromkeys(TITLE_KINDS, 0)
    for target, percent in PaceTarget.objects.filter(year__lte=year).values_list("target", "percent"):
        totals[target] += percent
    return _capped(totals)


def _targets(fanouts: dict[int, int], percent: int) -> int:
    """Targets per parent over its direct children, rounded half up, summed (they roll up): for
    whole numbers, k × percent / 100 rounded half up is (2 × k × percent + 100) // 200."""
    return sum(parents * ((2 * k * percent + 100) // 200) for k, parents in fanouts.items())


def _levels_below(level: str | None) -> list[str]:
    out, below = [], rules.child_level(level) if level else rules.LEVELS[1]
    while below is not None:
        out.append(below)
        below = rules.child_level(below)
    return out


_ORG = Organisation._meta.db_table
# The units a progress answer reports on: a unit and its children (and the caller's unit, for the
# scope check), or every root; the inactive ones are left out as they are read (inactive units
# have no rollup rows).
_UNIT_AND_CHILDREN = "o.id = %(org)s OR o.parent_id = %(org)s"
_ROOTS = "o.parent_id IS NULL"
_PLACE = ("parent_id", "is_active", "tree_id", "lft", "rght")  # n1…n5 of a unit's row


def _progress_sql(*, roots: bool, latest: bool) -> str:
    """Everything a progress answer reads, in one statement of rows (kind, id, text, code, name,
    n1…n5): the round's year (kind 0: id); the pace per title up to it (1: text the title, n1
    the percent); the units (2: id, level, code, name, n1…n5 their parent, active flag, tree_id,
    lft, rght); their unit rollups (3: id, level, n1 fanout, n2 parents) and their titles held in
    that year, summed over the years up to it (4: id, level, n1 达标, n2 示范). The units are read
    once (``o``) and joined twice: half the planning of a subquery per branch."""
    which = "ORDER BY year DESC LIMIT 1" if latest else "WHERE year = %(year)s"
    units = _ROOTS if roots else f"{_UNIT_AND_CHILDREN} OR o.id = %(me)s"
    return f"""
        WITH r AS (SELECT year FROM {Round._meta.db_table} {which}),
        o AS (SELECT o.id, o.level, o.code, o.name, o.parent_id, o.is_active, o.tree_id, o.lft, o.rght
            FROM {_ORG} o WHERE {units})
        SELECT 0, r.year, '', '', '', 0, 0, 0, 0, 0 FROM r
        UNION ALL
        SELECT 1, 0, p.target, '', '', SUM(p.percent), 0, 0, 0, 0 FROM {PaceTarget._meta.db_table} p
            JOIN r ON p.year <= r.year GROUP BY p.target
        UNION ALL
        SELECT 2, o.id, o.level, o.code, o.name, o.parent_id, CASE WHEN o.is_active THEN 1 ELSE 0 END,
            o.tree_id, o.lft, o.rght FROM o
        UNION ALL
        SELECT 3, u.org_id, u.level, '', '', u.fanout, u.parents, 0, 0, 0 FROM {UnitRollup._meta.db_table} u
            JOIN o ON o.id = u.org_id
        UNION ALL
        SELECT 4, a.org_id, a.level, '', '', SUM(a.{TITLE_KINDS[0]}), SUM(a.{TITLE_KINDS[1]}), 0, 0, 0
            FROM {AssessmentRollup._meta.db_table} a JOIN r ON a.year <= r.year JOIN o ON o.id = a.org_id
            GROUP BY a.org_id, a.level
    """  # noqa: S608 - our tables and columns; the values are parameters


def progress_for_user(user: User, *, org_id: int | None = None, year: int | None = None) -> dict:
    """Progress of the unit ``org_id`` (default: the user's own; for a user who sees every tree
    and has no unit, every root) and of each of its active children, in the round of ``year`` (the
    latest when None), against the pace targets summed over the years up to it (达标 30/70/100,
    示范 10/20/30, at most 100), read from the rollups: one query whatever the tree's size.
    InvalidInput without a unit or without a round of that year; OutOfScope when the unit is not
    in the user's scope. The answer of ``/api/v1/progress/`` and of its export as it is written
    (``ProgressSerializer`` documents it)."""
    org_id = org_id or user.org_id
    everything = user.org_id is None and scope_filter(user) == {}
    if org_id is None and not everything:
        raise InvalidInput("请指定 org", fields={"org": ["请指定单位 id"]})
    progress = _progress(org_id, year, me=None if everything else user.org_id)
    if progress is None:
        raise InvalidInput(f"没有 {year or ''} 年度的评估轮次", fields={"year": ["没有该年度的轮次"]})
    return progress


def _progress(org_id: int | None, year: int | None, *, me: int | None) -> dict | None:
    """``progress_for_user`` for the unit ``org_id`` (None: every root), its scope checked against
    the unit ``me`` unless None."""
    fanouts: dict[tuple[int, str], dict[int, int]] = defaultdict(dict)
    titled: dict[tuple[int, str], tuple[int, int]] = {}
    totals = dict.fromkeys(TITLE_KINDS, 0)
    units: dict[int, tuple[dict, dict]] = {}
    found = None
    params = {"org": org_id, "me": me if me is not None else org_id, "year": year}
    with connection.cursor() as cursor:
        cursor.execute(_progress_sql(roots=org_id is None, latest=year is None), params)
        for kind, number, text, code, name, *n in cursor.fetchall():
            if kind == 0:
                found = number
            elif kind == 1:
                totals[text] = int(n[0])
            elif kind == 2:
                unit = {"id": number, "code": code, "name": name, "level": text}
                units[number] = (
                    unit,
                    dict(zip(("parent_id", "is_active", "tree_id", "lft", "rght"), n, strict=True)),
                )
            elif kind == 3:
                fanouts[(number, text)][n[0]] = n[1]
            else:
                titled[(number, text)] = (int(n[0]), int(n[1]))
    if org_id is None:
        head = None
        children = [unit for unit, _place in units.values()]
    else:
        if org_id not in units or (me is not None and not in_subtree(units[org_id][1], units[me][1])):
            raise OutOfScope("未找到该单位，或不在您的权限范围内")
        head = units[org_id][0]
        children = [
            unit for unit, place in units.values() if place["parent_id"] == org_id and place["is_active"]
        ]
    children.sort(key=lambda unit: unit["code"])
    if found is None:
        return None
    year = found
    percents = _capped(totals)
    standard_percent, demonstration_percent = percents[Target.STANDARD], percents[Target.DEMONSTRATION]

    @functools.cache
    def numbers(org_id: int, lvl: str) -> dict:
        fan = fanouts.get((org_id, lvl), {})
        standard, demonstration = titled.get((org_id, lvl), (0, 0))
        return {
            "units": sum(k * parents for k, parents in fan.items()),
            "standard": standard,
            "demonstration": demonstration,
            "standard_target": _targets(fan, standard_percent),
            "demonstration_target": _targets(fan, demonstration_percent),
        }

    def as_list(org_id: int | None, level: str | None) -> list[dict]:
        out = []
        for lvl in _levels_below(level):
            if org_id is None:  # every root: the sum of the roots
                parts = [numbers(c["id"], lvl) for c in children]
                n = {key: sum(p[key] for p in parts) for key in ("units", *NUMBER_KEYS)}
            else:
                n = numbers(org_id, lvl)
            out.append(
                {
                    "level": lvl,
                    **n,
                    "standard_rate": _rate(n["standard"], n["units"]),
                    "demonstration_rate": _rate(n["demonstration"], n["units"]),
                    "standard_on_pace": n["standard"] >= n["standard_target"],
                    "demonstration_on_pace": n["demonstration"] >= n["demonstration_target"],
                }
            )
        return out

    return {
        "org": head,
        "year": year,
        "standard_percent": standard_percent,
        "demonstration_percent": demonstration_percent,
        "levels": as_list(head["id"] if head else None, head["level"] if head else rules.LEVELS[0]),
        "children": [{**c, "levels": as_list(c["id"], c["level"])} for c in children],
    }


def progress_for(org: Organisation, year: int | None) -> dict | None:
    """For each level below ``org``: units, titled (cumulative), targets, for the org and for each
    direct child. Targets are counted per parent over its direct children of one level, rounded
    half up, and summed (they roll up). Read from the rollups kept at write time (no scope check:
    the caller has one)."""
    return _progress(org.pk, year, me=None)


def progress_for_roots(year: int | None) -> dict | None:
    """The whole province in one answer: ``org`` is None, ``levels`` sum every root's, and the
    children are the roots (the prefectures)."""
    return _progress(None, year, me=None)


def _rate(part: int, whole: int) -> float | None:
    return round(part * 100 / whole, 1) if whole else None
