import datetime as dt
import os
import time

import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import timezone

from assessments import services
from assessments.models import Assessment, Event, Notification, State
from assessments.notifications import notify_event
from assessments.tasks import notify_event as notify_event_task
from demo.drive import drive_to, end_notice
from tests.helpers import api_client_for, real_worker, wait_until
from yuxi_campaign.celery import app
from yuxi_campaign.core.jobs import beat_schedule, run_due_jobs


def test_close_notices_closes_only_ended_notices_without_open_objections(world, capsys):
    ended = drive_to(world.declare(), State.IN_NOTICE, cast=world.cast)
    end_notice(ended)
    running = world.declare(org=world.tree.sibling_village, actor=world.leader)
    call_command("close_notices")
    assert "已结束公示 1 个" in capsys.readouterr().out
    assert Assessment.objects.get(pk=ended.pk).state == State.NAMED
    assert Assessment.objects.get(pk=running.pk).state == State.DRAFT
    event = Event.objects.get(assessment=ended, action="close_notice")
    assert event.actor is None and event.data["automatic"] is True
    call_command("close_notices")  # safe to run twice
    assert "已结束公示 0 个" in capsys.readouterr().out


def test_the_periodic_job_leaves_a_notice_with_an_undecided_objection_open(world):
    a = drive_to(world.declare(), State.IN_NOTICE, cast=world.cast)
    services.objection_submit(assessment_id=a.pk, content="公示材料与实际不符", ip_address="10.0.0.1")
    end_notice(a)
    assert services.notices_close_due() == []
    assert Assessment.objects.get(pk=a.pk).state == State.IN_NOTICE


def test_the_in_process_loop_of_make_run_closes_notices(world):
    a = drive_to(world.declare(), State.IN_NOTICE, cast=world.cast)
    end_notice(a)
    assert run_due_jobs({}) == list(settings.PERIODIC_JOBS)
    assert Assessment.objects.get(pk=a.pk).state == State.NAMED


def test_the_in_process_loop_runs_each_job_on_its_own_period(world):
    last_run: dict[str, float] = {}
    assert run_due_jobs(last_run, now=1000.0) == list(settings.PERIODIC_JOBS)
    assert run_due_jobs(last_run, now=1000.0 + 299) == []
    assert run_due_jobs(last_run, now=1000.0 + 300) == ["close-due-notices"]
    assert run_due_jobs(last_run, now=1000.0 + 86400) == list(settings.PERIODIC_JOBS)


def test_evidence_left_behind_is_cleaned_up_without_a_broker(world, private_media):
    from tests.assessments.helpers import evidence_dir

    orphan = evidence_dir() / "left-by-a-crash.pdf"
    orphan.write_bytes(b"%PDF-1.4")
    old = time.time() - 7200
    os.utime(orphan, (old, old))
    run_due_jobs({})
    assert not orphan.exists()


def test_beat_and_the_in_process_loop_run_the_same_jobs():
    assert settings.CELERY_BEAT_SCHEDULE == beat_schedule(settings.PERIODIC_JOBS)
    assert set(settings.CELERY_BEAT_SCHEDULE) == set(settings.PERIODIC_JOBS)


def test_an_overdue_rectification_is_flagged_once_and_the_leader_told(
    world, django_capture_on_commit_callbacks
):
    a = drive_to(world.declare(), State.RECTIFYING, cast=world.cast)
    Assessment.objects.filter(pk=a.pk).update(rectify_deadline=timezone.localdate() - dt.timedelta(days=1))
    with django_capture_on_commit_callbacks(execute=True):
        assert services.rectifications_flag_overdue() == [a.pk]
    with django_capture_on_commit_callbacks(execute=True):
        assert services.rectifications_flag_overdue() == []
    notes = Notification.objects.filter(kind="rectify_overdue")
    assert [n.user for n in notes] == [world.leader]
    assert "整改期限" in notes[0].message and "已过" in notes[0].message


def test_decisions_on_a_unit_notify_its_officials_newest_first(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        a = drive_to(world.declare(), State.ACCEPTED, cast=world.cast)
    body = api_client_for(world.operator).get("/api/v1/notifications/").json()
    kinds = [n["kind"] for n in body["results"]]
    assert kinds[:2] == ["accept", "review"]
    assert all(not n["read"] for n in body["results"]) and body["results"][0]["assessment"] == a.pk
    parent_kinds = [
        n["kind"] for n in api_client_for(world.reviewer).get("/api/v1/notifications/").json()["results"]
    ]
    assert "submit" in parent_kinds


def test_notifying_twice_creates_nothing_new(world):
    a = drive_to(world.declare(), State.SUBMITTED, cast=world.cast)
    Notification.objects.all().delete()
    event = Event.objects.get(assessment=a, action="submit")
    notify_event(event_id=event.pk)
    notify_event(event_id=event.pk)
    assert Notification.objects.filter(event=event).count() == 2  # the township's reviewer and leader


def test_marking_a_notification_read(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        drive_to(world.declare(), State.SUBMITTED, cast=world.cast)
    note = Notification.objects.filter(user=world.reviewer).first()
    assert api_client_for(world.leader).post(f"/api/v1/notifications/{note.pk}/read/").status_code == 404
    assert (
        api_client_for(world.reviewer).post(f"/api/v1/notifications/{note.pk}/read/").json()["read"] is True
    )
    unread = api_client_for(world.reviewer).get("/api/v1/notifications/", {"unread": "1"}).json()
    assert note.pk not in [n["id"] for n in unread["results"]]


def test_the_beat_schedule_names_registered_tasks():
    app.loader.import_default_modules()
    for entry in settings.CELERY_BEAT_SCHEDULE.values():
        assert entry["task"] in app.tasks


@pytest.mark.real_worker
@pytest.mark.django_db(transaction=True)
def test_a_real_celery_worker_closes_a_notice(world):
    a = drive_to(world.declare(), State.IN_NOTICE, cast=world.cast)
    end_notice(a)
    with real_worker() as worker:
        from assessments.tasks import close_due_notices

        close_due_notices.apply_async(queue=worker.queue)
        assert wait_until(lambda: Assessment.objects.get(pk=a.pk).state == State.NAMED)
        assert Event.objects.get(assessment=a, action="close_notice").actor is None
    assert "close_due_notices" in worker.output


def test_queuing_a_task_without_a_broker_reaches_for_no_server(world, caplog):
    """Without CELERY_BROKER_URL tasks run in process; queuing one must not make Celery look for an
    AMQP server on localhost (and log a warning for every decision in `make run`)."""
    a = drive_to(world.declare(), State.SUBMITTED, cast=world.cast)
    event = Event.objects.get(assessment=a, action="submit")
    with caplog.at_level("WARNING"):
        notify_event_task.delay(event.pk)
    assert [r.getMessage() for r in caplog.records if r.name.startswith("kombu")] == []
