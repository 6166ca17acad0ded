"""What every page's navigation needs to know about the monthly rhythm, asked of the policy."""

from __future__ import annotations

from . import policy


def navigation(request) -> dict:
    user = getattr(request, "user", None)
    return {"nav_league": user is not None and policy.may_see_leagues(user)}
