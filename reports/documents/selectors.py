"""What each document lists, read in a fixed number of queries whatever the number of units:
one query per list (units with their county and township names joined), none per row.

Units are those below the issuing unit (``org``) in its subtree, optionally of one level; each
row carries the names of its county, township and village so the documents can group them."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import QuerySet
from django.utils import timezone

from assessments.models import Assessment, Event, Round, State, Title
from orgs.models import Organisation
from orgs.selectors import subtree_filter

from .models import DocumentSettings

CIRCULAR_ACTIONS = ("warn", "rectify_order", "revoke")
NOTICE_PASSED = (State.IN_NOTICE, State.NAMED, State.REJECTED, State.RECTIFYING, State.REVOKED)


@dataclass(frozen=True)
class Issuer:
    """Who issues the documents of a unit: the row an administrator saved, or the defaults."""

    body: str
    contact_line: str
    number_prefix: str


def default_issuer(org: Organisation) -> Issuer:
    """中共玉溪市委组织部 (玉组通) for the city, 中共通海县委组织部 (通组通) for a county, the unit's
    party committee (中共里山彝族乡委员会, no number) below."""
    if org.level in ("city", "county"):
        return Issuer(f"中共{org.name}委组织部", "", f"{org.name[0]}组通")
    return Issuer(f"中共{org.name}委员会", "", "")


def issuer_for(org: Organisation) -> Issuer:
    """The issuing unit's own settings (one query), or the defaults: a county's documents never
    borrow the city's issuing body."""
    row = DocumentSettings.objects.filter(org=org).first()
    if row is None:
        return default_issuer(org)
    return Issuer(row.issuing_body, row.contact_line, row.number_prefix)


@dataclass
class Unit:
    """One listed unit with the names it is grouped by, and what the document says of it."""

    name: str
    code: str
    level: str
    county: str | None
    township: str | None
    village: str | None
    score: Decimal | None = None
    facts: dict = field(default_factory=dict)


def _names(prefix: str) -> list[str]:
    return [
        f"{prefix}name",
        f"{prefix}code",
        f"{prefix}level",
        f"{prefix}county__name",
        f"{prefix}township__name",
        f"{prefix}village__name",
    ]


def _unit(row: dict, prefix: str, **extra) -> Unit:
    return Unit(
        name=row[f"{prefix}name"],
        code=row[f"{prefix}code"],
        level=row[f"{prefix}level"],
        county=row[f"{prefix}county__name"],
        township=row[f"{prefix}township__name"],
        village=row[f"{prefix}village__name"],
        **extra,
    )


def _below(qs: QuerySet, org: Organisation, prefix: str, level: str | None) -> QuerySet:
    """Rows of units strictly below ``org`` (of ``level`` when given), in tree order."""
    qs = qs.filter(**subtree_filter(org, prefix)).exclude(**{f"{prefix}id": org.pk})
    if level is not None:
        qs = qs.filter(**{f"{prefix}level": level})
    return qs.order_by(f"{prefix}tree_id", f"{prefix}lft")


# ---------------------------------------------------------------------------------------------
# 公示


@dataclass
class NoticeList:
    units: list[Unit]
    current: bool  # True: the units in notice now; False: those that went through notice earlier
    starts: dt.date | None
    ends: dt.date | None
    periods_differ: bool


def notice_units(org: Organisation, round_: Round, target: str, level: str | None) -> NoticeList:
    """The units of the 公示 (one query). While any unit below ``org`` is in notice for the round
    and title, those units (the notice now posted); otherwise every unit that went through a
    notice in that round (a past notice, reprinted for the file), whatever happened to it since."""
    rows = list(
        _below(
            Assessment.objects.filter(
                round=round_, target=target, state__in=NOTICE_PASSED, notice_started_at__isnull=False
            ),
            org,
            "org__",
            level,
        ).values(*_names("org__"), "state", "final_score", "notice_started_at", "notice_ends_at")
    )
    current = any(r["state"] == State.IN_NOTICE for r in rows)
    if current:
        rows = [r for r in rows if r["state"] == State.IN_NOTICE]
    units, periods = [], set()
    for r in rows:
        start = timezone.localdate(r["notice_started_at"])
        end = timezone.localdate(r["notice_ends_at"]) if r["notice_ends_at"] else start
        periods.add((start, end))
        units.append(_unit(r, "org__", score=r["final_score"], facts={"starts": start, "ends": end}))
    return NoticeList(
        units=units,
        current=current,
        starts=min((p[0] for p in periods), default=None),
        ends=max((p[1] for p in periods), default=None),
        periods_differ=len(periods) > 1,
    )


