"""The data stamp: a number that grows after every committed write of the campaign's data, so a
page built from that data (the dashboard, the league table) can be kept in the cache under the
stamp and is never older than the last write.

Every connection gets an execute wrapper: an INSERT, UPDATE or DELETE of a table that is not
plumbing (sessions, login attempts, the beat's bookkeeping, notifications read, export jobs, the
stamp itself) arranges one bump of the stamp after the outermost transaction commits (none when
it rolls back). COPY does not pass through ``execute``: the bulk loads call ``stamp_bump`` when
they end. One row, bumped by a one-statement UPDATE after the commit: writers never hold its lock
inside their own transactions, so it does not serialise them."""

from __future__ import annotations

import re

from django.core.cache import cache
from django.db import connections, transaction
from django.db.backends.signals import connection_created
from django.db.models.signals import post_migrate, pre_migrate

TABLE = "core_datastamp"
WRITE = re.compile(r"^\s*(?:WITH\b.*?\)\s*)?(INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+\"?(\w+)", re.I | re.S)
# Tables whose writes change nothing a cached page shows.
PLUMBING = (
    "django_session",
    "axes_",
    "django_celery_beat_",
    "django_cache",
    "core_exportjob",
    "core_datastamp",
    "assessments_notification",
)
STAMP_CACHE_SECONDS = 600  # a cached page lives this long at most, stamp or not
_migrating = False  # ``migrate`` writes before the stamp's table exists: no stamp then


def _bump(alias: str) -> None:
    with connections[alias].cursor() as cursor:
        cursor.execute(f"UPDATE {TABLE} SET value = value + 1 WHERE id = 1")  # noqa: S608 - our table
        if cursor.rowcount == 0:
            cursor.execute(
                f"INSERT INTO {TABLE} (id, value) VALUES (1, 1) ON CONFLICT (id) DO UPDATE "  # noqa: S608
                f"SET value = {TABLE}.value + 1"
            )


def _pending(using: str) -> bool:
    """Whether this connection has written in a transaction that has not committed yet."""
    conn = connections[using]
    return conn.in_atomic_block and any(
        getattr(func, "stamp_alias", None) == using for _, func, _ in conn.run_on_commit
    )


def stamp_bump(using: str = "default") -> None:
    """One bump after the current transaction commits (at once outside a transaction); several
    writes of one transaction make one bump."""
    if _pending(using):
        return

    def bump() -> None:
        _bump(using)

    bump.stamp_alias = using
    transaction.on_commit(bump, using=using)


def stamp_read(using: str = "default") -> int:
    with connections[using].cursor() as cursor:
        cursor.execute(f"SELECT value FROM {TABLE} WHERE id = 1")  # noqa: S608 - our table
        row = cursor.fetchone()
    return row[0] if row else 0


def stamp_cached(key: str, build, *, using: str = "default"):
    """``build()``'s answer, from the cache when it was built at the present stamp; ``key`` names
    everything the answer depends on besides the data (the user's scope, the query, the language,
    the day). A connection with uncommitted writes of its own neither reads nor fills the cache:
    it sees what it wrote, which nobody else may see yet."""
    if _pending(using):
        return build()
    full = f"stamp:{stamp_read(using)}:{key}"
    value = cache.get(full)
    if value is None:
        value = build()
        cache.set(full, value, STAMP_CACHE_SECONDS)
    return value


def _wrapper(alias: str):
    def watch(execute, sql, params, many, context):
        result = execute(sql, params, many, context)
        match = WRITE.match(sql) if isinstance(sql, str) else None
        if match and not _migrating and not match.group(2).lower().startswith(PLUMBING):
            stamp_bump(alias)
        return result

    watch.stamp_watch = True
    return watch


def _watch(sender, connection, **kwargs) -> None:
    if not any(getattr(w, "stamp_watch", False) for w in connection.execute_wrappers):
        connection.execute_wrappers.append(_wrapper(connection.alias))


def _migration_starts(**kwargs) -> None:
    global _migrating
    _migrating = True


def _migration_ends(**kwargs) -> None:
    global _migrating
    _migrating = False


def stamps_install() -> None:
    """Watch every connection, those open already and those to come (called from the app's ready)."""
    pre_migrate.connect(_migration_starts, dispatch_uid="core.stamps.pre")
    post_migrate.connect(_migration_ends, dispatch_uid="core.stamps.post")
    connection_created.connect(_watch, dispatch_uid="core.stamps")
    for conn in connections.all(initialized_only=True):
        _watch(None, conn)
