"""Exports too big for one request: started by a request, run by a Celery task once it has
committed (without a broker: in a thread of the web process, or eagerly inside the request when
EXPORT_JOBS_IN_THREAD is off), read back by their owner alone, removed by a periodic job once old."""

from __future__ import annotations

import datetime as dt
import logging
import tempfile
import threading
import uuid

from django.conf import settings
from django.core.files import File
from django.db import OperationalError, connections, transaction
from django.http import FileResponse
from django.utils import timezone

from . import export_sources
from .errors import DomainError, InvalidInput, OutOfScope, WrongState
from .exports import CONTENT_TYPES, FORMATS, WRITERS, content_disposition, file_name
from .files import export_storage
from .models import ExportJob, ExportStatus

logger = logging.getLogger(__name__)
FAILED_MESSAGE = "导出失败，请稍后重试"


def inline_max_rows() -> int:
    return settings.EXPORT_INLINE_MAX_ROWS


def export_job_start(*, user, source: str, params: dict[str, str], fmt: str) -> ExportJob:
    """Queue the export of ``source`` with ``params`` for ``user``; the task runs after commit."""
    if fmt not in FORMATS:
        raise InvalidInput("format 应为 xlsx 或 csv", fields={"format": ["应为 xlsx 或 csv"]})
    if source not in export_sources.names():
        raise InvalidInput(f"没有名为 {source} 的导出", fields={"source": ["未知的导出"]})
    with transaction.atomic(durable=True):
        job = ExportJob.objects.create(user=user, source=source, params=dict(params), format=fmt)
        transaction.on_commit(lambda: _dispatch(job.pk))
    return job


def _dispatch(job_id: int) -> None:
    """Hand the committed job to the worker (through the broker); without a broker, to a daemon
    thread of this process (EXPORT_JOBS_IN_THREAD) or, when that is off, run it here and now."""
    from .tasks import run_export

    if settings.CELERY_BROKER_URL or not settings.EXPORT_JOBS_IN_THREAD:
        run_export.delay(job_id)
        return
    threading.Thread(target=_run_in_thread, args=(job_id,), name=f"export-{job_id}", daemon=True).start()


def _run_in_thread(job_id: int) -> None:
    """The task, in process (its retries of a transient database error included), on the thread's
    own database connection, closed at the end."""
    from .tasks import run_export

    try:
        run_export.apply(args=[job_id], throw=False)
    except Exception:  # the thread has nobody to report to: log it, the job shows it has stalled
        logger.exception("export %s failed in its thread", job_id)
    finally:
        connections.close_all()


def _claim(job_id: int) -> ExportJob | None:
    """The job, marked running; None when it is finished already (a task delivered twice)."""
    with transaction.atomic():
        job = ExportJob.objects.select_for_update().select_related("user").filter(pk=job_id).first()
        if job is None or job.status in (ExportStatus.DONE, ExportStatus.FAILED):
            return None
        job.status, job.started_at, job.rows_done = ExportStatus.RUNNING, timezone.now(), 0
        job.save(update_fields=["status", "started_at", "rows_done"])
    return job


def export_job_run(*, job_id: int) -> str | None:
    """Write the job's file: open its source as its owner, write the chunks to a temporary file
    (one update of the progress per chunk), store it. Safe to run twice. The final status."""
    job = _claim(job_id)
    if job is None:
        return None
    try:
        rows = export_sources.open_source(job.source, job.user, job.params)
        ExportJob.objects.filter(pk=job.pk).update(rows_total=rows.total)

        def progress(done: int) -> None:
            ExportJob.objects.filter(pk=job.pk).update(rows_done=done)

        with tempfile.TemporaryFile() as tmp:
            done = WRITERS[job.format](tmp, rows.table, rows.chunks, progress)
            tmp.seek(0)
            name = timezone.localtime().strftime("%Y/%m/") + f"{uuid.uuid4().hex}.{job.format}"
            job.stored_name = export_storage().save(name, File(tmp))
        job.filename = file_name(rows.table, job.format)
        job.rows_total, job.rows_done = rows.total, done
        job.status, job.finished_at = ExportStatus.DONE, timezone.now()
    except DomainError as exc:  # a parameter the source refuses, a scope the user lost meanwhile
        job.status, job.error, job.finished_at = ExportStatus.FAILED, exc.detail, timezone.now()
    except OperationalError:
        raise  # transient: the task retries, and the next run starts the job again
    except Exception:
        logger.exception("export %s failed", job.pk)
        job.status, job.error, job.finished_at = ExportStatus.FAILED, FAILED_MESSAGE, timezone.now()
    job.save(
        update_fields=["stored_name", "filename", "rows_total", "rows_done", "status", "error", "finished_at"]
    )
    return job.status


def export_jobs_cleanup(now: dt.datetime | None = None) -> int:
    """Remove the jobs older than EXPORT_KEEP_HOURS and their files. The number removed."""
    cutoff = (now or timezone.now()) - dt.timedelta(hours=settings.EXPORT_KEEP_HOURS)
    removed = 0
    for job in ExportJob.objects.filter(created_at__lt=cutoff).only("pk", "stored_name"):
        if job.stored_name:
            export_storage().delete(job.stored_name)
        job.delete()
        removed += 1
    return removed


def export_job_get_for_user(user, pk) -> ExportJob:
    """The job if ``user`` asked for it; OutOfScope (404) otherwise, whether it exists or not."""
    try:
        return ExportJob.objects.get(pk=pk, user_id=user.pk)
    except (ExportJob.DoesNotExist, ValueError, TypeError):
        raise OutOfScope("未找到该导出，或不是您发起的") from None


def export_job_file_response(job: ExportJob) -> FileResponse:
    """The finished job's file, streamed from the storage; WrongState (409) before it is done."""
    if job.status != ExportStatus.DONE or not job.stored_name:
        raise WrongState("导出尚未完成", code="not_ready")
    response = FileResponse(
        export_storage().open(job.stored_name, "rb"), content_type=CONTENT_TYPES[job.format]
    )
    response["Content-Disposition"] = content_disposition(job.filename, f"{job.source}.{job.format}")
    response["Cache-Control"] = "private, no-store"
    return response
