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
    ModelSite,
    Observation,
    ObservationMiss,
    ObservationPhoto,
    ObservationProblem,
    ObservationScore,
    RubricItem,
    SiteKind,
    SitePhoto,
    SiteVisit,
)

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


SITE_NOT_FOUND = "未找到该示范点，或不在您的权限范围内"
SITE_ORG_FIELDS = ("org__tree_id", "org__lft")  # what the internals check reads of a site's unit


def sites_base() -> QuerySet[ModelSite]:
    """Every site with its unit, county, township and kind joined (one query), in showcase order:
    county, kind, unit."""
    return ModelSite.objects.select_related("org", "county", "org__township", "kind").order_by(
        "county__code", "kind__order", "org__code"
    )


def with_photos(qs: QuerySet[ModelSite]) -> QuerySet[ModelSite]:
    """The photos of the listed sites in one more query (ordered)."""
    return qs.prefetch_related(Prefetch("photos", queryset=SitePhoto.objects.order_by("order", "pk")))


def showcase_sites(*, county_id: int | None = None, kind_id: int | None = None) -> QuerySet[ModelSite]:
    """The public showcase: every designated site, filtered by county and kind. Public fields only
    are shown of it (the pages and the API choose them)."""
    qs = sites_base()
    if county_id is not None:
        qs = qs.filter(county_id=county_id)
    if kind_id is not None:
        qs = qs.filter(kind_id=kind_id)
    return with_photos(qs)


def showcase_site(pk) -> ModelSite:
    try:
        return with_photos(sites_base()).get(pk=pk)
    except (ModelSite.DoesNotExist, ValueError, TypeError):
        raise OutOfScope("未找到该示范点") from None


def showcase_counties() -> QuerySet[Organisation]:
    """The counties that have model sites (the showcase's filter), in code order."""
    return Organisation.objects.filter(pk__in=ModelSite.objects.values("county_id")).order_by("code")


def site_kinds() -> QuerySet[SiteKind]:
    return SiteKind.objects.filter(is_active=True).order_by("order", "pk")


def sites_for_user(user: User) -> QuerySet[ModelSite]:
    """Sites whose unit lies in the user's subtree (what their internal pages list)."""
    filters = scope_filter(user, prefix="org__")
    if filters is None:
        return ModelSite.objects.none()
    return sites_base().filter(**filters)


def sites_managed_by(user: User) -> QuerySet[ModelSite]:
    """Sites the user may edit: a county's own, the city's all (``policy.may_manage_sites``)."""
    if not policy.may_manage_sites_somewhere(user):
        return ModelSite.objects.none()
    if user.org_id is None:
        return sites_base()
    if user.org.level == "county":
        return sites_base().filter(county_id=user.org_id)
    return sites_for_user(user)


def site_get_for_user(user: User, pk) -> ModelSite:
    """One site in the user's scope, with photos and visits; missing and outside alike (404)."""
    try:
        return (
            with_photos(sites_for_user(user))
            .prefetch_related(Prefetch("visits", queryset=SiteVisit.objects.order_by("-date", "-pk")))
            .get(pk=pk)
        )
    except (ModelSite.DoesNotExist, ValueError, TypeError):
        raise OutOfScope(SITE_NOT_FOUND) from None


def site_visits(site: ModelSite) -> list[SiteVisit]:
    """The visits recorded for ``site``, newest first (prefetched by ``site_get_for_user``)."""
    return list(site.visits.all())


def site_path(site: ModelSite) -> str:
    """ "County · township" of a site's unit (the unit's own name is shown beside it)."""
    parts = [site.county.name]
    township = site.org.township
    if township is not None and township.pk != site.org_id:
        parts.append(township.name)
    return " · ".join(parts)


def manageable_counties(user: User) -> QuerySet[Organisation]:
    """The counties in which the user may designate sites."""
    if not policy.may_manage_sites_somewhere(user):
        return Organisation.objects.none()
    counties = Organisation.objects.filter(level="county", is_active=True).order_by("code")
    if user.org_id is None:
        return counties
    if user.org.level == "county":
        return counties.filter(pk=user.org_id)
    return counties.filter(**scope_filter(user))


def site_photo_response(photo_id, *, thumbnail: bool):
    """A site's photo (or its thumbnail), streamed from the files storage. Photos are public (the
    showcase shows them), so they may be cached; the content type is fixed by the stored JPEG."""
    from django.http import FileResponse

    from assessments.storage import evidence_storage

    photo = SitePhoto.objects.filter(pk=photo_id).only("stored_name", "thumb_name", "content_type").first()
    if photo is None:
        raise OutOfScope("未找到该照片")
    try:
        handle = evidence_storage().open(photo.thumb_name if thumbnail else photo.stored_name, "rb")
    except FileNotFoundError:
        raise OutOfScope("未找到该照片") from None
    response = FileResponse(handle, content_type=photo.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "public, max-age=86400"
    return response
