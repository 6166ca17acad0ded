"""Units per ancestor and level, kept at write time (``UnitRollup``), for progress to read in one
indexed query instead of grouping the tree on every request.

Every function here runs inside a structural write of ``orgs.services``, with the tree lock held,
so org rollups have one writer at a time; they still change by atomic increments only. The
rebuild recomputes them with one grouped query over the denormalised ancestors (no walking)."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import connection

from yuxi_campaign.core import tree_hooks
from yuxi_campaign.core.counters import counters_add

from .models import Organisation, UnitRollup

TABLE = UnitRollup._meta.db_table
KEYS = ("org_id", "level", "fanout")


def path_ids(org: Organisation) -> list[int]:
    """The ids from the root of ``org``'s tree down to ``org`` itself (one indexed query)."""
    return list(
        Organisation.objects.filter(tree_id=org.tree_id, lft__lte=org.lft, rght__gte=org.rght)
        .order_by("lft")
        .values_list("pk", flat=True)
    )


def active_children(parent_id: int) -> int:
    return Organisation.objects.filter(parent_id=parent_id, is_active=True).count()


def fanout_changed(*, ancestor_ids: Iterable[int], level: str, before: int, after: int) -> None:
    """One parent's active children of ``level`` went from ``before`` to ``after``: move it from
    one fanout bucket to the other under each of ``ancestor_ids`` (the parent and those above)."""
    if before == after:
        return
    rows: dict[tuple, list[int]] = {}
    for ancestor in ancestor_ids:
        if before:
            rows[(ancestor, level, before)] = [-1]
        if after:
            rows[(ancestor, level, after)] = [1]
    counters_add(table=TABLE, keys=KEYS, values=("parents",), rows=rows)


def subtree_shift(*, root_id: int, ancestor_ids: Iterable[int], sign: int) -> None:
    """Add (sign 1) or take away (sign -1) the rows of ``root_id`` to or from each ancestor."""
    own = list(UnitRollup.objects.filter(org_id=root_id).values_list("level", "fanout", "parents"))
    rows = {
        (ancestor, level, fanout): [sign * parents]
        for ancestor in ancestor_ids
        for level, fanout, parents in own
    }
    counters_add(table=TABLE, keys=KEYS, values=("parents",), rows=rows)


def subtree_drop(org: Organisation) -> None:
    """Every unit of ``org``'s subtree became inactive: none of them has rows any more."""
    UnitRollup.objects.filter(
        org__tree_id=org.tree_id, org__lft__gte=org.lft, org__lft__lte=org.rght
    ).delete()


# ---------------------------------------------------------------------------------------------
# Recomputation from scratch


def _recompute_sql(tree_ids: list[int] | None) -> tuple[str, list]:
    """One grouped query: each active parent's active children per level, counted under the
    parent itself, its root and its denormalised county, township and village."""
    org = Organisation._meta.db_table
    where, params = "", []
    if tree_ids is not None:
        where = f" AND p.tree_id IN ({', '.join(['%s'] * len(tree_ids))})"
        params = list(tree_ids)
    sql = f"""
        WITH fan AS (
            SELECT p.id AS id, p.tree_id AS tree_id, p.parent_id AS parent_id, p.county_id AS county_id,
                   p.township_id AS township_id, p.village_id AS village_id, c.level AS level,
                   COUNT(*) AS fanout
            FROM {org} c JOIN {org} p ON p.id = c.parent_id
            WHERE c.is_active AND p.is_active{where}
            GROUP BY p.id, p.tree_id, p.parent_id, p.county_id, p.township_id, p.village_id, c.level
        )
        SELECT ancestor, level, fanout, COUNT(*) FROM (
            SELECT id AS ancestor, level, fanout FROM fan
            UNION ALL
            SELECT r.id, fan.level, fan.fanout FROM fan
                JOIN {org} r ON r.tree_id = fan.tree_id AND r.parent_id IS NULL
                WHERE fan.parent_id IS NOT NULL
            UNION ALL SELECT county_id, level, fanout FROM fan WHERE county_id IS NOT NULL
            UNION ALL SELECT township_id, level, fanout FROM fan WHERE township_id IS NOT NULL
            UNION ALL SELECT village_id, level, fanout FROM fan WHERE village_id IS NOT NULL
        ) AS rows
        GROUP BY ancestor, level, fanout
    """  # noqa: S608 - our tables; values are parameters
    return sql, params


