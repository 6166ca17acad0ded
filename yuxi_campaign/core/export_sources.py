"""The export sources: a name (``results``) → a function ``(user, params) -> Rows`` that reads
what the user may see, filtered by ``params`` (the list's query parameters as plain text), and
hands back the table's header, the number of rows and the rows in chunks. Apps register their
sources in ``AppConfig.ready``; a background job stores the source's name and its parameters (never
a queryset) and opens the source again in the worker, so the scope is applied there too."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from typing import Any

from .errors import InvalidInput
from .tables import Table

CHUNK_ROWS = 2000  # rows a source reads at a time


@dataclass
class Rows:
    table: Table  # name, title, columns, scope, year; its ``rows`` stay empty
    total: int
    chunks: Iterable[list[list[Any]]]

    def as_table(self) -> Table:
        """Every row in one table (for an inline export)."""
        return replace(self.table, rows=[row for chunk in self.chunks for row in chunk])


Source = Callable[[Any, dict[str, str]], Rows]
_sources: dict[str, Source] = {}


def register(name: str, source: Source) -> None:
    """Register ``source`` under ``name`` (again: the later one wins, as a reloaded app does)."""
    _sources[name] = source


def names() -> list[str]:
    return sorted(_sources)


def open_source(name: str, user, params: dict[str, str]) -> Rows:
    """The rows of source ``name`` for ``user``. InvalidInput for an unknown source; the source
    raises InvalidInput (bad parameter) or OutOfScope itself."""
    try:
        source = _sources[name]
    except KeyError:
        raise InvalidInput(f"没有名为 {name} 的导出", fields={"source": ["未知的导出"]}) from None
    return source(user, dict(params))


def chunked(rows: Iterable, convert: Callable[[Any], list[Any]], size: int = CHUNK_ROWS):
    """``rows`` (a queryset's ``.iterator()``) converted and grouped in lists of ``size``."""
    chunk: list[list[Any]] = []
    for row in rows:
        chunk.append(convert(row))
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk
