from dataclasses import replace
from decimal import Decimal

import pytest

from assessments.models import Assessment, Event, Score, State
from demo.drive import attach_evidence, drive_to, rows_at, save_sheet, sheet_rows
from indicators.models import Indicator, IndicatorSet
from tests.helpers import api_client_for, make_user


def put(user, a, stage, rows, version=None):
    version = Assessment.objects.get(pk=a.pk).version if version is None else version
    return api_client_for(user).put(
        f"/api/v1/assessments/{a.pk}/scores/{stage}/", {"version": version, "scores": rows}, format="json"
    )


def snapshot(a):
    return sorted(Score.objects.filter(assessment=a).values_list("stage", "indicator_id", "score", "comment"))


def test_the_operator_saves_a_partial_self_sheet_and_gets_the_new_version(world):
    a = world.declare()
    rows = sheet_rows(a)[:3]
    response = put(world.operator, a, "self", rows)
    assert response.status_code == 200
    assert response.json()["version"] == a.version + 1
    got = api_client_for(world.operator).get(f"/api/v1/assessments/{a.pk}/scores/self/").json()
    assert [(r["indicator"], Decimal(r["score"])) for r in got] == [
        (r["indicator"], Decimal(r["score"])) for r in rows
    ]


def test_saving_twice_updates_rows_and_logs_old_and_new_values(world):
    a = world.declare()
    first = sheet_rows(a)[:1]
    put(world.operator, a, "self", first)
    changed = [{**first[0], "score": "1.5", "comment": "会议记录缺两次"}]
    assert put(world.operator, a, "self", changed).status_code == 200
    event = Event.objects.filter(assessment=a, action="scores_save").last()
    code = Indicator.objects.get(pk=first[0]["indicator"]).code
    assert event.data["changes"] == [
        {
            "indicator": code,
            "old": {"score": f"{Decimal(first[0]['score']):.1f}", "comment": "", "veto_passed": None},
            "new": {"score": "1.5", "comment": "会议记录缺两次", "veto_passed": None},
        }
    ]


BAD_ROWS = [
    ("score above max", lambda r, i: {**r, "score": str(i.max_score + 1)}, "分值应在 0 到"),
    ("negative score", lambda r, i: {**r, "score": "-0.5"}, "分值应在 0 到"),
    ("not a 0.5 step", lambda r, i: {**r, "score": "1.3"}, "0.5 的整数倍"),
    ("not a number", lambda r, i: {**r, "score": "good"}, "分值应为数字"),
    ("missing score", lambda r, i: {"indicator": r["indicator"]}, "请填写分值"),
    ("veto answer on a normal item", lambda r, i: {**r, "veto_passed": True}, "不是一票否决项"),
    ("unknown indicator", lambda r, i: {**r, "indicator": 999999}, "不属于本单位"),
]


@pytest.mark.parametrize(("name", "spoil", "message"), BAD_ROWS, ids=[b[0] for b in BAD_ROWS])
def test_a_sheet_with_one_bad_row_saves_nothing_and_says_why(world, name, spoil, message):
    a = world.declare()
    put(world.operator, a, "self", sheet_rows(a)[:2])
    before, version = snapshot(a), Assessment.objects.get(pk=a.pk).version
    rows = sheet_rows(a, share=Decimal("0.5"))
    normal = next(n for n, r in enumerate(rows) if "veto_passed" not in r)
    rows[normal] = spoil(rows[normal], Indicator.objects.get(pk=rows[normal]["indicator"]))
    response = put(world.operator, a, "self", rows)
    assert response.status_code == 400
    body = response.json()
    assert message in body["detail"] and f"第 {normal + 1} 行" in body["detail"]
    assert body["scores"][normal] and not any(e for n, e in enumerate(body["scores"]) if n != normal)
    assert snapshot(a) == before and Assessment.objects.get(pk=a.pk).version == version


def test_an_indicator_of_another_level_or_year_is_refused(world):
    a = world.declare()
    other = IndicatorSet.objects.get(level="township", year=2024).indicators.first()
    older = IndicatorSet.objects.get(level="village", year=2023).indicators.first()
    for indicator in (other, older):
        response = put(world.operator, a, "self", [{"indicator": indicator.pk, "score": "1"}])
        assert response.status_code == 400 and "不属于本单位 2024 年" in response.json()["detail"]


def test_an_urban_only_indicator_is_refused_for_a_rural_village(world):
    # the shipped sets give every slot to every unit; an admin may mark one urban only
    IndicatorSet.objects.get(level="village", year=2024).indicators.filter(code="V-08").update(
        applies_to="urban"
    )
    a = world.declare()
    urban = a.indicator_set.indicators.get(applies_to="urban")
    response = put(world.operator, a, "self", [{"indicator": urban.pk, "score": "1"}])
    assert response.status_code == 400 and "仅适用于城市单位" in response.json()["detail"]


def test_the_same_indicator_twice_is_refused(world):
    a = world.declare()
    row = sheet_rows(a)[0]
    response = put(world.operator, a, "self", [row, row])
    assert response.status_code == 400 and "重复" in response.json()["detail"]
    assert snapshot(a) == []


