"""Reads of assessments, results, rankings and progress. Scope is applied here once and reused
by every list, detail, page and export; nothing walks the tree row by row."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Window
from django.db.models.functions import Rank
from django.http import FileResponse

from orgs import rules
from orgs.models import Organisation, User
from orgs.selectors import scope_filter, subtree_filter
from yuxi_campaign.core.errors import OutOfScope

from .models import (
    Assessment,
    Evidence,
    Objection,
    ObjectionStatus,
    PaceTarget,
    State,
    Target,
    Title,
    TitleStatus,
)
from .storage import evidence_storage


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


def _titled(kind: str, year: int) -> Exists:
    """A title of ``kind`` granted in ``year`` or before and not revoked by the end of ``year``."""
    return Exists(
        Title.objects.filter(org=OuterRef("pk"), kind=kind, round__year__lte=year).filter(
            Q(status=TitleStatus.ACTIVE) | Q(revoked_at__year__gt=year)
        )
    )


def progress_for(org: Organisation, year: int) -> dict:
    """For each level below ``org``: units, titled (cumulative), targets, for the org and for each
    direct child. Targets are counted per parent over its direct children of one level, rounded
    half up, and summed (they roll up). One grouped query per level."""
    percents = cumulative_targets(year)
    child_level = rules.child_level(org.level)
    children = list(
        Organisation.objects.filter(parent=org, is_active=True)
        .order_by("code")
        .values("id", "code", "name", "level")
    )

    def empty() -> dict:
        return {
            "units": 0,
            "standard": 0,
            "demonstration": 0,
            "standard_target": 0,
            "demonstration_target": 0,
        }

    org_levels: dict[str, dict] = {}
    child_levels: dict[int, dict[str, dict]] = {c["id"]: {} for c in children}
    level = child_level
    while level is not None:
        # Units of the child level all have the org as parent; deeper ones are tagged with the
        # direct child they sit under (a denormalised ancestor column).
        group_by = ["parent_id"] if level == child_level else ["parent_id", f"{child_level}_id"]
        rows = (
            Organisation.objects.filter(**subtree_filter(org), level=level, is_active=True)
            .order_by()  # the tree manager orders by (tree_id, lft), which would split the groups
            .values(*group_by)
            .annotate(
                units=Count("id"),
                standard=Count("id", filter=Q(_titled(Target.STANDARD, year))),
                demonstration=Count("id", filter=Q(_titled(Target.DEMONSTRATION, year))),
            )
        )
        org_levels[level] = empty()
        if level != child_level:  # a child's own figures are for the levels below it
            for c in children:
                child_levels[c["id"]][level] = empty()
        for row in rows:
            numbers = {
                "units": row["units"],
                "standard": row["standard"],
                "demonstration": row["demonstration"],
                "standard_target": round_half_up(Decimal(row["units"] * percents[Target.STANDARD]) / 100),
                "demonstration_target": round_half_up(
                    Decimal(row["units"] * percents[Target.DEMONSTRATION]) / 100
                ),
            }
            buckets = [org_levels[level]]
            if level != child_level and row[group_by[1]] in child_levels:
                buckets.append(child_levels[row[group_by[1]]][level])
            for bucket in buckets:
                for key, value in numbers.items():
                    bucket[key] += value
        level = rules.child_level(level)

    def as_list(levels: dict[str, dict]) -> list[dict]:
        out = []
        for lvl, numbers in levels.items():
            units = numbers["units"]
            out.append(
                {
                    "level": lvl,
                    **numbers,
                    "standard_rate": _rate(numbers["standard"], units),
                    "demonstration_rate": _rate(numbers["demonstration"], units),
                    "standard_on_pace": numbers["standard"] >= numbers["standard_target"],
                    "demonstration_on_pace": numbers["demonstration"] >= numbers["demonstration_target"],
                }
            )
        return out

    return {
        "org": {"id": org.pk, "code": org.code, "name": org.name, "level": org.level},
        "year": year,
        "standard_percent": percents[Target.STANDARD],
        "demonstration_percent": percents[Target.DEMONSTRATION],
        "levels": as_list(org_levels),
        "children": [
            {
                "id": c["id"],
                "code": c["code"],
                "name": c["name"],
                "level": c["level"],
                "levels": as_list(child_levels[c["id"]]),
            }
            for c in children
        ],
    }


def _rate(part: int, whole: int) -> float | None:
    return round(part * 100 / whole, 1) if whole else None
