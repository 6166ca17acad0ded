"""A decision and its notifications are committed together. A server that dies right after the
commit used to lose the notifications for good (they were written by a callback run after the
commit); a decision that rolls back leaves none.

The tests run each write inside the test's own transaction, where after-commit callbacks never
run: just what a process killed after its commit would leave behind."""

import dataclasses
import datetime as dt
from unittest import mock

import pytest
from django.utils import timezone

from assessments import services
from assessments.models import Assessment, Event, Notification, State
from demo.drive import drive_to, end_notice
from tests.helpers import api_client_for


def kinds(user) -> list[str]:
    return sorted(Notification.objects.filter(user=user).values_list("kind", flat=True))


def test_a_decision_has_its_notifications_even_if_nothing_runs_after_the_commit(
    world, django_capture_on_commit_callbacks
):
    a = drive_to(world.declare(), State.REVIEWED, cast=world.cast)
    Notification.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = api_client_for(world.leader).post(
            f"/api/v1/assessments/{a.pk}/transitions/", {"action": "accept"}, format="json"
        )
    assert response.status_code == 200
    assert callbacks == []  # nothing is left for after the commit
    event = Event.objects.get(assessment=a, action="accept")
    assert kinds(world.operator) == kinds(world.village_leader) == ["accept"]
    assert set(Notification.objects.values_list("event", flat=True)) == {event.pk}


@pytest.mark.django_db(transaction=True)
def test_a_committed_decision_whose_process_dies_before_its_callbacks_has_its_notifications(world):
    a = drive_to(world.declare(), State.REVIEWED, cast=world.cast)
    Notification.objects.all().delete()
    with mock.patch("django.db.transaction.on_commit"):  # the process is gone after the commit
        services.assessment_transition(assessment_id=a.pk, action="accept", actor=world.leader)
    assert kinds(world.operator) == ["accept"]


def test_a_decision_that_rolls_back_leaves_no_notification(world):
    a = drive_to(world.declare(), State.IN_NOTICE, cast=world.cast)
    end_notice(a)
    Notification.objects.all().delete()
    events = Event.objects.count()
    # The title's follow-up event, written after the decision's own event and its notifications,
    # fails: the whole decision rolls back.
    with (
        mock.patch("assessments.services.transitions.record", side_effect=RuntimeError("disk full")),
        pytest.raises(RuntimeError),
    ):
        services.assessment_transition(assessment_id=a.pk, action="close_notice", actor=world.leader)
    assert Assessment.objects.get(pk=a.pk).state == State.IN_NOTICE
    assert Event.objects.count() == events
    assert not Notification.objects.exists()


def test_bulk_decisions_each_have_their_notifications(world):
    sibling = dataclasses.replace(world.cast, operator=world.sibling_operator)
    first = drive_to(world.declare(), State.REVIEWED, cast=world.cast)
    second = drive_to(
        world.declare(org=world.tree.sibling_village, actor=world.leader), State.REVIEWED, cast=sibling
    )
    Notification.objects.all().delete()
    services.assessment_bulk_transition(ids=[first.pk, second.pk], action="accept", actor=world.leader)
    assert kinds(world.operator) == ["accept"] and kinds(world.sibling_operator) == ["accept"]


def test_an_objection_tells_the_parents_leader_at_once(world):
    a = drive_to(world.declare(), State.IN_NOTICE, cast=world.cast)
    Notification.objects.all().delete()
    services.objection_submit(assessment_id=a.pk, content="公示材料与实际不符", ip_address="10.0.0.1")
    assert kinds(world.leader) == ["objection"]


@pytest.mark.parametrize(
    ("action", "details"),
    [("warn", {"reason": "工作滑坡"}), ("revoke", {"reason": "严重违纪"})],
)
def test_title_actions_tell_the_unit_at_once(world, action, details):
    a = drive_to(world.declare(), State.NAMED, cast=world.cast)
    Notification.objects.all().delete()
    services.assessment_transition(assessment_id=a.pk, action=action, actor=world.leader, **details)
    assert kinds(world.operator) == [action]


def test_the_periodic_jobs_notify_with_their_decisions(world):
    named = drive_to(world.declare(), State.IN_NOTICE, cast=world.cast)
    end_notice(named)
    sibling = dataclasses.replace(world.cast, operator=world.sibling_operator)
    overdue = drive_to(
        world.declare(org=world.tree.sibling_village, actor=world.leader), State.RECTIFYING, cast=sibling
    )
    Assessment.objects.filter(pk=overdue.pk).update(
        rectify_deadline=timezone.localdate() - dt.timedelta(days=1)
    )
    Notification.objects.all().delete()
    assert services.notices_close_due() == [named.pk]
    assert services.rectifications_flag_overdue() == [overdue.pk]
    assert kinds(world.operator) == ["close_notice"]
    assert kinds(world.leader) == ["rectify_overdue"]


def test_notifying_an_event_again_adds_nothing(world):
    """The Celery task of earlier releases may still be queued at an upgrade: it adds nothing."""
    from assessments.tasks import notify_event

    a = drive_to(world.declare(), State.SUBMITTED, cast=world.cast)
    count = Notification.objects.count()
    assert count > 0
    notify_event.delay(Event.objects.get(assessment=a, action="submit").pk)
    assert Notification.objects.count() == count
