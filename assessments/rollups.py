"""Assessments per state and titled units, per ancestor × level × year (``AssessmentRollup``),
kept at write time so that progress reads a few rows instead of grouping the campaign's tables.

Every write that changes them adds deltas in its own transaction, by atomic increments
(``core.counters``): a declaration, each transition (namings and revocations change titles too),
and the tree's moves and (de)activations through ``core.tree_hooks``. A write first takes a
share lock on its unit's row (PostgreSQL), which a move or a deactivation of the unit's subtree
must wait for (and the other way round), so the ancestors it adds to are the unit's real ones.
``rollups_rebuild`` and ``rollups_differences`` recompute everything from scratch."""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable

from django.db import connection
from django.db.models import Count
from django.utils import timezone

from orgs.models import Organisation
from orgs.rollups import path_ids
from yuxi_campaign.core.counters import counters_add

from .models import Assessment, AssessmentRollup, State, Target, Title, TitleStatus

TABLE = AssessmentRollup._meta.db_table
KEYS = ("org_id", "level", "year")
TITLE_COLUMNS = (Target.STANDARD.value, Target.DEMONSTRATION.value)
STATE_COLUMNS = tuple(State.values)
VALUES = (*TITLE_COLUMNS, *STATE_COLUMNS)
TITLE_ACTIONS = {"close_notice", "revoke"}  # the transitions that grant or revoke a title

Rows = dict[tuple, list[int]]


def _add(rows: Rows, key: tuple, column: str, n: int) -> None:
    if n:
        rows.setdefault(key, [0] * len(VALUES))[VALUES.index(column)] += n


def _flush(rows: Rows) -> None:
    counters_add(table=TABLE, keys=KEYS, values=VALUES, rows=rows)


# ---------------------------------------------------------------------------------------------
# Years a unit holds a title


def title_span(year: int, status: str, revoked_at) -> tuple[int, float]:
    """The years [start, end) a title counts in: from its round's year until the calendar year
    it was revoked in (a revoked title with no date never counted)."""
    if status == TitleStatus.ACTIVE:
        return year, math.inf
    return year, (timezone.localtime(revoked_at).year if revoked_at else year)


def coverage(spans: Iterable[tuple[int, float]]) -> dict[int, int]:
    """A unit's titles of one kind as +1/-1 per year: the unit counts once in a year however
    many of its titles cover it."""
    deltas: dict[int, int] = defaultdict(int)
    merged: list[list] = []
    for start, end in sorted(s for s in spans if s[1] > s[0]):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    for start, end in merged:
        deltas[start] += 1
        if end != math.inf:
            deltas[int(end)] -= 1
    return {y: d for y, d in deltas.items() if d}


def unit_coverage(org_id: int, kind: str, *, lock: bool = False) -> dict[int, int]:
    titles = Title.objects.filter(org_id=org_id, kind=kind)
    if lock:
        titles = titles.select_for_update()
    return coverage(title_span(*row) for row in titles.values_list("round__year", "status", "revoked_at"))


# ---------------------------------------------------------------------------------------------
# Writes of the workflow


def _unit(org_id: int) -> tuple[str, bool, list[int]] | None:
    """Level, active flag and path (root … unit) of the unit, under a share lock of its row that
    a structural write of its subtree (which updates the row) waits for, and the other way round."""
    suffix = " FOR SHARE" if connection.vendor == "postgresql" else ""
    table = Organisation._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT level, is_active, tree_id, lft, rght FROM {table} WHERE id = %s{suffix}",  # noqa: S608 - our table
            [org_id],
        )
        row = cursor.fetchone()
    if row is None:
        return None
    level, active, tree_id, lft, rght = row
    path = path_ids(Organisation(tree_id=tree_id, lft=lft, rght=rght)) if active else []
    return level, bool(active), path


