"""Evidence that must not be stored, and files a crash leaves behind: a file for an indicator that
does not apply to the unit, a file past the assessment's quota (also when uploads race), and the
clean-up of files whose upload died before its row was committed."""

import os
import time
import uuid
from unittest import mock

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connections

from assessments import services
from assessments.models import Assessment, Evidence
from demo.drive import PDF
from indicators.models import IndicatorSet
from tests.assessments.helpers import evidence_dir
from tests.helpers import api_client_for, at_once
from yuxi_campaign.core.errors import InvalidInput


def post(user, a, indicator, name="台账.pdf", content=PDF):
    return api_client_for(user).post(
        f"/api/v1/assessments/{a.pk}/evidence/",
        {"indicator": indicator.pk, "file": SimpleUploadedFile(name, content)},
        format="multipart",
    )


def stored_files(private_media) -> list:
    return sorted(p for p in private_media.rglob("*") if p.is_file())


# --- indicators that do not apply ---------------------------------------------------------------


def urban_only_indicator():
    """The shipped sets give every slot to every unit; an admin may still mark one urban only
    (here V-08, before any unit declares)."""
    indicators = IndicatorSet.objects.get(level="village", year=2024).indicators
    indicators.filter(code="V-08").update(applies_to="urban")
    return indicators.get(code="V-08")


def test_a_file_for_an_indicator_that_does_not_apply_to_the_unit_is_refused(world, private_media):
    urban_only = urban_only_indicator()
    a = world.declare()  # a rural village
    assert a.org.area_type == "rural"
    response = post(world.operator, a, urban_only)
    assert response.status_code == 400
    body = response.json()
    assert "不适用于本单位" in body["detail"] and urban_only.code in body["detail"]
    assert body["indicator"] == [body["detail"]]
    assert not Evidence.objects.exists() and stored_files(private_media) == []


def test_a_file_for_an_indicator_that_applies_is_kept(world):
    IndicatorSet.objects.get(level="village", year=2024).indicators.filter(code="V-07").update(
        applies_to="rural"
    )
    a = world.declare()
    rural_only = a.indicator_set.indicators.get(applies_to="rural")
    assert post(world.operator, a, rural_only).status_code == 201


# --- the quota ----------------------------------------------------------------------------------


def test_the_default_quota_is_200_mb_and_100_files(settings):
    assert settings.EVIDENCE_QUOTA_BYTES == 200 * 1024 * 1024
    assert settings.EVIDENCE_MAX_FILES == 100


def test_a_file_past_the_size_quota_is_refused_saying_what_is_used(world, settings, private_media):
    settings.EVIDENCE_QUOTA_BYTES = 2 * len(PDF) + 10
    a = world.declare()
    indicator = a.indicator_set.indicators.filter(evidence_required=True).first()
    assert post(world.operator, a, indicator).status_code == 201
    assert post(world.operator, a, indicator).status_code == 201
    response = post(world.operator, a, indicator)
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "quota" and "已用" in body["detail"] and "上限" in body["detail"]
    assert Evidence.objects.filter(assessment=a).count() == 2
    assert len(stored_files(private_media)) == 2


def test_a_file_past_the_count_quota_is_refused(world, settings, private_media):
    settings.EVIDENCE_MAX_FILES = 2
    a = world.declare()
    indicator = a.indicator_set.indicators.filter(evidence_required=True).first()
    for _ in range(2):
        assert post(world.operator, a, indicator).status_code == 201
    response = post(world.operator, a, indicator)
    assert response.status_code == 400 and "最多 2 个" in response.json()["detail"]
    assert len(stored_files(private_media)) == 2
    # a deleted file frees its place
    eid = Evidence.objects.filter(assessment=a).first().pk
    api_client_for(world.operator).delete(f"/api/v1/assessments/{a.pk}/evidence/{eid}/")
    assert post(world.operator, a, indicator).status_code == 201


def test_the_quota_is_per_assessment(world, settings):
    settings.EVIDENCE_MAX_FILES = 1
    a = world.declare()
    other = world.declare(org=world.tree.sibling_village, actor=world.leader)
    indicator = a.indicator_set.indicators.filter(evidence_required=True).first()
    assert post(world.operator, a, indicator).status_code == 201
    assert post(world.sibling_operator, other, indicator).status_code == 201


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_simultaneous_uploads_cannot_pass_the_quota_together(world, settings, private_media):
    settings.EVIDENCE_MAX_FILES = 3
    a = world.declare()
    indicator = a.indicator_set.indicators.filter(evidence_required=True).first()

    def upload(n):
        services.evidence_add(
            assessment_id=a.pk,
            indicator_id=indicator.pk,
            upload=SimpleUploadedFile(f"{n}.pdf", PDF),
            actor=world.operator,
        )

    raised = at_once([lambda n=n: upload(n) for n in range(6)])
    outcomes = [
        "ok" if exc is None else "400" if isinstance(exc, InvalidInput) else repr(exc) for exc in raised
    ]
    assert sorted(outcomes) == ["400"] * 3 + ["ok"] * 3
    assert Evidence.objects.filter(assessment=a).count() == 3
    assert len(stored_files(private_media)) == 3


