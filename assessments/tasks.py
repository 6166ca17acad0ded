"""Celery tasks: they take ids, re-fetch, call a service and are safe to run twice. Late acks
and reject-on-worker-lost are set for every task in settings."""

from __future__ import annotations

from celery import shared_task
from django.db import OperationalError

from . import notifications, workflow


@shared_task(autoretry_for=(OperationalError,), retry_backoff=True, max_retries=3)
def notify_event(event_id: int) -> int:
    return notifications.notify_event(event_id=event_id)


@shared_task(autoretry_for=(OperationalError,), retry_backoff=True, max_retries=3)
def close_due_notices() -> list[int]:
    return workflow.notices_close_due()


@shared_task(autoretry_for=(OperationalError,), retry_backoff=True, max_retries=3)
def flag_overdue_rectifications() -> list[int]:
    return workflow.rectifications_flag_overdue()


@shared_task
def cleanup_evidence() -> int:
    return workflow.evidence_cleanup()
