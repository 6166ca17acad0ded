"""Rendering a ``core.tables.Table`` on a page: each value with the kind of its column, so that
numbers align right and empty values show a dash, as in the export."""

from __future__ import annotations

from django import template

register = template.Library()

NUMERIC = frozenset({"int", "decimal", "percent"})


@register.filter
def cells(row: list, columns: list) -> list[dict]:
    """The values of one row with their columns: ``{"value", "column", "numeric"}``."""
    return [
        {"value": value, "column": column, "numeric": column.kind in NUMERIC}
        for value, column in zip(row, columns, strict=True)
    ]
