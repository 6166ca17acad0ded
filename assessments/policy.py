"""Who may do what to an assessment, and from which states. Pure functions over loaded rows:
callers load ``assessment.org.parent`` (select_related) so that no check costs a query."""

from __future__ import annotations

from dataclasses import dataclass

from .models import Stage, State

LEADER = frozenset({"leader"})
REVIEWERS = frozenset({"reviewer", "leader"})


@dataclass(frozen=True)
class Rule:
    label: str  # Chinese name of the action, for messages
    sources: frozenset[str]
    actor: str  # "own": the unit itself; "parent": the unit's parent; "recheck": the recheck org
    roles: frozenset[str]
    reason_required: bool = False
    deadline_required: bool = False


RULES: dict[str, Rule] = {
    "submit": Rule("提交", frozenset({State.DRAFT}), "own", frozenset({"operator"})),
    "return": Rule(
        "退回", frozenset({State.SUBMITTED, State.REVIEWED}), "parent", LEADER, reason_required=True
    ),
    "review": Rule("评审", frozenset({State.SUBMITTED}), "parent", REVIEWERS),
    "accept": Rule("验收", frozenset({State.REVIEWED}), "parent", LEADER),
    "fail": Rule(
        "评定不通过",
        frozenset({State.REVIEWED, State.ACCEPTED, State.RECHECKED}),
        "parent",
        LEADER,
        reason_required=True,
    ),
    "recheck": Rule("复核", frozenset({State.ACCEPTED}), "recheck", REVIEWERS),
    "publish": Rule("公示", frozenset({State.RECHECKED}), "parent", LEADER),
    "close_notice": Rule("结束公示", frozenset({State.IN_NOTICE}), "parent", LEADER),
    "warn": Rule("通报批评", frozenset({State.NAMED}), "parent", LEADER, reason_required=True),
    "rectify_order": Rule(
        "限期整改", frozenset({State.NAMED}), "parent", LEADER, reason_required=True, deadline_required=True
    ),
    "rectified": Rule("整改完成", frozenset({State.RECTIFYING}), "parent", LEADER),
    "revoke": Rule(
        "摘牌", frozenset({State.NAMED, State.RECTIFYING}), "parent", LEADER, reason_required=True
    ),
}
ACTIONS: tuple[str, ...] = tuple(RULES)

STATE_LABELS = {
    State.DRAFT: "草稿",
    State.SUBMITTED: "已提交",
    State.REVIEWED: "已评审",
    State.ACCEPTED: "已验收",
    State.RECHECKED: "已复核",
    State.FAILED: "未通过",
    State.IN_NOTICE: "公示中",
    State.NAMED: "已命名",
    State.REJECTED: "公示未通过",
    State.RECTIFYING: "整改中",
    State.REVOKED: "已摘牌",
}
STAGE_LABELS = {Stage.SELF: "自评", Stage.REVIEW: "评审", Stage.RECHECK: "复核"}
ROLE_LABELS = {"operator": "填报员", "reviewer": "评审员", "leader": "负责人", "admin": "管理员"}


def recheck_org_id(assessment) -> int | None:
    """The reviewer's parent, or the city where the reviewer (the unit's parent) is the city."""
    parent = assessment.org.parent
    if parent is None:
        return None
    return parent.parent_id or parent.pk


def relation_holds(user, assessment, actor: str) -> bool:
    if not user.is_authenticated or user.org_id is None and not user.is_superuser:
        return False
    if actor == "own":
        return user.org_id == assessment.org_id
    if user.is_campaign_admin:
        return True  # the organisation department acts for any parent in its tree
    if actor == "parent":
        return user.org_id is not None and user.org_id == assessment.org.parent_id
    if actor == "recheck":
        return user.org_id is not None and user.org_id == recheck_org_id(assessment)
    return False


def role_holds(user, roles: frozenset[str], actor: str) -> bool:
    if actor != "own" and user.is_campaign_admin:
        return True
    return user.role in roles


def may_take(user, action: str, assessment) -> bool:
    """Whether the user's unit and role allow the action (whatever the state)."""
    rule = RULES[action]
    return relation_holds(user, assessment, rule.actor) and role_holds(user, rule.roles, rule.actor)


def allowed_actions(user, assessment, *, now, has_pending_objection: bool = False) -> list[str]:
    """The actions the user may take now: role, relation and state, and for close_notice the
    notice period and undecided objections."""
    actions = []
    for action, rule in RULES.items():
        if assessment.state not in rule.sources or not may_take(user, action, assessment):
            continue
        if action == "close_notice" and (
            assessment.notice_ends_at is None or now < assessment.notice_ends_at or has_pending_objection
        ):
            continue
        actions.append(action)
    return actions


SHEET_RULES = {
    Stage.SELF: ("own", frozenset({"operator"}), State.DRAFT),
    Stage.REVIEW: ("parent", REVIEWERS, State.SUBMITTED),
    Stage.RECHECK: ("recheck", REVIEWERS, State.ACCEPTED),
}


def may_score(user, stage: str, assessment) -> bool:
    actor, roles, _state = SHEET_RULES[stage]
    if stage != Stage.SELF and user.org_id == assessment.org_id:
        return False  # nobody scores the own unit's review or recheck sheet
    return relation_holds(user, assessment, actor) and role_holds(user, roles, actor)


def sheet_open_state(stage: str) -> str:
    return SHEET_RULES[stage][2]
