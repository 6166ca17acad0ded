"""The file writers: a Table as .xlsx and .csv, opened again as Excel and a CSV reader would."""

import csv
import datetime as dt
import io
from decimal import Decimal

import openpyxl
import pytest
from django.test import RequestFactory

from yuxi_campaign.core.exports import (
    export_response,
    file_name,
    table_csv,
    table_response,
    table_xlsx,
    text_width,
)
from yuxi_campaign.core.tables import Column, Table

SHANGHAI = dt.timezone(dt.timedelta(hours=8))


def sample(rows=None) -> Table:
    return Table(
        name="sample",
        title="评估结果",
        columns=[
            Column("name", "单位名称"),
            Column("n", "单位数", "int"),
            Column("score", "最终得分", "decimal"),
            Column("rate", "达标率", "percent"),
            Column("day", "截止日期", "date"),
            Column("at", "提交时间", "datetime"),
        ],
        rows=rows
        if rows is not None
        else [
            [
                "一镇1村",
                12,
                Decimal("91.50"),
                33.3,
                dt.date(2024, 3, 31),
                dt.datetime(2024, 3, 1, 2, 30, tzinfo=dt.UTC),
            ],
            ["二街道", 0, None, None, None, None],
        ],
        scope="第1县",
        year=2024,
    )


def open_xlsx(content: bytes):
    return openpyxl.load_workbook(io.BytesIO(content)).active


def read_csv(content: bytes) -> list[list[str]]:
    assert content.startswith(b"\xef\xbb\xbf")  # the BOM that makes Excel read UTF-8
    return list(csv.reader(io.StringIO(content[3:].decode("utf-8"), newline="")))


def test_xlsx_has_a_title_row_chinese_headers_frozen_and_numbers_as_numbers():
    ws = open_xlsx(table_xlsx(sample()))
    title = ws["A1"].value
    assert title.startswith("评估结果（范围：第1县，2024 年度，导出于 ") and ws["A1"].font.b
    assert [c.value for c in ws[2]] == [
        "单位名称",
        "单位数",
        "最终得分",
        "达标率（%）",
        "截止日期",
        "提交时间",
    ]
    assert ws.freeze_panes == "A3"
    name, n, score, rate, day, at = ws[3]
    assert (name.value, name.data_type) == ("一镇1村", "s")
    assert (n.value, n.data_type, n.number_format) == (12, "n", "0")
    assert (score.value, score.data_type, score.number_format) == (91.5, "n", "0.00")
    assert (rate.value, rate.data_type, rate.number_format) == (33.3, "n", "0.0")
    assert (day.value.date(), day.is_date, day.number_format) == (dt.date(2024, 3, 31), True, "yyyy-mm-dd")
    # 02:30 UTC is 10:30 in Asia/Shanghai: the wall clock the department reads
    assert (at.value.isoformat(), at.is_date) == ("2024-03-01T10:30:00", True)  # Excel has no zone
    assert [c.value for c in ws[4]] == ["二街道", 0, None, None, None, None]


def test_xlsx_columns_are_wide_enough_for_chinese_text():
    long_name = "玉溪市红塔区玉兴街道办事处某某社区"
    ws = open_xlsx(table_xlsx(sample([[long_name, 1, None, None, None, None]])))
    assert ws.column_dimensions["A"].width >= text_width(long_name) == 2 * len(long_name)
    assert ws.column_dimensions["B"].width >= text_width("单位数")


def test_csv_is_utf8_with_bom_crlf_and_a_plain_header_row():
    content = table_csv(sample())
    assert b"\r\n" in content and content.count(b"\r\n") == 3
    rows = read_csv(content)
    assert rows == [
        ["单位名称", "单位数", "最终得分", "达标率（%）", "截止日期", "提交时间"],
        ["一镇1村", "12", "91.50", "33.3", "2024-03-31", "2024-03-01 10:30:00"],
        ["二街道", "0", "", "", "", ""],
    ]


