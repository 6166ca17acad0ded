"""What every page's navigation needs to know about the user, asked of the policy."""

from __future__ import annotations

from functools import partial

from . import policy


def navigation(request) -> dict:
    user = getattr(request, "user", None)
    return {
        "nav_objections": user is not None and policy.may_see_objections(user),
        "nav_dashboard": user is not None and policy.may_see_dashboard(user),
        # asked only where the navigation is drawn (a callable, read once through ``with``)
        "nav_groups": partial(policy.groups_page_unit, user) if user is not None else None,
    }
