"""Celery tasks of the monthly rhythm: thin, safe to run twice, services imported in the body;
which run periodically is declared in ``settings.PERIODIC_JOBS``."""

from __future__ import annotations

from celery import shared_task
from django.db import OperationalError


@shared_task(autoretry_for=(OperationalError,), retry_backoff=True, max_retries=3)
def flag_missing_observations() -> list[int]:
    """必查必评: on the first of the month (it runs hourly and flags each month once), the
    counties the city did not observe last month."""
    from .services import observations_flag_missing

    return observations_flag_missing()
