"""Score sheets as Excel workbooks: download, fill in offline, upload back through the same service
as the API; every bad workbook refused with its worksheet, row and column, and nothing saved."""

from __future__ import annotations

import io
import zipfile
from decimal import Decimal

import pytest
from django.core import signing
from openpyxl import load_workbook

from assessments import workbooks
from assessments.models import Assessment, Event, Score
from demo.drive import Cast, drive_to, sheet_rows
from tests.helpers import api_client_for, login, make_user

XLSX = workbooks.XLSX


def download(user, a, stage="self", **params):
    response = api_client_for(user).get(f"/api/v1/assessments/{a.pk}/scores/{stage}/workbook/", params)
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"] == XLSX
    return load_workbook(io.BytesIO(response.content))


def to_bytes(wb) -> bytes:
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def upload(user, a, content: bytes, stage="self"):
    return api_client_for(user).put(
        f"/api/v1/assessments/{a.pk}/scores/{stage}/workbook/", content, content_type=XLSX
    )


def rows_of(ws):
    """indicator code -> worksheet row."""
    return {ws[f"A{r}"].value: r for r in range(workbooks.FIRST_ROW, ws.max_row + 1) if ws[f"A{r}"].value}


def fill(ws, a, share=Decimal("0.5")):
    """Every applicable indicator at ``share`` of its max (half points), vetoes passed: the same
    values ``sheet_rows(a, share)`` gives the API."""
    rows = rows_of(ws)
    for row in sheet_rows(a, share):
        code = a.indicator_set.indicators.get(pk=row["indicator"]).code
        ws[f"F{rows[code]}"] = float(row["score"])
        if "veto_passed" in row:
            ws[f"G{rows[code]}"] = "通过"


def state_of(a):
    """Everything a save would touch: the assessment's version and totals, and its score rows."""
    fresh = Assessment.objects.get(pk=a.pk)
    rows = sorted(Score.objects.filter(assessment=a).values_list("stage", "indicator_id", "score", "comment"))
    events = Event.objects.filter(assessment=a).count()
    return fresh.version, fresh.self_total, fresh.review_total, rows, events


def problems(response) -> list[str]:
    return response.json()["workbook"]


# ---------------------------------------------------------------------------------------------
# What the workbook holds


def test_the_workbook_holds_the_indicators_maxima_guides_and_saved_values(world):
    a = world.declare()
    first = sheet_rows(a)[0]
    api_client_for(world.operator).put(
        f"/api/v1/assessments/{a.pk}/scores/self/",
        {"version": a.version, "scores": [{**first, "score": "2.5", "comment": "缺两次记录"}]},
        format="json",
    )
    ws = download(world.operator, a).worksheets[0]
    assert ws.title == world.tree.village.name
    title = ws["A1"].value
    assert world.tree.village.name in title and "2024" in title and "达标" in title and "自评" in title
    headers = ["编号", "维度", "指标", "评分标准", "满分", "得分", "一票否决", "说明"]
    assert [c.value for c in ws[3]] == headers
    indicator = a.indicator_set.indicators.get(pk=first["indicator"])
    row = rows_of(ws)[indicator.code]
    assert ws[f"C{row}"].value == indicator.title
    assert ws[f"B{row}"].value == indicator.dimension.name
    assert ws[f"D{row}"].value == indicator.guide
    assert Decimal(str(ws[f"E{row}"].value)) == indicator.max_score
    assert ws[f"F{row}"].value == 2.5 and ws[f"H{row}"].value == "缺两次记录"
    # only the score, veto and comment cells can be edited; the structure is locked
    assert ws.protection.sheet
    assert not ws[f"F{row}"].protection.locked and not ws[f"H{row}"].protection.locked
    assert ws[f"C{row}"].protection.locked and ws[f"E{row}"].protection.locked
    assert ws.column_dimensions["D"].width >= 40
    validations = {dv.type: dv for dv in ws.data_validations.dataValidation}
    assert "MOD(F4*2,1)=0" in validations["custom"].formula1 and "<=$E4" in validations["custom"].formula1
    assert validations["list"].formula1 == '"通过,不通过"'
    veto_rows = {rows_of(ws)[i.code] for i in a.indicator_set.indicators.filter(is_veto=True)}
    assert {str(r) for r in validations["list"].sqref.ranges} == {f"G{r}" for r in veto_rows}
    assert not any(ws[f"G{r}"].protection.locked for r in veto_rows)


