"""Reading exports back as the department's Excel would, and the Chinese labels they use."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import openpyxl

from assessments.labels import STATE_LABELS, TARGET_LABELS, zh
from assessments.models import Outcome
from orgs.models import Level

LEVELS = {k: zh(v) for k, v in Level.choices}
TARGETS = {k: zh(v) for k, v in TARGET_LABELS.items()}
STATES = {k: zh(v) for k, v in STATE_LABELS.items()}
OUTCOMES = {k: zh(v) for k, v in Outcome.choices}


def xlsx_rows(content: bytes) -> tuple[str, list, list[list]]:
    """The title, the header and the data rows of an xlsx export (frozen under the header)."""
    ws = openpyxl.load_workbook(io.BytesIO(content)).active
    assert ws.freeze_panes == "A3"
    rows = [[c.value for c in row] for row in ws.iter_rows()]
    return rows[0][0], rows[1], rows[2:]


def xlsx_cells(content: bytes) -> list[list]:
    """The data cells themselves (to check their types)."""
    ws = openpyxl.load_workbook(io.BytesIO(content)).active
    return [list(row) for row in ws.iter_rows(min_row=3)]


def csv_rows(content: bytes) -> tuple[list[str], list[list[str]]]:
    assert content.startswith(b"\xef\xbb\xbf"), "no BOM: Excel would read the Chinese as mojibake"
    rows = list(csv.reader(io.StringIO(content[3:].decode("utf-8"), newline="")))
    return rows[0], rows[1:]


def result_line(r: dict) -> list:
    """A result row of the API's JSON as the export writes it (numbers as numbers)."""
    return [
        r["org_code"],
        r["org_name"],
        LEVELS[r["level"]],
        r["year"],
        TARGETS[r["target"]],
        None if r["final_score"] is None else Decimal(r["final_score"]),
        OUTCOMES[r["outcome"]] if r["outcome"] else None,
        STATES[r["state"]],
        TARGETS[r["title"]] if r["title"] else None,
        r["rank"],
    ]


def as_decimal(value):
    """An xlsx number (int or float) as a Decimal of its written digits, None as None."""
    return None if value is None else Decimal(str(value))
