"""Counters kept at write time: add deltas to rows of a rollup table with one atomic statement
(``INSERT … ON CONFLICT … DO UPDATE SET n = table.n + excluded.n``, PostgreSQL and SQLite ≥ 3.24),
never read-modify-write. Rows are written in key order, so two writers touching the same rows
lock them in the same order and cannot deadlock."""

from __future__ import annotations

from collections.abc import Sequence

from django.db import connection


def counters_add(
    *, table: str, keys: Sequence[str], values: Sequence[str], rows: dict[tuple, Sequence[int]]
) -> None:
    """Add each row's values (a sequence in the order of ``values``) to the row with that key,
    creating it when missing. Rows whose deltas are all zero are skipped."""
    items = sorted((key, tuple(deltas)) for key, deltas in rows.items() if any(deltas))
    if not items:
        return
    columns = [*keys, *values]
    placeholders = "(" + ", ".join(["%s"] * len(columns)) + ")"
    updates = ", ".join(f'{c} = "{table}".{c} + excluded.{c}' for c in values)
    with connection.cursor() as cursor:
        for start in range(0, len(items), 500):
            batch = items[start : start + 500]
            cursor.execute(
                f'INSERT INTO "{table}" ({", ".join(columns)}) '  # noqa: S608 - our table and columns
                f"VALUES {', '.join([placeholders] * len(batch))} "
                f"ON CONFLICT ({', '.join(keys)}) DO UPDATE SET {updates}",
                [v for key, deltas in batch for v in (*key, *deltas)],
            )