# ---------------------------------------------------------------------------------------------
# 命名


def named_units(org: Organisation, round_: Round, target: str, level: str | None) -> list[Unit]:
    """Every title of ``target`` granted in the round below ``org`` (one query), as the decision
    named them: a title warned or revoked since stays on the decision that granted it."""
    rows = _below(Title.objects.filter(round=round_, kind=target), org, "org__", level).values(
        *_names("org__"), "granted_at", "assessment__final_score"
    )
    return [
        _unit(
            r,
            "org__",
            score=r["assessment__final_score"],
            facts={"granted": timezone.localdate(r["granted_at"])},
        )
        for r in rows
    ]


# ---------------------------------------------------------------------------------------------
# 通报批评


@dataclass
class Circular:
    warned: list[Unit]
    rectifying: list[Unit]
    revoked: list[Unit]


def round_period(round_: Round) -> tuple[dt.datetime, dt.datetime | None]:
    """The round's cycle: from its declaration opening to the next round's (open-ended for the
    latest round), so that a circular of a round lists what was done while it ran, titles of
    earlier rounds included."""
    tz = timezone.get_current_timezone()
    nxt = (
        Round.objects.filter(year__gt=round_.year)
        .order_by("year")
        .values_list("declaration_opens", flat=True)
    )
    starts = dt.datetime.combine(round_.declaration_opens, dt.time(), tzinfo=tz)
    following = nxt.first()
    return starts, dt.datetime.combine(following, dt.time(), tzinfo=tz) if following else None


def circular_units(org: Organisation, round_: Round, target: str | None, level: str | None) -> Circular:
    """The 通报批评 (warn), 限期整改 (rectify_order, with its deadline and whether the unit is still
    under it) and 摘牌 (revoke) actions taken during the round's cycle on titles of units below
    ``org`` (of ``target`` when given), each with its date and reason (two queries: the next
    round's opening, the actions)."""
    starts, ends = round_period(round_)
    qs = Event.objects.filter(action__in=CIRCULAR_ACTIONS, title__isnull=False, at__gte=starts)
    if ends is not None:
        qs = qs.filter(at__lt=ends)
    if target is not None:
        qs = qs.filter(title__kind=target)
    rows = (
        _below(qs, org, "title__org__", level)
        .order_by("title__org__tree_id", "title__org__lft", "at", "pk")
        .values(
            *_names("title__org__"),
            "action",
            "at",
            "reason",
            "data",
            "title__kind",
            "title__round__year",
            "title__assessment__state",
            "title__assessment__rectify_deadline",
        )
    )
    out = Circular(warned=[], rectifying=[], revoked=[])
    lists = {"warn": out.warned, "rectify_order": out.rectifying, "revoke": out.revoked}
    for r in rows:
        deadline = (r["data"] or {}).get("deadline")
        facts = {
            "date": timezone.localdate(r["at"]),
            "reason": r["reason"],
            "kind": r["title__kind"],
            "granted_year": r["title__round__year"],
            "deadline": dt.date.fromisoformat(deadline) if deadline else None,
            "still_rectifying": r["title__assessment__state"] == State.RECTIFYING
            and r["title__assessment__rectify_deadline"] is not None
            and deadline == r["title__assessment__rectify_deadline"].isoformat(),
        }
        lists[r["action"]].append(_unit(r, "title__org__", facts=facts))
    return out