def test_format_xlsx_and_accept_answer_the_same_workbook_and_json_is_unchanged(world):
    a = world.declare()
    client = api_client_for(world.operator)
    json_before = client.get(f"/api/v1/assessments/{a.pk}/scores/self/")
    by_format = client.get(f"/api/v1/assessments/{a.pk}/scores/self/", {"format": "xlsx"})
    by_accept = client.get(f"/api/v1/assessments/{a.pk}/scores/self/", HTTP_ACCEPT=XLSX)
    for response in (by_format, by_accept):
        assert response.status_code == 200 and response["Content-Type"] == XLSX
        assert load_workbook(io.BytesIO(response.content)).sheetnames[0] == world.tree.village.name
    assert json_before["Content-Type"] == "application/json"
    assert json_before.content == b"[]"
    # other actions keep DRF's answer to an unknown format
    assert client.get(f"/api/v1/assessments/{a.pk}/events/", {"format": "xlsx"}).status_code == 404


def test_nobody_else_downloads_the_sheet_and_a_closed_sheet_is_not_offered(world):
    a = world.declare()
    url = f"/api/v1/assessments/{a.pk}/scores/self/workbook/"
    refused = api_client_for(world.reviewer).get(url)
    assert refused.status_code == 403 and refused["Content-Type"] == "application/json"
    assert "无权填写" in refused.json()["detail"]
    assert api_client_for(world.colleague).get(url).status_code == 404
    closed = api_client_for(world.operator).get(f"/api/v1/assessments/{a.pk}/scores/review/workbook/")
    assert closed.status_code == 403  # the unit never scores its own review sheet
    drive_to(a, "submitted", cast=world.cast)
    closed = api_client_for(world.operator).get(url)
    assert closed.status_code == 409 and "只能在" in closed.json()["detail"]


# ---------------------------------------------------------------------------------------------
# Round trip


def test_round_trip_gives_the_same_totals_as_the_api(world):
    by_workbook = world.declare()
    by_api = world.declare(org=world.tree.sibling_village, actor=world.sibling_operator)
    wb = download(world.operator, by_workbook)
    fill(wb.worksheets[0], by_workbook)
    response = upload(world.operator, by_workbook, to_bytes(wb))
    assert response.status_code == 200, response.json()
    answer = response.json()["sheets"]
    assert [(s["worksheet"], s["saved"]) for s in answer] == [(world.tree.village.name, True)]

    api_answer = api_client_for(world.sibling_operator).put(
        f"/api/v1/assessments/{by_api.pk}/scores/self/",
        {"version": by_api.version, "scores": sheet_rows(by_api, Decimal("0.5"))},
        format="json",
    )
    assert api_answer.status_code == 200
    saved = Assessment.objects.get(pk=by_workbook.pk)
    assert saved.self_total == Assessment.objects.get(pk=by_api.pk).self_total
    assert answer[0]["total"] == api_answer.json()["total"]
    assert answer[0]["version"] == saved.version == by_workbook.version + 1
    event = Event.objects.filter(assessment=by_workbook, action="scores_save").get()
    assert event.actor == world.operator and len(event.data["changes"]) == len(sheet_rows(by_workbook))


def test_the_sheet_page_offers_the_workbook_and_takes_it_back(world):
    a = world.declare()
    client = login(world.operator)
    page = client.get(f"/assessments/{a.pk}/sheet/self/")
    url = f"/assessments/{a.pk}/sheet/self/workbook/"
    assert url.encode() in page.content
    assert url.encode() in client.get(f"/assessments/{a.pk}/").content
    wb = load_workbook(io.BytesIO(client.get(url).content))
    fill(wb.worksheets[0], a)
    done = client.post(url, {"file": io.BytesIO(to_bytes(wb))}, follow=True)
    assert done.redirect_chain[-1][0] == f"/assessments/{a.pk}/sheet/self/"
    assert Assessment.objects.get(pk=a.pk).self_total is not None


