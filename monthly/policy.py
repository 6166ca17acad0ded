"""Every "may this user do this here" rule of the monthly rhythm. Pure functions over loaded rows
(the actor's ``org`` loaded), so that no check costs more than that one row."""

from __future__ import annotations

from orgs.models import Organisation, Role, User

# ---------------------------------------------------------------------------------------------
# Model sites (示范点)
# ---------------------------------------------------------------------------------------------

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
