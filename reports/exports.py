"""The two registers of the API (``/titles/``, ``/late/``) as whole tables for a file: the same
scope, filters and order as the lists, Chinese headers and labels, read in chunks (one page of
rows and one read of its officials or events a chunk). Each function takes the caller and the
list's query parameters as plain text and answers ``(table without rows, total, chunks)``;
bad parameters raise ``InvalidInput``, a ``within`` outside the caller's subtree ``OutOfScope``.
``late_source`` and ``titles_source`` wrap them for the export registry, where
``ReportsConfig.ready`` registers them as ``late`` and ``titles``."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from django.utils import translation

from yuxi_campaign.core import export_sources
from yuxi_campaign.core.errors import InvalidInput
from yuxi_campaign.core.export_sources import Rows
from yuxi_campaign.core.tables import Table

from . import selectors
from .serializers import LateQuerySerializer, TitleQuerySerializer

CHUNK_ROWS = 2000
Export = tuple[Table, int, Iterator[list[list[Any]]]]


def _params(serializer_class, params: dict[str, str]) -> dict:
    query = serializer_class(data={k: v for k, v in params.items() if v != ""})
    if not query.is_valid():
        fields = {name: [str(m) for m in messages] for name, messages in query.errors.items()}
        summary = "；".join(f"{name}: {m}" for name, messages in fields.items() for m in messages)
        raise InvalidInput(summary, fields=fields)
    return query.validated_data


def _chunks(rows: Iterable[dict], size: int) -> Iterator[list[dict]]:
    chunk: list[dict] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def late_export(user, params: dict[str, str], *, chunk_rows: int = CHUNK_ROWS) -> Export:
    q = _params(LateQuerySerializer, params)
    scope = selectors.report_scope(user).narrow(q.get("within"))
    round_ = selectors.report_round(q.get("year"))
    late = selectors.late_rows(scope, round_)

    def chunks():
        for chunk in _chunks(late.rows.iterator(chunk_size=chunk_rows), chunk_rows):
            with translation.override("zh-hans"):
                yield selectors.late_table(
                    scope, round_, selectors.late_details(scope, chunk, late.today)
                ).rows

    with translation.override("zh-hans"):
        table = selectors.late_table(scope, round_, [])
    return table, late.count(), chunks()


def titles_export(user, params: dict[str, str], *, chunk_rows: int = CHUNK_ROWS) -> Export:
    q = _params(TitleQuerySerializer, params)
    year = q.get("year")
    if year is not None:
        selectors.report_round(year)
    scope = selectors.report_scope(user).narrow(q.get("within"))
    rows = selectors.title_rows(scope, year=year, status=q.get("status"))

    def chunks():
        for chunk in _chunks(rows.iterator(chunk_size=chunk_rows), chunk_rows):
            with translation.override("zh-hans"):
                yield selectors.register_table(scope, selectors.title_details(chunk), year).rows

    with translation.override("zh-hans"):
        table = selectors.register_table(scope, [], year)
    return table, rows.count(), chunks()


def late_source(user, params: dict[str, str]) -> Rows:
    """``late_export`` as the export registry takes it (``late``)."""
    table, total, chunks = late_export(user, params)
    return Rows(table=table, total=total, chunks=chunks)


def titles_source(user, params: dict[str, str]) -> Rows:
    """``titles_export`` as the export registry takes it (``titles``)."""
    table, total, chunks = titles_export(user, params)
    return Rows(table=table, total=total, chunks=chunks)


def register_sources() -> None:
    export_sources.register("late", late_source)
    export_sources.register("titles", titles_source)
