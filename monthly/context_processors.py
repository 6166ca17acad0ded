"""What every page's navigation needs to know about the monthly rhythm, asked of the policy."""

from __future__ import annotations

from functools import partial

from . import policy


def navigation(request) -> dict:
    """``nav_league``: asked only when a template reads it (a callable, which the template
    language calls), so that parts rendered without the navigation cost no query."""
    user = getattr(request, "user", None)
    return {"nav_league": partial(policy.may_see_leagues, user) if user is not None else False}
