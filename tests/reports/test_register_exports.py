"""The late list and the register of titles as files: ``?format=xlsx|csv`` on `/api/v1/late/` and
`/api/v1/titles/` (the whole filtered scope, past the inline limit a background job) and
``?export=xlsx|csv`` on their pages (and on the calibration's), each file opened again and compared
cell by cell with the API's JSON or the page's rows."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone

from assessments.labels import ROLE_LABELS, zh
from orgs.models import Organisation
from reports import selectors
from reports.views import registers as register_views
from tests.core.helpers import LEVELS, TARGETS, csv_rows, xlsx_rows
from tests.helpers import api_client_for, login
from yuxi_campaign.core.models import ExportJob

from .conftest import page_rows, title

LATE_HEADER = [
    "单位编码",
    "单位",
    "层级",
    "逾期事项",
    "称号",
    "截止日期",
    "逾期天数",
    "责任单位",
    "责任人角色",
    "责任人",
]
TITLE_HEADER = [
    "单位编码",
    "单位",
    "县（市、区）",
    "称号",
    "年度",
    "状态",
    "命名日期",
    "通报批评次数",
    "最近通报日期",
    "整改期限",
    "已摘牌",
    "事由",
]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def api_rows(client, path, params) -> list[dict]:
    body = client.get(path, {**params, "page_size": 1000}).json()
    assert body["next"] is None, body
    return body["results"]


def label(mapping, key) -> str:
    return zh(mapping[key])


def local_date(iso: str | None) -> dt.date | None:
    if iso is None:
        return None
    return timezone.localdate(dt.datetime.fromisoformat(iso.replace("Z", "+00:00")))


def late_line(r: dict) -> list:
    """A row of `/api/v1/late/` as the file writes it."""
    who = r["who_must_act"]
    return [
        r["unit"]["code"],
        r["unit"]["name"],
        LEVELS[r["unit"]["level"]],
        label(selectors.LATE_LABELS, r["what"]),
        TARGETS[r["target"]],
        dt.date.fromisoformat(r["due"]),
        r["days_late"],
        who["unit"]["name"],
        "、".join(label(ROLE_LABELS, role) for role in who["roles"]),
        "、".join(who["officials"]),
    ]


ACTIONS = {"warn": "通报批评", "rectify_order": "责令限期整改", "rectified": "整改完成", "revoke": "摘牌"}


def title_line(r: dict, counties: dict[str, str]) -> list:
    """A row of `/api/v1/titles/` as the file writes it (the county from the tree)."""
    warned = [e["at"] for e in r["reasons"] if e["action"] == "warn"]
    reasons = "；".join(
        f"{local_date(e['at']):%Y-%m-%d} {ACTIONS[e['action']]}" + (f"：{e['reason']}" if e["reason"] else "")
        for e in r["reasons"]
    )
    return [
        r["unit"]["code"],
        r["unit"]["name"],
        counties[r["unit"]["code"]],
        TARGETS[r["title"]],
        r["year"],
        label(selectors.TITLE_STATUS_LABELS, r["status"]),
        local_date(r["granted_at"]),
        r["warnings"],
        local_date(warned[-1]) if warned else None,
        dt.date.fromisoformat(r["deadline"]) if r["deadline"] else None,
        local_date(r["revoked_at"]),
        reasons,
    ]


def counties() -> dict[str, str]:
    return {code: name or "" for code, name in Organisation.objects.values_list("code", "county__name")}


def dates(line: list) -> list:
    """An xlsx row with its date cells (read back as midnight datetimes) as dates."""
    return [v.date() if isinstance(v, dt.datetime) else v for v in line]


def cells(line: list) -> list:
    """A row as xlsx holds it: an empty text is no cell at all."""
    return [None if v == "" else v for v in line]


def text(line: list) -> list[str]:
    """A row as CSV writes it."""
    out = []
    for v in line:
        if v is None:
            out.append("")
        elif isinstance(v, dt.date):
            out.append(v.isoformat())
        else:
            out.append(str(v))
    return out


# ---------------------------------------------------------------------------------------------
# The API


@pytest.mark.parametrize("who", ["admin", "county_leader"])
def test_the_late_list_in_excel_is_the_json_cell_by_cell(late, who):
    client = api_client_for(getattr(late, who))
    expected = api_rows(client, "/api/v1/late/", {"year": 2024})
    kinds = {r["what"] for r in expected}
    assert kinds == set(selectors.LATE_KINDS) if who == "admin" else len(kinds) >= 2, kinds
    response = client.get("/api/v1/late/", {"year": 2024, "format": "xlsx"})
    assert response.status_code == 200 and response["Content-Type"] == XLSX
    assert "filename*=UTF-8''" in response["Content-Disposition"]
    title, header, rows = xlsx_rows(response.content)
    assert header == LATE_HEADER
    assert title.startswith("逾期名单") and "2024" in title
    assert (late.tree.city.name if who == "admin" else late.tree.county.name) in title
    assert [dates(row) for row in rows] == [cells(late_line(r)) for r in expected]


def test_the_late_list_in_csv_is_the_json_cell_by_cell(late):
    client = api_client_for(late.admin)
    params = {"within": late.tree.county.pk}
    expected = api_rows(client, "/api/v1/late/", params)
    response = client.get("/api/v1/late/", {**params, "format": "csv"})
    assert response.status_code == 200 and response["Content-Type"] == "text/csv; charset=utf-8"
    header, rows = csv_rows(response.content)
    assert header == LATE_HEADER
    assert rows == [text(late_line(r)) for r in expected]
    assert {r[0] for r in rows} <= {
        o.code for o in Organisation.objects.filter(tree_id=late.tree.county.tree_id)
    }
    assert late.tree.far_village.code not in {r[0] for r in rows}  # within the county only


@pytest.mark.parametrize("params", [{}, {"year": 2024}, {"status": "warned"}, {"year": 2023}])
def test_the_register_in_excel_and_csv_is_the_json_cell_by_cell(late, params):
    client = api_client_for(late.admin)
    expected = api_rows(client, "/api/v1/titles/", params)
    assert expected, params
    names = counties()
    title, header, rows = xlsx_rows(client.get("/api/v1/titles/", {**params, "format": "xlsx"}).content)
    assert header == TITLE_HEADER and title.startswith("称号名册")
    assert [dates(row) for row in rows] == [cells(title_line(r, names)) for r in expected]
    header, lines = csv_rows(client.get("/api/v1/titles/", {**params, "format": "csv"}).content)
    assert header == TITLE_HEADER
    assert lines == [text(title_line(r, names)) for r in expected]


def test_the_export_is_the_whole_filtered_scope_not_a_page(late):
    client = api_client_for(late.admin)
    everything = api_rows(client, "/api/v1/late/", {})
    _t, _h, rows = xlsx_rows(
        client.get("/api/v1/late/", {"page_size": 2, "page": 2, "format": "xlsx"}).content
    )
    assert len(rows) == len(everything) > 2


@pytest.mark.parametrize("path", ["/api/v1/late/", "/api/v1/titles/"])
def test_an_unknown_format_is_a_clear_400(late, path):
    response = api_client_for(late.admin).get(path, {"format": "pdf"})
    assert response.status_code == 400
    assert response.json() == {
        "detail": "format: format 应为 json、xlsx 或 csv",
        "format": ["format 应为 json、xlsx 或 csv"],
    }
    assert not ExportJob.objects.exists()


@pytest.mark.parametrize("path", ["/api/v1/late/", "/api/v1/titles/"])
@pytest.mark.parametrize(
    ("params", "named"),
    [
        ({"year": "abc"}, "year"),
        ({"year": "1999"}, "1999"),
        ({"within": "-1"}, "within"),
        ({"page": "0"}, "page"),
    ],
)
def test_a_bad_filter_with_a_format_is_a_json_400(late, path, params, named):
    response = api_client_for(late.admin).get(path, {**params, "format": "xlsx"})
    assert response.status_code == 400 and response["Content-Type"] == "application/json"
    assert named in str(response.json())
    assert not ExportJob.objects.exists()


@pytest.mark.parametrize("path", ["/api/v1/late/", "/api/v1/titles/"])
def test_a_unit_outside_the_scope_is_a_json_404(late, path):
    client = api_client_for(late.county_leader)
    response = client.get(path, {"within": late.tree.far_village.pk, "format": "csv"})
    assert response.status_code == 404 and response["Content-Type"] == "application/json"


def test_the_export_query_count_does_not_grow_with_rows(late, django_assert_num_queries):
    client = api_client_for(late.admin)
    # Queries (the client is authenticated without one): the round, its extensions, the counts per
    # kind (2), the union through one cursor, the officials of its one chunk.
    with django_assert_num_queries(6):
        few = client.get("/api/v1/late/", {"format": "xlsx"})
    # the register: the count, the titles through one cursor, the events of its one chunk
    with django_assert_num_queries(3):
        titles = client.get("/api/v1/titles/", {"format": "csv"})
    for org in Organisation.objects.filter(level="village")[:5]:
        title(org, 2022, kind="demonstration")  # a 示范 title: nobody is less late for it
    with django_assert_num_queries(6):
        more = client.get("/api/v1/late/", {"format": "xlsx"})
    with django_assert_num_queries(3):
        more_titles = client.get("/api/v1/titles/", {"format": "csv"})
    assert len(xlsx_rows(more.content)[2]) == len(xlsx_rows(few.content)[2])
    assert len(csv_rows(more_titles.content)[1]) == len(csv_rows(titles.content)[1]) + 5


def test_past_the_inline_limit_the_api_starts_a_background_export(
    late, settings, django_capture_on_commit_callbacks
):
    settings.EXPORT_INLINE_MAX_ROWS = 3
    client = api_client_for(late.admin)
    expected = api_rows(client, "/api/v1/titles/", {})
    assert len(expected) > 3
    with django_capture_on_commit_callbacks(execute=True):
        started = client.get("/api/v1/titles/", {"format": "xlsx"})
    assert started.status_code == 202
    body = started.json()
    assert started["Location"] == body["status_url"]
    status = client.get(body["status_url"]).json()
    assert (status["status"], status["source"], status["rows_total"]) == ("done", "titles", len(expected))
    download = client.get(status["download_url"])
    _t, header, rows = xlsx_rows(b"".join(download.streaming_content))
    assert header == TITLE_HEADER
    assert [dates(row) for row in rows] == [cells(title_line(r, counties())) for r in expected]


def test_the_schema_documents_both_formats_and_the_background_export(late):
    schema = api_client_for(late.admin).get("/api/schema/", {"format": "json"}).json()
    for path in ("/api/v1/late/", "/api/v1/titles/"):
        operation = schema["paths"][path]["get"]
        fmt = next(p for p in operation["parameters"] if p["name"] == "format")
        assert sorted(fmt["schema"]["enum"]) == ["csv", "json", "xlsx"]
        content = operation["responses"]["200"]["content"]
        assert set(content) == {"application/json", "text/csv", XLSX}
        assert "Paginated" in content["application/json"]["schema"]["$ref"]
        assert {"202", "400", "404"} <= set(operation["responses"])
        names = {p["name"] for p in operation["parameters"]}
        assert {"year", "within", "page", "page_size"} <= names


# ---------------------------------------------------------------------------------------------
# The pages


def shown(line: list[str]) -> list[str]:
    """A line of cells with no value as empty (the page shows a dash for a missing value, CSV an
    empty cell)."""
    return ["" if v == "—" else v for v in line]


@pytest.mark.parametrize(
    ("url", "name", "params"),
    [
        ("/dashboard/late/", "late", {"year": 2024}),
        ("/dashboard/titles/", "titles", {"status": "warned"}),
        ("/dashboard/titles/", "titles", {"year": 2024}),
        ("/dashboard/calibration/", "calibration", {"year": 2024}),
    ],
)
def test_a_register_page_offers_its_table_as_files_with_its_filters(late, url, name, params):
    client = login(late.admin)
    params = {**params, "org": late.tree.city.pk}
    html = client.get(url, params).content.decode()
    for fmt in ("xlsx", "csv"):
        links = re.findall(rf'href="({re.escape(url)}\?[^"]*export={fmt})"', html)
        assert len(links) == 1, (fmt, links)
        link = links[0].replace("&amp;", "&")
        for key, value in params.items():
            assert f"{key}={value}" in link
    csv_link = re.search(rf'href="({re.escape(url)}\?[^"]*export=csv)"', html).group(1).replace("&amp;", "&")
    header, lines = csv_rows(client.get(csv_link).content)
    assert lines, "the scene must have rows on every page"
    assert [shown(line) for line in lines] == [shown(row) for row in page_rows(html, name)]
    xlsx_link = csv_link.replace("export=csv", "export=xlsx")
    response = client.get(xlsx_link)
    assert response["Content-Type"] == XLSX
    _t, xheader, rows = xlsx_rows(response.content)
    assert xheader == header and len(rows) == len(lines)


def test_a_page_export_has_every_page_not_only_the_one_shown(late, monkeypatch):
    monkeypatch.setattr(register_views, "PAGE_SIZE", 2)
    client = login(late.admin)
    html = client.get("/dashboard/late/", {"page": 2}).content.decode()
    assert len(page_rows(html, "late")) == 2
    _header, lines = csv_rows(client.get("/dashboard/late/", {"page": 2, "export": "csv"}).content)
    expected = api_rows(api_client_for(late.admin), "/api/v1/late/", {})
    assert [line[0] for line in lines] == [r["unit"]["code"] for r in expected] and len(lines) > 2


def test_a_big_page_export_goes_to_the_job_page_with_its_progress_bar(
    late, settings, django_capture_on_commit_callbacks
):
    settings.EXPORT_INLINE_MAX_ROWS = 2
    client = login(late.county_leader)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get("/dashboard/late/", {"year": 2024, "export": "xlsx"})
    job = ExportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/exports/{job.pk}/"
    assert (job.source, job.params) == ("late", {"within": str(late.tree.county.pk), "year": "2024"})
    page = client.get(response["Location"]).content.decode()
    assert '<progress id="export-bar"' in page
    job.refresh_from_db()
    assert job.status == "done"
    _t, _h, rows = xlsx_rows(b"".join(client.get(f"/exports/{job.pk}/download/").streaming_content))
    expected = api_rows(api_client_for(late.county_leader), "/api/v1/late/", {"year": 2024})
    assert [dates(row) for row in rows] == [cells(late_line(r)) for r in expected]


@pytest.mark.parametrize("url", ["/dashboard/late/", "/dashboard/titles/", "/dashboard/calibration/"])
def test_a_page_export_in_another_format_is_a_400(late, url):
    response = login(late.admin).get(url, {"export": "pdf"})
    assert response.status_code == 400
    assert not ExportJob.objects.exists()


@pytest.mark.parametrize("url", ["/dashboard/late/", "/dashboard/titles/", "/dashboard/calibration/"])
def test_a_page_export_outside_the_scope_is_a_404(late, url):
    client = login(late.county_leader)
    assert client.get(url, {"org": late.tree.other_county.pk, "export": "csv"}).status_code == 404
    assert client.get(url, {"within": late.tree.far_village.pk, "export": "csv"}).status_code == 404
