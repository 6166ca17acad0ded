"""The demo's calendar: the latest round is the current one, its windows open on the day the demo
is loaded (declarations closing in a few weeks, self-assessment and review after them), so that
whoever starts the demo can declare, fill in and review; the earlier rounds keep their real
dates. Loading again moves the current round's dates to the new day."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from assessments import rollups
from assessments.models import Assessment, Round, State, Target
from indicators.models import IndicatorSet
from orgs.models import Organisation

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


# Units the round of LATE_YEAR left behind (none of them titled in any year): one never finished
# its self-assessment sheet, the other's submission was never reviewed; with the units that did
# not declare, the late list of that year shows every kind of lateness.
LATE_YEAR = 2023
LATE_UNITS = {"530402001004": State.DRAFT, "530402001009": State.SUBMITTED}  # 红塔区 右所社区, 聂耳社区


def seed_late(year: int = LATE_YEAR) -> int:
    """The assessments of ``LATE_UNITS`` in the (closed) round of ``year``, written directly as
    the history is (the windows they missed are closed); how many were new."""
    round_ = Round.objects.get(year=year)
    made = 0
    for code, state in LATE_UNITS.items():
        org = Organisation.objects.get(code=code)
        if Assessment.objects.filter(org=org, round=round_).exists():
            continue
        indicator_set = IndicatorSet.objects.get(level=org.level, year=year)
        with transaction.atomic():
            a = Assessment.objects.create(
                org=org, round=round_, target=Target.STANDARD, indicator_set=indicator_set, state=state
            )
            rollups.Watch(a).apply(from_state=None, to_state=state)
        made += 1
    return made


EXTENDED_UNIT = "530423201201"  # 五山村: its submission waits for the township's review
EXTENSION_DAYS = 7
EXTENSION_REASON = "乡镇评审组参加集中培训，五山村评审顺延一周"


def seed_extension(admin, year: int = CURRENT_YEAR) -> int:
    """One extension in the current round, made by the organisation department through the
    service (so its reason is in the event log): the review of ``EXTENDED_UNIT`` closes a week
    after everyone's. How many were new (0 once the round has one)."""
    from assessments.services import round_extend

    round_ = Round.objects.get(year=year)
    if round_.extensions.exists():
        return 0
    round_extend(
        round=round_,
        actor=admin,
        window="review",
        closes=round_.review_closes + dt.timedelta(days=EXTENSION_DAYS),
        reason=EXTENSION_REASON,
        org=Organisation.objects.get(code=EXTENDED_UNIT),
    )
    return 1
