"""What every page's navigation needs to know about the user, asked of the policy."""

from __future__ import annotations

from . import policy


def navigation(request) -> dict:
    user = getattr(request, "user", None)
    return {
        "nav_objections": user is not None and policy.may_see_objections(user),
        "nav_dashboard": user is not None and policy.may_see_dashboard(user),
    }
