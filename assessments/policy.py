"""Every "may this user do this here" rule of the workflow, and the transition table of SPEC §3.

Pure functions over loaded rows: callers load ``assessment.org.parent`` (select_related) so that no
check costs a query. ``relation_q`` states the same relations as ``relation_holds`` as a database
filter, for lists such as the to-do ("what may I recheck?"); a test holds the two together."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from django.db.models import Exists, OuterRef, Q

from orgs import permissions
from orgs.models import Level, Role

from .labels import TARGET_LABELS, zh
from .models import Objection, ObjectionStatus, Stage, State, Target


class Relation(StrEnum):
    """How the actor's unit stands to the assessed unit."""

    OWN = "own"  # the unit itself
    # the direct parent of a group (村民小组, 居民小组, 小区: the village or community above it),
    # which fills the group's own side on its behalf (代填): groups rarely have accounts of their own
    PROXY = "proxy"
    PARENT = "parent"  # the unit's direct parent (who reviews and decides)
    RECHECK = "recheck"  # the parent's parent, or the city where the parent is the city


OPERATOR = frozenset({Role.OPERATOR})
LEADER = frozenset({Role.LEADER})
REVIEWERS = frozenset({Role.REVIEWER, Role.LEADER})


@dataclass(frozen=True)
class Rule:
    sources: frozenset[str]  # states the action may start from
    targets: tuple[str, ...]  # the state it leads to; a hook may choose a later alternative
    relation: Relation
    roles: frozenset[str]
    reason_required: bool = False
    deadline_required: bool = False
    automatic: bool = False  # the periodic jobs may take it too (no actor)
    proxy: bool = False  # a group's parent may take it on the group's behalf (Relation.PROXY), same roles


RULES: dict[str, Rule] = {
    "submit": Rule(frozenset({State.DRAFT}), (State.SUBMITTED,), Relation.OWN, OPERATOR, proxy=True),
    "return": Rule(
        frozenset({State.SUBMITTED, State.REVIEWED}),
        (State.DRAFT,),
        Relation.PARENT,
        LEADER,
        reason_required=True,
    ),
    "review": Rule(frozenset({State.SUBMITTED}), (State.REVIEWED,), Relation.PARENT, REVIEWERS),
    "accept": Rule(frozenset({State.REVIEWED}), (State.ACCEPTED,), Relation.PARENT, LEADER),
    "fail": Rule(
        frozenset({State.REVIEWED, State.ACCEPTED, State.RECHECKED}),
        (State.FAILED,),
        Relation.PARENT,
        LEADER,
        reason_required=True,
    ),
    "recheck": Rule(frozenset({State.ACCEPTED}), (State.RECHECKED,), Relation.RECHECK, REVIEWERS),
    "publish": Rule(frozenset({State.RECHECKED}), (State.IN_NOTICE,), Relation.PARENT, LEADER),
    "close_notice": Rule(
        frozenset({State.IN_NOTICE}), (State.NAMED, State.REJECTED), Relation.PARENT, LEADER, automatic=True
    ),
    "warn": Rule(frozenset({State.NAMED}), (State.NAMED,), Relation.PARENT, LEADER, reason_required=True),
    "rectify_order": Rule(
        frozenset({State.NAMED}),
        (State.RECTIFYING,),
        Relation.PARENT,
        LEADER,
        reason_required=True,
        deadline_required=True,
    ),
    "rectified": Rule(frozenset({State.RECTIFYING}), (State.NAMED,), Relation.PARENT, LEADER),
    "revoke": Rule(
        frozenset({State.NAMED, State.RECTIFYING}),
        (State.REVOKED,),
        Relation.PARENT,
        LEADER,
        reason_required=True,
    ),
}
ACTIONS: tuple[str, ...] = tuple(RULES)


@dataclass(frozen=True)
class Permission:
    """A right that is not a transition: who, by relation and role."""

    relation: Relation
    roles: frozenset[str]
    proxy: bool = False  # as Rule.proxy


@dataclass(frozen=True)
class Sheet:
    """A score sheet: who fills it, the state in which it is open, and the action that hands it on
    (taken from the sheet's own page, so the assessment page does not offer it again)."""

    permission: Permission
    open_state: str
    finish: str


SHEETS: dict[str, Sheet] = {
    Stage.SELF: Sheet(Permission(Relation.OWN, OPERATOR, proxy=True), State.DRAFT, "submit"),
    Stage.REVIEW: Sheet(Permission(Relation.PARENT, REVIEWERS), State.SUBMITTED, "review"),
    Stage.RECHECK: Sheet(Permission(Relation.RECHECK, REVIEWERS), State.ACCEPTED, "recheck"),
}
SHEET_ACTIONS = frozenset(sheet.finish for sheet in SHEETS.values())
# Objections raised during the public notice: the parent's leaders uphold or dismiss them.
DECIDE_OBJECTION = Permission(Relation.PARENT, LEADER)


