"""The round's calendar, enforced: declarations only in their window, self sheets saved and
submitted until the self-assessment close, review sheets saved and reviews taken until the review
close; extensions for one unit or for all with their reason in the log; reminders three days
before a close, once; the late list on the same closes. The 2024 round keeps its real dates
here (declarations 03-01 to 03-31, sheets until 10-31, reviews until 12-15) and the clock is set
with ``freeze``."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from assessments import services
from assessments.models import Assessment, Event, Notification, Reminder, RoundExtension, Score, State
from demo.drive import Cast, attach_evidence, drive_to, save_sheet, sheet_rows
from reports import selectors
from tests.assessments.helpers import rounds_real_dates
from tests.helpers import api_client_for, login, make_user
from yuxi_campaign.core.errors import InvalidInput, NotAllowed, WrongState

D = dt.date


@pytest.fixture
def cal(world, freeze):
    """The world on the campaign's real calendar, on 2024-03-10 (declarations open)."""
    rounds_real_dates()
    world.round.refresh_from_db()
    freeze(D(2024, 3, 10))
    world.sibling = Cast(world.sibling_operator, world.reviewer, world.leader, world.county_reviewer)
    return world


def saved_state():
    return (
        Assessment.objects.count(),
        Score.objects.count(),
        Event.objects.count(),
        RoundExtension.objects.count(),
        list(Assessment.objects.order_by("pk").values_list("state", "version")),
    )


# ---------------------------------------------------------------------------------------------
# Declaration


def test_a_declaration_inside_its_window_is_made_on_its_last_day(cal, freeze):
    freeze(D(2024, 3, 31))
    assert cal.declare().state == State.DRAFT


def test_a_declaration_after_its_window_is_refused_naming_the_date_and_saves_nothing(cal, freeze):
    freeze(D(2024, 4, 1))
    before = saved_state()
    with pytest.raises(WrongState) as refused:
        cal.declare()
    assert refused.value.detail == "本轮申报已于 2024年3月31日 截止，不能再申报"
    assert saved_state() == before


def test_a_declaration_before_its_window_opens_is_refused(cal, freeze):
    freeze(D(2024, 2, 29))
    with pytest.raises(WrongState) as refused:
        cal.declare()
    assert refused.value.detail == "本轮申报将于 2024年3月1日 开始，现在还不能申报"
    assert not Assessment.objects.exists()


def test_the_api_refuses_a_late_declaration_with_409_and_the_date(cal, freeze):
    freeze(D(2024, 4, 2))
    response = api_client_for(cal.operator).post(
        "/api/v1/assessments/",
        {"org": cal.tree.village.pk, "round": cal.round.pk, "target": "standard"},
        format="json",
    )
    assert response.status_code == 409
    assert response.json()["detail"] == "本轮申报已于 2024年3月31日 截止，不能再申报"
    assert not Assessment.objects.exists()


def test_the_page_shows_the_late_declaration_refused_and_offers_no_declaration(cal, freeze):
    freeze(D(2024, 4, 2))
    client = login(cal.operator)
    response = client.post("/declare/", {"round": cal.round.pk, "target": "standard"}, follow=True)
    assert "本轮申报已于 2024年3月31日 截止，不能再申报" in response.content.decode()
    assert not Assessment.objects.exists()
    assert 'action="/declare/"' not in client.get("/").content.decode()


def test_a_unit_holding_the_standard_title_is_offered_the_model_title_on_its_page(cal, freeze):
    a = drive_to(cal.declare(), State.NAMED, cast=cal.cast)  # 达标 granted in 2024
    page = login(cal.operator).get("/").content.decode()
    assert 'value="demonstration"' in page and 'value="standard"' not in page
    response = login(cal.operator).post(
        "/declare/", {"round": cal.round.pk, "target": "demonstration"}, follow=True
    )
    model = Assessment.objects.get(org=a.org, target="demonstration")
    assert model.state == State.DRAFT and response.redirect_chain[-1][0].endswith(f"/{model.pk}/sheet/self/")


def test_the_model_title_is_refused_without_an_active_standard_title(cal):
    with pytest.raises(InvalidInput) as refused:
        cal.declare(target="demonstration")
    assert refused.value.detail == "只有持有有效“达标”称号的单位才能申报“示范”"
    assert 'value="demonstration"' not in login(cal.operator).get("/").content.decode()


# ---------------------------------------------------------------------------------------------
# Self sheet and submission


def test_the_self_sheet_saves_on_its_close_date_and_not_the_day_after(cal, freeze):
    a = cal.declare()
    freeze(D(2024, 10, 31))
    save_sheet(a, "self", cal.operator)
    a.refresh_from_db()
    freeze(D(2024, 11, 1))
    before = saved_state()
    with pytest.raises(WrongState) as refused:
        services.scores_save(
            assessment_id=a.pk,
            stage="self",
            actor=cal.operator,
            version=a.version,
            rows=sheet_rows(a, Decimal("0.5")),
        )
    assert refused.value.detail == "本轮自评已于 2024年10月31日 截止，不能再保存"
    assert saved_state() == before


