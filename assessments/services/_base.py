"""What every workflow service shares: the row lock that is also the scope check, the event
writer, the reason check and queuing follow-up work once the transaction commits."""

from __future__ import annotations

from django.db import transaction
from django.db.models import F

from orgs.models import User
from yuxi_campaign.core.errors import InvalidInput, OutOfScope

from .. import tasks
from ..models import Assessment, Event
from ..selectors import assessments_for_user

MAX_REASON = 1000
NOT_FOUND = "未找到该评估，或不在您的权限范围内"


def lock_assessment(assessment_id, actor: User | None) -> Assessment:
    """Lock one assessment row within the actor's scope (``None``: the system, every row).
    Missing and out of scope answer alike (404)."""
    qs = Assessment.objects.all() if actor is None else assessments_for_user(actor)
    try:
        return (
            qs.select_for_update(of=("self",))
            .select_related("org__parent", "round", "indicator_set")
            .get(pk=assessment_id)
        )
    except (Assessment.DoesNotExist, ValueError, TypeError):
        raise OutOfScope(NOT_FOUND) from None


def record(assessment: Assessment | None, action: str, actor: User | None, **fields) -> Event:
    """Append one row to the event log."""
    return Event.objects.create(assessment=assessment, action=action, actor=actor, **fields)


def record_and_notify(assessment: Assessment, action: str, actor: User | None, **fields) -> Event:
    """Append an event, and tell whoever it concerns once the transaction commits."""
    event = record(assessment, action, actor, **fields)
    transaction.on_commit(lambda: tasks.notify_event.delay(event.pk))
    return event


def bump_version(assessment: Assessment, fields) -> None:
    """Save ``fields`` and move the version on by one (what stale saves are checked against)."""
    assessment.version = F("version") + 1
    assessment.save(update_fields=["version", "updated_at", *fields])
    assessment.refresh_from_db(fields=["version"])


def clean_reason(reason, *, required: bool, what: str) -> str:
    """The stripped reason; refused when required and empty, or longer than MAX_REASON."""
    reason = (reason or "").strip() if isinstance(reason, str) else ""
    if required and not reason:
        raise InvalidInput(f"“{what}”需要填写理由", fields={"reason": ["请填写理由"]})
    if len(reason) > MAX_REASON:
        raise InvalidInput(
            f"理由不能超过 {MAX_REASON} 字", fields={"reason": [f"理由不能超过 {MAX_REASON} 字"]}
        )
    return reason
