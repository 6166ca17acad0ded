"""A ``Table`` written as a file the department opens in Excel: ``.xlsx`` (openpyxl, write-only,
so a big table streams) or ``.csv`` (UTF-8 with a BOM, CRLF), and the HTTP answer that carries
it. Every export of the project, inline or in a background job, goes through here.

The choices, once:

- xlsx: row 1 is the title with the scope, the year and the export time (Asia/Shanghai), row 2
  the Chinese headers, frozen; data from row 3. Numbers are numeric cells with a number format,
  dates are date cells. Column widths come from the header and the first rows, a CJK character
  counting double.
- percent columns hold the percent itself (``33.3`` for 33.3 %), as the API gives it; the header
  says ``（%）`` and the cell is a plain number with one decimal. The same in CSV.
- csv: the header row and the rows, no title line: Excel (and every CSV reader) takes the first
  line as the header, so a title line would shift every column name; the file name carries the
  title, the scope and the year instead.
- Text that Excel would read as a formula (starting ``=``, ``+``, ``-``, ``@``, tab or carriage
  return) is never run: in xlsx it is a string cell (not a formula), in CSV it is prefixed with
  ``'`` (the usual guard against CSV injection).

How the rest of the project uses it:

- A page table (built in memory, a few hundred rows): the view returns
  ``export_response(request, table)`` when it is not None, and the template offers the links with
  ``{% include "core/_export_links.html" with table=table %}`` (``?export=xlsx|csv&table=<name>``
  on the page's own URL, its filters kept).
- A list of the API: the viewset takes ``export_api.ExportMixin`` with ``export_source = "<name>"``
  and ``@export_schema(...)``; the app registers the source (``export_sources.register``) in its
  ``AppConfig.ready``. A page whose table is such a source uses ``export_views.page_export``,
  which starts a background job past EXPORT_INLINE_MAX_ROWS rows.
- ``table_response(table, fmt)`` alone: the file answer for any other view.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import itertools
import re
import unicodedata
from collections.abc import Iterable, Iterator
from decimal import Decimal
from typing import IO, Any
from urllib.parse import quote
from zoneinfo import ZoneInfo

from django.core.exceptions import BadRequest
from django.http import HttpResponse
from django.utils import timezone

from .tables import Column, Table

FORMATS = ("xlsx", "csv")
CONTENT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
}
FORMAT_ERROR = "format 应为 json、xlsx 或 csv"
LOCAL = ZoneInfo("Asia/Shanghai")
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
NUMBER_FORMATS = {"int": "0", "decimal": "0.00", "percent": "0.0", "float": "0.0###"}
DATE_FORMAT, DATETIME_FORMAT = "yyyy-mm-dd", "yyyy-mm-dd hh:mm"
WIDTH_SAMPLE = 200  # rows read to size the columns
MAX_WIDTH = 60
Chunks = Iterable[list[list[Any]]]


def header(column: Column) -> str:
    """The column's header in a file: its label, with ``（%）`` on a percent column."""
    if column.kind == "percent" and "%" not in column.label:
        return f"{column.label}（%）"
    return column.label


def text_width(text: str) -> int:
    """Columns ``text`` takes in Excel: a wide (CJK) character counts two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _local(value: dt.datetime) -> dt.datetime:
    """A datetime as the wall clock in Asia/Shanghai, without a zone (Excel has none)."""
    if timezone.is_aware(value):
        value = value.astimezone(LOCAL)
    return value.replace(tzinfo=None, microsecond=0)


def _display(value: Any, kind: str) -> str:
    """How a value reads in CSV (and how wide it is in xlsx)."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return _local(value).isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, float):
        return repr(value)
    return str(value)


