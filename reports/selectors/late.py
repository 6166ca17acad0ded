"""The late list: who has not done, by its deadline, what the round asks of them (declare for 达标,
fill in the self-assessment sheet, review, rectify), with who must act and their officials.

The deadlines are the round's closes as the workflow enforces them (``assessments.windows``): a
window extended for all closes later for everyone, one extended for a unit later for that unit.

One UNION of two reads (units that have not declared, found with NOT EXISTS, and assessments past
a deadline), counted by kind in two aggregates; the names of officials in one query for the units
of a page, never one per row: a fixed number of queries whatever the number of units."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import (
    Case,
    CharField,
    Count,
    DateField,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
)
from django.utils import timezone
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _

from assessments.labels import ROLE_LABELS, TARGET_LABELS
from assessments.models import Assessment, Round, State, Target, Title, Window
from assessments.windows import Closes, round_closes
from indicators.models import IndicatorSet
from orgs.models import Organisation, Role, User
from yuxi_campaign.core.tables import Column, Table

from .scope import LEVEL_LABELS, Scope


def official_name(row: dict) -> str:
    """The official's real name (姓名) as ``User.display_name`` gives it, from a values() row."""
    full = row.get("name") or f"{row['last_name']}{row['first_name']}".strip()
    return full or row["username"]


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


def _closed(closes: Closes, window: str, today: dt.date, unit: str) -> Q | None:
    """The rows (whose unit is the field ``unit``) for which ``window`` closed before ``today``;
    None when it closed for nobody."""
    if today <= closes.everyone[window]:
        return None  # the units' own extensions only ever close later
    still_open = [org_id for org_id, day in closes.later_units(window).items() if day >= today]
    return ~Q(**{f"{unit}__in": still_open}) if still_open else Q()


def _due(closes: Closes, window: str, unit: str):
    """The close of ``window`` for the row's unit (the field ``unit``), as an expression."""
    later = closes.later_units(window)
    everyone = Value(closes.everyone[window], output_field=DateField())
    if not later:
        return everyone
    whens = [When(**{unit: org_id}, then=Value(day)) for org_id, day in later.items()]
    return Case(*whens, default=everyone, output_field=DateField())


def _undeclared(scope: Scope, round_: Round, closes: Closes) -> QuerySet[Organisation]:
    """Units that should have declared for 达标 by the round's declaration close (their own,
    when extended) and did not: active units below the city, at a level with an indicator set
    for the year, with no 达标 assessment in the round, that did not hold a 达标 title at the
    deadline (granted in an earlier round, not revoked by then). A unit holding 达标 may declare
    示范 but need not."""
    declared = Assessment.objects.filter(org=OuterRef("pk"), round=round_, target=Target.STANDARD)
    deadline = closes.everyone[Window.DECLARATION]
    held = Title.objects.filter(org=OuterRef("pk"), kind=Target.STANDARD, round__year__lt=round_.year).filter(
        Q(revoked_at__isnull=True) | Q(revoked_at__date__gt=deadline)
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


def _overdue_assessments(scope: Scope, round_: Round, closes: Closes, today: dt.date) -> QuerySet[Assessment]:
    """Self sheets still in draft after the self-assessment close, reviews still waiting
    (submitted) after the review close (each the unit's own, when extended), and rectifications
    past their deadline, of titles granted in this round or an earlier one."""
    late = Q(state=State.RECTIFYING, rectify_deadline__lt=today, round__year__lte=round_.year)
    if (closed := _closed(closes, Window.SELF_ASSESSMENT, today, "org_id")) is not None:
        late |= Q(state=State.DRAFT, round=round_) & closed
    if (closed := _closed(closes, Window.REVIEW, today, "org_id")) is not None:
        late |= Q(state=State.SUBMITTED, round=round_) & closed
    return Assessment.objects.filter(late, **scope.filters("org__"))


def _late_union(scope: Scope, round_: Round, closes: Closes, today: dt.date) -> QuerySet:
    text = CharField()
    by_unit = State.DRAFT  # the unit itself acts on a draft; its parent on the others
    assessments = _overdue_assessments(scope, round_, closes, today).annotate(
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
            When(state=State.DRAFT, then=_due(closes, Window.SELF_ASSESSMENT, "org_id")),
            When(state=State.SUBMITTED, then=_due(closes, Window.REVIEW, "org_id")),
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
    if (closed := _closed(closes, Window.DECLARATION, today, "pk")) is not None:
        units = (
            _undeclared(scope, round_, closes)
            .filter(closed)
            .annotate(
                unit_id=F("pk"),
                unit_code=F("code"),
                unit_name=F("name"),
                unit_level=F("level"),
                what=Value(DECLARATION, output_field=text),
                due=_due(closes, Window.DECLARATION, "pk"),
                assessment=Value(None, output_field=IntegerField()),
                aim=Value(Target.STANDARD, output_field=text),
                actor_unit_id=F("pk"),
                actor_unit_code=F("code"),
                actor_unit_name=F("name"),
                actor_unit_level=F("level"),
            )
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
    closes = round_closes(round_)
    overdue = _overdue_assessments(scope, round_, closes, today).aggregate(
        self_sheet=Count("pk", filter=Q(state=State.DRAFT)),
        review=Count("pk", filter=Q(state=State.SUBMITTED)),
        rectification=Count("pk", filter=Q(state=State.RECTIFYING)),
    )
    closed = _closed(closes, Window.DECLARATION, today, "pk")
    counts = {
        DECLARATION: 0 if closed is None else _undeclared(scope, round_, closes).filter(closed).count(),
        **{kind: overdue[kind] for kind in (SELF_SHEET, REVIEW, RECTIFICATION)},
    }
    return LateRows(_late_union(scope, round_, closes, today), counts, today)


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
            .values("org_id", "role", "username", "name", "first_name", "last_name")
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
