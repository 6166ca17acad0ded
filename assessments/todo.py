"""The to-do list after login: what waits for this official, by role, in a fixed number of
grouped queries."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from orgs.models import User

from .models import Assessment, Objection, ObjectionStatus, Round, State


@dataclass
class TodoItem:
    key: str
    label: str  # lazily translated
    count: int
    url: str
    urgent: bool = False


@dataclass
class Todo:
    items: list[TodoItem] = field(default_factory=list)
    can_declare: bool = False
    round: Round | None = None

    @property
    def total(self) -> int:
        return sum(i.count for i in self.items)


def _list_url(**params) -> str:
    from urllib.parse import urlencode

    return "/assessments/?" + urlencode(params)


def todo_for(user: User) -> Todo:
    todo = Todo(round=Round.objects.order_by("-year").first())
    if user.org_id is None and not user.is_superuser:
        return todo
    org_id = user.org_id
    now = timezone.now()
    role = user.role
    admin = user.is_campaign_admin

    if role == "operator":
        own = Assessment.objects.filter(org_id=org_id).aggregate(
            draft=Count("id", filter=Q(state=State.DRAFT)),
            rectifying=Count("id", filter=Q(state=State.RECTIFYING)),
        )
        todo.items.append(
            TodoItem(
                "fill", _("Self-assessment sheets to fill"), own["draft"], _list_url(state="draft", mine=1)
            )
        )
        todo.items.append(
            TodoItem(
                "rectify",
                _("Rectifications under way"),
                own["rectifying"],
                _list_url(state="rectifying", mine=1),
                urgent=bool(own["rectifying"]),
            )
        )
        todo.can_declare = (
            bool(todo.round)
            and not Assessment.objects.filter(org_id=org_id, round=todo.round, target="standard").exists()
        )
        return todo

    children = Assessment.objects.filter(org__parent_id=org_id) if not admin else Assessment.objects.all()
    if admin and user.org is not None:
        o = user.org
        children = Assessment.objects.filter(org__tree_id=o.tree_id, org__lft__gt=o.lft, org__lft__lt=o.rght)
    counts = children.aggregate(
        submitted=Count("id", filter=Q(state=State.SUBMITTED)),
        reviewed=Count("id", filter=Q(state=State.REVIEWED)),
        rechecked=Count("id", filter=Q(state=State.RECHECKED)),
        notice_due=Count("id", filter=Q(state=State.IN_NOTICE, notice_ends_at__lte=now)),
        in_notice=Count("id", filter=Q(state=State.IN_NOTICE)),
        rectifying=Count("id", filter=Q(state=State.RECTIFYING)),
        overdue=Count("id", filter=Q(state=State.RECTIFYING, rectify_overdue_at__isnull=False)),
    )
    recheck = (
        Assessment.objects.filter(state=State.ACCEPTED).filter(
            Q(org__parent__parent_id=org_id) | Q(org__parent_id=org_id, org__parent__parent__isnull=True)
        )
        if not admin
        else children.filter(state=State.ACCEPTED)
    ).count()
    todo.items.append(
        TodoItem("review", _("Submissions to review"), counts["submitted"], _list_url(state="submitted"))
    )
    todo.items.append(
        TodoItem("recheck", _("Accepted units to recheck"), recheck, _list_url(state="accepted"))
    )
    if role in ("leader", "admin") or admin:
        pending = Objection.objects.filter(status=ObjectionStatus.PENDING, assessment__in=children).count()
        todo.items += [
            TodoItem(
                "decide",
                _("Reviewed units waiting for a decision"),
                counts["reviewed"],
                _list_url(state="reviewed"),
            ),
            TodoItem(
                "publish", _("Rechecked units to publish"), counts["rechecked"], _list_url(state="rechecked")
            ),
            TodoItem("objections", _("Objections to decide"), pending, "/objections/", urgent=bool(pending)),
            TodoItem(
                "close", _("Notices that have ended"), counts["notice_due"], _list_url(state="in_notice")
            ),
            TodoItem(
                "rectifying",
                _("Rectification deadlines"),
                counts["rectifying"],
                _list_url(state="rectifying"),
                urgent=bool(counts["overdue"]),
            ),
        ]
    return todo