def test_the_sheet_page_lists_every_problem_and_saves_nothing(world):
    a = world.declare()
    client = login(world.operator)
    url = f"/assessments/{a.pk}/sheet/self/workbook/"
    wb = load_workbook(io.BytesIO(client.get(url).content))
    ws = wb.worksheets[0]
    ws["F4"], ws["F5"] = "好", 0.3
    before = state_of(a)
    page = client.post(url, {"file": io.BytesIO(to_bytes(wb))})
    assert page.status_code == 400
    text = page.content.decode()
    name = world.tree.village.name
    assert f"工作表“{name}”第 4 行 F 列" in text and "分值应为数字" in text
    assert f"工作表“{name}”第 5 行 F 列" in text and "0.5 的整数倍" in text
    assert state_of(a) == before


# ---------------------------------------------------------------------------------------------
# Bad workbooks: a clear message, nothing saved


def test_a_score_above_the_maximum_names_worksheet_row_and_column(world):
    a = world.declare()
    wb = download(world.operator, a)
    ws = wb.worksheets[0]
    fill(ws, a)
    indicator = a.indicator_set.indicators.order_by("order").first()
    row = rows_of(ws)[indicator.code]
    ws[f"F{row}"] = float(indicator.max_score) + 1
    before = state_of(a)
    response = upload(world.operator, a, to_bytes(wb))
    assert response.status_code == 400
    assert problems(response) == [
        f"工作表“{ws.title}”第 {row} 行 F 列：{indicator.code}："
        f"分值应在 0 到 {indicator.max_score.normalize():f} 之间"
    ]
    assert response.json()["detail"].startswith("工作簿未导入，没有保存任何内容")
    assert state_of(a) == before


@pytest.mark.parametrize(
    ("value", "message"),
    [("八分", "分值应为数字"), ("7,5", "分值应为数字"), (1.3, "0.5 的整数倍"), (-1, "分值应在 0 到")],
)
def test_text_or_a_score_off_the_half_steps_is_refused(world, value, message):
    a = world.declare()
    wb = download(world.operator, a)
    ws = wb.worksheets[0]
    fill(ws, a)
    ws["F6"] = value
    before = state_of(a)
    response = upload(world.operator, a, to_bytes(wb))
    assert response.status_code == 400
    [problem] = problems(response)
    assert problem.startswith(f"工作表“{ws.title}”第 6 行 F 列：") and message in problem
    assert state_of(a) == before


def test_a_veto_answer_other_than_pass_or_fail_is_refused(world):
    a = world.declare()
    wb = download(world.operator, a)
    ws = wb.worksheets[0]
    fill(ws, a)
    veto = a.indicator_set.indicators.filter(is_veto=True).first()
    row = rows_of(ws)[veto.code]
    ws[f"G{row}"] = "是"
    before = state_of(a)
    response = upload(world.operator, a, to_bytes(wb))
    assert response.status_code == 400
    assert problems(response) == [f"工作表“{ws.title}”第 {row} 行 G 列：请选择“通过”或“不通过”"]
    assert state_of(a) == before


@pytest.mark.parametrize(
    "content",
    [
        pytest.param(b"", id="empty"),
        pytest.param("得分\n8\n".encode(), id="text-renamed-xlsx"),
        pytest.param(b"%PDF-1.4\n", id="pdf"),
        pytest.param("zip", id="a-zip-that-is-no-workbook"),
        pytest.param("broken", id="a-workbook-cut-short"),
    ],
)
def test_a_file_that_is_not_a_workbook_is_refused(world, content):
    a = world.declare()
    if content == "zip":
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w") as z:
            z.writestr("readme.txt", "not a workbook")
        content = out.getvalue()
    elif content == "broken":
        content = to_bytes(download(world.operator, a))[:900]
    before = state_of(a)
    response = upload(world.operator, a, content)
    assert response.status_code == 400
    assert "不是 Excel 工作簿" in response.json()["detail"]
    assert state_of(a) == before


