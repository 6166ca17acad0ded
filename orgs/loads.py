"""Bulk writes near the copy floor: ids reserved up front, each row written once (COPY on
PostgreSQL, one executemany elsewhere), and fresh planner statistics afterwards.

The tree load (``services.orgs_bulk_load``) numbers a whole tree in one depth-first pass
(``tree_plan``): ids, lft/rght, tree_id, depth and the denormalised ancestors are known before a
row is written, so there is no second pass of UPDATEs over the new rows."""

from __future__ import annotations

import gc
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import NamedTuple

from django.db import connection
from django.db.models import Max, Model, Q
from django.db.models.expressions import RawSQL

from yuxi_campaign.core.stamps import stamp_bump

from . import rules

# The columns of a new unit, in the order ``tree_plan`` builds its rows.
ORG_COLUMNS = (
    "id",
    "code",
    "name",
    "level",
    "kind",
    "area_type",
    "parent_id",
    "is_active",
    "county_id",
    "township_id",
    "village_id",
    "lft",
    "rght",
    "tree_id",
    "depth",
)
_RGHT = ORG_COLUMNS.index("rght")
_ANCESTOR_OF_LEVEL = {"county": "county_id", "township": "township_id", "village": "village_id"}


@contextmanager
def gc_paused() -> Iterator[None]:
    """Python's cycle collector off for a bulk load: the load builds hundreds of thousands of
    rows that form no cycles (reference counting frees them), and each collection walked them all
    again (a third of a province's planning time)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def ids_reserve(model: type[Model], count: int, *, exclusive: bool = False) -> range | list[int]:
    """``count`` primary keys that no other insert will take. PostgreSQL: drawn from the table's
    own sequence (so the sequence is past them afterwards, whatever else draws from it meanwhile);
    ``exclusive``: the caller holds a lock that keeps every other insert into the table out (the
    tree lock, for units), so the sequence is moved past one block at once instead of drawing
    ``count`` times (0.8 s for a province's 164,000 units). SQLite: after the highest id and the
    AUTOINCREMENT counter (the caller holds the write lock, and an explicit id moves the counter
    on)."""
    if count <= 0:
        return []
    table = model._meta.db_table
    pk = model._meta.pk.column
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            if exclusive:
                cursor.execute(
                    "SELECT setval(pg_get_serial_sequence(%s, %s),"
                    " nextval(pg_get_serial_sequence(%s, %s)) + %s - 1)",
                    [table, pk, table, pk, count],
                )
                last = cursor.fetchone()[0]
                return range(last - count + 1, last + 1)
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [table, pk, count],
            )
            return [row[0] for row in cursor.fetchall()]
        top = model._default_manager.aggregate(m=Max("pk"))["m"] or 0
        if connection.vendor == "sqlite":
            cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
            row = cursor.fetchone()
            top = max(top, row[0] if row else 0)
    return range(top + 1, top + 1 + count)


def codes_q(codes: Iterable[str]) -> Q:
    """``code IN codes`` for many codes: one array parameter on PostgreSQL (a list of 164,000
    parameters took two seconds to build and send), a plain IN elsewhere."""
    codes = list(codes)
    if connection.vendor == "postgresql":
        return Q(code__in=RawSQL("SELECT unnest(%s::text[])", [codes]))
    return Q(code__in=codes)


def rows_copy(*, table: str, columns: Sequence[str], rows: Iterable[Sequence]) -> None:
    """Write ``rows`` (tuples in ``columns`` order) into ``table`` once: COPY on PostgreSQL,
    one executemany elsewhere. COPY passes by the data stamp's watch: the stamp is bumped here."""
    stamp_bump()
    qn = connection.ops.quote_name
    names = ", ".join(qn(c) for c in columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {qn(table)} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join(["%s"] * len(columns))
            cursor.executemany(f"INSERT INTO {qn(table)} ({names}) VALUES ({marks})", list(rows))  # noqa: S608 - our table


def tables_analyze(*tables: str) -> None:
    """Fresh planner statistics after a bulk load (PostgreSQL; SQLite plans without them well
    enough). Without them a grouped progress query took 2.5 s instead of 0.1 s on the province.
    No table: the whole database."""
    if connection.vendor != "postgresql":
        return
    qn = connection.ops.quote_name
    with connection.cursor() as cursor:
        if tables:
            cursor.execute("ANALYZE " + ", ".join(qn(t) for t in tables))
        else:
            cursor.execute("ANALYZE")


@dataclass
class TreePlan:
    """What one load writes: the new units as full rows (``ORG_COLUMNS``, in lft order), and
    the existing units whose position moved as (lft, rght, depth, county, township, village, id)."""

    new_rows: list[list] = field(default_factory=list)
    moved: list[tuple] = field(default_factory=list)


class Node(NamedTuple):
    """A unit in the numbering: an existing one (its ``pk``; ``old`` holds its stored lft, rght,
    depth, county, township, village) or a new one (no pk yet; ``row`` holds its code, name,
    level, kind). A named tuple: built 164,000 times by a province's load, two and a half times
    quicker than a frozen dataclass."""

    pk: int | None
    code: str
    level: str
    old: tuple | None = None
    row: tuple | None = None


def tree_plan(*, trees: dict[int, list[tuple[Node, str | None]]], ids: Iterable[int]) -> TreePlan:
    """Number each tree (tree_id → its nodes with their parents' codes) in one depth-first
    pass, children in code order as ``order_insertion_by`` keeps them: lft/rght, depth and
    ancestors for every node, full rows for the new ones (which take the next of ``ids`` in
    lft order), and the existing nodes that moved."""
    plan = TreePlan()
    fresh = iter(ids)
    for tree_id, nodes in trees.items():
        children: dict[str | None, list[Node]] = defaultdict(list)
        for node, parent_code in nodes:
            children[parent_code].append(node)
        for siblings in children.values():
            siblings.sort(key=lambda n: n.code)
        counter = 0
        no_ancestors = {"county_id": None, "township_id": None, "village_id": None}
        stack: list[tuple[Node, int | None, dict, int]] = [
            (root, None, no_ancestors, -1) for root in reversed(children[None])
        ]
        opened: dict[str, tuple[int, int, int]] = {}  # code → (pk, lft, index of its new row or -1)
        while stack:
            node, parent_id, ancestors, entering = stack.pop()
            depth = rules.LEVEL_DEPTH[node.level]
            if entering == -1:
                counter += 1
                index = -1
                pk = node.pk
                if node.row is not None:
                    pk = next(fresh)
                    code, name, level, kind = node.row
                    index = len(plan.new_rows)
                    plan.new_rows.append(
                        [
                            pk,
                            code,
                            name,
                            level,
                            kind,
                            rules.area_type_for(kind),
                            parent_id,
                            True,
                            ancestors["county_id"],
                            ancestors["township_id"],
                            ancestors["village_id"],
                            counter,
                            0,
                            tree_id,
                            depth,
                        ]
                    )
                opened[node.code] = (pk, counter, index)
                stack.append((node, parent_id, ancestors, 0))
                below = ancestors
                if attr := _ANCESTOR_OF_LEVEL.get(node.level):
                    below = {**ancestors, attr: pk}
                for child in reversed(children.get(node.code, ())):
                    stack.append((child, pk, below, -1))
            else:
                counter += 1
                pk, lft, index = opened.pop(node.code)
                if index >= 0:
                    plan.new_rows[index][_RGHT] = counter
                else:
                    new = (
                        lft,
                        counter,
                        depth,
                        ancestors["county_id"],
                        ancestors["township_id"],
                        ancestors["village_id"],
                    )
                    if new != node.old:
                        plan.moved.append((*new, pk))
    return plan


def instances_copy(objs: Sequence[Model]) -> None:
    """Write unsaved model instances (all of one model) once, without Django's INSERT … RETURNING:
    each takes a reserved id first (``ids_reserve``), then every concrete column goes through the
    field's own ``pre_save`` and database preparation, as ``bulk_create`` would do."""
    if not objs:
        return
    model = type(objs[0])
    meta = model._meta
    missing = [obj for obj in objs if obj.pk is None]
    for obj, pk in zip(missing, ids_reserve(model, len(missing)), strict=True):
        obj.pk = pk
    fields = meta.concrete_fields
    rows = (
        [field.get_db_prep_save(field.pre_save(obj, True), connection) for field in fields] for obj in objs
    )
    rows_copy(table=meta.db_table, columns=[f.column for f in fields], rows=rows)
    for obj in objs:
        obj._state.adding = False
        obj._state.db = connection.alias