@pytest.mark.parametrize("text", ['=HYPERLINK("http://x","点我")', "+1+2", "-2+3", "@SUM(A1:A2)", "\t=1"])
def test_a_formula_in_text_is_never_run(text):
    table = sample([[text, 1, None, None, None, None]])
    cell = open_xlsx(table_xlsx(table))["A3"]
    assert (cell.value, cell.data_type) == (text, "s")  # a string cell, not a formula
    assert read_csv(table_csv(table))[1][0] == "'" + text


def test_negative_numbers_stay_numbers():
    table = sample([["一村", -3, Decimal("-1.50"), -2.5, None, None]])
    assert [c.value for c in open_xlsx(table_xlsx(table))[3]][1:4] == [-3, -1.5, -2.5]
    assert read_csv(table_csv(table))[1][1:4] == ["-3", "-1.50", "-2.5"]


def test_a_big_table_streams_in_write_only_mode():
    rows = [[f"单位{i}", i, Decimal(i) / 4, i / 7, None, None] for i in range(5000)]
    ws = open_xlsx(table_xlsx(sample(rows)))
    assert ws.max_row == 5002
    assert ws.cell(row=5002, column=2).value == 4999


def test_the_file_answer_has_a_chinese_name_and_the_right_type():
    response = table_response(sample(), "xlsx")
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment; filename=\"sample.xlsx\"; filename*=UTF-8''")
    assert "%E8%AF%84%E4%BC%B0%E7%BB%93%E6%9E%9C" in disposition  # 评估结果, percent-encoded
    assert table_response(sample(), "csv")["Content-Type"] == "text/csv; charset=utf-8"
    with pytest.raises(ValueError):
        table_response(sample(), "pdf")


def test_the_file_name_carries_title_scope_year_and_time_without_unsafe_characters():
    now = dt.datetime(2026, 11, 28, 8, 5, tzinfo=SHANGHAI)
    assert file_name(sample(), "csv", now) == "评估结果-第1县-2024年-20261128-0805.csv"
    odd = Table(name="x", title='进度/汇总:"一"', columns=[], scope="", year=None)
    assert file_name(odd, "xlsx", now) == "进度_汇总_一_-20261128-0805.xlsx"


def test_a_page_answers_its_table_as_a_file_only_when_asked():
    rf = RequestFactory()
    assert export_response(rf.get("/dashboard/"), sample()) is None
    assert export_response(rf.get("/dashboard/", {"export": "csv", "table": "other"}), sample()) is None
    response = export_response(rf.get("/dashboard/", {"export": "csv", "table": "sample"}), sample())
    assert read_csv(response.content)[1][0] == "一镇1村"
    assert export_response(rf.get("/dashboard/", {"export": "xlsx"}), sample())["Content-Type"].endswith(
        "sheet"
    )


def test_a_page_refuses_an_unknown_export_format():
    from django.core.exceptions import BadRequest

    with pytest.raises(BadRequest):
        export_response(RequestFactory().get("/dashboard/", {"export": "pdf"}), sample())


def test_the_export_links_keep_the_page_filters_and_drop_the_page_number():
    from django.template.loader import render_to_string

    request = RequestFactory().get("/dashboard/", {"year": "2024", "within": "7", "page": "3"})
    html = render_to_string("core/_export_links.html", {"table": sample()}, request=request)
    assert 'href="?year=2024&amp;within=7&amp;export=xlsx&amp;table=sample"' in html
    assert 'href="?year=2024&amp;within=7&amp;export=csv&amp;table=sample"' in html


def test_control_characters_that_xlsx_cannot_hold_are_left_out_not_a_crash():
    table = sample([["一\x01村\x0b", 1, None, None, None, None]])
    assert open_xlsx(table_xlsx(table))["A3"].value == "一村"
    assert read_csv(table_csv(table))[1][0] == "一\x01村\x0b"  # CSV holds them as they are
