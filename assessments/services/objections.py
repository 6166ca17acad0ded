"""Objections to a unit in public notice: anyone may raise one without logging in; the leaders
who close the notice uphold or dismiss it."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from orgs.models import User
from yuxi_campaign.core.errors import InvalidInput, NotAllowed, OutOfScope, WrongState

from .. import policy
from ..labels import state_zh
from ..models import Assessment, Objection, ObjectionStatus, State
from ._base import bump_version, clean_reason, lock_assessment, record_and_notify

MAX_OBJECTION = 2000
MIN_OBJECTION = 5
MAX_CONTACT = 100


@transaction.atomic(durable=True)
def objection_submit(
    *, assessment_id: int, content: str, contact: str = "", ip_address: str | None
) -> Objection:
    """Anyone may object to a unit in notice, without logging in, until the notice ends."""
    try:
        a = (
            Assessment.objects.select_for_update(of=("self",))
            .select_related("org", "round")
            .get(pk=assessment_id)
        )
    except (Assessment.DoesNotExist, ValueError, TypeError):
        raise OutOfScope("未找到正在公示的该单位") from None
    if a.state != State.IN_NOTICE:
        raise OutOfScope("该单位当前不在公示期")
    if a.notice_ends_at and timezone.now() >= a.notice_ends_at:
        raise WrongState("公示期已结束，不再受理异议", code="notice_ended")
    content = (content or "").strip()
    contact = (contact or "").strip()
    errors: dict[str, list[str]] = {}
    if len(content) < MIN_OBJECTION:
        errors["content"] = [f"异议内容至少 {MIN_OBJECTION} 个字"]
    elif len(content) > MAX_OBJECTION:
        errors["content"] = [f"异议内容不能超过 {MAX_OBJECTION} 字"]
    if len(contact) > MAX_CONTACT:
        errors["contact"] = [f"联系方式不能超过 {MAX_CONTACT} 字"]
    if errors:
        raise InvalidInput("；".join(m for msgs in errors.values() for m in msgs), fields=errors)
    objection = Objection.objects.create(
        assessment=a, content=content, contact=contact, ip_address=ip_address
    )
    record_and_notify(
        a, "objection", None, from_state=a.state, to_state=a.state, data={"objection": objection.pk}
    )
    return objection


@transaction.atomic(durable=True)
def objection_decide(*, objection_id: int, decision: str, reason: str, actor: User) -> Objection:
    """The parent's leader upholds or dismisses an objection, with a reason. The assessment's
    version moves on, since the decision changes what closing the notice will do."""
    try:
        objection = Objection.objects.select_for_update(of=("self",)).get(pk=objection_id)
    except (Objection.DoesNotExist, ValueError, TypeError):
        raise OutOfScope("未找到该异议，或不在您的权限范围内") from None
    a = lock_assessment(objection.assessment_id, actor)
    if not policy.may_decide_objection(actor, a):
        raise NotAllowed("只有上级单位的负责人可以处理异议")
    if decision not in (ObjectionStatus.UPHELD, ObjectionStatus.DISMISSED):
        raise InvalidInput(
            "decision 应为 upheld（成立）或 dismissed（不成立）",
            fields={"decision": ["应为 upheld 或 dismissed"]},
        )
    if objection.status != ObjectionStatus.PENDING:
        raise WrongState("该异议已处理，不能重复处理", code="objection_decided")
    if a.state != State.IN_NOTICE:
        raise WrongState(f"当前状态为“{state_zh(a.state)}”，公示已结束，不能再处理异议")
    reason = clean_reason(reason, required=True, what="处理异议")
    objection.status = decision
    objection.decided_by = actor
    objection.decided_at = timezone.now()
    objection.decision_reason = reason
    objection.save(update_fields=["status", "decided_by", "decided_at", "decision_reason"])
    # The decision changes how the notice closes: a close prepared before it is refused as stale.
    bump_version(a, [])
    record_and_notify(
        a,
        "objection_decision",
        actor,
        from_state=a.state,
        to_state=a.state,
        reason=reason,
        data={"objection": objection.pk, "decision": decision},
    )
    return objection
