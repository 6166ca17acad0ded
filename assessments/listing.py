"""Lists of assessments in index order, for the pages and the API.

A list walks one round at a time, newest first, and within a round the units in tree order
(tree_id, lft) and then the target. Within one round PostgreSQL drives that order from the unit
index ``org_tree_lft`` and looks each unit's assessment up by the unique (org, round, target)
index, so a page stops at its LIMIT instead of sorting the whole scope: a page costs the same for
1,000 units or 164,000. A page nearer the end of a round walks the same index backwards, so the last
page costs what the first does.

The count (and the rows per round a page needs to find its round) comes from ``round_counts``, the
one source of a list's count: one grouped query, kept briefly in the cache for big scopes.

Rows are ``.values()`` dicts (no model instance per row); ``RowView`` lets the rules of
``policy`` read a row as they read an assessment, and ``Actions`` asks them once per distinct case.
For the API, ``json_rows`` has the database write each row's fields as JSON text; the API adds
``allowed_actions``, the one field only Python knows (``api.serializers.AssessmentRowWriter``): no
field goes through Python one by one."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import EmptyResultSet
from django.db.models import (
    BooleanField,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    Func,
    OuterRef,
    Q,
    QuerySet,
    TextField,
)

from orgs.models import Level

from . import policy
from .models import Objection, ObjectionStatus

ORDER = ("org__tree_id", "org__lft", "target")  # within a round
BACKWARDS = tuple(f"-{name}" for name in ORDER)
KEY_FIELDS = ("org__tree_id", "org__lft", "target")  # a row's place in ORDER

# What a list row of assessments carries: the detail's fields, and what allowed_actions reads.
ROW_FIELDS = (
    "id",
    "org_id",
    "org__code",
    "org__name",
    "org__level",
    "org__parent_id",
    "org__parent__parent_id",
    "round_id",
    "round__year",
    "target",
    "state",
    "version",
    "self_total",
    "review_total",
    "recheck_total",
    "final_score",
    "veto_failed",
    "outcome",
    "notice_ends_at",
    "rectify_deadline",
    "rectify_overdue_at",
    "has_pending_objection",
)


def assessment_rows(qs: QuerySet) -> QuerySet:
    """``qs`` (assessments, scoped and filtered) as ``ROW_FIELDS`` rows, pending objections as EXISTS."""
    pending = Objection.objects.filter(assessment=OuterRef("pk"), status=ObjectionStatus.PENDING)
    return qs.annotate(has_pending_objection=Exists(pending)).values(*ROW_FIELDS)


class _RowJson(Func):
    """An API list row (all its fields but ``allowed_actions``) as JSON object text, written by
    the database in the serializer's order, with its formats: totals as ``"85.50"``, instants in
    UTC as ``"…Z"``, blanks as null. Plain concatenation: PostgreSQL's json_build_object cost
    twice as much per row."""

    output_field = TextField()
    # (key, how it is written, column)
    FIELDS = (
        ("id", "number", "id"),
        ("org", "number", "org_id"),
        ("org_code", "text", "org__code"),
        ("org_name", "text", "org__name"),
        ("level", "word", "org__level"),
        ("round", "number", "round_id"),
        ("year", "number", "round__year"),
        ("target", "word", "target"),
        ("state", "word", "state"),
        ("version", "number", "version"),
        ("self_total", "total", "self_total"),
        ("review_total", "total", "review_total"),
        ("recheck_total", "total", "recheck_total"),
        ("final_score", "total", "final_score"),
        ("veto_failed", "boolean", "veto_failed"),
        ("outcome", "blank_as_null", "outcome"),
        ("notice_ends_at", "instant", "notice_ends_at"),
        ("rectify_deadline", "date", "rectify_deadline"),
    )

    def __init__(self):
        super().__init__(*(F(column) for _key, _how, column in self.FIELDS))

    def as_sql(self, compiler, connection, **extra_context):
        postgres = connection.vendor == "postgresql"
        parts, params = [], []
        for (key, how, _column), expression in zip(self.FIELDS, self.get_source_expressions(), strict=True):
            x, more = compiler.compile(expression)
            value, times = self._value(how, x, postgres)
            parts.append(f"'{'{' if not parts else ','}\"{key}\":' || {value}")
            params.extend(more * times)
        return "(" + " || ".join([*parts, "'}'"]) + ")", params

    @staticmethod
    def _value(how: str, x: str, postgres: bool) -> tuple[str, int]:
        """The SQL writing column ``x`` as a JSON value, and how many times it names ``x``."""
        if how == "number":
            return f"{x}", 1
        if how == "word":  # a choice: letters and underscores
            return f"'\"' || {x} || '\"'", 1
        if how == "text":
            return (f"to_json({x}::text)::text", 1) if postgres else (f"json_quote({x})", 1)
        if how == "boolean":
            return f"CASE WHEN {x} THEN 'true' ELSE 'false' END", 1
        if how == "blank_as_null":
            return f"CASE WHEN {x} = '' THEN 'null' ELSE '\"' || {x} || '\"' END", 2
        if how == "total":  # numeric(6, 2) keeps its two places; SQLite keeps a float
            if postgres:
                return f"COALESCE('\"' || {x}::text || '\"', 'null')", 1
            return f"CASE WHEN {x} IS NULL THEN 'null' ELSE '\"' || printf('%%.2f', {x}) || '\"' END", 2
        if how == "date":
            text = f"to_char({x}, 'YYYY-MM-DD')" if postgres else x
            return f"COALESCE('\"' || {text} || '\"', 'null')", 1
        if how == "instant":  # isoformat: microseconds only when there are any
            if postgres:
                utc = f"({x} AT TIME ZONE 'UTC')"
                text = (
                    f"to_char({utc}, 'YYYY-MM-DD\"T\"HH24:MI:SS') || "
                    f"CASE WHEN to_char({utc}, 'US') = '000000' THEN '' ELSE '.' || to_char({utc}, 'US') END"
                )
                return f"COALESCE('\"' || {text} || 'Z\"', 'null')", 3
            return f"COALESCE('\"' || replace({x}, ' ', 'T') || 'Z\"', 'null')", 1  # stored in UTC
        raise ValueError(how)


# What Python reads of a JSON row: the text, and what the rules read (``Actions``).
JSON_ROW_FIELDS = (
    "row_json",
    "org_id",
    "org__level",
    "org__parent_id",
    "org__parent__parent_id",
    "state",
    "notice_ended",
    "has_pending_objection",
)


def json_rows(qs: QuerySet, *, now) -> QuerySet:
    """``qs`` as ``JSON_ROW_FIELDS`` rows: each row's API fields as JSON text (``_RowJson``), and
    whether its notice has ended at ``now`` (the instant itself is only in the text)."""
    pending = Objection.objects.filter(assessment=OuterRef("pk"), status=ObjectionStatus.PENDING)
    return qs.annotate(
        has_pending_objection=Exists(pending),
        notice_ended=ExpressionWrapper(Q(notice_ends_at__lte=now), output_field=BooleanField()),
        row_json=_RowJson(),
    ).values(*JSON_ROW_FIELDS)


def _query_key(qs: QuerySet) -> str:
    """A cache key of ``qs``: the user's scope and the filters are in its SQL and parameters."""
    sql, params = qs.query.sql_with_params()
    return hashlib.sha256(f"{sql}|{params!r}".encode()).hexdigest()


