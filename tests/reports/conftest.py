"""What the tests of the department's registers share: frozen time, and titles and assessments
written directly in a chosen state (the workflow's own tests drive them through the services)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.utils import timezone

from assessments.models import Assessment, Round, Title
from indicators.models import IndicatorSet


def local(day: dt.date, hour: int = 10) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=ZoneInfo(settings.TIME_ZONE))


@pytest.fixture
def freeze(monkeypatch):
    """``freeze(date)``: from then on ``timezone.now()`` (and so ``localdate()``, ``auto_now`` and
    every deadline check) answers 10:00 local time on that day."""

    def at(day: dt.date) -> dt.datetime:
        instant = local(day)
        monkeypatch.setattr(timezone, "now", lambda: instant)
        return instant

    return at


def assessment(org, year: int, *, state: str = "reviewed", target: str = "standard", **fields) -> Assessment:
    return Assessment.objects.create(
        org=org,
        round=Round.objects.get(year=year),
        target=target,
        state=state,
        indicator_set=IndicatorSet.objects.get(level=org.level, year=year),
        **fields,
    )


def title(
    org, year: int, *, state: str = "named", kind: str = "standard", revoked_at=None, **fields
) -> Title:
    a = assessment(org, year, state=state, target=kind, final_score=Decimal(95), outcome="pass")
    return Title.objects.create(
        org=org,
        kind=kind,
        round=a.round,
        assessment=a,
        granted_at=local(dt.date(year, 12, 30)),
        status="revoked" if revoked_at else "active",
        revoked_at=revoked_at,
        **fields,
    )
