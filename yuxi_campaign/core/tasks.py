"""Celery tasks of the plumbing: a background export, and the periodic clean-up of old ones. They
take ids and call the service (imported in the body), and are safe to run twice."""

from __future__ import annotations

from celery import shared_task
from django.db import OperationalError


@shared_task(autoretry_for=(OperationalError,), retry_backoff=True, max_retries=3)
def run_export(job_id: int) -> str | None:
    from .export_jobs import export_job_run

    return export_job_run(job_id=job_id)


@shared_task(autoretry_for=(OperationalError,), retry_backoff=True, max_retries=3)
def cleanup_exports() -> int:
    from .export_jobs import export_jobs_cleanup

    return export_jobs_cleanup()
