"""Periodic jobs of the workflow: safe to run twice, each unit of work in its own transaction.
The Celery tasks and the in-process runner call these; ``settings.PERIODIC_JOBS`` says when."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from yuxi_campaign.core.errors import InvalidInput, WrongState

from .. import policy
from ..models import Assessment, State
from ._base import lock_assessment, record_and_notify
from .transitions import assessment_transition


def notices_close_due() -> list[int]:
    """Close every notice whose period has ended and that has no undecided objection."""
    due = list(
        Assessment.objects.filter(policy.notices_closable_q(timezone.now())).values_list("pk", flat=True)
    )
    closed = []
    for assessment_id in due:
        try:
            assessment_transition(assessment_id=assessment_id, action="close_notice", actor=None)
            closed.append(assessment_id)
        except (WrongState, InvalidInput):
            continue  # closed meanwhile, or an objection arrived: the next run sees it
    return closed


def rectifications_flag_overdue() -> list[int]:
    """Flag rectifications past their deadline once, and tell the parent's leaders."""
    today = timezone.localdate()
    flagged = []
    for assessment_id in Assessment.objects.filter(
        state=State.RECTIFYING, rectify_deadline__lt=today, rectify_overdue_at__isnull=True
    ).values_list("pk", flat=True):
        with transaction.atomic(durable=True):
            a = lock_assessment(assessment_id, None)
            if a.state != State.RECTIFYING or a.rectify_overdue_at is not None:
                continue
            a.rectify_overdue_at = timezone.now()
            a.save(update_fields=["rectify_overdue_at"])
            record_and_notify(
                a,
                "rectify_overdue",
                None,
                from_state=a.state,
                to_state=a.state,
                data={"deadline": a.rectify_deadline.isoformat()},
            )
            flagged.append(assessment_id)
    return flagged
