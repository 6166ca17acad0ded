"""Titles (达标, 示范): granted when a notice closes without an upheld objection, then warned,
put under rectification, restored or revoked. These are the hooks of the title actions in the
transition table; each finds the assessment's active title under a lock."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.db.models import F

from yuxi_campaign.core.errors import WrongState

from ..models import Assessment, Title, TitleStatus
from .change import Change


def title_grant(a: Assessment, change: Change) -> Title:
    try:
        with transaction.atomic():
            return Title.objects.create(
                org=a.org, kind=a.target, round=a.round, assessment=a, granted_at=change.now
            )
    except IntegrityError:
        raise WrongState("该单位已持有同类有效称号，不能重复命名", code="title_exists") from None


def _active_title(a: Assessment, change: Change) -> Title:
    title = Title.objects.select_for_update().filter(assessment=a).first()
    if title is None or title.status != TitleStatus.ACTIVE:
        raise WrongState("该评估没有有效的称号")
    change.title = title
    return title


def _warn(a: Assessment, change: Change) -> None:
    title = _active_title(a, change)
    Title.objects.filter(pk=title.pk).update(warnings=F("warnings") + 1)


def _rectify_order(a: Assessment, change: Change) -> None:
    _active_title(a, change)
    a.rectify_deadline = change.deadline
    a.rectify_overdue_at = None
    change.fields += ["rectify_deadline", "rectify_overdue_at"]
    change.data["deadline"] = change.deadline.isoformat()


def _rectified(a: Assessment, change: Change) -> None:
    _active_title(a, change)
    a.rectify_deadline = None
    a.rectify_overdue_at = None
    change.fields += ["rectify_deadline", "rectify_overdue_at"]


def _revoke(a: Assessment, change: Change) -> None:
    title = _active_title(a, change)
    title.status = TitleStatus.REVOKED
    title.revoked_at = change.now
    title.save(update_fields=["status", "revoked_at"])
    a.rectify_deadline = None
    change.fields.append("rectify_deadline")


HOOKS = {"warn": _warn, "rectify_order": _rectify_order, "rectified": _rectified, "revoke": _revoke}