# ---------------------------------------------------------------------------------------------
# Relations


def recheck_org_id(assessment) -> int | None:
    """The reviewer's parent, or the city where the reviewer (the unit's parent) is the city."""
    parent = assessment.org.parent
    if parent is None:
        return None
    return parent.parent_id or parent.pk


def _official(user) -> bool:
    return user.is_authenticated and (user.org_id is not None or user.is_superuser)


def relation_holds(user, assessment, relation: Relation) -> bool:
    if not _official(user):
        return False
    if relation == Relation.OWN:
        return user.org_id == assessment.org_id
    if relation == Relation.PROXY:  # never the department: it is nobody's village
        org = assessment.org
        return user.org_id is not None and user.org_id == org.parent_id and org.level == Level.GROUP
    if user.is_campaign_admin:
        return True  # the organisation department acts for any parent in its tree
    if relation == Relation.PARENT:
        return user.org_id is not None and user.org_id == assessment.org.parent_id
    return user.org_id is not None and user.org_id == recheck_org_id(assessment)


def relation_q(user, relation: Relation, prefix: str = "") -> Q:
    """Assessments (or rows reached through ``prefix``) on which ``relation_holds``, as a filter.
    Scope (the user's subtree) is applied by the selector the filter goes with."""
    if not _official(user):
        return Q(pk__in=[])
    org = f"{prefix}org__"
    if relation == Relation.OWN:
        return Q(**{f"{org}id": user.org_id})
    if relation == Relation.PROXY:
        if user.org_id is None:
            return Q(pk__in=[])
        return Q(**{f"{org}parent_id": user.org_id, f"{org}level": Level.GROUP})
    if user.is_campaign_admin:
        return Q()
    if relation == Relation.PARENT:
        return Q(**{f"{org}parent_id": user.org_id})
    return Q(**{f"{org}parent__parent_id": user.org_id}) | Q(
        **{f"{org}parent_id": user.org_id, f"{org}parent__parent__isnull": True}
    )


SIDE_OF_THE_UNIT = frozenset({Relation.OWN, Relation.PROXY})  # the department never acts as the unit


def role_holds(user, roles: Iterable[str], relation: Relation) -> bool:
    if relation not in SIDE_OF_THE_UNIT and user.is_campaign_admin:
        return True
    return user.role in roles


def holds(user, permission: Permission | Rule, assessment) -> bool:
    if relation_holds(user, assessment, permission.relation) and role_holds(
        user, permission.roles, permission.relation
    ):
        return True
    return permission.proxy and by_proxy(user, permission.roles, assessment)


def by_proxy(user, roles: Iterable[str], assessment) -> bool:
    """The group's parent, with one of ``roles``, acting on the group's behalf."""
    return relation_holds(user, assessment, Relation.PROXY) and role_holds(user, roles, Relation.PROXY)


def acts_by_proxy(user, assessment) -> bool:
    """Whether the user fills the assessed group's own side (self sheet, evidence, submit) on its
    behalf rather than as the unit itself: what the event log records as 代填."""
    return user is not None and by_proxy(user, SHEETS[Stage.SELF].permission.roles, assessment)


# ---------------------------------------------------------------------------------------------
# Transitions


def may_take(user, action: str, assessment) -> bool:
    """Whether the user's unit and role allow the action (whatever the state)."""
    return holds(user, RULES[action], assessment)


def allowed_actions(user, assessment, *, now, has_pending_objection: bool = False) -> list[str]:
    """The actions the user may take now: role, relation and state, and for close_notice the
    notice period and undecided objections."""
    actions = []
    for action, rule in RULES.items():
        if assessment.state not in rule.sources or not may_take(user, action, assessment):
            continue
        if action == "close_notice" and not notice_may_close(assessment, now, has_pending_objection):
            continue
        actions.append(action)
    return actions


def notice_may_close(assessment, now, has_pending_objection: bool) -> bool:
    """A notice closes once its period has ended and no objection waits for a decision."""
    ended = assessment.notice_ends_at is not None and now >= assessment.notice_ends_at
    return assessment.state == State.IN_NOTICE and ended and not has_pending_objection


def notices_closable_q(now) -> Q:
    """``notice_may_close`` as a filter on assessments (for the to-do and the periodic job)."""
    pending = Objection.objects.filter(assessment=OuterRef("pk"), status=ObjectionStatus.PENDING)
    return Q(state=State.IN_NOTICE, notice_ends_at__lte=now) & ~Exists(pending)


# ---------------------------------------------------------------------------------------------
# Sheets, evidence, objections


def may_score(user, stage: str, assessment) -> bool:
    if stage != Stage.SELF and user.org_id == assessment.org_id:
        return False  # nobody scores the own unit's review or recheck sheet
    return holds(user, SHEETS[stage].permission, assessment)


