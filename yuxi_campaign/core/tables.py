"""A table as the department reads it: the one shape that a page renders and that an export
writes, so that the page and its ``.xlsx``/``.csv`` cannot disagree."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

Kind = Literal["text", "int", "decimal", "percent", "date", "datetime"]


@dataclass(frozen=True)
class Column:
    key: str
    label: str  # the Chinese header
    kind: Kind = "text"
    width: int | None = None  # characters; None: from the label and the values


@dataclass
class Table:
    """``rows`` hold values in column order: int, Decimal, float, date, datetime, str or None
    (never numbers formatted as text). ``scope`` and ``year`` go into an export's title row."""

    name: str  # a slug, for file names
    title: str
    columns: list[Column]
    rows: list[list[Any]] = field(default_factory=list)
    scope: str = ""
    year: int | None = None
