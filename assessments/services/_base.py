"""What every workflow service shares: the row lock that is also the scope check, the version
check against stale pages and clients, the event writer (with its notifications, in the same
transaction) and the reason check."""

from __future__ import annotations

from django.db.models import F

from orgs.models import User
from yuxi_campaign.core.errors import InvalidInput, OutOfScope, StaleVersion

from .. import policy
from ..labels import state_zh
from ..models import Assessment, Event
from ..notifications import notify
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


def on_behalf(actor: User | None, assessment: Assessment) -> dict:
    """Event data for an act on a group's own side by the village or community above it (代填,
    ``policy.acts_by_proxy``): the unit the actor acted from and the group acted for. Empty when
    the actor acts as the unit itself (or as anyone else)."""
    if not policy.acts_by_proxy(actor, assessment):
        return {}
    org, parent = assessment.org, assessment.org.parent
    return {
        "proxy": {
            "org": parent.pk,
            "org_name": parent.name,
            "role": actor.role,
            "for_org": org.pk,
            "for_org_name": org.name,
        }
    }


def record_and_notify(assessment: Assessment, action: str, actor: User | None, **fields) -> Event:
    """Append an event and write the notifications of whoever it concerns, in the caller's
    transaction: both are committed, or neither (a crash after the commit loses nothing)."""
    event = record(assessment, action, actor, **fields)
    notify(event)
    return event


def check_version(assessment: Assessment, version, *, required: bool, unsaved: str) -> None:
    """Refuse a write made from a stale read of the locked ``assessment``: 400 when ``version`` is
    not a whole number (or missing when ``required``), 409 when someone changed the assessment
    since the caller read it. ``unsaved`` tells the caller what was not done."""
    if version is None and not required:
        return
    if not isinstance(version, int) or isinstance(version, bool):
        raise InvalidInput("version 应为评估的当前版本号（整数）", fields={"version": ["请提供整数版本号"]})
    if version != assessment.version:
        raise StaleVersion(
            f"该评估已被他人修改（当前版本 {assessment.version}，您提交的是 {version}），"
            f"当前状态为“{state_zh(assessment.state)}”；{unsaved}，请查看最新情况后再操作",
            fields={"current_version": [str(assessment.version)]},
        )


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
