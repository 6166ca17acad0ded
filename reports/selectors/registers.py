"""The registers of the department's pages: who is late, the titles under dynamic management and
how the reviewing units score against the units' own scores.

Each read costs a fixed number of queries whatever the number of units: the late list is one
UNION of two grouped reads (units that have not declared, found with NOT EXISTS, and assessments
past a deadline), counted by kind in two aggregates; the register is one page of titles plus one
read of their events; the calibration one GROUP BY over the assessments. Names of officials come
in one query for the units of a page, never one per row.

``Scope`` is the unit whose subtree a read covers (``None``: every tree the caller sees);
``report_scope`` finds it for a caller (404 outside their subtree) and ``report_round`` the round
of a year (400 when there is none)."""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import (
    Case,
    CharField,
    Count,
    DateField,
    DecimalField,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.utils import timezone
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _

from assessments.labels import ROLE_LABELS, TARGET_LABELS
from assessments.models import Assessment, Event, Round, State, Target, Title, TitleStatus
from indicators.models import IndicatorSet
from orgs.models import Level, Organisation, Role, User
from orgs.selectors import org_get_for_user, scope_filter, subtree_filter
from yuxi_campaign.core.errors import InvalidInput, OutOfScope
from yuxi_campaign.core.tables import Column, Table

LEVEL_LABELS = dict(Level.choices)


# ---------------------------------------------------------------------------------------------
# Scope and round


@dataclass(frozen=True)
class Scope:
    """The subtree a read covers: ``head`` and everything below it, or, with no head, every
    tree the ``user`` sees (a superuser without a unit)."""

    user: User
    head: Organisation | None

    def filters(self, prefix: str = "") -> dict:
        if self.head is not None:
            return subtree_filter(self.head, prefix)
        filters = scope_filter(self.user, prefix)
        return {f"{prefix}pk__in": []} if filters is None else filters

    @property
    def name(self) -> str:
        return self.head.name if self.head is not None else _t("All units")

    def narrow(self, unit_id: int | None) -> Scope:
        """The subtree of ``unit_id`` (``within``), which must lie in this one: 404 otherwise."""
        if unit_id is None:
            return self
        unit = org_get_for_user(self.user, unit_id)
        if self.head is not None and not (
            unit.tree_id == self.head.tree_id and self.head.lft <= unit.lft <= self.head.rght
        ):
            raise OutOfScope("未找到该单位，或不在所选范围内")
        return Scope(self.user, unit)


def report_scope(user: User, org_id: int | None = None) -> Scope:
    """The caller's own unit, or ``org_id`` in their subtree (404 outside it). Without a unit, a
    superuser reads every tree and anyone else nothing."""
    if org_id is not None:
        return Scope(user, org_get_for_user(user, org_id))
    return Scope(user, user.org if user.org_id is not None else None)


def report_round(year: int | None = None) -> Round:
    """The round of ``year``, or the latest round: 400 when there is none."""
    rounds = Round.objects.order_by("-year")
    found = rounds.filter(year=year).first() if year is not None else rounds.first()
    if found is None:
        raise InvalidInput(f"没有 {year or ''} 年度的评估轮次", fields={"year": ["没有该年度的评估轮次"]})
    return found


def report_years() -> list[int]:
    return list(Round.objects.order_by("-year").values_list("year", flat=True))


def official_name(row: dict) -> str:
    full = f"{row['last_name']}{row['first_name']}".strip()
    return full or row["username"]


# ---------------------------------------------------------------------------------------------
# The late list

DECLARATION, SELF_SHEET, REVIEW, RECTIFICATION = "declaration", "self_sheet", "review", "rectification"
LATE_KINDS = (DECLARATION, SELF_SHEET, REVIEW, RECTIFICATION)
LATE_LABELS = {
    DECLARATION: _("Declaration (达标)"),
    SELF_SHEET: _("Self-assessment sheet"),
    REVIEW: _("Review"),
    RECTIFICATION: _("Rectification"),
}
# Who must act: the unit itself (its operators) or its parent (its reviewers or leaders).
LATE_ACTORS: dict[str, tuple[str, tuple[str, ...]]] = {
    DECLARATION: ("unit", (Role.OPERATOR,)),
    SELF_SHEET: ("unit", (Role.OPERATOR,)),
    REVIEW: ("parent", (Role.REVIEWER, Role.LEADER)),
    RECTIFICATION: ("parent", (Role.LEADER,)),
}
LATE_FIELDS = (
    "unit_id",
    "unit_code",
    "unit_name",
    "unit_level",
    "what",
    "due",
    "assessment",
    "aim",
    "actor_unit_id",
    "actor_unit_code",
    "actor_unit_name",
    "actor_unit_level",
)


def _undeclared(scope: Scope, round_: Round) -> QuerySet[Organisation]:
    """Units that should have declared for 达标 by the round's ``declaration_closes`` and did
    not: active units below the city, at a level with an indicator set for the year, with no 达标
    assessment in the round, that did not hold a 达标 title at the deadline (granted in an
    earlier round, not revoked by then). A unit holding 达标 may declare 示范 but need not."""
    declared = Assessment.objects.filter(org=OuterRef("pk"), round=round_, target=Target.STANDARD)
    held = Title.objects.filter(org=OuterRef("pk"), kind=Target.STANDARD, round__year__lt=round_.year).filter(
        Q(revoked_at__isnull=True) | Q(revoked_at__date__gt=round_.declaration_closes)
    )
    has_set = IndicatorSet.objects.filter(level=OuterRef("level"), year=round_.year)
    return Organisation.objects.filter(
        Exists(has_set),
        ~Exists(declared),
        ~Exists(held),
        **scope.filters(),
        is_active=True,
        parent__isnull=False,
    )


def _overdue_assessments(scope: Scope, round_: Round, today: dt.date) -> QuerySet[Assessment]:
    """Self sheets still in draft after ``self_assessment_closes``, reviews still waiting
    (submitted) after ``review_closes``, and rectifications past their deadline, of titles
    granted in this round or an earlier one."""
    late = Q(state=State.RECTIFYING, rectify_deadline__lt=today, round__year__lte=round_.year)
    if today > round_.self_assessment_closes:
        late |= Q(state=State.DRAFT, round=round_)
    if today > round_.review_closes:
        late |= Q(state=State.SUBMITTED, round=round_)
    return Assessment.objects.filter(late, **scope.filters("org__"))


def _late_union(scope: Scope, round_: Round, today: dt.date) -> QuerySet:
    text = CharField()
    by_unit = State.DRAFT  # the unit itself acts on a draft; its parent on the others
    assessments = _overdue_assessments(scope, round_, today).annotate(
        unit_id=F("org_id"),
        unit_code=F("org__code"),
        unit_name=F("org__name"),
        unit_level=F("org__level"),
        what=Case(
            When(state=State.DRAFT, then=Value(SELF_SHEET)),
            When(state=State.SUBMITTED, then=Value(REVIEW)),
            default=Value(RECTIFICATION),
            output_field=text,
        ),
        due=Case(
            When(state=State.DRAFT, then=Value(round_.self_assessment_closes)),
            When(state=State.SUBMITTED, then=Value(round_.review_closes)),
            default=F("rectify_deadline"),
            output_field=DateField(),
        ),
        assessment=F("pk"),
        aim=F("target"),
        actor_unit_id=Case(When(state=by_unit, then=F("org_id")), default=F("org__parent_id")),
        actor_unit_code=Case(When(state=by_unit, then=F("org__code")), default=F("org__parent__code")),
        actor_unit_name=Case(When(state=by_unit, then=F("org__name")), default=F("org__parent__name")),
        actor_unit_level=Case(When(state=by_unit, then=F("org__level")), default=F("org__parent__level")),
    )
    parts = [assessments.order_by().values(*LATE_FIELDS)]
    if today > round_.declaration_closes:
        units = _undeclared(scope, round_).annotate(
            unit_id=F("pk"),
            unit_code=F("code"),
            unit_name=F("name"),
            unit_level=F("level"),
            what=Value(DECLARATION, output_field=text),
            due=Value(round_.declaration_closes, output_field=DateField()),
            assessment=Value(None, output_field=IntegerField()),
            aim=Value(Target.STANDARD, output_field=text),
            actor_unit_id=F("pk"),
            actor_unit_code=F("code"),
            actor_unit_name=F("name"),
            actor_unit_level=F("level"),
        )
        parts.append(units.order_by().values(*LATE_FIELDS))
    rows = parts[0].union(*parts[1:], all=True) if len(parts) > 1 else parts[0]
    return rows.order_by("due", "unit_code", "what")


@dataclass
class LateRows:
    """The late list of a scope and round: ``counts`` per kind (two aggregate queries), and the
    rows in order of due date, sliced like a list (one query a slice), so that a Paginator pages
    it without counting again."""

    rows: QuerySet
    counts: dict[str, int]
    today: dt.date

    def count(self) -> int:
        return sum(self.counts.values())

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, index):
        return list(self.rows[index]) if isinstance(index, slice) else self.rows[index]


