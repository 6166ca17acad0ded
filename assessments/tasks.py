"""Celery tasks: they take ids, import the services inside their bodies (so that services can
queue them without an import cycle), call one service and are safe to run twice. Late acks and
reject-on-worker-lost are set for every task in settings; which of them run periodically is
declared once, in ``settings.PERIODIC_JOBS``."""

from __future__ import annotations

from celery import shared_task
from django.db import OperationalError


@shared_task(autoretry_for=(OperationalError,), retry_backoff=True, max_retries=3)
def notify_event(event_id: int) -> int:
    # Notifications are now written with their event; this task stays for messages a broker may
    # still hold from an earlier release (it adds nothing that exists).
    from .notifications import notify_event

    return notify_event(event_id=event_id)


@shared_task(autoretry_for=(OperationalError,), retry_backoff=True, max_retries=3)
def close_due_notices() -> list[int]:
    from .services import notices_close_due

    return notices_close_due()


@shared_task(autoretry_for=(OperationalError,), retry_backoff=True, max_retries=3)
def flag_overdue_rectifications() -> list[int]:
    from .services import rectifications_flag_overdue

    return rectifications_flag_overdue()


@shared_task(autoretry_for=(OperationalError,), retry_backoff=True, max_retries=3)
def cleanup_evidence() -> int:
    from .services import evidence_cleanup

    return evidence_cleanup()


@shared_task(autoretry_for=(OperationalError,), retry_backoff=True, max_retries=3)
def remind_window_closes() -> int:
    from .services import windows_remind

    return windows_remind()