class Watch:
    """Around one write to an assessment: opened before the write (locks the unit's row and,
    when the action may grant or revoke a title, the unit's titles of that kind, and notes the
    years they cover), ``apply``-ed after it in the same transaction."""

    def __init__(self, a: Assessment, *, action: str | None = None):
        self.a = a
        self.unit = _unit(a.org_id)
        self.kind = a.target if action in TITLE_ACTIONS else None
        self.before = unit_coverage(a.org_id, self.kind, lock=True) if self.kind else {}

    def apply(self, *, from_state: str | None, to_state: str) -> None:
        if self.unit is None or not self.unit[1]:
            return  # inactive units are not counted
        level, _active, path = self.unit
        rows: Rows = {}
        year = self.a.round.year
        for ancestor in path:
            if from_state:
                _add(rows, (ancestor, level, year), from_state, -1)
            _add(rows, (ancestor, level, year), to_state, 1)
        if self.kind:
            after = unit_coverage(self.a.org_id, self.kind)
            for y in set(after) | set(self.before):
                for ancestor in path:
                    _add(rows, (ancestor, level, y), self.kind, after.get(y, 0) - self.before.get(y, 0))
        _flush(rows)


# ---------------------------------------------------------------------------------------------
# The tree's structural writes (registered with core.tree_hooks by the app config)


def _own_rows(org_id: int) -> Rows:
    return {
        (level, year): list(values)
        for level, year, *values in AssessmentRollup.objects.filter(org_id=org_id).values_list(
            "level", "year", *VALUES
        )
    }


def _shift(own: Rows, ancestor_ids: list[int], sign: int) -> None:
    _flush(
        {
            (ancestor, level, year): [sign * v for v in values]
            for ancestor in ancestor_ids
            for (level, year), values in own.items()
        }
    )


def _unit_alone(org: Organisation) -> Rows:
    """The rows one unit contributes at its own level, from its assessments and titles."""
    rows: Rows = {}
    for year, state, n in (
        Assessment.objects.filter(org=org)
        .order_by()
        .values_list("round__year", "state")
        .annotate(n=Count("id"))
    ):
        _add(rows, (org.level, year), state, n)
    for kind in TITLE_COLUMNS:
        for year, delta in unit_coverage(org.pk, kind).items():
            _add(rows, (org.level, year), kind, delta)
    return rows


class TreeListener:
    """What a move or (de)activation of a subtree does to the rollup (``core.tree_hooks``)."""

    def subtree_detached(self, *, root_id: int, ancestor_ids: list[int], deactivated: bool) -> None:
        _shift(_own_rows(root_id), ancestor_ids, -1)
        if deactivated:
            root = Organisation.objects.get(pk=root_id)
            AssessmentRollup.objects.filter(
                org__tree_id=root.tree_id, org__lft__gte=root.lft, org__lft__lte=root.rght
            ).delete()

    def subtree_attached(self, *, root_id: int, ancestor_ids: list[int], reactivated: bool) -> None:
        if reactivated:
            own = _unit_alone(Organisation.objects.get(pk=root_id))
            _flush({(root_id, *key): values for key, values in own.items()})
        else:
            own = _own_rows(root_id)
        _shift(own, ancestor_ids, 1)


tree_listener = TreeListener()


# ---------------------------------------------------------------------------------------------
# Recomputation from scratch: one grouped query for the states, one read of the titles