def late_rows(scope: Scope, round_: Round, *, today: dt.date | None = None) -> LateRows:
    """Who is late in ``scope`` for ``round_`` on ``today`` (default: the local date)."""
    today = today or timezone.localdate()
    overdue = _overdue_assessments(scope, round_, today).aggregate(
        self_sheet=Count("pk", filter=Q(state=State.DRAFT)),
        review=Count("pk", filter=Q(state=State.SUBMITTED)),
        rectification=Count("pk", filter=Q(state=State.RECTIFYING)),
    )
    declared_late = today > round_.declaration_closes
    counts = {
        DECLARATION: _undeclared(scope, round_).count() if declared_late else 0,
        **{kind: overdue[kind] for kind in (SELF_SHEET, REVIEW, RECTIFICATION)},
    }
    return LateRows(_late_union(scope, round_, today), counts, today)


def late_details(scope: Scope, rows: list[dict], today: dt.date) -> list[dict]:
    """``rows`` (a page of ``late_rows``) with ``days_late`` and who must act: the role, the
    unit and the names of its officials in that role, read in one query for the whole page.
    Only officials of units inside ``scope`` are named."""
    actor_ids = {r["actor_unit_id"] for r in rows if r["actor_unit_id"] is not None}
    names: dict[tuple[int, str], list[str]] = defaultdict(list)
    if actor_ids:
        officials = (
            User.objects.filter(org_id__in=actor_ids, is_active=True, **scope.filters("org__"))
            .order_by("username")
            .values("org_id", "role", "username", "first_name", "last_name")
        )
        for o in officials:
            names[(o["org_id"], o["role"])].append(official_name(o))
    out = []
    for r in rows:
        _who, roles = LATE_ACTORS[r["what"]]
        out.append(
            {
                **r,
                "days_late": (today - r["due"]).days,
                "actor_roles": list(roles),
                "officials": [n for role in roles for n in names.get((r["actor_unit_id"], role), [])],
            }
        )
    return out