def round_counts(qs: QuerySet) -> list[tuple[int, int]]:
    """(round id, rows) of ``qs`` for each round it has rows in, newest round first.

    The one source of a list's count. A scope of at least ``LIST_COUNT_CACHE_MIN`` rows keeps its
    counts for ``LIST_COUNT_CACHE_SECONDS`` (per user scope and filters); smaller ones are counted
    on every request."""
    counting = qs.order_by().values("round_id", "round__year").annotate(rows=Count("pk"))
    try:
        key = "list-counts:" + _query_key(counting)
    except EmptyResultSet:  # a filter that can match nothing (an id out of the column's range)
        return []
    cached = cache.get(key)
    if cached is not None:
        return cached
    found = sorted(counting, key=lambda r: -r["round__year"])
    counts = [(r["round_id"], r["rows"]) for r in found]
    if sum(n for _r, n in counts) >= settings.LIST_COUNT_CACHE_MIN:
        cache.set(key, counts, settings.LIST_COUNT_CACHE_SECONDS)
    return counts


def _after(key: tuple) -> Q:
    """Rows after ``key`` (tree_id, lft, target) in list order. ``tree_id >= t`` is the index
    condition; the rest filters the unit index rows before any assessment is looked up."""
    t, lft, target = key
    return Q(org__tree_id__gte=t) & (
        Q(org__tree_id__gt=t)
        | Q(org__tree_id=t, org__lft__gt=lft)
        | Q(org__tree_id=t, org__lft=lft, target__gt=target)
    )


def _before(key: tuple) -> Q:
    t, lft, target = key
    return Q(org__tree_id__lte=t) & (
        Q(org__tree_id__lt=t)
        | Q(org__tree_id=t, org__lft__lt=lft)
        | Q(org__tree_id=t, org__lft=lft, target__lt=target)
    )


