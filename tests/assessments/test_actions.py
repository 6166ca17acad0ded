"""Every action of SPEC §3 through the API: allowed, forbidden (403), out of scope (404) and
wrong state (409), with the owner, a colleague elsewhere in the tree and an outsider."""

import datetime as dt

import pytest
from django.utils import timezone

from assessments.models import Assessment, Event, State
from demo.drive import drive_to, rows_at, save_sheet
from tests.assessments.helpers import ready_to_leave
from tests.helpers import api_client_for

FUTURE = (timezone.localdate() + dt.timedelta(days=30)).isoformat()

# action: (source state, allowed persona, forbidden persona, a wrong state, payload, resulting state)
CASES = {
    "submit": (State.DRAFT, "operator", "village_leader", State.SUBMITTED, {}, State.SUBMITTED),
    "return": (State.SUBMITTED, "leader", "reviewer", State.ACCEPTED, {"reason": "材料不全"}, State.DRAFT),
    "review": (State.SUBMITTED, "reviewer", "operator", State.ACCEPTED, {}, State.REVIEWED),
    "accept": (State.REVIEWED, "leader", "reviewer", State.SUBMITTED, {}, State.ACCEPTED),
    "fail": (State.REVIEWED, "leader", "reviewer", State.DRAFT, {"reason": "未达标"}, State.FAILED),
    "recheck": (State.ACCEPTED, "county_reviewer", "reviewer", State.REVIEWED, {}, State.RECHECKED),
    "publish": (State.RECHECKED, "leader", "county_reviewer", State.ACCEPTED, {}, State.IN_NOTICE),
    "close_notice": (State.IN_NOTICE, "leader", "reviewer", State.RECHECKED, {}, State.NAMED),
    "warn": (State.NAMED, "leader", "reviewer", State.RECTIFYING, {"reason": "工作滑坡"}, State.NAMED),
    "rectify_order": (
        State.NAMED,
        "leader",
        "operator",
        State.REVOKED,
        {"reason": "限期整改", "deadline": FUTURE},
        State.RECTIFYING,
    ),
    "rectified": (State.RECTIFYING, "leader", "reviewer", State.NAMED, {}, State.NAMED),
    "revoke": (State.NAMED, "leader", "reviewer", State.REVOKED, {"reason": "摘牌"}, State.REVOKED),
}


def prepare(world, action, state):
    a = drive_to(world.declare(), state, cast=world.cast)
    if state == CASES[action][0]:
        ready_to_leave(a, state, world.cast)
    return Assessment.objects.get(pk=a.pk)


def post(user, a, action, payload):
    return api_client_for(user).post(
        f"/api/v1/assessments/{a.pk}/transitions/", {"action": action, **payload}, format="json"
    )


@pytest.mark.parametrize("action", list(CASES))
def test_the_allowed_persona_takes_the_action(world, action):
    source, allowed, _forbidden, _wrong, payload, result = CASES[action]
    a = prepare(world, action, source)
    user = getattr(world, allowed)
    assert action in api_client_for(user).get(f"/api/v1/assessments/{a.pk}/").json()["allowed_actions"]
    response = post(user, a, action, payload)
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["state"] == result and body["version"] > a.version
    event = Event.objects.filter(assessment=a, action=action).get()
    assert (event.from_state, event.to_state, event.actor) == (source, result, user)
    assert event.reason == payload.get("reason", "")


@pytest.mark.parametrize("action", list(CASES))
def test_a_persona_without_the_right_answers_403_and_nothing_changes(world, action):
    source, _allowed, forbidden, _wrong, payload, _result = CASES[action]
    a = prepare(world, action, source)
    user = getattr(world, forbidden)
    assert action not in api_client_for(user).get(f"/api/v1/assessments/{a.pk}/").json()["allowed_actions"]
    response = post(user, a, action, payload)
    assert response.status_code == 403
    assert "无权执行" in response.json()["detail"]
    fresh = Assessment.objects.get(pk=a.pk)
    assert (fresh.state, fresh.version) == (a.state, a.version)


@pytest.mark.parametrize("action", list(CASES))
def test_a_colleague_elsewhere_in_the_tree_gets_404(world, action):
    source, *_rest, payload, _result = CASES[action]
    a = prepare(world, action, source)
    response = post(world.colleague, a, action, payload)
    assert response.status_code == 404
    assert Assessment.objects.get(pk=a.pk).state == source


@pytest.mark.parametrize("action", list(CASES))
def test_an_outsider_without_login_gets_403(world, action):
    source, *_rest, payload, _result = CASES[action]
    a = prepare(world, action, source)
    response = post(None, a, action, payload)
    assert response.status_code == 403
    assert Assessment.objects.get(pk=a.pk).state == source


