"""Every "may this user do this here" rule of the monthly records. Pure functions over loaded
rows (the organiser's tree_id/lft/rght and the user's unit): no check costs a query. Each family
of records has its own section."""

from __future__ import annotations

from orgs.models import Organisation, Role, User

# ---------------------------------------------------------------------------------------------
# Progress meetings (工作推进会)


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