def late_columns() -> list[Column]:
    """The late list's columns; headers as plain text in the active language (as every
    ``*_columns`` here: an export writes them as they are)."""
    return [
        Column("unit_code", _t("Unit code")),
        Column("unit_name", _t("Unit")),
        Column("unit_level", _t("Level")),
        Column("what", _t("What is late")),
        Column("target", _t("Title")),
        Column("due", _t("Due"), "date"),
        Column("days_late", _t("Days late"), "int"),
        Column("actor_unit", _t("Who must act (unit)")),
        Column("actor_role", _t("Who must act (role)")),
        Column("officials", _t("Officials")),
    ]


def late_table(scope: Scope, round_: Round, rows: list[dict]) -> Table:
    """A Table of ``late_details`` rows."""
    return Table(
        name="late",
        title=_t("Late list"),
        columns=late_columns(),
        rows=[
            [
                r["unit_code"],
                r["unit_name"],
                str(LEVEL_LABELS.get(r["unit_level"], r["unit_level"])),
                str(LATE_LABELS[r["what"]]),
                str(TARGET_LABELS.get(r["aim"], r["aim"])),
                r["due"],
                r["days_late"],
                r["actor_unit_name"],
                "、".join(str(ROLE_LABELS[role]) for role in r["actor_roles"]),
                "、".join(r["officials"]),
            ]
            for r in rows
        ],
        scope=scope.name,
        year=round_.year,
    )


