"""The twelve actions of SPEC §3, all through one entry point driven by ``policy.RULES``: lock the
row within the actor's scope (404), check relation and role (403), the version the caller read
when given (409: someone acted meanwhile), state (409), reason and deadline (400), run the
action's hook if it has extra work, apply the target state, bump the version, record the event and
its notifications in the same transaction."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from orgs.models import Level, User
from yuxi_campaign.core.errors import DomainError, InvalidInput, NotAllowed, WrongState, date_input

from .. import policy, rollups, windows
from ..labels import ROLE_LABELS, action_zh, state_zh, zh
from ..models import Assessment, Objection, ObjectionStatus, Outcome, Stage, State, Window
from . import titles
from ._base import (
    bump_version,
    check_version,
    clean_reason,
    lock_assessment,
    on_behalf,
    record,
    record_and_notify,
)
from .change import Change, Hook
from .evidence import missing_evidence
from .sheets import require_complete

RELATION_ZH = {
    policy.Relation.OWN: "本单位",
    policy.Relation.PARENT: "上级单位",
    policy.Relation.RECHECK: "复核单位",
}


def _submit(a: Assessment, change: Change) -> None:
    windows.refuse_if_closed(a.round, Window.SELF_ASSESSMENT, a.org_id, doing="提交")
    require_complete(a, Stage.SELF, "自评表未完成，不能提交")
    if lacking := missing_evidence(a):
        raise InvalidInput(
            f"以下指标需要上传佐证材料后才能提交：{'、'.join(lacking)}", fields={"evidence": lacking}
        )


def _review(a: Assessment, change: Change) -> None:
    windows.refuse_if_closed(a.round, Window.REVIEW, a.org_id, doing="提交评审")
    require_complete(a, Stage.REVIEW, "评审表未完成")


def _fail(a: Assessment, change: Change) -> None:
    a.outcome = Outcome.FAIL
    change.fields.append("outcome")


def _publish(a: Assessment, change: Change) -> None:
    if a.outcome != Outcome.PASS:
        why = "一票否决项未通过" if a.veto_failed else f"最终得分 {a.final_score} 未达到分数线 {a.threshold}"
        raise WrongState(
            f"结果为“未通过”（{why}），不能公示；请执行“{action_zh('fail')}”", code="outcome_not_pass"
        )
    a.notice_started_at = change.now
    a.notice_ends_at = change.now + dt.timedelta(days=a.round.notice_days)
    change.fields += ["notice_started_at", "notice_ends_at"]


def _close_notice(a: Assessment, change: Change) -> None:
    """Rejected if an objection was upheld, else named with the title granted."""
    if a.notice_ends_at and change.now < a.notice_ends_at:
        local = timezone.localtime(a.notice_ends_at).strftime("%Y-%m-%d %H:%M")
        raise WrongState(f"公示期至 {local} 结束，公示期内不能结束公示", code="notice_not_ended")
    objections = set(Objection.objects.filter(assessment=a).values_list("status", flat=True))
    if ObjectionStatus.PENDING in objections:
        raise WrongState("还有未处理的异议，处理完毕后才能结束公示", code="objection_pending")
    change.fields.append("outcome")
    if ObjectionStatus.UPHELD in objections:
        change.to_state = State.REJECTED
        a.outcome = Outcome.FAIL
    else:
        change.title = titles.title_grant(a, change)
        change.follow_up.append(("title_grant", {"kind": change.title.kind}))
    change.data.update(title=change.title.kind if change.title else None, automatic=change.actor is None)


HOOKS: dict[str, Hook] = {
    "submit": _submit,
    "review": _review,
    "fail": _fail,
    "publish": _publish,
    "close_notice": _close_notice,
    **titles.HOOKS,
}


def _check(action: str, a: Assessment, actor: User | None, version) -> None:
    """403 when the actor's unit or role does not allow the action, 409 when the assessment
    changed since the caller read ``version`` (if given) or when the state does not allow it."""
    rule = policy.RULES[action]
    allowed = rule.automatic if actor is None else policy.may_take(actor, action, a)
    if not allowed:
        roles = "、".join(zh(ROLE_LABELS[r]) for r in sorted(rule.roles))
        also = (
            "，小组也可由所在村（社区）的填报员代为操作" if rule.proxy and a.org.level == Level.GROUP else ""
        )
        raise NotAllowed(
            f"无权执行“{action_zh(action)}”：只有{RELATION_ZH[rule.relation]}的{roles}可以操作{also}"
        )
    check_version(a, version, required=False, unsaved=f"“{action_zh(action)}”未执行")
    if a.state not in rule.sources:
        sources = "、".join(state_zh(s) for s in sorted(rule.sources))
        raise WrongState(
            f"当前状态为“{state_zh(a.state)}”，不能执行“{action_zh(action)}”（仅限{sources}状态）",
            code="wrong_state",
        )


def _deadline(value) -> dt.date:
    value = date_input(
        value,
        field="deadline",
        what="整改期限",
        missing="“限期整改”需要填写整改期限",
        missing_field="请填写整改期限",
    )
    if value <= timezone.localdate():
        raise InvalidInput("整改期限应晚于今天", fields={"deadline": ["整改期限应晚于今天"]})
    return value


@transaction.atomic(durable=True)
def assessment_transition(
    *, assessment_id: int, action: str, actor: User | None, reason: str = "", deadline=None, version=None
) -> Assessment:
    """Take one action of SPEC §3. ``actor`` None is the periodic job (automatic actions only).
    ``version``: the assessment's version the caller saw (pages always send it); a different one
    refuses the action (409), None takes it from whatever state the assessment is in."""
    rule = policy.RULES.get(action)
    if rule is None:
        raise InvalidInput(
            f"未知操作“{action}”：可选 {'、'.join(policy.ACTIONS)}", fields={"action": ["未知操作"]}
        )
    a = lock_assessment(assessment_id, actor)
    _check(action, a, actor, version)
    change = Change(
        action=action,
        actor=actor,
        reason=clean_reason(reason, required=rule.reason_required, what=action_zh(action)),
        deadline=_deadline(deadline) if rule.deadline_required else None,
        now=timezone.now(),
        to_state=rule.targets[0],
    )
    if rule.proxy:
        change.data.update(on_behalf(actor, a))
    watch = rollups.Watch(a, action=action)
    if hook := HOOKS.get(action):
        hook(a, change)
    from_state, a.state = a.state, change.to_state
    bump_version(a, ["state", *change.fields])
    watch.apply(from_state=from_state, to_state=a.state)
    record_and_notify(
        a,
        action,
        actor,
        from_state=from_state,
        to_state=a.state,
        reason=change.reason,
        title=change.title,
        data=change.data,
    )
    for follow_up, data in change.follow_up:
        record(a, follow_up, actor, title=change.title, to_state=a.state, data=data)
    return a


@dataclass(frozen=True)
class BulkResult:
    id: int
    ok: bool
    state: str | None = None
    status: int | None = None
    detail: str | None = None


def assessment_bulk_transition(
    *,
    ids: list[int],
    action: str,
    actor: User,
    reason: str = "",
    deadline=None,
    versions: dict[int, int] | None = None,
) -> list[BulkResult]:
    """One action on many assessments, each applied or refused on its own (in its own
    transaction), in the order given, once per id. ``versions`` (id → the version the caller saw)
    refuses, row by row, those changed since; an id without one is taken as it is."""
    versions = versions or {}
    results = []
    for assessment_id in dict.fromkeys(ids):
        try:
            a = assessment_transition(
                assessment_id=assessment_id,
                action=action,
                actor=actor,
                reason=reason,
                deadline=deadline,
                version=versions.get(assessment_id),
            )
            results.append(BulkResult(assessment_id, True, state=a.state))
        except DomainError as exc:
            results.append(BulkResult(assessment_id, False, status=exc.status_code, detail=exc.detail))
    return results
