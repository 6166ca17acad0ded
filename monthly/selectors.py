"""Reads of the monthly rhythm. Scope lives in one selector per record and every list, page and
export goes through it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.http import FileResponse

from assessments.storage import evidence_storage
from orgs.models import Organisation, User
from orgs.selectors import scope_filter
from yuxi_campaign.core.errors import OutOfScope

from . import policy
from .models import (
    Observation,
    ObservationMiss,
    ObservationPhoto,
    ObservationProblem,
    ObservationScore,
    RubricItem,
)

# ---------------------------------------------------------------------------------------------
# On-site observation (现场观摩)
# ---------------------------------------------------------------------------------------------

OBSERVATION_NOT_FOUND = "未找到该观摩记录，或不在您的权限范围内"


def rubric_items() -> list[RubricItem]:
    """The rubric items in use, in order."""
    return list(RubricItem.objects.filter(is_active=True).order_by("order", "pk"))


def observations_for_user(user: User) -> QuerySet[Observation]:
    """Observations of units in the user's subtree: the city sees all, a county its own (and those
    of its townships), nobody else's."""
    filters = scope_filter(user, "unit__")
    if filters is None:
        return Observation.objects.none()
    return Observation.objects.filter(**filters)


def observation_detail_queryset(qs: QuerySet[Observation]) -> QuerySet[Observation]:
    """What a full observation shows: units, scores with their items, problems with their photos
    and who answered, photos of the visit."""
    return qs.select_related("unit", "observer", "created_by").prefetch_related(
        Prefetch(
            "scores",
            queryset=ObservationScore.objects.select_related("item").order_by("item__order", "item_id"),
        ),
        Prefetch(
            "problems",
            queryset=ObservationProblem.objects.select_related("answered_by").prefetch_related(
                Prefetch("photos", queryset=ObservationPhoto.objects.order_by("pk"))
            ),
        ),
        Prefetch(
            "photos",
            queryset=ObservationPhoto.objects.filter(problem=None).order_by("pk"),
            to_attr="visit_photos",
        ),
    )


def observation_get_for_user(user: User, pk) -> Observation:
    try:
        return observation_detail_queryset(observations_for_user(user)).get(pk=pk)
    except (Observation.DoesNotExist, ValueError, TypeError):
        raise OutOfScope(OBSERVATION_NOT_FOUND) from None


def problem_status(problem: ObservationProblem, today: dt.date) -> str:
    """``open`` (deadline to come), ``overdue`` (deadline passed, no answer), ``answered`` or
    ``late`` (answered after the deadline)."""
    if problem.answered_at is not None:
        return "late" if problem.answered_late else "answered"
    return "overdue" if problem.deadline < today else "open"


def problems_overdue(user: User, today: dt.date) -> QuerySet[ObservationProblem]:
    """Problems in the user's scope whose deadline passed without an answer, oldest deadline first."""
    filters = scope_filter(user, "observation__unit__")
    if filters is None:
        return ObservationProblem.objects.none()
    return (
        ObservationProblem.objects.filter(answered_at=None, deadline__lt=today, **filters)
        .select_related("observation__unit")
        .order_by("deadline", "pk")
    )


def problems_answered_late(user: User) -> QuerySet[ObservationProblem]:
    filters = scope_filter(user, "observation__unit__")
    if filters is None:
        return ObservationProblem.objects.none()
    return ObservationProblem.objects.filter(answered_late=True, **filters).select_related(
        "observation__unit"
    )


@dataclass(frozen=True)
class CoverageRow:
    unit: Organisation
    observation_id: int | None
    total: Decimal | None
    date: dt.date | None
    flagged: bool  # the month-end job flagged it as missed

    @property
    def observed(self) -> bool:
        return self.observation_id is not None


@dataclass(frozen=True)
class Coverage:
    org: Organisation
    year: int
    month: int
    rows: list[CoverageRow]

    @property
    def observed(self) -> list[CoverageRow]:
        return [r for r in self.rows if r.observed]

    @property
    def missing(self) -> list[CoverageRow]:
        return [r for r in self.rows if not r.observed]


def observation_coverage(org: Organisation, year: int, month: int) -> Coverage:
    """必查必评 for the dashboard: each active child of ``org`` that is observed (a county's, or
    the city's counties), with its observation of that month and score, or missing (and whether
    the month-end job flagged it). One query, whatever the number of children."""
    month_obs = Observation.objects.filter(unit=OuterRef("pk"), year=year, month=month)
    children = (
        Organisation.objects.filter(parent=org, is_active=True, level__in=sorted(policy.OBSERVED_LEVELS))
        .annotate(
            observation_id=Subquery(month_obs.values("pk")[:1]),
            observation_total=Subquery(month_obs.values("total")[:1]),
            observation_date=Subquery(month_obs.values("date")[:1]),
            flagged=Exists(ObservationMiss.objects.filter(unit=OuterRef("pk"), year=year, month=month)),
        )
        .order_by("code")
    )
    rows = [
        CoverageRow(
            unit=c,
            observation_id=c.observation_id,
            total=c.observation_total,
            date=c.observation_date,
            flagged=c.flagged,
        )
        for c in children
    ]
    return Coverage(org=org, year=year, month=month, rows=rows)


def observed_children_q() -> Q:
    """Units the month-end check covers: the active counties of every city (必查必评 is the
    city's duty; a county observing its townships is its own choice)."""
    return Q(level="county", is_active=True, parent__level="city")


def photo_file_response(observation: Observation, photo_id, *, thumb: bool) -> FileResponse:
    """The stored image (or its thumbnail) of one photo of ``observation`` (already scope-checked),
    streamed from the storage; OutOfScope when there is no such photo or file."""
    photo = ObservationPhoto.objects.filter(
        pk=photo_id if str(photo_id).isdigit() else -1, observation=observation
    ).first()
    if photo is None:
        raise OutOfScope("未找到该照片")
    name = photo.thumb_name if thumb else photo.stored_name
    try:
        handle = evidence_storage().open(name, "rb")
    except FileNotFoundError:
        raise OutOfScope("未找到该照片") from None
    response = FileResponse(handle, content_type="image/jpeg" if thumb else photo.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, max-age=3600"
    return response