class RoundFirstRows:
    """The rows of ``qs`` in list order, as a sequence that Django's and DRF's paginators slice:
    ``count()`` from ``round_counts``, and a slice fetched round by round in index order (one
    query per round the slice spans, usually one).

    Deep pages of a big scope: each page served leaves bookmarks in the cache (the sort key of its
    first and last row), and the next or previous page starts from one (keyset) instead of
    counting rows off (OFFSET). A page nearer the end of a round walks from the end."""

    def __init__(self, qs: QuerySet, rows=assessment_rows, fields: tuple[str, ...] = ROW_FIELDS):
        self.qs = qs
        self.rows = rows
        self.fields = tuple(dict.fromkeys(fields + KEY_FIELDS))
        self._counts: list[tuple[int, int]] | None = None

    @property
    def counts(self) -> list[tuple[int, int]]:
        if self._counts is None:
            self._counts = round_counts(self.qs)
        return self._counts

    def count(self) -> int:
        return sum(n for _round, n in self.counts)

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, index):
        if not isinstance(index, slice) or index.step not in (None, 1):
            raise TypeError("RoundFirstRows takes a slice")
        start, stop = index.start or 0, index.stop if index.stop is not None else self.count()
        bookmarks = self.count() >= settings.LIST_COUNT_CACHE_MIN
        out: list[dict] = []
        offset = 0
        for round_id, n in self.counts:
            lo, hi = max(start - offset, 0), min(stop - offset, n)
            if lo < hi:
                out.extend(self._part(round_id, n, lo, hi, bookmarks))
            offset += n
            if offset >= stop:
                break
        return out

    def _part(self, round_id: int, n: int, lo: int, hi: int, bookmarks: bool) -> list[dict]:
        """Rows ``lo`` to ``hi`` of one round."""
        in_round = self.qs.filter(round_id=round_id)
        rows = self.rows(in_round).values(*self.fields)
        mark = f"list-mark:{_query_key(in_round)}:"
        marks = cache.get_many([f"{mark}end:{lo}", f"{mark}start:{hi}"]) if bookmarks and 0 < lo else {}
        if f"{mark}end:{lo}" in marks:
            part = list(rows.filter(_after(marks[f"{mark}end:{lo}"])).order_by(*ORDER)[: hi - lo])
        elif f"{mark}start:{hi}" in marks:
            part = list(rows.filter(_before(marks[f"{mark}start:{hi}"])).order_by(*BACKWARDS)[: hi - lo])
            part.reverse()
        elif lo > n - hi:  # nearer the end of the round: walk the index from the end
            part = list(rows.order_by(*BACKWARDS)[n - hi : n - lo])
            part.reverse()
        else:
            part = list(rows.order_by(*ORDER)[lo:hi])
        if bookmarks and part:
            key = lambda row: tuple(row[f] for f in KEY_FIELDS)  # noqa: E731
            cache.set_many(
                {f"{mark}start:{lo}": key(part[0]), f"{mark}end:{hi}": key(part[-1])},
                settings.LIST_COUNT_CACHE_SECONDS,
            )
        return part


class CountedRows:
    """The rows of ``rows`` (any queryset, sliced as it is) with the count of ``counted`` (the
    same rows without what only the output needs: annotations, joins) from ``round_counts``, so a
    big scope is not counted on every page. For the paginators."""

    def __init__(self, rows: QuerySet, counted: QuerySet):
        self.rows, self.counted = rows, counted
        self._count: int | None = None

    def count(self) -> int:
        if self._count is None:
            self._count = sum(n for _round, n in round_counts(self.counted))
        return self._count

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, index):
        if not isinstance(index, slice):
            raise TypeError("CountedRows takes a slice")
        return list(self.rows[index])


@dataclass(frozen=True, slots=True)
class _Parent:
    pk: int
    parent_id: int | None


@dataclass(frozen=True, slots=True)
class _Org:
    parent_id: int | None
    parent: _Parent | None
    level: str


@dataclass(frozen=True, slots=True)
class RowView:
    """A list row as ``policy`` reads an assessment: its unit, the unit's level, parent and
    grandparent ids, its state and notice end (no query)."""

    org_id: int
    org: _Org
    state: str
    notice_ends_at: object

    @classmethod
    def of(cls, row: dict) -> RowView:
        parent_id = row["org__parent_id"]
        parent = None if parent_id is None else _Parent(parent_id, row["org__parent__parent_id"])
        org = _Org(parent_id, parent, row["org__level"])
        if "notice_ends_at" in row:
            ends = row["notice_ends_at"]
        else:  # a JSON row (``json_rows``): read it back from the text
            text = json.loads(row["row_json"])["notice_ends_at"]
            ends = None if text is None else dt.datetime.fromisoformat(text)
        return cls(row["org_id"], org, row["state"], ends)


class Actions:
    """``policy.allowed_actions`` of list rows for ``user`` at ``now``, asked once per distinct
    case of what the rules read of a row: its state; whether the caller's unit is the row's unit,
    its parent or its grandparent, and whether it has a grandparent (the recheck unit follows);
    whether the unit is a group (its parent may act on its behalf); whether the notice has ended;
    a pending objection."""

    def __init__(self, user, now):
        self.user, self.now = user, now
        self.me = user.org_id
        self.memo: dict[tuple, list[str]] = {}

    def case(self, row: dict) -> tuple:
        me, grand = self.me, row["org__parent__parent_id"]
        if "notice_ended" in row:  # a JSON row
            ended = bool(row["notice_ended"])
        else:
            ends = row["notice_ends_at"]
            ended = ends is not None and self.now >= ends
        return (
            row["state"],
            row["org_id"] == me,
            row["org__parent_id"] == me,
            grand == me,
            grand is None,
            row["org__level"] == Level.GROUP,
            ended,
            row["has_pending_objection"],
        )

    def __call__(self, row: dict) -> list[str]:
        case = self.case(row)
        actions = self.memo.get(case)
        if actions is None:
            actions = self.memo[case] = policy.allowed_actions(
                self.user, RowView.of(row), now=self.now, has_pending_objection=case[-1]
            )
        return actions
