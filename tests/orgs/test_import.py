import io

import pytest
from django.core.management import CommandError, call_command
from openpyxl import Workbook

from orgs.importer import import_orgs
from orgs.models import Organisation
from tests.helpers import assert_tree_valid

HEADER = "code,name,level,kind,parent_code,official_name\n"
GOOD = HEADER + (
    "530400,玉溪市,city,市,,玉溪市\n"
    "530423,通海县,county,县,530400,通海县\n"
    "530423201,里山彝族乡,township,乡,530423,里山彝族乡\n"
    "530423201202,大黑冲村,village,村,530423201,大黑冲村民委员会\n"
    "530423201202001,下打马坎村民小组,group,村民小组,530423201202,\n"
)


def snapshot():
    return list(
        Organisation.objects.order_by("code").values_list(
            "code", "name", "parent_id", "lft", "rght", "tree_id"
        )
    )


def test_a_good_csv_builds_the_tree(db):
    report = import_orgs(GOOD.encode(), "tree.csv")
    assert report.ok and report.result.created == 5
    group = Organisation.objects.get(code="530423201202001")
    assert (group.level, group.area_type, group.parent.name) == ("group", "rural", "大黑冲村")
    assert_tree_valid(group.tree_id)


def test_importing_the_same_file_again_changes_nothing(db):
    import_orgs(GOOD.encode(), "tree.csv")
    before = snapshot()
    report = import_orgs(GOOD.encode(), "tree.csv")
    assert report.ok
    assert (report.result.created, report.result.renamed, report.result.unchanged) == (0, 0, 5)
    assert snapshot() == before


def test_children_can_be_added_under_units_already_in_the_system(db):
    import_orgs(GOOD.encode(), "tree.csv")
    more = HEADER + "530423201202002,上打马坎村民小组,group,村民小组,530423201202,\n"
    assert import_orgs(more.encode(), "more.csv").result.created == 1
    assert_tree_valid(Organisation.objects.get(code="530400").tree_id)


@pytest.mark.parametrize(
    ("bad_line", "message"),
    [
        ("530423201203,,village,村,530423201,", "名称不能为空"),
        ("530423201203,孤村,village,村,530499001,", "上级编码“530499001”不存在"),
        (
            "530423201203,跳级村,village,村,530423,",
            "层级错误：上级是县（市、区），本单位应为乡镇（街道），而不是村（社区）",
        ),
        ("530423201202,重复村,village,村,530423201,", "编码“530423201202”重复（第 5 行已出现）"),
        ("530423201203,怪村,village,农场,530423201,", "未知类型“农场”"),
        ("530423201203,错类村,village,镇,530423201,", "类型“镇”不适用于村（社区）"),
        ("530423201203,怪层村,hamlet,村,530423201,", "未知层级“hamlet”"),
    ],
)
def test_a_file_with_one_bad_row_imports_nothing_and_names_the_row(db, bad_line, message):
    content = GOOD + bad_line + "\n"
    report = import_orgs(content.encode(), "tree.csv")
    assert not report.ok
    assert [(e.row, e.message) for e in report.errors if message in e.message] == [
        (7, report.errors[0].message)
    ]
    assert str(report.errors[0]).startswith("第 7 行：")
    assert Organisation.objects.count() == 0


def test_every_bad_row_is_reported_not_only_the_first(db):
    content = GOOD + "530423201203,,village,村,530423201,\n530423201204,怪村,village,农场,530423201,\n"
    report = import_orgs(content.encode(), "tree.csv")
    assert [e.row for e in report.errors] == [7, 8]


def test_a_code_already_in_the_system_under_another_parent_is_refused(db):
    import_orgs(GOOD.encode(), "tree.csv")
    before = snapshot()
    moved = (
        HEADER
        + "530424,华宁县,county,县,530400,\n530424001,某镇,township,镇,530424,\n"
        + "530423201202,大黑冲村,village,村,530424001,\n"
    )
    report = import_orgs(moved.encode(), "moved.csv")
    assert "已存在于系统中" in report.errors[0].message
    assert snapshot() == before


