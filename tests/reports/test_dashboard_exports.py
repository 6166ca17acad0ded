"""Every table of the dashboard as .xlsx and .csv, compared cell by cell with what the page shows."""

from __future__ import annotations

import csv
import io
import re
from html import unescape

import openpyxl
import pytest
from django.test import Client

from tests.helpers import make_user
from tests.reports.test_pace import campaign  # noqa: F401 - the fixture: titles over three years

TABLES = {"titled": "bars-h", "trend": "trend-h", "workflow": "workflow-h"}


def _client(org) -> Client:
    client = Client()
    client.force_login(make_user(org, "leader", username="county-head"))
    return client


def _page_rows(html: str, heading_id: str) -> list[list[str]]:
    """The body rows of the numbers table labelled by ``heading_id``, as the reader sees them."""
    part = html.split(f'aria-labelledby="{heading_id}"', 1)[1].split("</table>", 1)[0]
    body = part.split("<tbody>", 1)[1]
    return [
        [
            unescape(re.sub(r"<[^>]+>", "", cell)).strip()
            for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row)
        ]
        for row in re.findall(r"<tr>(.*?)</tr>", body, flags=re.S)
    ]


def _same(cell, shown: str) -> bool:
    """A cell of the file against the page's text: a number equal to the number shown."""
    if cell is None:
        return shown == "–"
    if isinstance(cell, int | float):
        return float(shown.replace(",", "").rstrip(" %")) == float(cell)
    return str(cell) == shown


@pytest.mark.parametrize("name", sorted(TABLES))
def test_each_chart_table_exports_to_excel_with_the_numbers_the_page_shows(campaign, name):  # noqa: F811
    client = _client(campaign)
    html = client.get("/dashboard/?year=2023").content.decode()
    links = re.findall(r"export=xlsx&amp;table=([\w-]+)", html)
    name = next(n for n in links if n.split("-")[0] == name)  # titled-<level>: the level charted
    response = client.get(f"/dashboard/?year=2023&export=xlsx&table={name}")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert campaign.name in sheet["A1"].value  # the title row: the scope (and the year, but the trend
    assert name == "trend" or "2023" in sheet["A1"].value  # is every year's)
    assert sheet.freeze_panes == "A3"
    cells = [list(r) for r in sheet.iter_rows(min_row=3, values_only=True)]
    page = _page_rows(html, TABLES[name.split("-")[0]])
    assert cells and len(cells) == len(page)
    for row, shown in zip(cells, page, strict=True):
        assert len(row) == len(shown), (row, shown)
        assert [_same(c, s) for c, s in zip(row, shown, strict=True)] == [True] * len(row), (row, shown)
        numeric = [s for s in shown if re.fullmatch(r"[\d,.]+( %)?", s)]
        assert len(numeric) == sum(isinstance(v, int | float) for v in row)  # numbers, not text


def test_the_pace_table_exports_every_child_with_numbers_as_numbers(campaign):  # noqa: F811
    client = _client(campaign)
    xlsx = client.get("/dashboard/?year=2023&export=xlsx&table=pace")
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.content)).active
    rows = [list(r) for r in sheet.iter_rows(min_row=3, values_only=True)]
    town = next(r for r in rows if r[1] == "1县1镇")
    headers = [c.value for c in sheet[2]]
    # the villages of 1县1镇 in 2023: 5 units, 3 titled 达标, target 4 (70 % of 5, half up), 60 %,
    # one to go; its own 达标 title
    assert town[:8] == ["530401001", "1县1镇", "达标", 5, 3, 4, 60, 1]
    assert all(isinstance(v, int | float) for v in town[3:])
    text = client.get("/dashboard/?year=2023&export=csv&table=pace").content
    assert text.startswith(b"\xef\xbb\xbf")
    parsed = list(csv.reader(io.StringIO(text.decode("utf-8-sig"))))
    assert parsed[0] == headers and len(parsed) - 1 == len(rows)
    assert [r[1] for r in parsed[1:]] == [r[1] for r in rows]
    assert parsed[1 + rows.index(town)][:8] == ["530401001", "1县1镇", "达标", "5", "3", "4", "60.0", "1"]


@pytest.mark.parametrize("query", ["export=pdf&table=pace", "export=xlsx&table=nonsense"])
def test_a_wrong_export_request_is_a_clear_400(campaign, query):  # noqa: F811
    response = _client(campaign).get(f"/dashboard/?year=2023&{query}")
    assert response.status_code == 400
