"""The to-do list after login: what waits for this official, by role, in a fixed number of
grouped queries."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from indicators.models import IndicatorSet
from orgs.models import Role, User

from . import policy, selectors, windows
from .models import Assessment, Objection, ObjectionStatus, Round, State, Window


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
    declarable: list[str] = field(default_factory=list)  # targets the own unit may declare for now
    declaration_closes: dt.date | None = None  # the own unit's last day to declare, when it may
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
    scope = selectors.assessments_for_user(user)
    if user.role == Role.OPERATOR:
        return _operator_todo(todo, user, scope)
    children = scope.filter(policy.relation_q(user, policy.Relation.PARENT))
    counts = children.aggregate(
        submitted=Count("id", filter=Q(state=State.SUBMITTED)),
        reviewed=Count("id", filter=Q(state=State.REVIEWED)),
        rechecked=Count("id", filter=Q(state=State.RECHECKED)),
        notice_due=Count("id", filter=policy.notices_closable_q(timezone.now())),
        rectifying=Count("id", filter=Q(state=State.RECTIFYING)),
        overdue=Count("id", filter=Q(state=State.RECTIFYING, rectify_overdue_at__isnull=False)),
    )
    recheck = scope.filter(policy.relation_q(user, policy.Relation.RECHECK), state=State.ACCEPTED).count()
    todo.items.append(
        TodoItem("review", _("Submissions to review"), counts["submitted"], _list_url(state="submitted"))
    )
    todo.items.append(
        TodoItem("recheck", _("Accepted units to recheck"), recheck, _list_url(state="accepted"))
    )
    if user.role == Role.LEADER or user.is_campaign_admin:
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


def _operator_todo(todo: Todo, user: User, scope) -> Todo:
    own = scope.filter(policy.relation_q(user, policy.Relation.OWN)).aggregate(
        draft=Count("id", filter=Q(state=State.DRAFT)),
        rectifying=Count("id", filter=Q(state=State.RECTIFYING)),
    )
    todo.items.append(
        TodoItem("fill", _("Self-assessment sheets to fill"), own["draft"], _list_url(state="draft", mine=1))
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
    org, round_ = user.org, todo.round
    if round_ is None or org is None or not policy.may_declare(user, org):
        return todo
    closes = windows.close_for(round_, Window.DECLARATION, org.pk)
    if round_.declaration_opens <= windows.today() <= closes:  # the window is open for the unit
        todo.declaration_closes = closes
        todo.declarable = policy.declarable_targets(
            org=org,
            year=round_.year,
            active_titles=selectors.active_title_kinds(org.pk),
            declared=Assessment.objects.filter(org=org, round=round_).values_list("target", flat=True),
            has_indicator_set=IndicatorSet.objects.filter(level=org.level, year=round_.year).exists(),
        )
    return todo