def neutralise(text: str) -> str:
    """CSV text that Excel would run as a formula, prefixed with ``'`` so that it is read as text."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def title_line(table: Table, now: dt.datetime | None = None) -> str:
    """``title（范围：…，2024 年度，导出于 2026-11-28 08:00）``, the first row of an xlsx file."""
    now = _local(now or timezone.now())
    parts = [f"范围：{table.scope}"] if table.scope else []
    if table.year is not None:
        parts.append(f"{table.year} 年度")
    parts.append(f"导出于 {now:%Y-%m-%d %H:%M}")
    return f"{table.title}（{'，'.join(parts)}）"


def file_name(table: Table, fmt: str, now: dt.datetime | None = None) -> str:
    """``title-scope-2024年-20261128-0800.xlsx``, without characters a file system refuses."""
    now = _local(now or timezone.now())
    parts = [
        table.title,
        table.scope,
        f"{table.year}年" if table.year is not None else "",
        f"{now:%Y%m%d-%H%M}",
    ]
    name = "-".join(p for p in parts if p)
    return re.sub(r'[\\/:*?"<>|\x00-\x1f]+', "_", name) + f".{fmt}"


def _widths(table: Table, sample: list[list[Any]]) -> list[int]:
    widths = []
    for i, column in enumerate(table.columns):
        if column.width:
            widths.append(column.width)
            continue
        longest = max(
            [text_width(header(column))] + [text_width(_display(row[i], column.kind)) for row in sample]
        )
        widths.append(min(max(longest + 2, 6), MAX_WIDTH))
    return widths


def _peek(chunks: Chunks) -> tuple[list[list[Any]], Iterator[list[list[Any]]]]:
    """The first rows (up to ``WIDTH_SAMPLE``) and every chunk, those rows included."""
    it = iter(chunks)
    head: list[list[list[Any]]] = []
    sample: list[list[Any]] = []
    for chunk in it:
        head.append(chunk)
        sample.extend(chunk)
        if len(sample) >= WIDTH_SAMPLE:
            break
    return sample[:WIDTH_SAMPLE], itertools.chain(head, it)


def write_xlsx(out: IO[bytes], table: Table, chunks: Chunks, progress=None) -> int:
    """Write ``table`` (its header) and the rows of ``chunks`` to ``out`` as xlsx; ``progress``
    is called with the rows written after each chunk. The number of rows written."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    wb = Workbook(write_only=True)
    ws = wb.create_sheet(title=re.sub(r"[\\/*?:\[\]]", "_", table.title)[:31] or "Sheet1")
    sample, chunks = _peek(chunks)
    for i, width in enumerate(_widths(table, sample), start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
    ws.freeze_panes = "A3"  # the title and the header stay in view
    title = WriteOnlyCell(ws, value=ILLEGAL_CHARACTERS_RE.sub("", title_line(table)))
    title.font = Font(bold=True, size=13)
    title.data_type = "s"
    ws.append([title])
    bold = Font(bold=True)
    heads = []
    for column in table.columns:
        cell = WriteOnlyCell(ws, value=ILLEGAL_CHARACTERS_RE.sub("", header(column)))
        cell.font = bold
        cell.data_type = "s"
        heads.append(cell)
    ws.append(heads)

    def cell(value: Any, kind: str):
        c = WriteOnlyCell(ws)
        if value is None:
            return c
        if isinstance(value, bool):
            c.value = "是" if value else "否"
        elif isinstance(value, int | Decimal | float):
            c.value = value
            c.number_format = (
                NUMBER_FORMATS.get(kind) or NUMBER_FORMATS["int" if isinstance(value, int) else "float"]
            )
        elif isinstance(value, dt.datetime):
            c.value = _local(value)
            c.number_format = DATETIME_FORMAT
        elif isinstance(value, dt.date):
            c.value = value
            c.number_format = DATE_FORMAT
        else:
            c.value = ILLEGAL_CHARACTERS_RE.sub("", str(value))  # control characters xlsx cannot hold
            c.data_type = "s"  # never a formula, whatever the text starts with
        return c

    kinds = [column.kind for column in table.columns]
    done = 0
    for chunk in chunks:
        for row in chunk:
            ws.append([cell(v, k) for v, k in zip(row, kinds, strict=True)])
        done += len(chunk)
        if progress is not None:
            progress(done)
    wb.save(out)
    return done


def write_csv(out: IO[bytes], table: Table, chunks: Chunks, progress=None) -> int:
    """Write the header and the rows of ``chunks`` to ``out`` as CSV (UTF-8 with BOM, CRLF)."""
    text = io.TextIOWrapper(out, encoding="utf-8-sig", newline="", write_through=True)
    writer = csv.writer(text, lineterminator="\r\n")
    writer.writerow([neutralise(header(c)) for c in table.columns])
    kinds = [column.kind for column in table.columns]
    done = 0
    for chunk in chunks:
        writer.writerows(
            [
                [
                    neutralise(v) if isinstance(v, str) else _display(v, k)
                    for v, k in zip(row, kinds, strict=True)
                ]
                for row in chunk
            ]
        )
        done += len(chunk)
        if progress is not None:
            progress(done)
    text.flush()
    text.detach()  # leave ``out`` open for the caller
    return done


WRITERS = {"xlsx": write_xlsx, "csv": write_csv}


def table_xlsx(table: Table) -> bytes:
    out = io.BytesIO()
    write_xlsx(out, table, [table.rows])
    return out.getvalue()


def table_csv(table: Table) -> bytes:
    out = io.BytesIO()
    write_csv(out, table, [table.rows])
    return out.getvalue()


def content_disposition(filename: str, fallback: str) -> str:
    """An attachment named ``filename`` (RFC 6266: ``filename*=UTF-8''…``), with an ASCII
    ``fallback`` for old clients."""
    ascii_name = re.sub(r"[^A-Za-z0-9._-]+", "_", fallback) or "export"
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename, safe='')}"


def file_response(content: bytes, fmt: str, filename: str, fallback: str) -> HttpResponse:
    response = HttpResponse(content, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = content_disposition(filename, fallback)
    response["Cache-Control"] = "private, no-store"
    return response


def table_response(table: Table, fmt: str) -> HttpResponse:
    """``table`` as a downloaded ``.xlsx`` or ``.csv`` file with a Chinese name."""
    if fmt not in FORMATS:
        raise ValueError(f"format {fmt!r}: use one of {FORMATS}")
    content = table_xlsx(table) if fmt == "xlsx" else table_csv(table)
    return file_response(content, fmt, file_name(table, fmt), f"{table.name}.{fmt}")


def export_response(request, table: Table) -> HttpResponse | None:
    """For a page that shows ``table``: its file when the page URL asks for it with
    ``?export=xlsx`` or ``?export=csv`` (and, when the page has several tables,
    ``&table=<table.name>``); None otherwise. Another ``export`` value is a 400."""
    fmt = request.GET.get("export")
    if fmt is None or request.GET.get("table", table.name) != table.name:
        return None
    if fmt not in FORMATS:
        raise BadRequest("export 应为 xlsx 或 csv")
    return table_response(table, fmt)