def _states_sql() -> str:
    org = Organisation._meta.db_table
    columns = ", ".join(f"SUM(CASE WHEN a.state = '{s}' THEN 1 ELSE 0 END) AS {s}" for s in STATE_COLUMNS)
    sums = ", ".join(f"SUM({s})" for s in STATE_COLUMNS)
    plain = ", ".join(STATE_COLUMNS)
    return f"""
        WITH unit AS (
            SELECT o.id AS id, o.level AS level, o.tree_id AS tree_id, o.parent_id AS parent_id,
                   o.county_id AS county_id, o.township_id AS township_id, o.village_id AS village_id,
                   r.year AS year, {columns}
            FROM {Assessment._meta.db_table} a
                JOIN {org} o ON o.id = a.org_id
                JOIN {Assessment._meta.get_field("round").related_model._meta.db_table} r ON r.id = a.round_id
            WHERE o.is_active
            GROUP BY o.id, o.level, o.tree_id, o.parent_id, o.county_id, o.township_id, o.village_id, r.year
        )
        SELECT ancestor, level, year, {sums} FROM (
            SELECT id AS ancestor, level, year, {plain} FROM unit
            UNION ALL
            SELECT root.id, unit.level, unit.year, {", ".join(f"unit.{s}" for s in STATE_COLUMNS)} FROM unit
                JOIN {org} root ON root.tree_id = unit.tree_id AND root.parent_id IS NULL
                WHERE unit.parent_id IS NOT NULL
            UNION ALL SELECT county_id, level, year, {plain} FROM unit WHERE county_id IS NOT NULL
            UNION ALL SELECT township_id, level, year, {plain} FROM unit WHERE township_id IS NOT NULL
            UNION ALL SELECT village_id, level, year, {plain} FROM unit WHERE village_id IS NOT NULL
        ) AS rows
        GROUP BY ancestor, level, year
    """  # noqa: S608 - our tables and the state names


def recomputed() -> Rows:
    """(org, level, year) → the values of ``VALUES``, from the assessments and titles themselves."""
    rows: Rows = {}
    with connection.cursor() as cursor:
        cursor.execute(_states_sql())
        for ancestor, level, year, *counts in cursor.fetchall():
            rows[(ancestor, level, year)] = [0, 0, *(int(n) for n in counts)]
    roots = dict(Organisation.objects.filter(parent=None).values_list("tree_id", "pk"))
    spans: dict[tuple, list] = defaultdict(list)
    ancestors: dict[int, tuple] = {}
    for org_id, kind, year, status, revoked_at, level, *above in Title.objects.filter(
        org__is_active=True
    ).values_list(
        "org_id",
        "kind",
        "round__year",
        "status",
        "revoked_at",
        "org__level",
        "org__tree_id",
        "org__parent_id",
        "org__county_id",
        "org__township_id",
        "org__village_id",
    ):
        spans[(org_id, kind)].append(title_span(year, status, revoked_at))
        tree_id, parent_id, *denormalised = above
        ids = [org_id, *(i for i in denormalised if i)]
        if parent_id is not None:
            ids.append(roots[tree_id])
        ancestors[org_id] = (level, ids)
    for (org_id, kind), unit_spans in spans.items():
        level, ids = ancestors[org_id]
        for year, delta in coverage(unit_spans).items():
            for ancestor in ids:
                _add(rows, (ancestor, level, year), kind, delta)
    return {key: values for key, values in rows.items() if any(values)}


def stored() -> Rows:
    return {
        (org, level, year): list(values)
        for org, level, year, *values in AssessmentRollup.objects.values_list(*KEYS, *VALUES)
        if any(values)
    }


def assessment_rollups_rebuild() -> int:
    """Replace every row with a recomputation (in a quiet database, or inside a transaction of
    its own). Returns the number of rows written."""
    rows = recomputed()
    AssessmentRollup.objects.all().delete()
    AssessmentRollup.objects.bulk_create(
        [
            AssessmentRollup(org_id=org, level=level, year=year, **dict(zip(VALUES, values, strict=True)))
            for (org, level, year), values in rows.items()
        ],
        batch_size=2000,
    )
    return len(rows)


def assessment_rollups_differences() -> list[str]:
    """The rows where the stored rollup and a recomputation differ, one a line."""
    have, want = stored(), recomputed()
    zero = [0] * len(VALUES)
    out = []
    for key in sorted(set(have) | set(want), key=str):
        a, b = have.get(key, zero), want.get(key, zero)
        if a != b:
            diff = ", ".join(f"{c} {x}≠{y}" for c, x, y in zip(VALUES, a, b, strict=True) if x != y)
            out.append(f"assessments org={key[0]} level={key[1]} year={key[2]}: stored≠recomputed {diff}")
    return out
