import datetime as dt

import pytest
from django.core.cache import cache
from django.utils import timezone

from assessments.models import Assessment, Objection, State, Title
from demo.drive import drive_to, end_notice
from tests.helpers import api_client_for


@pytest.fixture(autouse=True)
def fresh_throttle():
    cache.clear()
    yield
    cache.clear()


def object_(a, content="该村公开栏长期未更新，群众反映较多", ip="10.1.1.1", **extra):
    return api_client_for(None).post(
        f"/api/v1/notices/{a.pk}/objections/", {"content": content, **extra}, format="json", REMOTE_ADDR=ip
    )


def test_anyone_reads_the_notices_without_logging_in(world):
    a = drive_to(world.declare(), State.IN_NOTICE, cast=world.cast)
    body = api_client_for(None).get("/api/v1/notices/").json()
    assert body["count"] == 1
    row = body["results"][0]
    assert (row["id"], row["org_name"], row["target"], row["final_score"]) == (
        a.pk,
        world.tree.village.name,
        "standard",
        "100.00",
    )
    assert row["notice_ends_at"] and world.tree.township.name in row["path"]


def test_the_notice_lasts_the_rounds_notice_days(world):
    a = drive_to(world.declare(), State.IN_NOTICE, cast=world.cast)
    assert a.notice_ends_at - a.notice_started_at == dt.timedelta(days=5)


def test_a_citizen_objects_and_it_is_stored_with_time_and_address(world):
    a = drive_to(world.declare(), State.IN_NOTICE, cast=world.cast)
    response = object_(a, contact="138 0000 0000", ip="10.2.3.4")
    assert response.status_code == 201 and "已收到" in response.json()["detail"]
    o = Objection.objects.get()
    assert (o.ip_address, o.contact, o.status) == ("10.2.3.4", "138 0000 0000", "pending") and o.created_at


@pytest.mark.parametrize(
    ("content", "contact", "field"),
    [("太短", "", "content"), ("长" * 2001, "", "content"), ("该村公开栏长期未更新", "x" * 101, "contact")],
)
def test_objection_length_limits(world, content, contact, field):
    a = drive_to(world.declare(), State.IN_NOTICE, cast=world.cast)
    response = object_(a, content=content, contact=contact)
    assert response.status_code == 400 and field in response.json()
    assert not Objection.objects.exists()


def test_objections_are_throttled_per_address(world, settings):
    a = drive_to(world.declare(), State.IN_NOTICE, cast=world.cast)
    statuses = [object_(a, ip="10.9.9.9").status_code for _ in range(6)]
    assert statuses == [201] * 5 + [429]
    assert object_(a, ip="10.9.9.10").status_code == 201  # another address is not held back
    assert Objection.objects.filter(ip_address="10.9.9.9").count() == 5


def test_a_spoofed_forwarded_header_does_not_escape_the_throttle(world):
    a = drive_to(world.declare(), State.IN_NOTICE, cast=world.cast)
    statuses = [
        api_client_for(None)
        .post(
            f"/api/v1/notices/{a.pk}/objections/",
            {"content": "该村公开栏长期未更新"},
            format="json",
            REMOTE_ADDR="10.7.7.7",
            HTTP_X_FORWARDED_FOR=f"1.1.1.{n}",
        )
        .status_code
        for n in range(6)
    ]
    assert statuses[-1] == 429


def test_no_objection_to_a_unit_not_in_notice_or_after_the_notice(world):
    a = world.declare()
    assert object_(a).status_code == 404
    b = world.declare(org=world.tree.sibling_village, actor=world.leader)
    assert object_(b).status_code == 404
    c = drive_to(a, State.IN_NOTICE, cast=world.cast)
    end_notice(c)
    response = object_(c)
    assert response.status_code == 409 and "公示期已结束" in response.json()["detail"]


