"""What the tests of the department's registers share: frozen time, titles and assessments
written directly in a chosen state (the workflow's own tests drive them through the services),
the scene of managed titles (``register``) and of every kind of lateness (``late``), and the
rows of a page's table."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.utils import timezone

from assessments import services
from assessments.models import Assessment, Round, Title
from demo.drive import Cast, drive_to
from indicators.models import IndicatorSet
from orgs.models import Organisation
from tests.assessments.helpers import rounds_real_dates
from tests.helpers import make_user


def local(day: dt.date, hour: int = 10) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=ZoneInfo(settings.TIME_ZONE))


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


WARN = "组织生活不规范"
RECTIFY = "三务公开不及时"
REVOKE = "发生严重违纪问题"


@pytest.fixture
def register(world):
    """Four 2024 titles driven through the workflow: the village's stays active, its sibling's is
    warned, the street's community is under rectification, the far county's village revoked
    after a warning; and the village holds a 2023 示范 written directly."""
    tree, admin = world.tree, world.admin
    sibling = Cast(world.sibling_operator, world.reviewer, world.leader, world.county_reviewer)

    def by_admin(org):
        return Cast(make_user(org, "operator"), admin, admin, admin)

    def named(org, cast):
        a = world.declare(org=org, actor=cast.operator)
        return drive_to(a, "named", cast=cast)

    def act(a, action, **details):
        services.assessment_transition(assessment_id=a.pk, action=action, actor=admin, **details)

    active = named(tree.village, world.cast)
    warned = named(tree.sibling_village, sibling)
    act(warned, "warn", reason=WARN)
    rectifying = named(tree.community, by_admin(tree.community))
    deadline = timezone.localdate() + dt.timedelta(days=30)
    act(rectifying, "rectify_order", reason=RECTIFY, deadline=deadline)
    revoked = named(tree.far_village, by_admin(tree.far_village))
    act(revoked, "warn", reason=WARN)
    act(revoked, "revoke", reason=REVOKE)
    older = title(tree.group, 2023, kind="standard")
    return {
        "active": active,
        "warned": warned,
        "rectifying": rectifying,
        "revoked": revoked,
        "older": older,
        "deadline": deadline,
    }


@pytest.fixture
def late(world, register):
    """Late units of 2024 of every kind the small tree gives: undeclared units (the deadlines of
    2024 are past), the managed titles of ``register``, and a draft and a submitted sheet."""
    taken = {a.org_id for a in register.values() if hasattr(a, "org_id")}
    free = Organisation.objects.filter(level="village").exclude(pk__in=taken).order_by("code")
    draft_org, submitted_org, rectifying_org = free[0], free[1], free[2]
    world.declare(org=draft_org, actor=world.admin)  # a draft past the self-assessment deadline
    past = timezone.localdate() - dt.timedelta(days=3)  # a rectification past its deadline
    assessment(rectifying_org, 2024, state="rectifying", rectify_deadline=past)
    cast = Cast(make_user(submitted_org, "operator"), world.admin, world.admin, world.admin)
    drive_to(world.declare(org=submitted_org, actor=cast.operator), "submitted", cast=cast)  # a review
    rounds_real_dates()  # then the year's windows close
    world.round.refresh_from_db()
    return world


def page_rows(html: str, name: str) -> list[list[str]]:
    """The cells of the table ``name`` of a page, as text."""
    table = re.search(rf'<caption id="{name}-caption">.*?<tbody>(.*?)</tbody>', html, re.S).group(1)
    rows = re.findall(r"<tr>(.*?)</tr>", table, re.S)
    return [
        [
            re.sub(r"<[^>]+>", "", cell).strip().replace("&amp;", "&")
            for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
        ]
        for row in rows
    ]