# ---------------------------------------------------------------------------------------------
# The register of titles and their dynamic management

ACTIVE, WARNED, RECTIFYING, REVOKED = "active", "warned", "rectifying", "revoked"
TITLE_STATUSES = (ACTIVE, WARNED, RECTIFYING, REVOKED)
TITLE_STATUS_LABELS = {
    ACTIVE: _("Active"),
    WARNED: _("Warned (通报批评)"),
    RECTIFYING: _("Under rectification (限期整改)"),
    REVOKED: _("Revoked (摘牌)"),
}
# The events of dynamic management, written by the title actions of the transition table.
MANAGEMENT_ACTIONS = ("warn", "rectify_order", "rectified", "revoke")
TITLE_FIELDS = (
    "id",
    "org__id",
    "org__code",
    "org__name",
    "org__level",
    "org__county__name",
    "kind",
    "round_id",
    "round__year",
    "register_status",
    "granted_at",
    "revoked_at",
    "warnings",
    "assessment_id",
    "assessment__rectify_deadline",
)


def _register_status():
    """Revoked (摘牌), else under rectification while the assessment is, else warned once it
    was criticised (通报批评) at least once, else active."""
    return Case(
        When(status=TitleStatus.REVOKED, then=Value(REVOKED)),
        When(assessment__state=State.RECTIFYING, then=Value(RECTIFYING)),
        When(warnings__gt=0, then=Value(WARNED)),
        default=Value(ACTIVE),
        output_field=CharField(),
    )


def title_rows(scope: Scope, *, year: int | None = None, status: str | None = None) -> QuerySet:
    """Titles in ``scope`` granted in the round of ``year`` (every round when None), with their
    register status (``status`` keeps one of ``TITLE_STATUSES``), newest round first, then in
    tree order. ``.values()`` rows; one query a page."""
    qs = Title.objects.filter(**scope.filters("org__")).annotate(register_status=_register_status())
    if year is not None:
        qs = qs.filter(round__year=year)
    if status is not None:
        qs = qs.filter(register_status=status)
    return qs.values(*TITLE_FIELDS).order_by("-round__year", "org__tree_id", "org__lft", "kind")


def title_details(rows: list[dict]) -> list[dict]:
    """``rows`` (a page of ``title_rows``) with their dynamic management from the event log,
    read in one query: ``reasons`` (action, time, reason, deadline, oldest first), the last
    warning's time and the deadline of a rectification under way."""
    events: dict[int, list[dict]] = defaultdict(list)
    ids = [r["id"] for r in rows]
    if ids:
        for e in (
            Event.objects.filter(title_id__in=ids, action__in=MANAGEMENT_ACTIONS)
            .order_by("at", "pk")
            .values("title_id", "action", "at", "reason", "data")
        ):
            events[e["title_id"]].append(
                {
                    "action": e["action"],
                    "at": e["at"],
                    "reason": e["reason"],
                    "deadline": (e["data"] or {}).get("deadline"),
                }
            )
    out = []
    for r in rows:
        reasons = events.get(r["id"], [])
        warned = [e["at"] for e in reasons if e["action"] == "warn"]
        rectifying = r["register_status"] == RECTIFYING
        out.append(
            {
                **r,
                "reasons": reasons,
                "last_warned_at": warned[-1] if warned else None,
                "deadline": r["assessment__rectify_deadline"] if rectifying else None,
            }
        )
    return out