def test_the_api_refuses_a_self_sheet_after_its_close_with_409(cal, freeze):
    a = cal.declare()
    freeze(D(2024, 11, 30))
    response = api_client_for(cal.operator).put(
        f"/api/v1/assessments/{a.pk}/scores/self/",
        {"version": a.version, "scores": sheet_rows(a, Decimal("0.8"))},
        format="json",
    )
    assert response.status_code == 409
    assert response.json()["detail"] == "本轮自评已于 2024年10月31日 截止，不能再保存"
    assert not Score.objects.exists()


def test_the_sheet_page_shows_the_refusal_and_saves_nothing(cal, freeze):
    a = cal.declare()
    indicator = a.indicator_set.indicators.order_by("pk").first()
    freeze(D(2024, 11, 1))
    response = login(cal.operator).post(
        f"/assessments/{a.pk}/sheet/self/",
        {"version": a.version, "do": "save", f"score-{indicator.pk}": "1"},
        follow=True,
    )
    assert "本轮自评已于 2024年10月31日 截止，不能再保存" in response.content.decode()
    assert not Score.objects.exists()


def test_submitting_after_the_self_assessment_close_is_refused(cal, freeze):
    a = cal.declare()
    save_sheet(a, "self", cal.operator)
    attach_evidence(a, cal.operator)
    freeze(D(2024, 11, 1))
    before = saved_state()
    with pytest.raises(WrongState) as refused:
        services.assessment_transition(assessment_id=a.pk, action="submit", actor=cal.operator)
    assert refused.value.detail == "本轮自评已于 2024年10月31日 截止，不能再提交"
    assert saved_state() == before


# ---------------------------------------------------------------------------------------------
# Review


def test_the_review_sheet_and_the_review_are_refused_after_the_review_close(cal, freeze):
    a = drive_to(cal.declare(), State.SUBMITTED, cast=cal.cast)
    freeze(D(2024, 12, 15))
    save_sheet(a, "review", cal.reviewer)
    a.refresh_from_db()
    freeze(D(2024, 12, 16))
    before = saved_state()
    with pytest.raises(WrongState) as refused:
        services.scores_save(
            assessment_id=a.pk,
            stage="review",
            actor=cal.reviewer,
            version=a.version,
            rows=sheet_rows(a, Decimal("0.5")),
        )
    assert refused.value.detail == "本轮评审已于 2024年12月15日 截止，不能再保存"
    with pytest.raises(WrongState) as refused:
        services.assessment_transition(assessment_id=a.pk, action="review", actor=cal.reviewer)
    assert refused.value.detail == "本轮评审已于 2024年12月15日 截止，不能再提交评审"
    assert saved_state() == before
    response = api_client_for(cal.reviewer).post(
        f"/api/v1/assessments/{a.pk}/transitions/", {"action": "review"}, format="json"
    )
    assert response.status_code == 409 and "2024年12月15日" in response.json()["detail"]


# ---------------------------------------------------------------------------------------------
# Extensions


def test_an_extension_for_one_unit_opens_its_sheet_only_with_the_reason_in_the_log(cal, freeze):
    mine = cal.declare()
    theirs = cal.declare(org=cal.tree.sibling_village, actor=cal.sibling_operator)
    freeze(D(2024, 11, 2))
    services.round_extend(
        round=cal.round,
        actor=cal.admin,
        window="self_assessment",
        closes=D(2024, 11, 15),
        reason="村“两委”换届，顺延两周",
        org=cal.tree.village,
    )
    save_sheet(mine, "self", cal.operator)
    attach_evidence(mine, cal.operator)
    services.assessment_transition(assessment_id=mine.pk, action="submit", actor=cal.operator)
    with pytest.raises(WrongState, match="2024年10月31日"):
        save_sheet(theirs, "self", cal.sibling_operator)
    event = Event.objects.get(action="window_extend")
    assert (event.assessment_id, event.actor, event.reason) == (mine.pk, cal.admin, "村“两委”换届，顺延两周")
    assert event.data["previous"] == "2024-10-31" and event.data["closes"] == "2024-11-15"


def test_an_extension_for_all_lets_every_unit_declare_with_the_reason_in_the_log(cal, freeze):
    freeze(D(2024, 4, 3))
    with pytest.raises(WrongState):
        cal.declare()
    services.round_extend(
        round=cal.round, actor=cal.admin, window="declaration", closes="2024-04-15", reason="指标体系调整"
    )
    cal.declare()
    cal.declare(org=cal.tree.far_village, actor=cal.admin)
    event = Event.objects.get(action="window_extend")
    assert event.assessment is None and event.reason == "指标体系调整" and event.data["org"] is None
    freeze(D(2024, 4, 16))
    with pytest.raises(WrongState) as refused:
        cal.declare(org=cal.tree.sibling_village, actor=cal.sibling_operator)
    assert refused.value.detail == "本轮申报已于 2024年4月15日 截止，不能再申报"


