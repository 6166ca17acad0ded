"""Who may read the department's pages: one rule, used by every page of ``reports``."""

from __future__ import annotations

from orgs.models import Level, Role

# Leaders of these levels run the campaign for their subtree; below them (a village's leader)
# the to-do list and the unit's own assessments are enough.
REPORT_LEVELS = frozenset({Level.CITY, Level.COUNTY, Level.TOWNSHIP})


def may_read_reports(user) -> bool:
    """The dashboard, its registers and its exports: the organisation department (the campaign's
    administrators) and the leaders of the city, the counties and the townships. Operators and
    reviewers fill in and score sheets; they have the to-do list and the assessments instead."""
    if not user.is_authenticated:
        return False
    if user.is_campaign_admin:
        return True
    return user.role == Role.LEADER and user.org_id is not None and user.org.level in REPORT_LEVELS
