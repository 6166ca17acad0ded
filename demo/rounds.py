"""The demo's calendar: the latest round is the current one, its windows open on the day the demo
is loaded (declarations closing in a few weeks, self-assessment and review after them), so that
whoever starts the demo can declare, fill in and review; the earlier rounds keep their real
dates. Loading again moves the current round's dates to the new day."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from assessments.models import Round

CURRENT_YEAR = 2024  # the campaign's last round: the one the demo's workflow runs in
# Days from the day of loading: declarations opened a month ago and close in three weeks; sheets
# close seven weeks from now and reviews eleven.
OPENED_DAYS_AGO = 30
CLOSES_IN_DAYS = {"declaration_closes": 21, "self_assessment_closes": 49, "review_closes": 77}


def current_round_dates(today: dt.date) -> dict[str, dt.date]:
    return {
        "declaration_opens": today - dt.timedelta(days=OPENED_DAYS_AGO),
        **{name: today + dt.timedelta(days=days) for name, days in CLOSES_IN_DAYS.items()},
    }


def round_make_current(year: int = CURRENT_YEAR, today: dt.date | None = None) -> int:
    """Open the windows of the round of ``year`` around ``today`` (default: the local date);
    how many rounds changed (0 or 1)."""
    dates = current_round_dates(today or timezone.localdate())
    return Round.objects.filter(year=year).update(**dates)