def sheet_open_state(stage: str) -> str:
    return SHEETS[stage].open_state


def open_sheets(user, assessment) -> list[str]:
    """The sheets the user may fill in now."""
    return [
        stage
        for stage in Stage.values
        if may_score(user, stage, assessment) and assessment.state == sheet_open_state(stage)
    ]


def may_handle_evidence(user, assessment) -> bool:
    """Evidence belongs to the self sheet: whoever fills it uploads and deletes the files."""
    return may_score(user, Stage.SELF, assessment)


def may_decide_objection(user, assessment) -> bool:
    return holds(user, DECIDE_OBJECTION, assessment)


def may_see_objection_contact(user, assessment) -> bool:
    """The citizen's contact details of an objection: only who decides it (the parent's leaders, or
    the organisation department), never the unit objected to nor anyone else in scope, who could
    retaliate. Everyone else sees the objection without them."""
    return may_decide_objection(user, assessment)


def may_see_objections(user) -> bool:
    """Whether the objections desk is for this user: those who may decide objections somewhere."""
    return _official(user) and role_holds(user, DECIDE_OBJECTION.roles, DECIDE_OBJECTION.relation)


def groups_page_unit(user) -> int | None:
    """The village or community whose groups' table (村评组) the navigation offers the user: the
    own unit, for its officials; None for everyone else (they reach it from the unit list)."""
    if not _official(user) or user.org_id is None:
        return None
    return user.org_id if user.org.level == Level.VILLAGE else None


# ---------------------------------------------------------------------------------------------
# The campaign


def may_manage_campaign(user) -> bool:
    """Rounds, their dates and notice length: the city's organisation department only (a county's
    administrator reads them); the role mapping of ``orgs.permissions`` says so."""
    return user.is_authenticated and permissions.may(user, "assessments.round", permissions.CHANGE)


def may_extend_window(user, org) -> bool:
    """A window of a round closing later: the organisation department for any unit in its
    subtree (the caller checks the scope), and for all units only at the top of a tree (or a
    superuser): an administrator of a county extends for the units of the county one by one."""
    if not (user.is_authenticated and user.is_campaign_admin):
        return False
    if org is not None:
        return True
    return may_manage_campaign(user)


# ---------------------------------------------------------------------------------------------
# Declaration


def may_declare(user, org) -> bool:
    """The unit's own officials, its parent's, or the organisation department."""
    if not _official(user):
        return False
    return user.is_campaign_admin or user.org_id in (org.pk, org.parent_id)


def declaration_refusal(
    *, org, year: int, target: str, active_titles: Iterable[str], has_indicator_set: bool
) -> tuple[str, str] | None:
    """Why ``org`` may not declare for ``target`` in the round of ``year``, as (field, message), or
    None. The to-do asks this before it offers a declaration, and the service before it makes one."""
    titles = set(active_titles)
    if org.parent_id is None:
        return "org", "市级单位不参加评估"
    if not org.is_active:
        return "org", f"单位“{org.name}”已停用，不能申报"
    if not has_indicator_set:
        return "round", f"{year} 年尚无该层级的指标体系，请先由管理员建立"
    if target == Target.DEMONSTRATION and Target.STANDARD not in titles:
        return "target", "只有持有有效“达标”称号的单位才能申报“示范”"
    if target in titles:
        return "target", f"该单位已持有有效的“{zh(TARGET_LABELS[target])}”称号，无需重复申报"
    return None


def declarable_targets(
    *, org, year: int, active_titles: Iterable[str], declared: Iterable[str], has_indicator_set: bool
) -> list[str]:
    """Targets the unit may still declare for in the round of ``year``: not declared yet and not
    refused by ``declaration_refusal``."""
    titles, done = set(active_titles), set(declared)
    return [
        t
        for t in Target.values
        if t not in done
        and declaration_refusal(
            org=org, year=year, target=t, active_titles=titles, has_indicator_set=has_indicator_set
        )
        is None
    ]


# ---------------------------------------------------------------------------------------------
# The dashboard

DASHBOARD_LEVELS = frozenset({"city", "county", "township"})  # leaders of these units read the pace
LANDING_LEVELS = frozenset({"city", "county"})  # and those of these land on it after login


def may_see_dashboard(user) -> bool:
    """The dashboard (pace, charts, registers) is for the organisation department and for the
    leaders of the city, the counties and the townships, over their own subtree; operators and
    reviewers work from the to-do list and do not need it."""
    if not _official(user):
        return False
    if user.is_campaign_admin:
        return True
    return user.role == Role.LEADER and user.org is not None and user.org.level in DASHBOARD_LEVELS


def lands_on_dashboard(user) -> bool:
    """Whether the home page takes the user to the dashboard (the to-do list stays one click away):
    the organisation department and the leaders of the city and the counties."""
    if not may_see_dashboard(user):
        return False
    return user.is_campaign_admin or user.org.level in LANDING_LEVELS