def test_a_stale_version_answers_409_and_loses_nothing_already_saved(world):
    a = world.declare()
    first = sheet_rows(a)[:2]
    put(world.operator, a, "self", first)
    saved = snapshot(a)
    response = put(world.operator, a, "self", sheet_rows(a, share=Decimal(0))[:2], version=a.version)
    assert response.status_code == 409
    assert "已被他人修改" in response.json()["detail"]
    assert snapshot(a) == saved


@pytest.mark.parametrize("version", [None, "3", True])
def test_a_missing_or_malformed_version_is_refused(world, version):
    a = world.declare()
    response = api_client_for(world.operator).put(
        f"/api/v1/assessments/{a.pk}/scores/self/",
        {"version": version, "scores": sheet_rows(a)[:1]},
        format="json",
    )
    assert response.status_code == 400 and snapshot(a) == []


def test_a_review_score_far_from_the_self_score_needs_a_comment(world):
    a = drive_to(world.declare(), State.SUBMITTED, cast=world.cast)
    rows = sheet_rows(a)
    big = max((r for r in rows if "veto_passed" not in r), key=lambda r: Decimal(r["score"]))
    low = {**big, "score": "0"}
    response = put(world.reviewer, a, "review", [low])
    assert response.status_code == 400
    assert "超过满分的 30%，请填写说明" in response.json()["detail"]
    assert put(world.reviewer, a, "review", [{**low, "comment": "现场核查记录缺失"}]).status_code == 200


def test_a_gap_of_exactly_30_percent_needs_no_comment(world):
    a = drive_to(world.declare(), State.SUBMITTED, cast=world.cast)
    indicator = a.indicator_set.indicators.get(code="V-01")
    self_score = Score.objects.get(assessment=a, stage="self", indicator=indicator).score
    gap = indicator.max_score * Decimal("0.3")
    assert (gap * 2) % 1 == 0, "the test needs a max whose 30 % is a 0.5 step"
    response = put(world.reviewer, a, "review", [{"indicator": indicator.pk, "score": str(self_score - gap)}])
    assert response.status_code == 200


def test_veto_items_need_a_pass_or_fail_before_the_sheet_is_complete(world):
    a = world.declare()
    rows = [{k: v for k, v in r.items() if k != "veto_passed"} for r in sheet_rows(a)]
    put(world.operator, a, "self", rows)
    attach_evidence(a, world.operator)
    response = api_client_for(world.operator).post(
        f"/api/v1/assessments/{a.pk}/transitions/", {"action": "submit"}
    )
    veto = a.indicator_set.indicators.get(is_veto=True)
    assert response.status_code == 400 and veto.code in response.json()["detail"]


def test_a_failed_veto_fails_the_unit_whatever_its_total(world):
    a = drive_to(world.declare(), State.SUBMITTED, cast=world.cast)
    save_sheet(a, "review", world.reviewer, rows=rows_at(veto=False))
    a.refresh_from_db()
    assert a.final_score == Decimal(100) and a.veto_failed and a.outcome == "fail"


def test_the_final_score_is_the_recheck_sheet_where_one_was_entered(world):
    a = drive_to(world.declare(), State.ACCEPTED, cast=world.cast)
    assert a.final_score == Decimal(100) and a.outcome == "pass"
    save_sheet(a, "recheck", world.county_reviewer, rows=rows_at(Decimal("0.5"), comment="复核发现台账不实"))
    a.refresh_from_db()
    assert a.recheck_total < 60 and a.final_score == a.recheck_total and a.outcome == "fail"


def test_totals_are_scaled_out_of_100_for_an_urban_unit(world):
    a = world.declare(org=world.tree.community, actor=world.admin)
    op = make_user(world.tree.community, "operator")
    save_sheet(a, "self", op)
    assert Assessment.objects.get(pk=a.pk).self_total == Decimal(100)


@pytest.mark.parametrize(
    ("stage", "persona", "status"),
    [
        ("self", "reviewer", 403),  # the parent cannot fill the unit's self sheet
        ("self", "village_leader", 403),  # only the operator fills it
        ("self", "colleague", 404),
        ("review", "operator", 403),
    ],
)
def test_who_may_fill_which_sheet(world, stage, persona, status):
    a = world.declare()
    if stage == "review":
        a = drive_to(a, State.SUBMITTED, cast=world.cast)
    response = put(getattr(world, persona), a, stage, sheet_rows(a)[:1])
    assert response.status_code == status


def test_a_reviewer_cannot_score_own_unit(world):
    township_op = make_user(world.tree.township, "operator", username="t-op")
    a = world.declare(org=world.tree.township, actor=township_op)
    drive_to(a, State.SUBMITTED, cast=replace(world.cast, operator=township_op))
    response = put(world.reviewer, a, "review", sheet_rows(a)[:1])
    assert response.status_code == 403 and "不能给本单位打评审分" in response.json()["detail"]
    assert put(world.county_reviewer, a, "review", sheet_rows(a)[:1]).status_code == 200


def test_the_self_sheet_is_closed_once_submitted(world):
    a = drive_to(world.declare(), State.SUBMITTED, cast=world.cast)
    response = put(world.operator, a, "self", sheet_rows(a)[:1])
    assert response.status_code == 409 and "草稿" in response.json()["detail"]


def test_an_unknown_stage_answers_404(world):
    a = world.declare()
    client = api_client_for(world.operator)
    assert client.get(f"/api/v1/assessments/{a.pk}/scores/self/").status_code == 200
    assert client.get(f"/api/v1/assessments/{a.pk}/scores/final/").status_code == 404
