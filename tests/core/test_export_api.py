"""`?format=xlsx` and `?format=csv` on results, rankings and progress: every export opened again
and compared cell by cell with the API's JSON for the same filters and the same caller."""

from decimal import Decimal

import pytest

from assessments.models import Title
from orgs.models import Organisation
from tests.assessments.test_results import grant, make_assessment
from tests.core.helpers import LEVELS, as_decimal, csv_rows, result_line, xlsx_cells, xlsx_rows
from tests.helpers import api_client_for, rebuild_rollups

RESULT_HEADER = [
    "单位代码",
    "单位名称",
    "层级",
    "年度",
    "创建目标",
    "最终得分",
    "评定结果",
    "状态",
    "所获称号",
    "排名",
]


@pytest.fixture
def results(world):
    """Scored, failed, titled and unscored assessments in both counties, one unit named like a
    formula."""
    get = Organisation.objects.get
    Organisation.objects.filter(code="530401001002").update(name='=HYPERLINK("http://x","1")')
    make_assessment(world.tree.village, 2024, final=Decimal("91.50"), state="accepted", outcome="pass")
    make_assessment(world.tree.sibling_village, 2024, final=Decimal("60.25"), state="failed", outcome="fail")
    make_assessment(world.tree.community, 2024, target="demonstration")  # not scored yet
    make_assessment(world.tree.far_village, 2024, final=Decimal("91.50"), state="accepted", outcome="pass")
    grant(get(code="530402001002"), 2023)
    grant(world.tree.township, 2023, kind="demonstration")
    return world


def json_rows(client, path, params) -> list[dict]:
    body = client.get(path, {**params, "page_size": 1000}).json()
    assert body["next"] is None
    return body["results"]


def export(client, path, params, fmt):
    response = client.get(path, {**params, "format": fmt})
    assert response.status_code == 200, response.content[:300]
    return response


def normalised(line):
    """An exported row with its numbers as Decimals, to compare with the JSON's decimal strings."""
    return [as_decimal(v) if isinstance(v, int | float) else v for v in line]


@pytest.mark.parametrize("path", ["/api/v1/results/", "/api/v1/rankings/"])
@pytest.mark.parametrize("who", ["admin", "county_leader"])
def test_xlsx_export_has_every_row_of_the_json_cell_by_cell(results, path, who):
    client = api_client_for(getattr(results, who))
    expected = json_rows(client, path, {})
    assert expected, "the scene must have rows"
    response = export(client, path, {}, "xlsx")
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert "filename*=UTF-8''" in response["Content-Disposition"]
    title, header, rows = xlsx_rows(response.content)
    assert header == RESULT_HEADER
    assert title.startswith("评估结果" if "results" in path else "得分排名")
    assert (results.tree.city.name if who == "admin" else results.tree.county.name) in title
    assert [normalised(row) for row in rows] == [normalised(result_line(r)) for r in expected]
    codes = {row[0] for row in rows}
    assert (results.tree.far_village.code in codes) == (who == "admin")  # the leader's subtree only


def test_scores_ranks_and_years_are_numeric_cells(results):
    content = export(api_client_for(results.admin), "/api/v1/results/", {"year": 2024}, "xlsx").content
    scored = [row for row in xlsx_cells(content) if row[5].value is not None]
    assert scored
    for row in scored:
        year, score, rank = row[3], row[5], row[9]
        assert (year.data_type, score.data_type, rank.data_type) == ("n", "n", "n")
        assert score.number_format == "0.00"


