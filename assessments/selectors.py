"""Reads of assessments, results, rankings and progress. Scope is applied here once and reused
by every list, detail, page and export; nothing walks the tree row by row."""

from __future__ import annotations

from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Exists, F, OuterRef, QuerySet, Window
from django.db.models.functions import Rank
from django.http import FileResponse

from orgs import rules
from orgs.models import Organisation, UnitRollup, User
from orgs.selectors import org_get_for_user, scope_filter
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


def round_half_up(value: Decimal) -> int:
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def cumulative_targets(year: int) -> dict[str, int]:
    """Cumulative percent per title up to ``year`` (达标 30/70/100, 示范 10/20/30)."""
    totals = {Target.STANDARD: 0, Target.DEMONSTRATION: 0}
    for target, percent in PaceTarget.objects.filter(year__lte=year).values_list("target", "percent"):
        totals[target] += percent
    return {k: min(v, 100) for k, v in totals.items()}


def _targets(fanouts: dict[int, int], percent: int) -> int:
    """Targets per parent over its direct children, rounded half up, summed (they roll up)."""
    return sum(parents * round_half_up(Decimal(k * percent) / 100) for k, parents in fanouts.items())


def _levels_below(level: str | None) -> list[str]:
    out, below = [], rules.child_level(level) if level else rules.LEVELS[1]
    while below is not None:
        out.append(below)
        below = rules.child_level(below)
    return out


def _progress(head: dict | None, children: list[dict], year: int) -> dict:
    """Progress of ``head`` (a unit, or None for every root) and of each of ``children``, read
    from the rollups: one query for the units, one for the titles, whatever the tree's size."""
    percents = cumulative_targets(year)
    ids = [c["id"] for c in children] + ([head["id"]] if head else [])
    fanouts: dict[tuple[int, str], dict[int, int]] = defaultdict(dict)
    for org_id, lvl, k, parents in UnitRollup.objects.filter(org_id__in=ids).values_list(
        "org_id", "level", "fanout", "parents"
    ):
        fanouts[(org_id, lvl)][k] = parents
    titled: dict[tuple[int, str], dict[str, int]] = defaultdict(lambda: dict.fromkeys(TITLE_KINDS, 0))
    for org_id, lvl, *held in (
        AssessmentRollup.objects.filter(org_id__in=ids, year__lte=year)
        .order_by()
        .values_list("org_id", "level", *TITLE_KINDS)
    ):
        for kind, n in zip(TITLE_KINDS, held, strict=True):
            titled[(org_id, lvl)][kind] += n

    def numbers(org_id: int, lvl: str) -> dict:
        fan = fanouts.get((org_id, lvl), {})
        held = titled.get((org_id, lvl), dict.fromkeys(TITLE_KINDS, 0))
        return {
            "units": sum(k * parents for k, parents in fan.items()),
            "standard": held[Target.STANDARD],
            "demonstration": held[Target.DEMONSTRATION],
            "standard_target": _targets(fan, percents[Target.STANDARD]),
            "demonstration_target": _targets(fan, percents[Target.DEMONSTRATION]),
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
        "standard_percent": percents[Target.STANDARD],
        "demonstration_percent": percents[Target.DEMONSTRATION],
        "levels": as_list(head["id"] if head else None, head["level"] if head else rules.LEVELS[0]),
        "children": [{**c, "levels": as_list(c["id"], c["level"])} for c in children],
    }


def progress_for(org: Organisation, year: int) -> dict:
    """For each level below ``org``: units, titled (cumulative), targets, for the org and for each
    direct child. Targets are counted per parent over its direct children of one level, rounded
    half up, and summed (they roll up). Read from the rollups kept at write time."""
    children = list(
        Organisation.objects.filter(parent=org, is_active=True)
        .order_by("code")
        .values("id", "code", "name", "level")
    )
    head = {"id": org.pk, "code": org.code, "name": org.name, "level": org.level}
    return _progress(head, children, year)


def progress_for_roots(year: int) -> dict:
    """The whole province in one answer: ``org`` is None, ``levels`` sum every root's, and the
    children are the roots (the prefectures)."""
    roots = list(
        Organisation.objects.filter(parent=None, is_active=True)
        .order_by("code")
        .values("id", "code", "name", "level")
    )
    return _progress(None, roots, year)


def progress_for_user(user: User, *, org_id: int | None, year: int | None) -> dict:
    """Progress of ``org_id`` (default: the user's unit; for a user who sees every tree, every
    root) in ``year`` (default: the latest round). InvalidInput without a unit or a round of that
    year; OutOfScope for a unit outside the user's subtree."""
    org_id = org_id or user.org_id
    every_root = org_id is None and scope_filter(user) == {}
    if org_id is None and not every_root:
        raise InvalidInput("请指定 org", fields={"org": ["请指定单位 id"]})
    org = None if every_root else org_get_for_user(user, org_id)
    if year is None:
        year = Round.objects.order_by("-year").values_list("year", flat=True).first()
    if year is None or not Round.objects.filter(year=year).exists():
        raise InvalidInput(f"没有 {year} 年度的评估轮次", fields={"year": ["没有该年度的轮次"]})
    return progress_for_roots(year) if org is None else progress_for(org, year)


def _rate(part: int, whole: int) -> float | None:
    return round(part * 100 / whole, 1) if whole else None