@pytest.mark.parametrize(
    ("closes", "reason", "field", "message"),
    [
        (D(2024, 10, 30), "理由", "closes", "新的截止日期应晚于自评当前的截止日期 2024年10月31日"),
        (D(2024, 10, 31), "理由", "closes", "新的截止日期应晚于自评当前的截止日期 2024年10月31日"),
        ("2024-13-01", "理由", "closes", "新的截止日期格式应为 YYYY-MM-DD"),
        ("", "理由", "closes", "请填写新的截止日期"),
        (D(2024, 11, 15), "  ", "reason", "“延长截止日期”需要填写理由"),
    ],
)
def test_a_bad_extension_is_refused_with_its_message_and_saves_nothing(cal, closes, reason, field, message):
    cal.declare()
    before = saved_state()
    with pytest.raises(InvalidInput) as refused:
        services.round_extend(
            round=cal.round, actor=cal.admin, window="self_assessment", closes=closes, reason=reason
        )
    assert refused.value.detail == message and field in refused.value.fields
    assert saved_state() == before


def test_only_the_organisation_department_extends(cal):
    county_admin = make_user(cal.tree.county, "admin")
    for actor in (cal.leader, cal.county_leader, cal.operator):
        with pytest.raises(NotAllowed, match="只有组织部管理员可以延长截止日期"):
            services.round_extend(
                round=cal.round, actor=actor, window="review", closes=D(2024, 12, 31), reason="理由"
            )
    with pytest.raises(NotAllowed, match="请选择单位"):
        services.round_extend(
            round=cal.round, actor=county_admin, window="review", closes=D(2024, 12, 31), reason="理由"
        )
    services.round_extend(  # a county's administrator extends for a unit of the county
        round=cal.round,
        actor=county_admin,
        window="review",
        closes=D(2024, 12, 31),
        reason="理由",
        org=cal.tree.village,
    )
    assert RoundExtension.objects.count() == 1


def test_the_api_extends_and_refuses_with_the_convention(cal):
    url = f"/api/v1/rounds/{cal.round.pk}/extensions/"
    body = {
        "window": "review",
        "org": cal.tree.village.pk,
        "closes": "2024-12-31",
        "reason": "评审组人手不足",
    }
    refused = api_client_for(cal.leader).post(url, body, format="json")
    assert refused.status_code == 403 and refused.json()["detail"] == "只有组织部管理员可以延长截止日期"
    early = api_client_for(cal.admin).post(url, {**body, "closes": "2024-12-01"}, format="json")
    assert early.status_code == 400
    assert early.json()["closes"] == ["新的截止日期应晚于评审当前的截止日期 2024年12月15日"]
    blank = api_client_for(cal.admin).post(url, {**body, "reason": ""}, format="json")
    assert blank.status_code == 400 and blank.json()["detail"] == "“延长截止日期”需要填写理由"
    assert not RoundExtension.objects.exists() and not Event.objects.filter(action="window_extend").exists()
    made = api_client_for(cal.admin).post(url, body, format="json")
    assert made.status_code == 201
    assert made.json() | {"id": 0, "created_at": ""} == {
        "id": 0,
        "round": cal.round.pk,
        "year": 2024,
        "window": "review",
        "org": cal.tree.village.pk,
        "closes": "2024-12-31",
        "reason": "评审组人手不足",
        "created_by": cal.admin.username,
        "created_at": "",
    }
    listed = api_client_for(cal.leader).get(url).json()
    assert [e["reason"] for e in listed] == ["评审组人手不足"]
    assert api_client_for(cal.colleague).get(url).json() == []  # another township's unit


def test_the_calendar_page_extends_and_shows_errors_without_saving(cal):
    client = login(cal.admin)
    page = client.get("/calendar/?year=2024")
    assert page.status_code == 200 and "2024-10-31" in page.content.decode()
    form = {"year": "2024", "window": "self_assessment", "org": cal.tree.village.code, "closes": "2024-10-01"}
    bad = client.post("/calendar/", {**form, "reason": "理由"})
    assert bad.status_code == 400
    assert "新的截止日期应晚于自评当前的截止日期 2024年10月31日" in bad.content.decode()
    missing = client.post("/calendar/", {**form, "closes": "2024-11-20", "reason": ""})
    assert missing.status_code == 400 and "“延长截止日期”需要填写理由" in missing.content.decode()
    unknown = client.post("/calendar/", {**form, "org": "999", "closes": "2024-11-20", "reason": "理由"})
    assert unknown.status_code == 400 and "未找到单位编码“999”" in unknown.content.decode()
    assert not RoundExtension.objects.exists()
    denied = login(cal.leader).post("/calendar/", {**form, "closes": "2024-11-20", "reason": "理由"})
    assert denied.status_code == 403 and not RoundExtension.objects.exists()
    done = client.post("/calendar/", {**form, "closes": "2024-11-20", "reason": "换届顺延"}, follow=True)
    text = done.content.decode()
    assert "换届顺延" in text and "2024-11-20" in text
    village_page = login(cal.operator).get("/calendar/").content.decode()
    assert "2024-11-20" in village_page and 'name="reason"' not in village_page