def test_csv_export_matches_the_json_and_has_a_bom(results):
    client = api_client_for(results.admin)
    params = {"year": 2024, "level": "village"}
    expected = json_rows(client, "/api/v1/results/", params)
    response = export(client, "/api/v1/results/", params, "csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    header, rows = csv_rows(response.content)
    assert header == RESULT_HEADER
    assert b"\r\n" in response.content

    def text(r):
        return ["" if v is None else str(v) for v in result_line(r)]

    assert rows == [[("'" + v) if v.startswith("=") else v for v in text(r)] for r in expected]


def test_a_unit_named_like_a_formula_is_text_in_both_files(results):
    client = api_client_for(results.admin)
    name = '=HYPERLINK("http://x","1")'
    cells = [row[1] for row in xlsx_cells(export(client, "/api/v1/results/", {}, "xlsx").content)]
    assert [(c.value, c.data_type) for c in cells if c.value == name] == [(name, "s")]
    _header, rows = csv_rows(export(client, "/api/v1/results/", {}, "csv").content)
    assert ["'" + name] == [row[1] for row in rows if name in row[1]]


def test_filters_apply_to_the_export_as_to_the_list(results):
    client = api_client_for(results.admin)
    params = {"outcome": "fail", "within": results.tree.county.pk}
    expected = json_rows(client, "/api/v1/results/", params)
    title, _header, rows = xlsx_rows(export(client, "/api/v1/results/", params, "xlsx").content)
    assert (
        [row[0] for row in rows] == [r["org_code"] for r in expected] == [results.tree.sibling_village.code]
    )
    assert "第1县" in title  # the scope named by `within`


def test_the_export_is_the_whole_scope_not_a_page(results):
    client = api_client_for(results.admin)
    everything = json_rows(client, "/api/v1/results/", {})
    _t, _h, rows = xlsx_rows(export(client, "/api/v1/results/", {"page_size": 1, "page": 2}, "xlsx").content)
    assert len(rows) == len(everything) > 1


@pytest.fixture
def progress(world):
    get = Organisation.objects.get
    grant(world.tree.village, 2022)
    grant(world.tree.sibling_village, 2023)
    grant(world.tree.far_village, 2023, kind="demonstration")
    grant(get(code="530401002"), 2024)
    assert Title.objects.count() == 4
    rebuild_rollups()  # written past the services
    return world


PROGRESS_KEYS = [
    "units",
    "standard",
    "standard_target",
    "standard_rate",
    "standard_on_pace",
    "demonstration",
    "demonstration_target",
    "demonstration_rate",
    "demonstration_on_pace",
]


def progress_lines(body) -> list[list]:
    """The JSON of /progress/ flattened as the export writes it: the unit's levels, then each
    child's."""

    def lines(unit, levels):
        out = []
        for n in levels:
            values = [n[k] for k in PROGRESS_KEYS]
            values = [("达到进度" if v else "落后") if isinstance(v, bool) else v for v in values]
            out.append(
                [unit["code"] if unit else "", unit["name"] if unit else "全部", LEVELS[n["level"]], *values]
            )
        return out

    result = lines(body["org"], body["levels"])
    for child in body["children"]:
        result.extend(lines(child, child["levels"]))
    return result


@pytest.mark.parametrize("year", [2022, 2023, 2024])
@pytest.mark.parametrize("who", ["admin", "county_leader"])
def test_progress_export_matches_the_json_for_each_year(progress, year, who):
    client = api_client_for(getattr(progress, who))
    body = client.get("/api/v1/progress/", {"year": year}).json()
    title, header, rows = xlsx_rows(export(client, "/api/v1/progress/", {"year": year}, "xlsx").content)
    assert header == [
        "单位代码",
        "单位名称",
        "下辖层级",
        "单位数",
        "达标（累计）",
        "达标目标",
        "达标率（%）",
        "达标进度",
        "示范（累计）",
        "示范目标",
        "示范率（%）",
        "示范进度",
    ]
    assert f"{year} 年度" in title and body["org"]["name"] in title
    assert rows == progress_lines(body)
    assert any(row[6] for row in rows)  # some rate is not zero: the numbers are really compared
    _h, csv_lines = csv_rows(export(client, "/api/v1/progress/", {"year": year}, "csv").content)
    assert csv_lines == [["" if v is None else str(v) for v in line] for line in progress_lines(body)]


def test_progress_export_of_a_unit_outside_the_scope_is_404(progress):
    client = api_client_for(progress.county_leader)
    response = client.get("/api/v1/progress/", {"org": progress.tree.far_township.pk, "format": "xlsx"})
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"


@pytest.mark.parametrize("path", ["/api/v1/results/", "/api/v1/rankings/", "/api/v1/progress/"])
def test_an_unknown_format_is_a_clear_400(results, path):
    response = api_client_for(results.admin).get(path, {"format": "pdf"})
    assert response.status_code == 400
    assert response.json() == {
        "detail": "format: format 应为 json、xlsx 或 csv",
        "format": ["format 应为 json、xlsx 或 csv"],
    }


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_a_bad_filter_with_an_export_format_is_a_json_400(results, fmt):
    response = api_client_for(results.admin).get("/api/v1/results/", {"format": fmt, "year": "x"})
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert "year" in response.json()


def test_json_stays_the_default_and_can_be_asked_for(results):
    client = api_client_for(results.admin)
    assert (
        client.get("/api/v1/results/").json()["count"]
        == client.get("/api/v1/results/", {"format": "json"}).json()["count"]
    )


def test_an_export_needs_a_login(results):
    from rest_framework.test import APIClient

    response = APIClient().get("/api/v1/results/", {"format": "xlsx"})
    assert response.status_code == 403 and response["Content-Type"] == "application/json"


def test_the_export_query_count_does_not_grow_with_rows(results, django_assert_num_queries):
    client = api_client_for(results.admin)
    # Queries (the client is authenticated without one): the scope's name, the count, the rows
    # (one cursor, read in chunks).
    with django_assert_num_queries(3):
        few = export(client, "/api/v1/results/", {}, "xlsx")
    for n, org in enumerate(Organisation.objects.filter(level="village").order_by("code")[:3]):
        make_assessment(org, 2022, final=Decimal(80 + n))
    with django_assert_num_queries(3):
        more = export(client, "/api/v1/results/", {}, "xlsx")
    assert len(xlsx_rows(more.content)[2]) == len(xlsx_rows(few.content)[2]) + 3


def test_the_schema_documents_the_format_parameter_and_the_files(results):
    schema = api_client_for(results.admin).get("/api/schema/", {"format": "json"}).json()
    for path in ("/api/v1/results/", "/api/v1/rankings/", "/api/v1/progress/"):
        operation = schema["paths"][path]["get"]
        fmt = next(p for p in operation["parameters"] if p["name"] == "format")
        assert fmt["schema"]["enum"] == ["csv", "json", "xlsx"] or sorted(fmt["schema"]["enum"]) == [
            "csv",
            "json",
            "xlsx",
        ]
        content = operation["responses"]["200"]["content"]
        assert set(content) >= {
            "application/json",
            "text/csv",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        }
        assert "202" in operation["responses"]
    results_json = schema["paths"]["/api/v1/results/"]["get"]["responses"]["200"]["content"][
        "application/json"
    ]
    assert "Paginated" in results_json["schema"]["$ref"]  # the JSON answer is still the paginated list
    assert "/api/v1/exports/{id}/download/" in schema["paths"]


@pytest.mark.parametrize("params", [{"page": "false"}, {"page": "0"}, {"page_size": "0"}, {"page_size": "x"}])
def test_paging_parameters_are_still_checked_on_an_export(results, params):
    response = api_client_for(results.admin).get("/api/v1/results/", {**params, "format": "csv"})
    assert response.status_code == 400 and response["Content-Type"] == "application/json"
