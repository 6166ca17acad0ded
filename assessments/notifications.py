"""In-app notifications: who hears of an event, and what they read."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from orgs.models import User
from yuxi_campaign.core.errors import OutOfScope

from . import policy
from .labels import TARGET_LABELS, action_zh, zh
from .models import Event, Notification

# Decisions the parent (or the recheck org) takes tell the unit's own officials.
TO_UNIT = {action for action, rule in policy.RULES.items() if rule.relation != policy.Relation.OWN}
# Events that ask the parent's officials to act go to those whom the policy lets act next.
TO_PARENT = {
    "submit": policy.RULES["review"].roles,
    "objection": policy.DECIDE_OBJECTION.roles,
    "rectify_overdue": policy.RULES["rectified"].roles,
}


def _message(event: Event) -> str:
    a = event.assessment
    unit = f"{a.org.name}（{a.round.year}年{zh(TARGET_LABELS.get(a.target, a.target))}）"
    if event.action == "rectify_overdue":
        return f"{unit}整改期限 {event.data.get('deadline')} 已过，尚未完成整改"
    if event.action == "objection":
        return f"{unit}公示期间收到一条异议，请处理"
    if event.action == "submit":
        return f"{unit}已提交自评，等待评审"
    if event.action == "publish" and a.notice_ends_at:
        return f"{unit}进入公示，公示期至 {timezone.localtime(a.notice_ends_at):%Y-%m-%d %H:%M}"
    if event.action == "close_notice":
        outcome = "已命名" if event.to_state == "named" else "公示未通过"
        return f"{unit}公示结束：{outcome}"
    label = action_zh(event.action)
    tail = f"：{event.reason}" if event.reason else ""
    return f"{unit}已被{label}{tail}"[:300]


def notify(event: Event) -> int:
    """Write the notifications of one event, in the caller's transaction (the event's own), so
    that a decision and its notifications are committed together. Running it twice for the same
    event creates nothing new. ``event.assessment`` with its org and round is read, not queried
    again when the caller loaded them."""
    a = event.assessment
    if a is None:
        return 0
    if event.action in TO_UNIT:
        users = User.objects.filter(org_id=a.org_id, is_active=True)
    elif event.action in TO_PARENT and a.org.parent_id:
        users = User.objects.filter(org_id=a.org.parent_id, role__in=TO_PARENT[event.action], is_active=True)
    else:
        return 0
    if event.actor_id:
        users = users.exclude(pk=event.actor_id)
    message = _message(event)
    rows = [
        Notification(user_id=pk, assessment=a, event=event, kind=event.action, message=message)
        for pk in users.values_list("pk", flat=True)
    ]
    Notification.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)


@transaction.atomic
def notify_event(*, event_id: int) -> int:
    """``notify`` for an event by id (the Celery task of earlier releases; safe to run again)."""
    event = Event.objects.select_related("assessment__org", "assessment__round").filter(pk=event_id).first()
    return 0 if event is None else notify(event)


@transaction.atomic
def notification_mark_read(*, notification_id, user: User) -> Notification:
    try:
        notification = Notification.objects.get(pk=notification_id, user=user)
    except (Notification.DoesNotExist, ValueError, TypeError):
        raise OutOfScope("未找到该通知") from None
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification
