"""A decision carries the assessment's version the caller saw: when someone acted meanwhile the
decision is refused (409) and nothing is written, no event, no notification. The pages always send
the version they rendered; API clients that send none keep the old contract."""

import dataclasses

import pytest

from assessments.labels import action_zh
from assessments.models import Assessment, Event, Notification, State
from demo.drive import drive_to
from tests.helpers import api_client_for, login


def transition(user, a, body):
    return api_client_for(user).post(f"/api/v1/assessments/{a.pk}/transitions/", body, format="json")


def snapshot(a):
    return (
        Assessment.objects.get(pk=a.pk).version,
        Assessment.objects.get(pk=a.pk).state,
        Event.objects.filter(assessment=a).count(),
        Notification.objects.count(),
    )


def test_a_decision_on_a_stale_version_is_refused_and_changes_nothing(world):
    a = drive_to(world.declare(), State.ACCEPTED, cast=world.cast)
    seen = a.version
    assert transition(world.county_reviewer, a, {"action": "recheck", "version": seen}).status_code == 200
    before = snapshot(a)
    response = transition(world.leader, a, {"action": "fail", "reason": "未达标", "version": seen})
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "stale_version" and body["current_version"] == [str(seen + 1)]
    assert "已被他人修改" in body["detail"] and "当前状态为“已复核”" in body["detail"]
    assert f"“{action_zh('fail')}”未执行" in body["detail"]
    assert snapshot(a) == before
    assert not Event.objects.filter(assessment=a, action="fail").exists()


def test_the_version_of_long_ago_is_refused(world):
    a = drive_to(world.declare(), State.REVIEWED, cast=world.cast)
    assert a.version > 2
    before = snapshot(a)
    response = transition(world.leader, a, {"action": "accept", "version": 1})
    assert response.status_code == 409 and f"当前版本 {a.version}" in response.json()["detail"]
    assert snapshot(a) == before


def test_a_version_the_assessment_has_not_reached_is_refused(world):
    """A client that made up or mistyped a version is not taken at its word."""
    a = drive_to(world.declare(), State.REVIEWED, cast=world.cast)
    before = snapshot(a)
    response = transition(world.leader, a, {"action": "accept", "version": a.version + 1})
    assert response.status_code == 409 and response.json()["code"] == "stale_version"
    assert snapshot(a) == before


def test_the_current_version_is_accepted_and_moves_on(world):
    a = drive_to(world.declare(), State.REVIEWED, cast=world.cast)
    response = transition(world.leader, a, {"action": "accept", "version": a.version})
    assert response.status_code == 200
    assert response.json()["state"] == State.ACCEPTED and response.json()["version"] == a.version + 1


def test_a_decision_without_a_version_still_works(world):
    a = drive_to(world.declare(), State.REVIEWED, cast=world.cast)
    assert transition(world.leader, a, {"action": "accept"}).status_code == 200
    assert Assessment.objects.get(pk=a.pk).state == State.ACCEPTED


@pytest.mark.parametrize("version", ["abc", 1.5, "1.5", True, [1], {"v": 1}, 0, -3, 2**40])
def test_a_version_that_is_not_a_whole_number_is_refused(world, version):
    a = drive_to(world.declare(), State.REVIEWED, cast=world.cast)
    before = snapshot(a)
    response = transition(world.leader, a, {"action": "accept", "version": version})
    assert response.status_code == 400 and "version" in response.json()
    assert snapshot(a) == before


def test_permission_is_checked_before_the_version(world):
    """An outsider learns nothing about the assessment's changes from a stale version."""
    a = drive_to(world.declare(), State.REVIEWED, cast=world.cast)
    assert transition(world.reviewer, a, {"action": "accept", "version": 1}).status_code == 403
    assert transition(world.colleague, a, {"action": "accept", "version": 1}).status_code == 404


def test_the_schema_documents_the_version_of_a_transition(world):
    document = api_client_for(None).get("/api/schema/", {"format": "json"}).json()
    schemas = document["components"]["schemas"]
    version = schemas["TransitionRequest"]["properties"]["version"]
    assert version["type"] == "integer" and "409" in version["description"]
    assert "version" not in schemas["TransitionRequest"].get("required", [])
    versions = schemas["BulkTransitionRequest"]["properties"]["versions"]
    assert versions["additionalProperties"]["type"] == "integer"
    assert "version" not in schemas["BulkTransitionRequest"]["properties"]


