"""Reads of the monthly rhythm. Scope lives in one selector per record and every list, page and
export goes through it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.db.models import Exists, F, Max, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.http import FileResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from assessments.storage import evidence_storage
from orgs.models import Level, Organisation, User
from orgs.selectors import scope_filter
from yuxi_campaign.core.errors import OutOfScope

from . import policy
from .models import (
    Meeting,
    MeetingAttachment,
    MeetingStatus,
    ModelSite,
    MonthlyEvent,
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


ORGANISER_LEVELS = (Level.CITY, Level.COUNTY)
MEETING_NOT_FOUND = "未找到该推进会，或不在您的权限范围内"
ROTA_NOT_FOUND = "未找到该单位的推进会轮值表，或不在您的权限范围内"


def month_key(year: int, month: int) -> int:
    """A month as one number (months since year 0), to compare and order months."""
    return year * 12 + month - 1


def key_month(key: int) -> tuple[int, int]:
    return key // 12, key % 12 + 1


@dataclass(frozen=True)
class Standing:
    """A candidate host as the rota sees it before a month: meetings hosted that year, and the
    month (``month_key``) of its last meeting, ``None`` if it never hosted."""

    unit: Organisation
    count: int = 0
    last: int | None = None

    @property
    def order(self) -> tuple:
        return (self.count, -1 if self.last is None else self.last, self.unit.code)

    @property
    def last_year_month(self) -> tuple[int, int] | None:
        return None if self.last is None else key_month(self.last)


@dataclass
class Proposal:
    """The rota's choice for one month: ``host`` is ``standings[0].unit`` (None without
    candidates); ``standings`` are every candidate in the rota's order."""

    organiser: Organisation
    year: int
    month: int
    standings: list[Standing]
    meeting: Meeting | None = None

    @property
    def host(self) -> Organisation | None:
        return self.standings[0].unit if self.standings else None

    @property
    def reason(self) -> str:
        if not self.standings:
            return _("%(organiser)s has no active units below it to host a meeting.") % {
                "organiser": self.organiser.name
            }
        first = self.standings[0]
        values = {"name": first.unit.name, "count": first.count, "year": self.year}
        if first.last is None:
            text = _("%(name)s has hosted %(count)s times in %(year)s, the fewest, and has never hosted.")
        else:
            year, month = key_month(first.last)
            values["last"] = f"{year}-{month:02d}"
            text = _(
                "%(name)s has hosted %(count)s times in %(year)s, the fewest, and hosted longest ago "
                "(last in %(last)s)."
            )
        text = text % values
        if len(self.standings) > 1 and self.standings[1].order[:2] == first.order[:2]:
            # Translators: two sentences of the proposal's reason, in a row.
            text = _("%(reason)s %(tie)s") % {
                "reason": text,
                "tie": _("Where units are level on both, the lower code goes first."),
            }
        return text


@dataclass
class RotaMonth:
    year: int
    month: int
    status: str  # held, confirmed, proposed, or none (a past month without a meeting)
    proposal: Proposal
    meeting: Meeting | None = None

    @property
    def host(self) -> Organisation | None:
        if self.meeting is not None:
            return self.meeting.host
        return self.proposal.host if self.status == "proposed" else None

    @property
    def status_label(self) -> str:
        return ROTA_STATUS_LABELS[self.status]


ROTA_STATUS_LABELS = {
    MeetingStatus.HELD: gettext_lazy("Held"),
    MeetingStatus.CONFIRMED: gettext_lazy("Confirmed"),
    "proposed": gettext_lazy("Proposed"),
    "none": gettext_lazy("No meeting"),
}


@dataclass
class Rota:
    organiser: Organisation
    year: int
    months: list[RotaMonth] = field(default_factory=list)

    def month(self, month: int) -> RotaMonth:
        return self.months[month - 1]


def _today(today: dt.date | None) -> dt.date:
    return today or timezone.localdate()


def next_month(today: dt.date) -> tuple[int, int]:
    """The (year, month) after ``today``'s: the month a progress meeting is planned for."""
    return (today.year + 1, 1) if today.month == 12 else (today.year, today.month + 1)


def rota_year(organiser: Organisation, year: int, *, today: dt.date | None = None) -> Rota:
    """The twelve months of ``organiser``'s rota in ``year``, each with its meeting or the rota's
    proposal. Three queries, whatever the number of units: the candidates, the last meeting of
    each host before the year (grouped), and the year's meetings with their hosts."""
    candidates = list(Organisation.objects.filter(parent=organiser, is_active=True).order_by("code"))
    before = dict(
        Meeting.objects.filter(organiser=organiser, year__lt=year)
        .values("host_id")
        .annotate(last=Max(F("year") * 12 + F("month") - 1))
        .values_list("host_id", "last")
    )
    meetings = {
        m.month: m
        for m in Meeting.objects.filter(organiser=organiser, year=year).select_related(
            "host", "proposed_host"
        )
    }
    standings = {u.pk: Standing(unit=u, last=before.get(u.pk)) for u in candidates}
    now = _today(today)
    current = month_key(now.year, now.month)
    rota = Rota(organiser=organiser, year=year)
    for month in range(1, 13):
        key = month_key(year, month)
        proposal = Proposal(
            organiser, year, month, sorted(standings.values(), key=lambda s: s.order), meetings.get(month)
        )
        meeting = meetings.get(month)
        if meeting is not None:
            status, hosted = meeting.status, meeting.host_id
        elif key >= current:
            status, hosted = "proposed", proposal.host.pk if proposal.host else None
        else:
            status, hosted = "none", None
        if hosted in standings:
            was = standings[hosted]
            standings[hosted] = replace(was, count=was.count + 1, last=key)
        rota.months.append(RotaMonth(year, month, status, proposal, meeting))
    return rota


