"""Reads of the monthly records. Scope is applied here once and reused by every list, page and
export. Each family of records has its own section."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace

from django.contrib.contenttypes.models import ContentType
from django.db.models import F, Max, Q, QuerySet
from django.http import FileResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from assessments.storage import evidence_storage
from orgs.models import Level, Organisation, User
from orgs.selectors import scope_filter
from yuxi_campaign.core.errors import OutOfScope

from .models import Meeting, MeetingAttachment, MeetingStatus, MonthlyEvent

# ---------------------------------------------------------------------------------------------
# Progress meetings (工作推进会)
#
# The rota's rule, for each month of an organising unit (the city among its counties, or a county
# among its townships): propose the active direct child that
#   1. has hosted least often in the meeting's calendar year (before that month),
#   2. then hosted longest ago (one that never hosted counts as longest ago),
#   3. then has the lowest code.
# Months with a meeting count as hosted by its host, whether confirmed or held; months from the
# current month on without one count as hosted by the rota's own proposal, so that the year view
# projects the rest of the year; months in the past without one count as no meeting.
#
# Why the count resets in January without breaking "nobody hosts twice before everyone hosted
# once": rule 1 can only differ from rule 2 (pure "longest ago") once every child has hosted
# this year. Whenever some child has not hosted this year, the child that hosted longest ago has
# not either (its last meeting is older still), so rule 2 decides; in January every count is 0
# and rule 2 alone decides. A child picked by rule 2 is one that every other child has hosted
# after, which is the invariant, across the year boundary as within a year. Rule 1 matters only
# after an override: a child that hosted twice in a year waits until the others have caught up
# that year.

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
        target_type=ContentType.objects.get_for_model(Meeting), target_id=meeting.pk
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