ACTION_WORDS = {
    "warn": _("warned"),
    "rectify_order": _("rectification ordered"),
    "rectified": _("rectified"),
    "revoke": _("revoked"),
}


def _local_date(instant: dt.datetime | None) -> dt.date | None:
    return timezone.localdate(instant) if instant is not None else None


def reasons_text(reasons: list[dict]) -> str:
    parts = []
    for e in reasons:
        line = f"{_local_date(e['at']):%Y-%m-%d} {ACTION_WORDS[e['action']]}"
        if e["reason"]:
            line += f"：{e['reason']}"
        parts.append(line)
    return "；".join(parts)


def register_columns() -> list[Column]:
    return [
        Column("unit_code", _t("Unit code")),
        Column("unit_name", _t("Unit")),
        Column("county", _t("County")),
        Column("kind", _t("Title")),
        Column("year", _t("Year"), "int"),
        Column("status", _t("Status")),
        Column("granted", _t("Granted"), "date"),
        Column("warnings", _t("Warnings"), "int"),
        Column("last_warned", _t("Last warned"), "date"),
        Column("deadline", _t("Rectify by"), "date"),
        Column("revoked", _t("Revoked"), "date"),
        Column("reasons", _t("Reasons"), width=60),
    ]


def register_table(scope: Scope, rows: list[dict], year: int | None = None) -> Table:
    """A Table of ``title_details`` rows."""
    return Table(
        name="titles",
        title=_t("Register of titles"),
        columns=register_columns(),
        rows=[
            [
                r["org__code"],
                r["org__name"],
                r["org__county__name"] or "",
                str(TARGET_LABELS[r["kind"]]),
                r["round__year"],
                str(TITLE_STATUS_LABELS[r["register_status"]]),
                _local_date(r["granted_at"]),
                r["warnings"],
                _local_date(r["last_warned_at"]),
                r["deadline"],
                _local_date(r["revoked_at"]),
                reasons_text(r["reasons"]),
            ]
            for r in rows
        ],
        scope=scope.name,
        year=year,
    )


# ---------------------------------------------------------------------------------------------
# Reviewer calibration

MIN_REVIEWS = 3  # a reviewing unit with fewer reviews in the round is shown, never compared
MIN_PEERS = 3  # at least this many other reviewing units of the same level to compare with
MIN_DEVIATION = Decimal(1)  # points: a smaller difference from the peers is never flagged
SPREAD = 2  # flagged beyond this many standard deviations of the peers' means
LENIENT, HARSH = "lenient", "harsh"
FLAG_LABELS = {LENIENT: _("Too lenient"), HARSH: _("Too harsh")}
TWO = Decimal("0.01")


def _dec(value) -> Decimal | None:
    return None if value is None else Decimal(str(value)).quantize(TWO)


@dataclass
class Calibration:
    rows: list[dict] = field(default_factory=list)

    @property
    def flagged(self) -> list[dict]:
        return [r for r in self.rows if r["flag"]]


