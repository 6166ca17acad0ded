import pytest
from django.contrib.admin.sites import site

from assessments import services
from assessments.models import Assessment, Event, Round, State, Title
from demo.drive import drive_to
from tests.helpers import api_client_for
from yuxi_campaign.core.errors import InvalidInput, WrongState


def test_naming_grants_an_active_title_and_logs_it(world):
    a = drive_to(world.declare(), State.NAMED, cast=world.cast)
    title = Title.objects.get(assessment=a)
    assert (title.kind, title.status, title.round.year) == ("standard", "active", 2024)
    assert Event.objects.filter(title=title, action="title_grant").exists()


def test_warn_keeps_the_title_and_counts_the_warning(world):
    a = drive_to(world.declare(), State.NAMED, cast=world.cast)
    services.assessment_transition(
        action="warn", assessment_id=a.pk, actor=world.leader, reason="党组织生活不规范"
    )
    title = Title.objects.get(assessment=a)
    assert (Assessment.objects.get(pk=a.pk).state, title.status, title.warnings) == (State.NAMED, "active", 1)
    assert Event.objects.get(title=title, action="warn").reason == "党组织生活不规范"


def test_rectification_then_rectified_keeps_the_title(world):
    a = drive_to(world.declare(), State.RECTIFYING, cast=world.cast)
    assert a.rectify_deadline is not None
    services.assessment_transition(action="rectified", assessment_id=a.pk, actor=world.leader)
    a.refresh_from_db()
    assert (a.state, a.rectify_deadline) == (State.NAMED, None)
    assert Title.objects.get(assessment=a).status == "active"
    assert list(Event.objects.filter(title__assessment=a).values_list("action", flat=True)) == [
        "close_notice",
        "title_grant",
        "rectify_order",
        "rectified",
    ]


@pytest.mark.parametrize("source", [State.NAMED, State.RECTIFYING])
def test_revoking_strips_the_title_and_keeps_its_history(world, source):
    a = drive_to(world.declare(), source, cast=world.cast)
    services.assessment_transition(
        action="revoke", assessment_id=a.pk, actor=world.leader, reason="工作严重滑坡"
    )
    title = Title.objects.get(assessment=a)
    assert (title.status, title.revoked_at is not None) == ("revoked", True)
    assert Event.objects.filter(title=title, action="revoke").exists()
    assert Event.objects.filter(title=title, action="title_grant").exists()


def test_demonstration_only_while_holding_an_active_standard_title(world):
    with pytest.raises(InvalidInput, match="只有持有有效“达标”称号的单位才能申报“示范”"):
        world.declare(target="demonstration")
    drive_to(world.declare(), State.NAMED, cast=world.cast)
    demo = world.declare(target="demonstration")
    assert demo.state == State.DRAFT and demo.target == "demonstration"


def test_a_unit_with_an_active_title_does_not_declare_it_again(world):
    drive_to(world.declare(), State.NAMED, cast=world.cast)
    with pytest.raises(InvalidInput, match="已持有有效的"):
        services.assessment_declare(
            org=world.tree.village,
            round=Round.objects.get(year=2022),
            target="standard",
            actor=world.operator,
        )


def test_a_revoked_unit_may_declare_again_next_round(world):
    round_2023 = Round.objects.get(year=2023)
    first = services.assessment_declare(
        org=world.tree.village, round=round_2023, target="standard", actor=world.operator
    )
    first = drive_to(first, State.REVOKED, cast=world.cast)
    again = world.declare()  # 2024
    assert again.state == State.DRAFT and again.round.year == 2024
    assert Title.objects.get(assessment=first).status == "revoked"


def test_declaring_twice_for_the_same_round_answers_409(world):
    world.declare()
    response = api_client_for(world.operator).post(
        "/api/v1/assessments/", {"org": world.tree.village.pk, "round": world.round.pk, "target": "standard"}
    )
    assert response.status_code == 409 and "已申报" in response.json()["detail"]


@pytest.mark.parametrize(
    ("persona", "status"), [("operator", 201), ("leader", 201), ("sibling_operator", 404), ("colleague", 404)]
)
def test_who_may_declare(world, persona, status):
    response = api_client_for(getattr(world, persona)).post(
        "/api/v1/assessments/", {"org": world.tree.village.pk, "round": world.round.pk, "target": "standard"}
    )
    assert response.status_code == status
    if status == 201:
        body = response.json()
        assert (body["state"], body["org"], body["year"]) == ("draft", world.tree.village.pk, 2024)


def test_a_county_official_may_not_declare_a_village_two_levels_down(world):
    response = api_client_for(world.county_leader).post(
        "/api/v1/assessments/", {"org": world.tree.village.pk, "round": world.round.pk, "target": "standard"}
    )
    assert response.status_code == 403 and not Assessment.objects.exists()


def test_declaring_freezes_the_indicator_set(world):
    a = world.declare()
    assert a.indicator_set.is_frozen


def test_events_endpoint_lists_transitions_and_score_changes(world):
    a = drive_to(world.declare(), State.ACCEPTED, cast=world.cast)
    events = api_client_for(world.operator).get(f"/api/v1/assessments/{a.pk}/events/").json()
    actions = [e["action"] for e in events]
    assert actions[0] == "declare" and actions[-3:] == ["scores_save", "review", "accept"]
    save = next(e for e in events if e["action"] == "scores_save")
    assert save["data"]["stage"] == "self" and save["data"]["changes"][0]["old"] is None
    assert api_client_for(world.colleague).get(f"/api/v1/assessments/{a.pk}/events/").status_code == 404


def test_the_event_log_is_read_only_in_the_admin(world, rf):
    admin = site._registry[Event]
    request = rf.get("/")
    request.user = world.admin
    world.admin.is_superuser = True
    assert not admin.has_change_permission(request) and not admin.has_delete_permission(request)
    assert not admin.has_add_permission(request)


def test_a_title_cannot_be_revoked_twice(world):
    a = drive_to(world.declare(), State.REVOKED, cast=world.cast)
    with pytest.raises(WrongState):
        services.assessment_transition(action="revoke", assessment_id=a.pk, actor=world.leader, reason="再次")
