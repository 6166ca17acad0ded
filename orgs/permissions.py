"""What each role may do in 系统管理 (the Django admin): the one mapping of role → capabilities.

Every ModelAdmin asks ``may(user, model_label, action)``; nobody needs Django's per-user
permission rows. Two kinds of administrator exist: the city's organisation department (role
``admin`` at the city, the root of the tree) and a county's (role ``admin`` at a county). Both
manage their own subtree (units, officials, registers read-only); the campaign-wide reference data
(indicator sets, rounds, pace targets, rubric) is the city's to change and the county's to read.
Superusers may do everything. Which rows each admin sees is the subtree scope of
``orgs.selectors``; this module only says which *actions* each role has."""

from __future__ import annotations

from .models import Organisation, Role, User

VIEW, ADD, CHANGE, DELETE = "view", "add", "change", "delete"
IMPORT = "import"  # the organisation import page
READ = frozenset({VIEW})
EDIT = frozenset({VIEW, ADD, CHANGE})
FULL = frozenset({VIEW, ADD, CHANGE, DELETE})

SUPERUSER = "superuser"
CITY_ADMIN = "city_admin"
COUNTY_ADMIN = "county_admin"

ROLE_LABELS_ZH = {SUPERUSER: "超级管理员", CITY_ADMIN: "市委组织部管理员", COUNTY_ADMIN: "县级组织部管理员"}

# Models every administrator manages within the own subtree.
_SUBTREE = {
    "orgs.organisation": EDIT | {IMPORT},  # never deleted: deactivated
    "orgs.user": EDIT,  # never deleted: deactivated
    "assessments.title": READ,  # the title register
    "assessments.assessment": READ,
    "assessments.event": READ,
    "assessments.objection": READ,
    "assessments.roundextension": READ,  # made on the calendar page, through the service
    "assessments.reminder": READ,
    "monthly.observation": READ,
    "monthly.observationmiss": READ,
    "monthly.observationevent": READ,
    "monthly.monthlyevent": READ,
    "monthly.modelsite": READ,
    "reports.documentsettings": EDIT,
}
# Reference data of the whole campaign.
_CAMPAIGN_WIDE = ("indicators", "assessments.campaign", "assessments.pacetarget", "assessments.round")

CAPABILITIES: dict[str, dict[str, frozenset[str]]] = {
    CITY_ADMIN: {
        **_SUBTREE,
        "indicators.indicatorset": EDIT,
        "indicators.dimension": FULL,
        "indicators.indicator": FULL,  # drafts only: frozen sets are read-only (their admin says so)
        "assessments.campaign": frozenset({VIEW, CHANGE}),
        "assessments.pacetarget": FULL,
        "assessments.round": EDIT,
        "monthly.rubricitem": EDIT,
        "monthly.sitekind": EDIT,
        "monthly.leagueweights": EDIT,
    },
    COUNTY_ADMIN: {
        **_SUBTREE,
        "indicators.indicatorset": READ,
        "indicators.dimension": READ,
        "indicators.indicator": READ,
        "assessments.campaign": READ,
        "assessments.pacetarget": READ,
        "assessments.round": READ,
        "monthly.rubricitem": READ,
        "monthly.sitekind": READ,
        "monthly.leagueweights": READ,
    },
}

# Roles an administrator may give an official (within the own subtree). Nobody grants superuser
# here; only the city grants ``admin``, and an ``admin`` sits at the city or a county.
GRANTABLE_ROLES: dict[str, frozenset[str]] = {
    SUPERUSER: frozenset(Role.values),
    CITY_ADMIN: frozenset(Role.values),
    COUNTY_ADMIN: frozenset({Role.OPERATOR, Role.REVIEWER, Role.LEADER}),
}
ADMIN_LEVELS = frozenset({"city", "county"})


def admin_role(user) -> str | None:
    """``superuser``, ``city_admin``, ``county_admin`` or None (no 系统管理). Reads the user's unit
    (cached on the user after the first call)."""
    if not (user.is_authenticated and user.is_active):
        return None
    if user.is_superuser:
        return SUPERUSER
    if user.role != Role.ADMIN or user.org_id is None:
        return None
    level = user.org.level
    return CITY_ADMIN if level == "city" else COUNTY_ADMIN if level == "county" else None


def may_enter_admin(user) -> bool:
    """Whether 系统管理 opens for the user (the navigation's link and the admin site ask this)."""
    return admin_role(user) is not None


def capabilities(user, model_label: str) -> frozenset[str]:
    role = admin_role(user)
    if role is None:
        return frozenset()
    if role == SUPERUSER:
        return FULL | {IMPORT}
    return CAPABILITIES[role].get(model_label, frozenset())


def may(user, model_label: str, action: str) -> bool:
    """The one question every ModelAdmin asks: may ``user`` ``action`` rows of ``model_label``
    (``app_label.modelname``)?"""
    return action in capabilities(user, model_label)


def may_use_app(user, app_label: str) -> bool:
    role = admin_role(user)
    if role is None:
        return False
    if role == SUPERUSER:
        return True
    return any(label.split(".")[0] == app_label for label in CAPABILITIES[role])


# ---------------------------------------------------------------------------------------------
# Officials: which units and roles an administrator may give


def in_scope(user, org: Organisation | None) -> bool:
    """``org`` is in the administrator's subtree (superusers without a unit: everywhere)."""
    if org is None:
        return False
    if user.is_superuser and user.org_id is None:
        return True
    if user.org_id is None:
        return False
    top = user.org
    return org.tree_id == top.tree_id and top.lft <= org.lft <= top.rght


def grant_error(actor, *, org: Organisation | None, role: str) -> str | None:
    """Why ``actor`` may not bind an official to ``org`` with ``role``, in Chinese, or None."""
    actor_role = admin_role(actor)
    if actor_role is None:
        return "您没有管理账号的权限"
    if org is None:
        return "请选择所属单位"
    if not in_scope(actor, org):
        return f"单位“{org.name}”不在您的管理范围内"
    if role not in Role.values:
        return f"未知角色“{role}”"
    if role not in GRANTABLE_ROLES[actor_role]:
        return f"{ROLE_LABELS_ZH[actor_role]}不能授予“{Role(role).label}”角色"
    if role == Role.ADMIN and org.level not in ADMIN_LEVELS:
        return "管理员只能设在市级或县级组织部（市、县单位）"
    return None


def may_manage_official(actor, official: User) -> bool:
    """Whether ``actor`` may change ``official`` (its role, unit, password, active flag): the
    official is in the actor's subtree, is no superuser, and holds a role the actor could grant."""
    actor_role = admin_role(actor)
    if actor_role is None:
        return False
    if actor_role == SUPERUSER:
        return True
    if official.is_superuser or official.org_id is None or official.pk == actor.pk:
        return False
    return official.role in GRANTABLE_ROLES[actor_role] and in_scope(actor, official.org)