# --- files a crash leaves behind ----------------------------------------------------------------


def age(path, seconds):
    then = time.time() - seconds
    os.utime(path, (then, then))


def test_an_upload_whose_row_fails_leaves_no_file(world, private_media):
    a = world.declare()
    indicator = a.indicator_set.indicators.filter(evidence_required=True).first()
    with (
        mock.patch(
            "assessments.services.evidence.Evidence.objects.create", side_effect=RuntimeError("db gone")
        ),
        pytest.raises(RuntimeError),
    ):
        services.evidence_add(
            assessment_id=a.pk,
            indicator_id=indicator.pk,
            upload=SimpleUploadedFile("台账.pdf", PDF),
            actor=world.operator,
        )
    assert not Evidence.objects.exists() and stored_files(private_media) == []


@pytest.mark.django_db(transaction=True)
def test_an_upload_killed_before_its_row_commits_is_cleaned_up(world, private_media):
    """A child process uploads and is killed (no handler runs) right after writing the file,
    before the row commits: the file stays on disk with no row, until the clean-up removes it."""
    a = world.declare()
    indicator = a.indicator_set.indicators.filter(evidence_required=True).first()
    pid = os.fork()
    if pid == 0:  # the server process that dies
        connections["default"].connection = None  # its own connection, the parent's left alone
        # ... and its own pool: the inherited one holds the parent's sockets (PostgreSQL pools).
        getattr(type(connections["default"]), "_connection_pools", {}).clear()
        try:
            with mock.patch(
                "assessments.services.evidence.Evidence.objects.create", side_effect=lambda **kw: os._exit(9)
            ):
                services.evidence_add(
                    assessment_id=a.pk,
                    indicator_id=indicator.pk,
                    upload=SimpleUploadedFile("台账.pdf", PDF),
                    actor=world.operator,
                )
        finally:
            os._exit(1)  # not reached: the kill comes first
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 9
    (orphan,) = stored_files(private_media)
    assert not Evidence.objects.exists()
    call_command("cleanup_evidence")
    assert orphan.exists()  # younger than the grace period: it might be an upload under way
    age(orphan, 7200)
    call_command("cleanup_evidence")
    assert not orphan.exists()


def test_the_clean_up_removes_old_orphans_and_keeps_files_with_rows_and_young_ones(
    world, private_media, settings, capsys
):
    settings.EVIDENCE_CLEANUP_GRACE_SECONDS = 600
    a = world.declare()
    indicator = a.indicator_set.indicators.filter(evidence_required=True).first()
    kept = post(world.operator, a, indicator).json()["id"]
    kept_path = evidence_dir() / Evidence.objects.get(pk=kept).stored_name
    age(kept_path, 86400)  # an old file with its row
    old_orphan = evidence_dir() / f"{uuid.uuid4().hex}.pdf"
    old_orphan.write_bytes(PDF)
    age(old_orphan, 601)
    young_orphan = evidence_dir() / f"{uuid.uuid4().hex}.pdf"
    young_orphan.write_bytes(PDF)
    age(young_orphan, 599)
    call_command("cleanup_evidence")
    assert "已清理遗留文件 1 个" in capsys.readouterr().out
    assert kept_path.exists() and young_orphan.exists() and not old_orphan.exists()
    download = api_client_for(world.operator).get(f"/api/v1/assessments/{a.pk}/evidence/{kept}/download/")
    assert download.status_code == 200


def test_the_clean_up_is_a_periodic_job_with_and_without_a_broker(db, settings):
    from django_celery_beat.models import PeriodicTask
    from django_celery_beat.schedulers import DatabaseScheduler

    from yuxi_campaign.celery import app

    assert settings.PERIODIC_JOBS["cleanup-evidence"] == ("assessments.tasks.cleanup_evidence", 86400)
    with mock.patch("assessments.services.evidence_cleanup", return_value=0) as cleanup:
        from yuxi_campaign.core.jobs import run_due_jobs

        assert "cleanup-evidence" in run_due_jobs({})  # no broker: the in-process runner
    cleanup.assert_called_once()
    # With a broker: beat's database scheduler installs each entry of the schedule so.
    entry = settings.CELERY_BEAT_SCHEDULE["cleanup-evidence"]
    DatabaseScheduler.Entry.from_entry("cleanup-evidence", app=app, **entry)
    task = PeriodicTask.objects.get(name="cleanup-evidence")
    assert task.task == "assessments.tasks.cleanup_evidence" and task.enabled


def test_a_still_running_assessment_keeps_its_files_after_the_clean_up(world):
    a = world.declare()
    indicator = a.indicator_set.indicators.filter(evidence_required=True).first()
    post(world.operator, a, indicator)
    assert services.evidence_cleanup() == 0
    assert Assessment.objects.get(pk=a.pk).evidence.count() == 1
