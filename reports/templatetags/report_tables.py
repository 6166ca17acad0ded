"""Rendering a ``yuxi_campaign.core.tables.Table``: each cell with its column's kind."""

from django import template

register = template.Library()


@register.filter
def cells(row, columns):
    """(kind, value) for each cell of ``row``."""
    return [(column.kind, value) for column, value in zip(columns, row, strict=True)]
