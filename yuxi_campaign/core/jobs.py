"""Periodic jobs, declared once in ``settings.PERIODIC_JOBS`` (name → Celery task and period).
With a broker, Celery beat runs them (its schedule is built from the same list in settings);
without one, ``run_due_jobs`` runs each in process when its period has passed."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class PeriodicJob:
    name: str
    task: str  # dotted path of a Celery task that takes no arguments
    seconds: int


def periodic_jobs(declared: dict[str, tuple[str, int]]) -> list[PeriodicJob]:
    return [PeriodicJob(name, task, seconds) for name, (task, seconds) in declared.items()]


def beat_schedule(declared: dict[str, tuple[str, int]]) -> dict[str, dict]:
    """The Celery beat schedule of the declared jobs."""
    return {job.name: {"task": job.task, "schedule": float(job.seconds)} for job in periodic_jobs(declared)}


def run_due_jobs(last_run: dict[str, float], now: float | None = None) -> list[str]:
    """Run, in process, every declared job whose period has passed since ``last_run`` (which is
    updated); a failing job is logged and does not stop the others. The names of the jobs run."""
    from django.conf import settings
    from django.utils.module_loading import import_string

    now = time.monotonic() if now is None else now
    ran = []
    for job in periodic_jobs(settings.PERIODIC_JOBS):
        if now - last_run.get(job.name, float("-inf")) < job.seconds:
            continue
        last_run[job.name] = now
        ran.append(job.name)
        try:
            import_string(job.task).run()  # the task's own body, without a broker
        except Exception:  # a failing job must not stop the others, nor the server
            logger.exception("periodic job %s failed", job.name)
    return ran