def test_bulk_refuses_the_rows_whose_version_is_stale_and_takes_the_others(world):
    sibling = dataclasses.replace(world.cast, operator=world.sibling_operator)
    fresh = drive_to(world.declare(), State.REVIEWED, cast=world.cast)
    stale = drive_to(
        world.declare(org=world.tree.sibling_village, actor=world.leader), State.REVIEWED, cast=sibling
    )
    response = api_client_for(world.leader).post(
        "/api/v1/assessments/bulk-transitions/",
        {
            "action": "accept",
            "ids": [fresh.pk, stale.pk],
            "versions": {str(fresh.pk): fresh.version, str(stale.pk): stale.version - 1},
        },
        format="json",
    )
    assert response.status_code == 200
    rows = {r["id"]: r for r in response.json()["results"]}
    assert rows[fresh.pk]["ok"]  # ids without a version go ahead too: see test_actions
    assert rows[stale.pk]["status"] == 409 and "已被他人修改" in rows[stale.pk]["detail"]
    assert Assessment.objects.get(pk=stale.pk).state == State.REVIEWED
    assert not Event.objects.filter(assessment=stale, action="accept").exists()


@pytest.mark.parametrize("versions", [{"abc": 1}, {"１": 1}, {"1": "x"}, [1, 2], "1"])
def test_bulk_versions_that_are_not_id_to_version_are_refused(world, versions):
    a = drive_to(world.declare(), State.REVIEWED, cast=world.cast)
    response = api_client_for(world.leader).post(
        "/api/v1/assessments/bulk-transitions/",
        {"action": "accept", "ids": [a.pk], "versions": versions},
        format="json",
    )
    assert response.status_code == 400 and "versions" in response.json()
    assert Assessment.objects.get(pk=a.pk).state == State.REVIEWED


# --- the pages ---------------------------------------------------------------------------------


def test_every_decision_dialog_sends_the_version_it_was_rendered_with(world):
    a = drive_to(world.declare(), State.NAMED, cast=world.cast)
    page = login(world.leader).get(f"/assessments/{a.pk}/").content.decode()
    forms = page.count('name="action" value=')
    assert forms >= 3  # warn, rectify_order, revoke
    assert page.count(f'name="version" value="{a.version}"') == forms


def test_a_decision_from_a_page_someone_acted_on_meanwhile_shows_what_happened(world):
    a = drive_to(world.declare(), State.ACCEPTED, cast=world.cast)
    rendered = a.version
    transition(world.county_reviewer, a, {"action": "recheck"})
    before = snapshot(a)
    response = login(world.leader).post(
        f"/assessments/{a.pk}/transition/",
        {"action": "fail", "reason": "未达标", "version": str(rendered)},
        follow=True,
    )
    page = response.content.decode()
    assert "已被他人修改" in page and "当前状态为“已复核”" in page
    assert response.redirect_chain[-1][0] == f"/assessments/{a.pk}/"
    assert snapshot(a) == before


def test_a_page_decision_with_a_mangled_version_is_refused(world):
    a = drive_to(world.declare(), State.REVIEWED, cast=world.cast)
    response = login(world.leader).post(
        f"/assessments/{a.pk}/transition/", {"action": "accept", "version": "1x"}, follow=True
    )
    assert "version" in response.content.decode()
    assert Assessment.objects.get(pk=a.pk).state == State.REVIEWED


def test_the_bulk_page_sends_the_versions_it_listed_and_refuses_stale_rows(world):
    a = drive_to(world.declare(), State.REVIEWED, cast=world.cast)
    client = login(world.leader)
    listed = client.get("/assessments/").content.decode()
    assert f'name="version-{a.pk}" value="{a.version}"' in listed
    Assessment.objects.filter(pk=a.pk).update(version=a.version + 1)  # someone saved meanwhile
    page = client.post(
        "/assessments/bulk/", {"action": "accept", "ids": [a.pk], f"version-{a.pk}": a.version}
    ).content.decode()
    assert "已被他人修改" in page
    assert Assessment.objects.get(pk=a.pk).state == State.REVIEWED


def test_finishing_a_sheet_from_a_stale_page_is_refused(world):
    a = drive_to(world.declare(), State.SUBMITTED, cast=world.cast)
    from demo.drive import save_sheet

    save_sheet(a, "review", world.reviewer)
    a.refresh_from_db()
    client = login(world.reviewer)
    Assessment.objects.filter(pk=a.pk).update(version=a.version + 1)  # someone saved meanwhile
    response = client.post(f"/assessments/{a.pk}/sheet/review/", {"version": a.version, "do": "finish"})
    assert response.status_code == 409
    assert Assessment.objects.get(pk=a.pk).state == State.SUBMITTED