def recomputed(tree_ids: list[int] | None = None) -> dict[tuple, int]:
    """(org, level, fanout) → parents, from the tree itself."""
    sql, params = _recompute_sql(tree_ids)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return {(org, level, fanout): n for org, level, fanout, n in cursor.fetchall()}


def stored(tree_ids: list[int] | None = None) -> dict[tuple, int]:
    qs = UnitRollup.objects.exclude(parents=0)
    if tree_ids is not None:
        qs = qs.filter(org__tree_id__in=tree_ids)
    return {(org, level, fanout): n for org, level, fanout, n in qs.values_list(*KEYS, "parents")}


def unit_rollups_rebuild(tree_ids: list[int] | None = None) -> int:
    """Replace the rows (of the trees ``tree_ids``, or all) with a recomputation; call with the
    tree lock held or in a quiet database. Returns the number of rows written."""
    old = UnitRollup.objects.all()
    if tree_ids is not None:
        old = old.filter(org__tree_id__in=tree_ids)
    old.delete()
    sql, params = _recompute_sql(tree_ids)
    qn = connection.ops.quote_name
    columns = ", ".join(qn(UnitRollup._meta.get_field(name).column) for name in (*KEYS, "parents"))
    with connection.cursor() as cursor:  # written by the database itself: no row goes through Python
        cursor.execute(f"INSERT INTO {qn(UnitRollup._meta.db_table)} ({columns}) {sql}", params)  # noqa: S608 - our table
        return cursor.rowcount


def unit_rollups_differences() -> list[str]:
    """The rows where the stored rollup and a recomputation differ, described one a line."""
    have, want = stored(), recomputed()
    return [
        f"units org={key[0]} level={key[1]} fanout={key[2]}: stored {have.get(key, 0)}, "
        f"recomputed {want.get(key, 0)}"
        for key in sorted(set(have) | set(want), key=str)
        if have.get(key, 0) != want.get(key, 0)
    ]


# ---------------------------------------------------------------------------------------------
# The structural writes of ``orgs.services``, each after its own change, under the tree lock.
# Listeners of ``core.tree_hooks`` (the assessments' rollup) follow in the same transaction.


def unit_added(org: Organisation) -> None:
    """``org`` was just created (active, no children) under its parent."""
    parent_path = path_ids(org)[:-1]
    after = active_children(org.parent_id)
    fanout_changed(ancestor_ids=parent_path, level=org.level, before=after - 1, after=after)


def unit_deactivated(org: Organisation) -> None:
    """``org`` (active until now) and everything below it were just deactivated."""
    above = path_ids(org)[:-1]
    subtree_shift(root_id=org.pk, ancestor_ids=above, sign=-1)
    if org.parent_id:
        after = active_children(org.parent_id)
        fanout_changed(ancestor_ids=above, level=org.level, before=after + 1, after=after)
    subtree_drop(org)
    tree_hooks.subtree_detached(root_id=org.pk, ancestor_ids=above, deactivated=True)


def unit_reactivated(org: Organisation) -> None:
    """``org`` alone was just made active again (its subtree stays inactive)."""
    above = path_ids(org)[:-1]
    if org.parent_id:
        after = active_children(org.parent_id)
        fanout_changed(ancestor_ids=above, level=org.level, before=after - 1, after=after)
    tree_hooks.subtree_attached(root_id=org.pk, ancestor_ids=above, reactivated=True)


def unit_moved(org: Organisation, *, old_path: list[int], old_parent_id: int) -> None:
    """``org`` and its subtree were just moved from under ``old_parent_id`` (``old_path``: root
    down to ``org`` before the move) to under ``org.parent``."""
    if not org.is_active or old_parent_id == org.parent_id:
        return
    old_above, new_above = old_path[:-1], path_ids(org)[:-1]
    subtree_shift(root_id=org.pk, ancestor_ids=old_above, sign=-1)
    left = active_children(old_parent_id)
    fanout_changed(ancestor_ids=old_above, level=org.level, before=left + 1, after=left)
    tree_hooks.subtree_detached(root_id=org.pk, ancestor_ids=old_above, deactivated=False)
    subtree_shift(root_id=org.pk, ancestor_ids=new_above, sign=1)
    joined = active_children(org.parent_id)
    fanout_changed(ancestor_ids=new_above, level=org.level, before=joined - 1, after=joined)
    tree_hooks.subtree_attached(root_id=org.pk, ancestor_ids=new_above, reactivated=False)
