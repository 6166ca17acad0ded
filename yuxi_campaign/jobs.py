"""The periodic jobs, callable without a broker (runserver_with_jobs) and from Celery beat."""

from __future__ import annotations

import logging

logger = logging.getLogger(__name__)

PERIODIC_JOBS: list[str] = [  # dotted paths of functions taking no arguments
    "assessments.workflow.notices_close_due",
    "assessments.workflow.rectifications_flag_overdue",
]


def run_periodic_jobs() -> None:
    from django.utils.module_loading import import_string

    for path in PERIODIC_JOBS:
        try:
            import_string(path)()
        except Exception:  # a failing job must not stop the others, nor the server
            logger.exception("periodic job %s failed", path)