def test_close_notice_is_refused_before_the_notice_ends(world):
    a = drive_to(world.declare(), State.IN_NOTICE, cast=world.cast)
    response = api_client_for(world.leader).post(
        f"/api/v1/assessments/{a.pk}/transitions/", {"action": "close_notice"}
    )
    assert response.status_code == 409 and "公示期内不能结束公示" in response.json()["detail"]
    assert Assessment.objects.get(pk=a.pk).state == State.IN_NOTICE


def test_close_notice_is_refused_while_an_objection_is_undecided(world):
    a = drive_to(world.declare(), State.IN_NOTICE, cast=world.cast)
    object_(a)
    end_notice(a)
    client = api_client_for(world.leader)
    assert "close_notice" not in client.get(f"/api/v1/assessments/{a.pk}/").json()["allowed_actions"]
    response = client.post(f"/api/v1/assessments/{a.pk}/transitions/", {"action": "close_notice"})
    assert response.status_code == 409 and "未处理的异议" in response.json()["detail"]


def test_a_dismissed_objection_lets_the_unit_be_named(world):
    a = drive_to(world.declare(), State.IN_NOTICE, cast=world.cast)
    oid = object_(a).json()["id"]
    client = api_client_for(world.leader)
    response = client.post(
        f"/api/v1/objections/{oid}/decision/", {"decision": "dismissed", "reason": "经核实不属实"}
    )
    assert response.status_code == 200 and response.json()["status"] == "dismissed"
    end_notice(a)
    assert (
        client.post(f"/api/v1/assessments/{a.pk}/transitions/", {"action": "close_notice"}).json()["state"]
        == "named"
    )
    assert Title.objects.filter(org=world.tree.village, status="active").exists()


def test_an_upheld_objection_rejects_the_unit_and_grants_no_title(world):
    a = drive_to(world.declare(), State.REJECTED, cast=world.cast)
    assert a.state == State.REJECTED and not Title.objects.exists()


@pytest.mark.parametrize(("persona", "status"), [("reviewer", 403), ("operator", 403), ("colleague", 404)])
def test_only_the_parents_leader_decides_objections(world, persona, status):
    a = drive_to(world.declare(), State.IN_NOTICE, cast=world.cast)
    oid = object_(a).json()["id"]
    response = api_client_for(getattr(world, persona)).post(
        f"/api/v1/objections/{oid}/decision/", {"decision": "upheld", "reason": "属实"}
    )
    assert response.status_code == status
    assert Objection.objects.get(pk=oid).status == "pending"


def test_a_decision_needs_a_reason_and_cannot_be_taken_twice(world):
    a = drive_to(world.declare(), State.IN_NOTICE, cast=world.cast)
    oid = object_(a).json()["id"]
    client = api_client_for(world.leader)
    assert (
        client.post(f"/api/v1/objections/{oid}/decision/", {"decision": "upheld", "reason": ""}).status_code
        == 400
    )
    assert (
        client.post(f"/api/v1/objections/{oid}/decision/", {"decision": "maybe", "reason": "x"}).status_code
        == 400
    )
    assert (
        client.post(
            f"/api/v1/objections/{oid}/decision/", {"decision": "upheld", "reason": "属实"}
        ).status_code
        == 200
    )
    again = client.post(f"/api/v1/objections/{oid}/decision/", {"decision": "dismissed", "reason": "改判"})
    assert again.status_code == 409 and Objection.objects.get(pk=oid).status == "upheld"


def test_the_leader_lists_objections_on_units_in_scope(world):
    a = drive_to(world.declare(), State.IN_NOTICE, cast=world.cast)
    object_(a)
    assert api_client_for(world.leader).get("/api/v1/objections/", {"status": "pending"}).json()["count"] == 1
    assert api_client_for(world.colleague).get("/api/v1/objections/").json()["count"] == 0


def test_the_notice_end_is_in_the_future_when_published(world):
    a = drive_to(world.declare(), State.IN_NOTICE, cast=world.cast)
    assert a.notice_ends_at > timezone.now()
