"""Periodic jobs of the workflow: safe to run twice, each unit of work in its own transaction.
The Celery tasks and the in-process runner call these; ``settings.PERIODIC_JOBS`` says when."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from indicators.models import IndicatorSet
from orgs.models import Role, User
from yuxi_campaign.core.errors import InvalidInput, WrongState

from .. import policy, windows
from ..labels import TARGET_LABELS, zh
from ..models import (
    Assessment,
    Notification,
    Reminder,
    Round,
    Stage,
    State,
    Target,
    Title,
    TitleStatus,
    Window,
)
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


REMIND_DAYS = 3  # reminders go out from this many days before a window closes until it closes


def windows_remind(today: dt.date | None = None) -> int:
    """Remind whoever must still act in a window that closes within ``REMIND_DAYS`` days (the
    close day included): the operators of units that may declare 达标 and have not, of self
    sheets in draft, and the parent's reviewers and leaders of submissions not reviewed. Each
    person hears once per unit, window and close date (an extended window reminds again before
    its new close); how many reminders were written."""
    today = today or windows.today()
    sent = 0
    for round_ in Round.objects.all():
        closes = windows.round_closes(round_)
        for window in Window.values:
            sent += _remind_window(round_, closes, window, today)
    return sent


def _remind_window(round_: Round, closes: windows.Closes, window: str, today: dt.date) -> int:
    last = today + dt.timedelta(days=REMIND_DAYS)
    due: dict[dt.date, Q] = {}  # close date → the units it is for
    later = closes.later_units(window)
    if today <= closes.everyone[window] <= last:
        due[closes.everyone[window]] = ~Q(org_id__in=list(later))
    for org_id, day in later.items():
        if today <= day <= last:
            due[day] = due.get(day, Q(pk__in=[])) | Q(org_id=org_id)
    return sum(_remind(round_, window, day, units) for day, units in due.items())


def _to_remind(round_: Round, window: str, units: Q) -> list[tuple[int, int, int | None, str]]:
    """(user, unit, assessment or None, message) for every person who must act."""
    if window == Window.DECLARATION:
        titled = Title.objects.filter(org=OuterRef("org_id"), kind=Target.STANDARD, status=TitleStatus.ACTIVE)
        declared = Assessment.objects.filter(org=OuterRef("org_id"), round=round_, target=Target.STANDARD)
        has_set = IndicatorSet.objects.filter(level=OuterRef("org__level"), year=round_.year)
        users = User.objects.filter(
            units,
            Exists(has_set),
            ~Exists(declared),
            ~Exists(titled),
            role=Role.OPERATOR,
            is_active=True,
            org__is_active=True,
            org__parent__isnull=False,
        )
        return [
            (pk, org_id, None, f"{name}尚未申报 {round_.year} 年度“达标”")
            for pk, org_id, name in users.values_list("pk", "org_id", "org__name")
        ]
    state = State.DRAFT if window == Window.SELF_ASSESSMENT else State.SUBMITTED
    assessments = Assessment.objects.filter(units, round=round_, state=state)
    rows = assessments.values_list("pk", "org_id", "org__parent_id", "org__name", "target")
    if window == Window.SELF_ASSESSMENT:
        actors = {org_id: org_id for _pk, org_id, _p, _n, _t in rows}
        roles = policy.SHEETS[Stage.SELF].permission.roles
        what = "自评表尚未提交"
    else:
        actors = {org_id: parent_id for _pk, org_id, parent_id, _n, _t in rows}
        roles = policy.RULES["review"].roles
        what = "已提交自评，尚未评审"
    officials: dict[int, list[int]] = {}
    for pk, org_id in User.objects.filter(
        org_id__in=set(actors.values()), role__in=roles, is_active=True
    ).values_list("pk", "org_id"):
        officials.setdefault(org_id, []).append(pk)
    return [
        (user, org_id, pk, f"{name}（{round_.year}年{zh(TARGET_LABELS[target])}）{what}")
        for pk, org_id, _parent, name, target in rows
        for user in officials.get(actors[org_id], [])
    ]


@transaction.atomic(durable=True)
def _remind(round_: Round, window: str, closes: dt.date, units: Q) -> int:
    Round.objects.select_for_update().filter(pk=round_.pk).first()  # one run at a time
    candidates = _to_remind(round_, window, units)
    done = set(
        Reminder.objects.filter(round=round_, window=window, closes=closes).values_list("org_id", "user_id")
    )
    fresh = [c for c in candidates if (c[1], c[0]) not in done]
    label = windows.WINDOW_ZH[window]
    Reminder.objects.bulk_create(
        [
            Reminder(round=round_, window=window, org_id=org, closes=closes, user_id=user)
            for user, org, _a, _m in fresh
        ]
    )
    Notification.objects.bulk_create(
        [
            Notification(
                user_id=user,
                assessment_id=assessment,
                kind=f"remind_{window}",
                message=f"{message}：本轮{label}将于 {windows.date_zh(closes)} 截止，请抓紧办理"[:300],
            )
            for user, _org, assessment, message in fresh
        ]
    )
    return len(fresh)
