"""One transition under way: what the entry point knows, and what a hook adds to it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from orgs.models import User

from ..models import Assessment, Title


@dataclass
class Change:
    action: str
    actor: User | None
    reason: str
    deadline: dt.date | None
    now: dt.datetime
    to_state: str  # the rule's first target; a hook may choose another of its targets
    fields: list[str] = field(default_factory=list)  # further columns the hook set
    title: Title | None = None
    data: dict = field(default_factory=dict)
    # Events recorded after the transition's own: (action, data), with the transition's title.
    follow_up: list[tuple[str, dict]] = field(default_factory=list)


Hook = Callable[[Assessment, Change], None]