def test_a_missing_column_is_reported_on_the_header_row(db):
    report = import_orgs("code,name,level\n530400,玉溪市,city\n".encode(), "x.csv")
    assert report.errors[0].row == 1 and "缺少列：kind, parent_code" in report.errors[0].message


def test_an_unsupported_file_type_is_refused(db):
    report = import_orgs(b"whatever", "tree.txt")
    assert "请上传 .xlsx 或 .csv" in report.errors[0].message


def test_a_gb18030_csv_from_excel_is_read(db):
    assert import_orgs(GOOD.encode("gb18030"), "tree.csv").ok


def _xlsx(lines: str) -> bytes:
    wb = Workbook()
    ws = wb.active
    for line in lines.strip().splitlines():
        ws.append(line.split(","))
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def test_an_xlsx_file_imports_the_same_as_csv(db):
    report = import_orgs(_xlsx(GOOD), "tree.xlsx")
    assert report.ok and report.result.created == 5


def test_an_xlsx_with_a_bad_row_imports_nothing(db):
    report = import_orgs(_xlsx(GOOD + "530423201203,,village,村,530423201,"), "tree.xlsx")
    assert [(e.row, e.message) for e in report.errors] == [(7, "名称不能为空")]
    assert Organisation.objects.count() == 0


def test_the_import_command_reports_errors_and_fails(db, tmp_path, capsys):
    bad = tmp_path / "bad.csv"
    bad.write_text(GOOD + "530423201203,,village,村,530423201,\n", encoding="utf-8")
    with pytest.raises(CommandError, match="未导入任何数据"):
        call_command("import_orgs", str(bad))
    assert "第 7 行：名称不能为空" in capsys.readouterr().err
    good = tmp_path / "good.csv"
    good.write_text(GOOD, encoding="utf-8")
    call_command("import_orgs", str(good))
    assert "新增 5 个" in capsys.readouterr().out


def test_the_admin_import_page_shows_row_errors_and_imports_nothing(db, admin_client):
    bad = io.BytesIO((GOOD + "530423201203,,village,村,530423201,\n").encode())
    bad.name = "bad.csv"
    response = admin_client.post("/admin/orgs/organisation/import/", {"file": bad})
    assert "第 7 行：名称不能为空" in response.content.decode()
    assert Organisation.objects.count() == 0
    good = io.BytesIO(GOOD.encode())
    good.name = "good.csv"
    response = admin_client.post("/admin/orgs/organisation/import/", {"file": good})
    assert response.status_code == 302
    assert Organisation.objects.count() == 5


def test_the_admin_unit_list_costs_the_same_queries_for_10_and_1000_units(db, admin_client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from orgs.services import orgs_bulk_load
    from tests.helpers import tree_rows

    def queries(params):
        with CaptureQueriesContext(connection) as ctx:
            response = admin_client.get("/admin/orgs/organisation/", params)
        assert response.status_code == 200
        return len(ctx.captured_queries)

    orgs_bulk_load(rows=tree_rows(counties=1, townships=1, villages=2, groups=3))
    few = [queries({}), queries({"level__exact": "village"}), queries({"q": "1-1"})]
    orgs_bulk_load(rows=tree_rows(counties=3, townships=6, villages=6, groups=9))
    assert Organisation.objects.count() > 1000
    assert [queries({}), queries({"level__exact": "village"}), queries({"q": "1-1"})] == few


@pytest.mark.parametrize("whole_file", [True, False], ids=["every unit again", "two units of five"])
def test_a_renamed_unit_is_found_whether_the_file_holds_every_unit_or_a_few(db, whole_file):
    """Stored units are matched by code either way: read all at once (no more stored than the
    file holds) or looked up by code (more stored than the file holds)."""
    import_orgs(GOOD.encode(), "tree.csv")
    lines = GOOD.replace("大黑冲村,village", "大黑冲社区,village").splitlines(keepends=True)
    again = "".join(lines) if whole_file else HEADER + "".join(lines[3:5])
    result = import_orgs(again.encode(), "again.csv").result
    assert (result.created, result.renamed, result.unchanged) == (0, 1, 4 if whole_file else 1)
    assert Organisation.objects.get(code="530423201202").name == "大黑冲社区"
    assert Organisation.objects.count() == 5