def test_a_workbook_not_from_here_is_refused(world):
    a = world.declare()
    wb = download(world.operator, a)
    del wb[workbooks.META_TITLE]
    response = upload(world.operator, a, to_bytes(wb))
    assert response.status_code == 400 and "不是从本系统下载的评分表" in response.json()["detail"]


def _retoken(wb, change, *, key="someone-elses-key"):
    """The hidden identity of the first worksheet re-signed by someone without the site's key."""
    meta = wb[workbooks.META_TITLE]
    data = signing.loads(meta["B2"].value, salt=workbooks.SALT)
    change(data)
    meta["B2"] = signing.dumps(data, key=key, salt=workbooks.SALT, compress=True)


def test_a_tampered_version_is_refused(world):
    a = world.declare()
    wb = download(world.operator, a)
    fill(wb.worksheets[0], a)
    _retoken(wb, lambda d: d.update(v=d["v"] + 5))
    before = state_of(a)
    response = upload(world.operator, a, to_bytes(wb))
    assert response.status_code == 400
    assert problems(response) == [workbooks.TAMPERED.format(ws=world.tree.village.name)]
    assert state_of(a) == before
    # the token edited by hand is refused alike
    wb = download(world.operator, a)
    meta = wb[workbooks.META_TITLE]
    meta["B2"] = meta["B2"].value[:-3] + "abc"
    assert upload(world.operator, a, to_bytes(wb)).status_code == 400
    assert state_of(a) == before


def test_a_workbook_of_another_unit_is_refused(world):
    mine = world.declare()
    other = world.declare(org=world.tree.sibling_village, actor=world.sibling_operator)
    wb = download(world.sibling_operator, other)
    fill(wb.worksheets[0], other)
    before = state_of(mine), state_of(other)
    response = upload(world.operator, mine, to_bytes(wb))
    assert response.status_code == 400
    sibling, village = world.tree.sibling_village.name, world.tree.village.name
    assert problems(response) == [
        f"工作表“{sibling}”是“{sibling}” 2024 年的自评表，不是本次要导入的“{village}” 2024 年自评表"
    ]
    assert (state_of(mine), state_of(other)) == before


def test_a_workbook_of_another_year_is_refused(world):
    from assessments.models import Round

    this_year = world.declare()
    earlier = Assessment.objects.create(
        org=world.tree.village,
        round=Round.objects.get(year=2023),
        target="standard",
        indicator_set=this_year.indicator_set,
    )
    wb = download(world.operator, earlier)
    fill(wb.worksheets[0], earlier)
    before = state_of(this_year), state_of(earlier)
    response = upload(world.operator, this_year, to_bytes(wb))
    assert response.status_code == 400
    village = world.tree.village.name
    assert problems(response) == [
        f"工作表“{village}”是“{village}” 2023 年的自评表，不是本次要导入的“{village}” 2024 年自评表"
    ]
    assert (state_of(this_year), state_of(earlier)) == before


def test_a_workbook_of_a_sheet_the_user_may_not_score_is_refused(world):
    a = world.declare()
    wb = download(world.operator, a)
    fill(wb.worksheets[0], a)
    content = to_bytes(wb)
    before = state_of(a)
    for user in (world.village_leader, world.reviewer):  # the unit's leader, the parent's reviewer
        response = upload(user, a, content)
        assert response.status_code == 403
        assert problems(response) == [f"工作表“{world.tree.village.name}”：您无权填写该单位的自评表"]
    assert (
        api_client_for(world.colleague)
        .put(f"/api/v1/assessments/{a.pk}/scores/self/workbook/", content, content_type=XLSX)
        .status_code
        == 404
    )  # outside the colleague's scope
    assert state_of(a) == before


