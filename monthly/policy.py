"""Every "may this user do this here" rule of the monthly rhythm. Pure functions over loaded rows
(callers load ``unit.parent`` where a rule reads it), so that no check costs a query. One section
per family of records."""

from __future__ import annotations

from orgs.models import Level, Organisation, Role, User

# Units that are observed: the counties (by the city) and, when a county runs its own, townships.
OBSERVED_LEVELS = frozenset({Level.COUNTY, Level.TOWNSHIP})
# Who of the observing unit records an observation, its problems and photos.
OBSERVER_ROLES = frozenset({Role.ADMIN, Role.LEADER, Role.REVIEWER})
# Who of the observed unit answers a problem: any of its own officials.
ANSWER_ROLES = frozenset({Role.OPERATOR, Role.REVIEWER, Role.LEADER, Role.ADMIN})
# Who of the observing unit is told that a child went unobserved for a month.
MISS_NOTIFIED_ROLES = frozenset({Role.ADMIN, Role.LEADER})


def may_observe(user, unit) -> bool:
    """Record (or change) the observation of ``unit``: an observer of its direct parent; a
    superuser without a unit anywhere."""
    if not user.is_authenticated or unit.level not in OBSERVED_LEVELS or unit.parent_id is None:
        return False
    if user.is_superuser and user.org_id is None:
        return True
    return user.org_id == unit.parent_id and user.role in OBSERVER_ROLES


def may_edit_observation(user, observation) -> bool:
    """Change an observation, add problems and photos: the observers of its observing unit."""
    if not user.is_authenticated:
        return False
    if user.is_superuser and user.org_id is None:
        return True
    return user.org_id == observation.observer_id and user.role in OBSERVER_ROLES


def may_answer_problem(user, observation) -> bool:
    """Answer a problem found on ``observation``: the observed unit's own officials only."""
    return user.is_authenticated and user.org_id == observation.unit_id and user.role in ANSWER_ROLES


SITE_MANAGER_ROLES = frozenset({Role.ADMIN, Role.LEADER})
SITE_MANAGER_LEVELS = frozenset({"city", "county"})


def may_manage_sites_somewhere(user: User) -> bool:
    """A leader or administrator of the city or of a county (or a superuser without a unit)."""
    if not user.is_authenticated:
        return False
    if user.is_superuser and user.org_id is None:
        return True
    return user.org is not None and user.role in SITE_MANAGER_ROLES and user.org.level in SITE_MANAGER_LEVELS


def may_manage_sites(user: User, county: Organisation) -> bool:
    """May ``user`` designate and edit the model sites of ``county``? Its own leaders and
    administrators, and those of the city above it."""
    if not may_manage_sites_somewhere(user):
        return False
    if user.is_superuser and user.org_id is None:
        return True
    org = user.org
    if org.level == "county":
        return county.pk == org.pk
    return county.tree_id == org.tree_id and org.lft < county.lft and county.rght < org.rght


def may_see_site_internals(user: User, site_org: Organisation) -> bool:
    """Status, internal note, contact and visits: for officials whose subtree holds the site's unit
    (``site_org`` carries tree_id and lft). Everyone else sees the public fields only."""
    if not user.is_authenticated:
        return False
    if user.is_superuser and user.org_id is None:
        return True
    org = user.org
    return org is not None and site_org.tree_id == org.tree_id and org.lft <= site_org.lft <= org.rght


def _within(unit: Organisation, top: Organisation) -> bool:
    return unit.tree_id == top.tree_id and top.lft <= unit.lft <= top.rght


def may_view_rota(user: User, organiser: Organisation) -> bool:
    """The rota of a unit in the user's subtree, or of a unit above them (a county reads the
    city's rota; a township its county's and the city's)."""
    if not user.is_authenticated:
        return False
    if user.is_superuser and user.org_id is None:
        return True
    if user.org is None:
        return False
    return _within(organiser, user.org) or _within(user.org, organiser)


def may_schedule_meetings(user: User, organiser: Organisation) -> bool:
    """Confirm or override a host and keep the meeting's record: the organisation department's
    admins for any rota in their subtree, and the organising unit's own leaders (the city's for
    the counties, a county's for its townships). Everyone else reads."""
    if not user.is_authenticated:
        return False
    if user.is_superuser and user.org_id is None:
        return True
    if user.org is None:
        return False
    if user.is_campaign_admin:
        return _within(organiser, user.org)
    return user.role == Role.LEADER and user.org_id == organiser.pk


# ---------------------------------------------------------------------------------------------
# League table (擂台比武)
# ---------------------------------------------------------------------------------------------

# The units ranked against each other: a city's counties, a county's townships.
LEAGUE_LEVELS = frozenset({Level.COUNTY, Level.TOWNSHIP})
# Whose officials read a league at all (every role: the table is read-only).
LEAGUE_READER_LEVELS = frozenset({Level.CITY, Level.COUNTY, Level.TOWNSHIP})


def may_see_leagues(user) -> bool:
    """Whether the user reads any league (the page, the nav link): the officials of the city, the
    counties and the townships, whatever their role; a superuser without a unit."""
    if not user.is_authenticated:
        return False
    if user.is_superuser and user.org_id is None:
        return True
    return user.org is not None and user.org.level in LEAGUE_READER_LEVELS


def may_see_league(user, parent) -> bool:
    """The league among the children of ``parent`` (a city's counties, a county's townships): read
    by the officials of ``parent`` and of every unit above it, and by the competing units
    themselves, since 擂台比武 is public among them (a county sees every county's row, read-only).
    The township league of another county is outside a county's scope."""
    if not may_see_leagues(user):
        return False
    if user.is_superuser and user.org_id is None:
        return True
    org = user.org
    at_or_above = org.tree_id == parent.tree_id and org.lft <= parent.lft and org.rght >= parent.rght
    return at_or_above or org.parent_id == parent.pk