def meeting_proposal(
    organiser: Organisation, year: int, month: int, *, today: dt.date | None = None
) -> Proposal:
    """The rota's proposed host for one month and why (the year's standings before it)."""
    return rota_year(organiser, year, today=today).month(month).proposal


def next_meeting(org: Organisation, *, today: dt.date | None = None) -> RotaMonth | None:
    """For the dashboard: the next meeting of ``org``'s rota not yet held, from this month on (a
    confirmed meeting, or the proposal), looking into next year in December; None without one."""
    now = _today(today)
    for year in (now.year, now.year + 1):
        for item in rota_year(org, year, today=now).months:
            if month_key(year, item.month) >= month_key(now.year, now.month) and item.status in (
                "confirmed",
                "proposed",
            ):
                if item.host is not None:
                    return item
    return None


def _ancestors_q(org: Organisation, prefix: str) -> Q:
    return Q(**{f"{prefix}tree_id": org.tree_id, f"{prefix}lft__lt": org.lft, f"{prefix}rght__gt": org.rght})


def _visible_units_q(user: User, prefix: str = "") -> Q | None:
    """Units whose rota the user reads: their own subtree, and the units above them (a county
    reads the city's rota, read-only). None for nothing."""
    filters = scope_filter(user, prefix)
    if filters is None:
        return None
    q = Q(**filters)
    if filters and user.org is not None:
        q |= _ancestors_q(user.org, prefix)
    return q


def meetings_for_user(user: User) -> QuerySet[Meeting]:
    q = _visible_units_q(user, "organiser__")
    if q is None:
        return Meeting.objects.none()
    return Meeting.objects.filter(q)


def meeting_get_for_user(user: User, pk) -> Meeting:
    try:
        return meetings_for_user(user).select_related("organiser", "host", "proposed_host").get(pk=pk)
    except (Meeting.DoesNotExist, ValueError, TypeError, OverflowError):
        raise OutOfScope(MEETING_NOT_FOUND) from None


def rota_organisers_for_user(user: User) -> QuerySet[Organisation]:
    """Units whose rota the user may read: in their subtree or above them, city or county."""
    q = _visible_units_q(user)
    if q is None:
        return Organisation.objects.none()
    return Organisation.objects.filter(q, level__in=ORGANISER_LEVELS)


def rota_organiser_get_for_user(user: User, pk) -> Organisation:
    try:
        return rota_organisers_for_user(user).get(pk=pk)
    except (Organisation.DoesNotExist, ValueError, TypeError, OverflowError):
        raise OutOfScope(ROTA_NOT_FOUND) from None


def rota_switch_for_user(user: User) -> QuerySet[Organisation]:
    """The rotas a page offers to switch between: the user's own unit and the units above it that
    run one (a superuser without a unit: every city)."""
    if user.org is None:
        return (
            Organisation.objects.filter(level=Level.CITY).order_by("code")
            if user.is_superuser
            else (Organisation.objects.none())
        )
    org = user.org
    return Organisation.objects.filter(
        tree_id=org.tree_id, lft__lte=org.lft, rght__gte=org.rght, level__in=ORGANISER_LEVELS
    ).order_by("lft")


def rota_default_organiser(user: User) -> Organisation | None:
    """The rota a user opens first: the city of their tree (the one the department runs)."""
    org = user.org
    if org is None:
        return Organisation.objects.filter(level=Level.CITY).order_by("code").first()
    if org.parent_id is None:
        return org
    return Organisation.objects.filter(tree_id=org.tree_id, parent__isnull=True).first()


def meeting_events(meeting: Meeting) -> QuerySet[MonthlyEvent]:
    return MonthlyEvent.objects.filter(
        content_type=ContentType.objects.get_for_model(Meeting), object_id=meeting.pk
    ).select_related("actor")


def meeting_attachments(meeting: Meeting) -> QuerySet[MeetingAttachment]:
    return MeetingAttachment.objects.filter(meeting=meeting)


def meeting_attachment_response(meeting: Meeting, attachment_id):
    """The stored file of one attachment of ``meeting`` (already scope-checked), streamed from the
    private storage as a download that browsers must not sniff; OutOfScope when missing."""
    a = MeetingAttachment.objects.filter(
        pk=attachment_id if str(attachment_id).isdigit() else -1, meeting=meeting
    ).first()
    if a is None:
        raise OutOfScope("未找到该附件")
    try:
        handle = evidence_storage().open(a.stored_name, "rb")
    except FileNotFoundError:
        raise OutOfScope("未找到该附件") from None
    response = FileResponse(handle, as_attachment=True, filename=a.original_name, content_type=a.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