def calibration(scope: Scope, round_: Round) -> Calibration:
    """Per reviewing unit (the parent of the assessed units) in ``scope``: ``n`` reviewed
    assessments of the round, the mean gap (review total − self total, points out of 100) and its
    standard deviation, in one grouped query. A unit with at least ``MIN_REVIEWS`` reviews is
    compared with the other such units of its level (its peers, at least ``MIN_PEERS``): it is
    flagged too lenient (too harsh) when its mean gap lies more than ``SPREAD`` standard
    deviations of the peers' mean gaps above (below) their mean, and at least ``MIN_DEVIATION``
    points away. Flagged units come first."""
    qs = Assessment.objects.filter(
        **scope.filters("org__"), round=round_, self_total__isnull=False, review_total__isnull=False
    ).exclude(state__in=[State.DRAFT, State.SUBMITTED])
    if scope.head is not None:
        qs = qs.exclude(org_id=scope.head.pk)  # its own review is made above the scope
    gap = ExpressionWrapper(F("review_total") - F("self_total"), output_field=DecimalField())
    square = ExpressionWrapper(gap * gap, output_field=DecimalField())
    groups = list(
        qs.values(
            reviewer_id=F("org__parent_id"),
            reviewer_code=F("org__parent__code"),
            reviewer_name=F("org__parent__name"),
            reviewer_level=F("org__parent__level"),
        )
        .annotate(n=Count("pk"), total=Sum(gap), squares=Sum(square))
        .order_by("reviewer_code")
    )
    for g in groups:
        n, total, squares = g["n"], float(g["total"]), float(g["squares"])
        g["mean"] = total / n
        g["sd"] = math.sqrt(max(squares - n * g["mean"] ** 2, 0.0) / (n - 1)) if n > 1 else None
    # Sums of the comparable means per level, so each unit's peers are the rest (leave one out).
    sums: dict[str, list[float]] = defaultdict(lambda: [0, 0.0, 0.0])
    for g in groups:
        if g["n"] >= MIN_REVIEWS:
            s = sums[g["reviewer_level"]]
            s[0] += 1
            s[1] += g["mean"]
            s[2] += g["mean"] ** 2
    rows = []
    for g in groups:
        k, total, squares = sums[g["reviewer_level"]]
        own = g["n"] >= MIN_REVIEWS
        peers = k - 1 if own else k
        peer_sum = total - g["mean"] if own else total
        peer_squares = squares - g["mean"] ** 2 if own else squares
        peer_mean = peer_sd = deviation = None
        flag = ""
        if own and peers >= MIN_PEERS:
            peer_mean = peer_sum / peers
            peer_sd = math.sqrt(max(peer_squares - peers * peer_mean**2, 0.0) / (peers - 1))
            deviation = g["mean"] - peer_mean
            if abs(deviation) > SPREAD * peer_sd and abs(deviation) >= MIN_DEVIATION:
                flag = LENIENT if deviation > 0 else HARSH
        rows.append(
            {
                "reviewer_id": g["reviewer_id"],
                "reviewer_code": g["reviewer_code"],
                "reviewer_name": g["reviewer_name"],
                "reviewer_level": g["reviewer_level"],
                "n": g["n"],
                "mean_gap": _dec(g["mean"]),
                "sd": _dec(g["sd"]),
                "peers": peers if own else None,
                "peer_mean": _dec(peer_mean),
                "peer_sd": _dec(peer_sd),
                "deviation": _dec(deviation),
                "flag": flag,
            }
        )
    rows.sort(key=lambda r: (not r["flag"], r["reviewer_code"]))
    return Calibration(rows)


def calibration_columns() -> list[Column]:
    return [
        Column("reviewer_code", _t("Reviewing unit code")),
        Column("reviewer_name", _t("Reviewing unit")),
        Column("level", _t("Level")),
        Column("n", _t("Reviews"), "int"),
        Column("mean_gap", _t("Mean gap (review − self)"), "decimal"),
        Column("sd", _t("Standard deviation"), "decimal"),
        Column("peers", _t("Peers"), "int"),
        Column("peer_mean", _t("Peers' mean gap"), "decimal"),
        Column("peer_sd", _t("Peers' standard deviation"), "decimal"),
        Column("deviation", _t("Difference from peers"), "decimal"),
        Column("flag", _t("Flag")),
    ]


def calibration_table(scope: Scope, round_: Round, rows: list[dict]) -> Table:
    return Table(
        name="calibration",
        title=_t("Reviewer calibration"),
        columns=calibration_columns(),
        rows=[
            [
                r["reviewer_code"],
                r["reviewer_name"],
                str(LEVEL_LABELS.get(r["reviewer_level"], r["reviewer_level"])),
                r["n"],
                r["mean_gap"],
                r["sd"],
                r["peers"],
                r["peer_mean"],
                r["peer_sd"],
                r["deviation"],
                str(FLAG_LABELS[r["flag"]]) if r["flag"] else "",
            ]
            for r in rows
        ],
        scope=scope.name,
        year=round_.year,
    )
