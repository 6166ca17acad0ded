"""The printed documents: the 公示, the 命名 decision, the 通报批评 circular and an assessment's
score sheet, as A4 print pages and as Word files opened with python-docx."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from assessments import services
from assessments.models import Event, State
from indicators.models import for_unit
from reports.models import DocumentSettings
from tests.helpers import login
from tests.reports.helpers import cast_for, docx_text, drive, open_docx

NOTICE, NAMING, CIRCULAR = "/documents/notice/", "/documents/naming/", "/documents/circular/"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def zh_date(value) -> str:
    day = timezone.localdate(value) if hasattr(value, "tzinfo") else value
    return f"{day.year}年{day.month}月{day.day}日"


def get_docx(client, url: str, **params):
    response = client.get(url, {**params, "format": "docx"})
    assert response.status_code == 200, response.content[:500]
    assert response["Content-Type"] == DOCX
    assert response["Content-Disposition"].startswith("attachment;")
    return docx_text(response.content)


# ---------------------------------------------------------------------------------------------
# 公示


def test_notice_docx_lists_the_units_in_notice_by_county_and_township_with_dates_and_scores(world):
    t = world.tree
    village = drive(world, t.village, State.IN_NOTICE)
    community = drive(world, t.community, State.IN_NOTICE)
    far = drive(world, t.far_village, State.IN_NOTICE)
    named = drive(world, t.sibling_village, State.NAMED)  # went through an earlier notice

    text = get_docx(login(world.admin), NOTICE, year=2024, target="standard")

    assert "关于玉溪市“四级联创”达标党组织的公示" in text
    assert "中共玉溪市委组织部" in text
    for a, group in [(village, "第1县 · 1县1镇"), (community, "第1县 · 1县2街道"), (far, "第2县 · 2县1镇")]:
        assert f"{a.org.name} | {a.final_score}" in text
        assert group in text
    assert named.org.name not in text
    starts, ends = zh_date(village.notice_started_at), zh_date(far.notice_ends_at)
    assert f"公示时间：{starts}至{ends}" in text
    assert "拟命名以下3个党组织" in text
    assert "/notices/" in text  # where objections go online


def test_notice_of_one_level_names_the_level_in_its_heading(world):
    village = drive(world, world.tree.village, State.IN_NOTICE)
    text = get_docx(login(world.admin), NOTICE, year=2024, level="village")
    assert "关于玉溪市“四级联创”达标村（社区）党组织的公示" in text
    assert village.org.name in text


def test_a_past_notice_lists_every_unit_that_went_through_it(world):
    t = world.tree
    named = drive(world, t.village, State.NAMED)
    rejected = drive(world, t.sibling_village, State.REJECTED)
    failed = drive(world, t.community, State.FAILED)  # never in notice
    text = get_docx(login(world.leader), NOTICE, year=2024)
    assert named.org.name in text and rejected.org.name in text
    assert failed.org.name not in text
    assert "中共1县1镇委员会" in text  # a township's default issuing body


def test_notice_print_page_has_no_navigation_and_links_the_print_stylesheet(world):
    village = drive(world, world.tree.village, State.IN_NOTICE)
    response = login(world.admin).get(NOTICE, {"year": 2024})
    html = response.content.decode()
    assert response.status_code == 200
    assert "<nav" not in html and 'class="topbar"' not in html
    assert "/static/css/print.css" in html
    assert village.org.name in html and str(village.final_score) in html
    assert "format=docx" in html
    css = (Path(settings.BASE_DIR) / "static" / "css" / "print.css").read_text()
    assert "@page { size: A4;" in css
    assert ".doc-tools { display: none !important; }" in css  # no buttons on paper


def test_saved_settings_head_the_documents_of_their_unit_only(world):
    county = world.tree.county
    DocumentSettings.objects.create(
        org=county,
        issuing_body="中共第1县委组织部（测试）",
        contact_line="0877-1234567，第1县党建大楼",
        number_prefix="一组通",
    )
    drive(world, world.tree.village, State.IN_NOTICE)
    county_text = get_docx(login(world.county_leader), NOTICE, year=2024, no=7)
    assert "中共第1县委组织部（测试）" in county_text
    assert "联系电话及地址：0877-1234567，第1县党建大楼" in county_text
    assert "一组通〔2024〕7号" in county_text
    city_text = get_docx(login(world.admin), NOTICE, year=2024)
    assert "中共玉溪市委组织部" in city_text and "测试" not in city_text
    assert "玉组通〔2024〕　　号" in city_text  # the serial left for the office to fill in


def test_docx_is_a4_with_east_asian_fonts_and_bordered_tables(world):
    drive(world, world.tree.village, State.IN_NOTICE)
    response = login(world.admin).get(NOTICE, {"year": 2024, "format": "docx"})
    doc = open_docx(response.content)
    section = doc.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    fonts = doc.styles["Normal"].element.rPr.rFonts
    assert fonts.get("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}eastAsia") == "仿宋"
    title = next(p for p in doc.paragraphs if p.text.startswith("关于"))
    east = title.runs[0].element.rPr.rFonts.get(
        "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}eastAsia"
    )
    assert east == "方正小标宋简体"
    assert doc.tables[0].style.name == "Table Grid"


# ---------------------------------------------------------------------------------------------
# 命名 and 通报批评


def test_naming_decision_lists_the_titles_granted_in_the_round(world):
    t = world.tree
    named = drive(world, t.village, State.NAMED)
    later_revoked = drive(world, t.community, State.REVOKED)  # named in the round, on the decision
    in_notice = drive(world, t.sibling_village, State.IN_NOTICE)
    text = get_docx(login(world.admin), NAMING, year=2024, target="standard")
    assert "关于命名2024年度玉溪市“四级联创”达标党组织的决定" in text
    assert "中共玉溪市委组织部文件" in text
    for a in (named, later_revoked):
        assert f"{a.org.name} | {a.final_score} | {zh_date(a.title.granted_at)}" in text
    assert in_notice.org.name not in text
    assert "命名以下2个党组织" in text
    assert get_docx(login(world.admin), NAMING, year=2024, target="demonstration").count(named.org.name) == 0


def test_circular_lists_warnings_rectifications_and_revocations_with_reasons_and_deadlines(world):
    t = world.tree
    warned = drive(world, t.village, State.NAMED)
    services.assessment_transition(
        assessment_id=warned.pk, action="warn", actor=cast_for(t.village).leader, reason="三会一课记录缺失"
    )
    rectifying = drive(world, t.sibling_village, State.RECTIFYING)
    revoked = drive(world, t.community, State.REVOKED)
    quiet = drive(world, t.far_village, State.NAMED)

    text = get_docx(login(world.admin), CIRCULAR, year=2024)

    assert "关于对2024年度玉溪市部分“四级联创”已命名党组织的通报批评" in text
    assert f"{warned.org.name} | 2024年度达标" in text and "三会一课记录缺失" in text
    deadline = zh_date(rectifying.rectify_deadline)
    assert (
        f"{rectifying.org.name} | 2024年度达标 | {zh_date(timezone.localdate())} | {deadline} | 整改中"
        in text
    )
    assert f"{revoked.org.name} | 2024年度达标" in text and "发生严重违纪问题，予以摘牌" in text
    assert quiet.org.name not in text
    assert "一、通报批评（1个）" in text and "二、限期整改（1个）" in text and "三、摘牌（1个）" in text


def test_circular_of_an_earlier_round_leaves_out_what_was_done_later(world):
    t = world.tree
    a = drive(world, t.village, State.NAMED)
    services.assessment_transition(
        assessment_id=a.pk, action="warn", actor=cast_for(t.village).leader, reason="示范作用发挥不好"
    )
    assert "示范作用发挥不好" not in get_docx(login(world.admin), CIRCULAR, year=2022)
    assert "示范作用发挥不好" in get_docx(login(world.admin), CIRCULAR, year=2024)


# ---------------------------------------------------------------------------------------------
# The score sheet


def test_score_sheet_lists_every_indicator_totals_veto_outcome_and_signature_lines(world):
    a = drive(world, world.tree.village, State.RECHECKED)
    client = login(world.operator)  # the unit's own operator may print its sheet
    text = get_docx(client, f"/documents/score-sheet/{a.pk}/")
    indicators = for_unit(a.indicator_set.indicators.order_by("order"), a.org.area_type)
    assert len(indicators) == 14  # a village sees every slot, in its rural wording
    for i in indicators:
        assert f"{i.code} {i.title}" in text
    assert "V-07 村级集体经济和强村公司 | 10 |" in text and "社区共驻共建" not in text
    veto = next(i for i in indicators if i.is_veto)
    assert f"{veto.code} {veto.title} | 不计分 | 通过 | 通过 | — | 通过" in text
    maxes = [format(i.max_score.normalize(), "f") for i in indicators]
    first = indicators[0]
    assert f"{first.code} {first.title} | {maxes[0]} | {maxes[0]} | {maxes[0]} | — | {maxes[0]}" in text
    assert f"合计（折算为百分制） | 100.00 | {a.self_total} | {a.review_total} | — | {a.final_score}" in text
    assert "二、一票否决项" in text
    assert "评定结果：通过" in text
    for line in ("填报人（签字）", "审核人（签字）", "负责人（签字）", "日期：", "单位（盖章）"):
        assert line in text
    assert a.org.name in text and a.org.parent.name in text


def test_score_sheet_print_page_and_link_from_the_assessment(world):
    a = drive(world, world.tree.village, State.REVIEWED)
    client = login(world.leader)
    detail = client.get(f"/assessments/{a.pk}/").content.decode()
    assert f'href="/documents/score-sheet/{a.pk}/"' in detail
    html = client.get(f"/documents/score-sheet/{a.pk}/").content.decode()
    assert "<nav" not in html and "/static/css/print.css" in html
    assert "单位（盖章）" in html and str(a.review_total) in html


# ---------------------------------------------------------------------------------------------
# Who may open them


@pytest.mark.parametrize("url", [NOTICE, NAMING, CIRCULAR])
def test_a_township_leader_cannot_print_another_townships_documents(world, url):
    drive(world, world.tree.far_village, State.IN_NOTICE)
    client = login(world.leader)
    assert client.get(url, {"org": world.tree.far_township.pk}).status_code == 404
    assert client.get(url, {"org": world.tree.county.pk}).status_code == 404  # above the own unit
    assert client.get(url, {"org": world.tree.township.pk}).status_code == 200


def test_a_county_leader_prints_a_township_of_the_county_and_sees_only_its_units(world):
    mine = drive(world, world.tree.village, State.IN_NOTICE)
    other = drive(world, world.tree.far_village, State.IN_NOTICE)
    text = get_docx(login(world.county_leader), NOTICE, org=world.tree.township.pk)
    assert mine.org.name in text and other.org.name not in text
    assert "关于第1县1县1镇“四级联创”达标党组织的公示" in text


@pytest.mark.parametrize("role", ["operator", "reviewer"])
def test_operators_and_reviewers_are_refused_the_units_documents(world, role):
    user = world.operator if role == "operator" else world.reviewer
    response = login(user).get(NOTICE)
    assert response.status_code == 403
    assert "只有负责人和管理员" in response.content.decode() or "Only leaders" in response.content.decode()


def test_score_sheet_outside_scope_is_not_found(world):
    a = drive(world, world.tree.village, State.SUBMITTED)
    assert login(world.colleague).get(f"/documents/score-sheet/{a.pk}/").status_code == 404
    assert login(world.sibling_operator).get(f"/documents/score-sheet/{a.pk}/").status_code == 404
    assert login(world.leader).get(f"/documents/score-sheet/{a.pk}/").status_code == 200


@pytest.mark.parametrize("url", [NOTICE, NAMING, CIRCULAR, "/documents/score-sheet/1/"])
def test_documents_need_a_login(world, url):
    response = Client().get(url)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


# ---------------------------------------------------------------------------------------------
# Bad parameters


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"year": "abc"}, "年度（year）应为整数，收到“abc”"),
        ({"year": "1999"}, "没有 1999 年度的评估轮次"),
        ({"target": "gold"}, "未知的称号（target）“gold”"),
        ({"level": "planet"}, "未知的层级（level）“planet”"),
        ({"level": "city"}, "未知的层级（level）“city”"),
        ({"org": "-1"}, "单位编号（org）应为整数"),
        ({"no": "0"}, "文号序号（no）应在 1 到 9999 之间"),
        ({"format": "pdf"}, "未知的格式（format）“pdf”"),
        ({"year": "２０２４"}, "年度（year）应为整数"),
    ],
)
@pytest.mark.parametrize("url", [NOTICE, NAMING, CIRCULAR])
def test_bad_parameters_are_refused_with_the_reason_and_nothing_else(world, url, params, message):
    drive(world, world.tree.village, State.IN_NOTICE)
    client = login(world.admin)
    events, settings_rows = Event.objects.count(), DocumentSettings.objects.count()
    response = client.get(url, {**params, "format": params.get("format", "docx")})
    body = response.content.decode()
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
    assert message in body
    assert world.tree.village.name not in body  # no document beside the error
    assert (Event.objects.count(), DocumentSettings.objects.count()) == (events, settings_rows)


def test_a_level_not_below_the_unit_is_refused(world):
    response = login(world.leader).get(NOTICE, {"level": "township"})
    assert response.status_code == 400
    assert "层级（level）应低于“1县1镇”所在的层级" in response.content.decode()


def test_score_sheet_refuses_an_unknown_format(world):
    a = drive(world, world.tree.village, State.SUBMITTED)
    response = login(world.leader).get(f"/documents/score-sheet/{a.pk}/", {"format": "xlsx"})
    assert response.status_code == 400 and "未知的格式（format）“xlsx”" in response.content.decode()


# ---------------------------------------------------------------------------------------------
# Query counts do not grow with the units


def _more_units(world, state):
    t = world.tree
    for org in (t.sibling_village, t.community, t.far_village):
        drive(world, org, state)


@pytest.mark.parametrize(
    ("url", "state", "queries"),
    [
        # session, user, the user's unit, the round, the issuing settings, the units in notice, the
        # years of the form
        (NOTICE, State.IN_NOTICE, 7),
        # … the titles of the round instead of the notices
        (NAMING, State.NAMED, 7),
        # … the next round's opening and the actions of the round's cycle instead
        (CIRCULAR, State.REVOKED, 8),
    ],
)
@pytest.mark.parametrize("fmt", ["html", "docx"])
def test_query_count_does_not_grow_with_the_units(world, django_assert_num_queries, url, state, queries, fmt):
    drive(world, world.tree.village, state)
    client = login(world.admin)
    # The docx has no form: no query for the years.
    expected = queries - (fmt == "docx")
    with django_assert_num_queries(expected):
        assert client.get(url, {"year": 2024, "format": fmt}).status_code == 200
    _more_units(world, state)
    with django_assert_num_queries(expected):
        response = client.get(url, {"year": 2024, "format": fmt})
    body = response.content if fmt == "html" else docx_text(response.content).encode()
    assert world.tree.far_village.name.encode() in body


def test_score_sheet_query_count(world, django_assert_num_queries):
    a = drive(world, world.tree.village, State.RECHECKED)
    client = login(world.leader)
    # session, user, the user's unit (scope), the assessment (unit, parent, round, set, pending
    # objection), the dimensions, their indicators, the scores
    with django_assert_num_queries(7):
        assert client.get(f"/documents/score-sheet/{a.pk}/", {"format": "docx"}).status_code == 200


def test_township_leaders_notice_names_the_county_in_one_query(world, django_assert_num_queries):
    drive(world, world.tree.village, State.IN_NOTICE)
    client = login(world.leader)
    # session, user, the user's unit, its county (for the heading), the round, the settings, the units
    with django_assert_num_queries(7):
        response = client.get(NOTICE, {"format": "docx"})
    assert "关于第1县1县1镇“四级联创”达标党组织的公示" in docx_text(response.content)


def test_public_notice_page_offers_the_print_link_to_leaders_only(world):
    drive(world, world.tree.village, State.IN_NOTICE)
    link = 'href="/documents/notice/"'
    assert link in login(world.leader).get("/notices/").content.decode()
    assert link not in login(world.operator).get("/notices/").content.decode()
    assert link not in Client().get("/notices/").content.decode()


HOSTILE_VALUES = ["%00", "%EF%BC%91", "9" * 40, "-1", "1.5", "%ff%fe", "x" * 5000, "1_0", "NaN"]


@pytest.mark.parametrize("url", [NOTICE, NAMING, CIRCULAR, "/documents/score-sheet/{pk}/"])
@pytest.mark.parametrize("field", ["org", "year", "target", "level", "no", "format"])
def test_hostile_query_values_are_refused_never_a_server_error(world, url, field):
    a = drive(world, world.tree.village, State.IN_NOTICE)
    client = login(world.admin)
    events = Event.objects.count()
    for value in HOSTILE_VALUES:
        response = client.get(f"{url.format(pk=a.pk)}?{field}={value}")
        ignored = url.startswith("/documents/score-sheet/") and field != "format"  # takes format only
        expected = {200} if ignored and "%00" not in value else {400}
        assert response.status_code in expected, (field, value[:20], response.status_code)
        assert response["Content-Type"].startswith("text/html")
    assert Event.objects.count() == events


def test_a_superuser_without_a_unit_prints_the_first_citys_documents(world):
    from orgs.models import User

    drive(world, world.tree.village, State.IN_NOTICE)
    User.objects.create_superuser(username="root", password="correct-horse-battery")
    text = get_docx(login(User.objects.get(username="root")), NOTICE)
    assert "关于玉溪市“四级联创”达标党组织的公示" in text and world.tree.village.name in text


def test_a_reason_with_control_characters_still_gives_a_word_file(world):
    a = drive(world, world.tree.village, State.NAMED)
    leader = cast_for(world.tree.village).leader
    services.assessment_transition(assessment_id=a.pk, action="warn", actor=leader, reason="台账\x0b缺失\x01")
    text = get_docx(login(world.admin), CIRCULAR, year=2024)
    assert "台账缺失" in text


def test_the_settings_are_edited_in_the_admin(world):
    from orgs.models import User

    User.objects.create_superuser(username="root", password="correct-horse-battery")
    client = login(User.objects.get(username="root"))
    assert client.get("/admin/reports/documentsettings/").status_code == 200
    response = client.post(
        "/admin/reports/documentsettings/add/",
        {
            "org": world.tree.county.pk,
            "issuing_body": "中共第1县委组织部",
            "contact_line": "电话 0877-0000000",
            "number_prefix": "一组通",
        },
    )
    assert response.status_code == 302
    row = DocumentSettings.objects.get(org=world.tree.county)
    assert (row.issuing_body, row.number_prefix) == ("中共第1县委组织部", "一组通")
    add = "/admin/reports/documentsettings/add/"
    refused = client.post(add, {"org": world.tree.city.pk, "issuing_body": ""})
    assert refused.status_code == 200 and not DocumentSettings.objects.filter(org=world.tree.city).exists()