# ---------------------------------------------------------------------------------------------
# Reminders


def test_reminders_go_three_days_before_each_close_to_who_must_act_once(cal, freeze):
    draft = cal.declare()
    submitted = drive_to(
        cal.declare(org=cal.tree.sibling_village, actor=cal.sibling_operator),
        State.SUBMITTED,
        cast=cal.sibling,
    )
    assert services.windows_remind(D(2024, 10, 27)) == 0
    assert services.windows_remind(D(2024, 10, 28)) == 1  # the village's operator: its draft
    assert services.windows_remind(D(2024, 10, 29)) == 0  # once
    note = Notification.objects.get(kind="remind_self_assessment")
    assert note.user == cal.operator and note.assessment == draft
    assert "本轮自评将于 2024年10月31日 截止" in note.message
    assert services.windows_remind(D(2024, 12, 12)) == 2  # the township's reviewer and leader
    assert set(Notification.objects.filter(kind="remind_review").values_list("user", "assessment")) == {
        (cal.reviewer.pk, submitted.pk),
        (cal.leader.pk, submitted.pk),
    }
    assert services.windows_remind(D(2024, 12, 15)) == 0
    assert Reminder.objects.count() == 3


def test_the_declaration_reminder_goes_to_operators_of_units_that_have_not_declared(cal):
    cal.declare()
    services.windows_remind(D(2024, 3, 28))
    reminded = set(Notification.objects.filter(kind="remind_declaration").values_list("user", flat=True))
    assert cal.sibling_operator.pk in reminded and cal.operator.pk not in reminded


def test_an_extended_unit_is_reminded_before_its_own_close(cal):
    cal.declare()
    services.round_extend(
        round=cal.round,
        actor=cal.admin,
        window="self_assessment",
        closes=D(2024, 11, 20),
        reason="换届",
        org=cal.tree.village,
    )
    assert services.windows_remind(D(2024, 10, 28)) == 0  # its close is no longer 10-31
    assert services.windows_remind(D(2024, 11, 17)) == 1


# ---------------------------------------------------------------------------------------------
# The late list


def test_the_late_list_reads_the_extended_closes(cal):
    cal.declare()
    cal.declare(org=cal.tree.sibling_village, actor=cal.sibling_operator)
    services.round_extend(
        round=cal.round,
        actor=cal.admin,
        window="self_assessment",
        closes=D(2024, 11, 20),
        reason="换届",
        org=cal.tree.village,
    )
    scope = selectors.report_scope(cal.admin)

    def self_late(day):
        rows = selectors.late_rows(scope, cal.round, today=day)
        return [(r["unit_code"], r["due"]) for r in rows[0 : rows.count()] if r["what"] == "self_sheet"]

    assert self_late(D(2024, 11, 10)) == [(cal.tree.sibling_village.code, D(2024, 10, 31))]
    assert self_late(D(2024, 11, 21)) == [
        (cal.tree.sibling_village.code, D(2024, 10, 31)),
        (cal.tree.village.code, D(2024, 11, 20)),
    ]


def test_the_calendar_page_and_the_extensions_list_cost_the_same_queries_for_few_and_many(
    cal, django_assert_max_num_queries
):
    def extend(org):
        services.round_extend(
            round=cal.round, actor=cal.admin, window="review", closes=D(2024, 12, 31), reason="理由", org=org
        )

    extend(cal.tree.village)
    client, api = login(cal.admin), api_client_for(cal.admin)
    url = f"/api/v1/rounds/{cal.round.pk}/extensions/"
    with django_assert_max_num_queries(12) as page:
        assert client.get("/calendar/").status_code == 200
    with django_assert_max_num_queries(6) as listed:
        assert len(api.get(url).json()) == 1
    for org in (cal.tree.sibling_village, cal.tree.far_village, cal.tree.township, cal.tree.community):
        extend(org)
    with django_assert_max_num_queries(len(page.captured_queries)):
        assert client.get("/calendar/").content.decode().count("理由") >= 5
    with django_assert_max_num_queries(len(listed.captured_queries)):
        assert len(api.get(url).json()) == 5