@pytest.mark.parametrize("action", list(CASES))
def test_the_action_from_a_wrong_state_answers_409_naming_action_and_state(world, action):
    _source, allowed, _forbidden, wrong, payload, _result = CASES[action]
    a = prepare(world, action, wrong)
    response = post(getattr(world, allowed), a, action, payload)
    assert response.status_code == 409
    detail = response.json()["detail"]
    from assessments.labels import action_zh, state_zh

    assert action_zh(action) in detail and state_zh(wrong) in detail
    assert Assessment.objects.get(pk=a.pk).state == wrong


@pytest.mark.parametrize("action", [a for a, case in CASES.items() if case[4].get("reason")])
def test_an_action_that_needs_a_reason_refuses_without_one(world, action):
    source, allowed, *_rest = CASES[action]
    a = prepare(world, action, source)
    payload = {k: v for k, v in CASES[action][4].items() if k != "reason"}
    response = post(getattr(world, allowed), a, action, payload)
    assert response.status_code == 400 and "理由" in response.json()["detail"]
    assert Assessment.objects.get(pk=a.pk).state == source


def test_an_unknown_action_answers_400(world):
    a = world.declare()
    response = post(world.operator, a, "celebrate", {})
    assert response.status_code == 400 and "action" in response.json()


@pytest.mark.parametrize("deadline", [None, "2020-01-01", "next week"])
def test_rectify_order_needs_a_future_deadline(world, deadline):
    a = drive_to(world.declare(), State.NAMED, cast=world.cast)
    payload = {"reason": "整改"} | ({"deadline": deadline} if deadline else {})
    response = post(world.leader, a, "rectify_order", payload)
    assert response.status_code == 400 and "deadline" in response.json()
    assert Assessment.objects.get(pk=a.pk).state == State.NAMED


def test_submit_refuses_an_incomplete_self_sheet_naming_the_missing_indicators(world):
    a = world.declare()
    response = post(world.operator, a, "submit", {})
    assert response.status_code == 400
    assert "自评表未完成" in response.json()["detail"] and "V-01" in response.json()["detail"]


def test_submit_refuses_while_required_evidence_is_missing(world):
    a = world.declare()
    save_sheet(a, "self", world.operator)
    response = post(world.operator, a, "submit", {})
    assert response.status_code == 400 and "佐证材料" in response.json()["detail"]
    assert Assessment.objects.get(pk=a.pk).state == State.DRAFT


def test_publish_refuses_a_unit_below_the_threshold(world):
    from decimal import Decimal

    a = drive_to(world.declare(), State.RECHECKED, cast=world.cast, rows=rows_at(Decimal("0.6")))
    assert a.outcome == "fail"
    response = post(world.leader, a, "publish", {})
    assert response.status_code == 409 and "不能公示" in response.json()["detail"]


def test_the_city_admin_may_take_parent_decisions_anywhere(world):
    a = drive_to(world.declare(), State.REVIEWED, cast=world.cast)
    assert post(world.admin, a, "accept", {}).json()["state"] == State.ACCEPTED


def test_the_assessment_detail_has_the_fields_of_the_spec(world):
    a = world.declare()
    body = api_client_for(world.operator).get(f"/api/v1/assessments/{a.pk}/").json()
    assert {
        "id",
        "org",
        "round",
        "year",
        "target",
        "state",
        "version",
        "self_total",
        "review_total",
        "recheck_total",
        "final_score",
        "veto_failed",
        "outcome",
        "notice_ends_at",
        "allowed_actions",
    } <= set(body)
    assert body["allowed_actions"] == ["submit"]


def test_bulk_transitions_answer_per_id_and_apply_each_on_its_own(world):
    ok = drive_to(world.declare(), State.REVIEWED, cast=world.cast)
    early = world.declare(org=world.tree.sibling_village, actor=world.leader)
    far = world.declare(org=world.tree.far_village, actor=world.admin)
    response = api_client_for(world.leader).post(
        "/api/v1/assessments/bulk-transitions/",
        {"ids": [ok.pk, early.pk, far.pk, 999999], "action": "accept"},
        format="json",
    )
    assert response.status_code == 200
    results = {r["id"]: r for r in response.json()["results"]}
    assert results[ok.pk] == {"id": ok.pk, "ok": True, "state": "accepted"}
    assert (results[early.pk]["ok"], results[early.pk]["status"]) == (False, 409)
    assert "草稿" in results[early.pk]["detail"]
    assert (results[far.pk]["status"], results[999999]["status"]) == (404, 404)
    assert Assessment.objects.get(pk=ok.pk).state == State.ACCEPTED
    assert Assessment.objects.get(pk=early.pk).state == State.DRAFT


@pytest.mark.parametrize(
    "payload", [{"ids": [], "action": "accept"}, {"ids": [1], "action": "dance"}, {"action": "accept"}]
)
def test_bulk_transitions_refuse_a_bad_request(world, payload):
    response = api_client_for(world.leader).post(
        "/api/v1/assessments/bulk-transitions/", payload, format="json"
    )
    assert response.status_code == 400 and response.json()["detail"]
