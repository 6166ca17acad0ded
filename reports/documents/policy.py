"""Who may print the documents a unit issues (公示, 命名, 通报批评): the leaders of that unit and the
organisation department's administrators, each within their own subtree (scope is applied when
the unit is looked up: outside it, not found). The score sheet follows the assessment: whoever
may see the assessment may print it."""

from __future__ import annotations

from orgs.models import Role


def may_issue_documents(user) -> bool:
    return user.is_authenticated and (user.is_campaign_admin or user.role == Role.LEADER)
