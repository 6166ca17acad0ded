"""Reads of the monthly rhythm. Scope lives here and every list, page and export reuses it."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from orgs.models import Organisation, User
from orgs.selectors import scope_filter
from yuxi_campaign.core.errors import OutOfScope

from . import policy
from .models import ModelSite, SiteKind, SitePhoto, SiteVisit

# ---------------------------------------------------------------------------------------------
# Model sites (示范点)
# ---------------------------------------------------------------------------------------------

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