def test_a_stale_workbook_is_refused_naming_the_changed_indicators(world):
    a = world.declare()
    wb = download(world.operator, a)
    fill(wb.worksheets[0], a)
    first, second = sheet_rows(a)[:2]
    api_client_for(world.operator).put(
        f"/api/v1/assessments/{a.pk}/scores/self/",
        {"version": a.version, "scores": [{**first, "score": "1"}, {**second, "score": "0.5"}]},
        format="json",
    )
    before = state_of(a)
    response = upload(world.operator, a, to_bytes(wb))
    assert response.status_code == 409
    changed = [a.indicator_set.indicators.get(pk=r["indicator"]) for r in (first, second)]
    names = "、".join(f"{i.code} {i.title}" for i in sorted(changed, key=lambda i: i.code))
    assert problems(response) == [
        f"工作表“{world.tree.village.name}”：下载后已有人保存过该评分表，改动了 {names}；请重新下载后再填写"
    ]
    assert state_of(a) == before


def test_an_unchanged_workbook_saves_nothing(world):
    a = world.declare()
    before = state_of(a)
    response = upload(world.operator, a, to_bytes(download(world.operator, a)))
    assert response.status_code == 200
    assert [s["saved"] for s in response.json()["sheets"]] == [False]
    assert state_of(a) == before


def test_a_body_of_another_type_is_refused_with_415(world):
    a = world.declare()
    response = api_client_for(world.operator).put(
        f"/api/v1/assessments/{a.pk}/scores/self/workbook/", {"x": 1}, format="json"
    )
    assert response.status_code == 415


# ---------------------------------------------------------------------------------------------
# A village's groups: one worksheet each, one transaction


@pytest.fixture
def groups(world):
    """Both groups of the village submitted (self sheets at full marks): their review sheets are
    the village's reviewer's to fill, one workbook for both."""
    village_reviewer = make_user(world.tree.village, "reviewer")
    county_reviewer = world.county_reviewer
    rows = []
    for group in world.tree.village.get_children().order_by("code"):
        operator = make_user(group, "operator")
        a = world.declare(org=group, actor=operator)
        cast = Cast(
            operator=operator, reviewer=village_reviewer, leader=village_reviewer, rechecker=county_reviewer
        )
        rows.append(drive_to(a, "submitted", cast=cast))
    return village_reviewer, rows


def group_url(world, stage="review"):
    return f"/api/v1/assessments/group-workbook/?org={world.tree.village.pk}&year=2024&stage={stage}"


def test_the_village_reviews_its_groups_in_one_workbook(world, groups, django_assert_max_num_queries):
    reviewer, assessments = groups
    client = api_client_for(reviewer)
    # Queries: the user and token, the unit in scope, the groups' assessments, their indicators,
    # their saved review scores: whatever the number of groups.
    with django_assert_max_num_queries(6):
        response = client.get(group_url(world))
    assert response.status_code == 200 and response["Content-Type"] == XLSX
    wb = load_workbook(io.BytesIO(response.content))
    names = [a.org.name for a in assessments]
    assert wb.sheetnames == [*names, workbooks.META_TITLE]
    assert wb[workbooks.META_TITLE].sheet_state == "veryHidden"
    for ws, a in zip(wb.worksheets, assessments, strict=False):
        assert a.org.name in ws["A1"].value and "评审" in ws["A1"].value
        fill(ws, a, Decimal("0.8"))
        for r in range(workbooks.FIRST_ROW, ws.max_row + 1):
            ws[f"H{r}"] = "现场核实"
    # Queries: the token and user, the unit, the ids it may carry, the savepoint, the indicator
    # codes (2); then per worksheet the score service's own (savepoint, lock, indicators, self
    # scores, saved scores, write, totals, version, event, release): one sheet's save each.
    with django_assert_max_num_queries(8 + 12 * len(assessments)):
        response = client.put(group_url(world), to_bytes(wb), content_type=XLSX)
    assert response.status_code == 200, response.json()
    assert [s["saved"] for s in response.json()["sheets"]] == [True, True]
    for a in assessments:
        fresh = Assessment.objects.get(pk=a.pk)
        assert fresh.review_total is not None and fresh.version == a.version + 1
        assert Score.objects.filter(assessment=a, stage="review", comment="现场核实").exists()


def test_one_bad_cell_in_one_group_saves_no_group(world, groups):
    reviewer, assessments = groups
    client = api_client_for(reviewer)
    wb = load_workbook(io.BytesIO(client.get(group_url(world)).content))
    for ws, a in zip(wb.worksheets, assessments, strict=False):
        fill(ws, a, Decimal("0.8"))
    second = wb.worksheets[1]
    second["F7"] = 99
    before = [state_of(a) for a in assessments]
    response = client.put(group_url(world), to_bytes(wb), content_type=XLSX)
    assert response.status_code == 400
    [problem] = problems(response)
    assert problem.startswith(f"工作表“{second.title}”第 7 行 F 列：") and "分值应在 0 到" in problem
    assert [state_of(a) for a in assessments] == before


def test_a_group_workbook_with_a_stale_and_a_foreign_sheet_lists_both(world, groups):
    reviewer, assessments = groups
    client = api_client_for(reviewer)
    wb = load_workbook(io.BytesIO(client.get(group_url(world)).content))
    for ws, a in zip(wb.worksheets, assessments, strict=False):
        fill(ws, a, Decimal("0.8"))
    first = sheet_rows(assessments[0])[0]
    client.put(
        f"/api/v1/assessments/{assessments[0].pk}/scores/review/",
        {"version": assessments[0].version, "scores": [first]},
        format="json",
    )
    before = [state_of(a) for a in assessments]
    response = client.put(group_url(world), to_bytes(wb), content_type=XLSX)
    assert response.status_code == 409
    [stale] = problems(response)
    code = assessments[0].indicator_set.indicators.get(pk=first["indicator"]).code
    assert stale.startswith(f"工作表“{assessments[0].org.name}”：下载后已有人保存过") and code in stale
    assert [state_of(a) for a in assessments] == before
    # the same workbook given as another village's is refused whole
    sibling = world.tree.sibling_village
    other = client.put(
        f"/api/v1/assessments/group-workbook/?org={sibling.pk}&year=2024&stage=review",
        to_bytes(wb),
        content_type=XLSX,
    )
    assert other.status_code in (400, 404)
    assert [state_of(a) for a in assessments] == before


def test_the_village_operator_fills_its_groups_self_sheets_by_proxy_in_one_workbook(world):
    """The village's operator fills its groups' self sheets on their behalf (policy's proxy rule):
    both groups come in one workbook; an operator of another village gets none of them."""
    groups = list(world.tree.village.get_children().order_by("code"))
    assessments = [world.declare(org=g, actor=world.operator) for g in groups]
    client = api_client_for(world.operator)
    response = client.get(group_url(world, "self"))
    assert response.status_code == 200
    wb = load_workbook(io.BytesIO(response.content))
    assert wb.sheetnames == [*(g.name for g in groups), workbooks.META_TITLE]
    for ws, a in zip(wb.worksheets, assessments, strict=False):
        fill(ws, a)
    # another village's operator uploads the same workbook: refused, nothing saved
    before = [state_of(a) for a in assessments]
    stranger = api_client_for(world.sibling_operator)
    refused = stranger.put(group_url(world, "self"), to_bytes(wb), content_type=XLSX)
    assert refused.status_code in (403, 404)
    assert [state_of(a) for a in assessments] == before
    response = client.put(group_url(world, "self"), to_bytes(wb), content_type=XLSX)
    assert response.status_code == 200, response.json()
    assert all(Assessment.objects.get(pk=a.pk).self_total is not None for a in assessments)
    events = Event.objects.filter(assessment__in=assessments, action="scores_save")
    assert events.count() == len(groups) and all(e.data.get("proxy") for e in events)


def test_the_assessment_page_offers_the_groups_workbook_to_the_village_reviewer(world, groups):
    reviewer, assessments = groups
    village = world.declare()
    page = login(reviewer).get(f"/assessments/{village.pk}/")
    assert f"/units/{world.tree.village.pk}/groups-workbook/2024/review/".encode() in page.content
    assert b"/groups-workbook/" not in login(world.operator).get(f"/assessments/{village.pk}/").content
