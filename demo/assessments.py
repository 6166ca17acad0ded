"""Demo assessments in every state, driven through the same services as the pages and the API
(``demo.drive``), so the demo shows real sheets, events, titles and notifications. Idempotent: a
unit that already has an assessment for the round is left alone."""

from __future__ import annotations

import random
from decimal import Decimal

from assessments import services
from assessments.models import Assessment, Round, State
from orgs.models import Organisation, Role, User
from orgs.services import official_save

from .drive import Cast, RowMaker, drive_to, sheet_rows
from .people import demo_person

# village code → (state, share of the max the unit scores itself)
PLAN = {
    "530423201202": (State.DRAFT, None),  # 大黑冲村: the demo operator fills it
    "530423201201": (State.SUBMITTED, "0.92"),  # 五山村: waits for the township's review
    "530423201203": (State.REVIEWED, "0.88"),  # 中铺村: waits for the leader's decision
    "530423201001": (State.ACCEPTED, "0.95"),  # 里山社区: waits for the county's recheck
    "530423201204": (State.IN_NOTICE, "0.94"),  # 象平村: in public notice now
    "530423201205": (State.NAMED, "0.97"),  # 芭蕉村: named 达标
    "530423101201": (State.RECHECKED, "0.9"),  # 杨广镇云龙村
    "530423101202": (State.FAILED, "0.7"),
    "530423101203": (State.REJECTED, "0.9"),
    "530423101204": (State.RECTIFYING, "0.93"),  # warned first, then ordered to rectify
    "530423101205": (State.REVOKED, "0.91"),
    "530423101206": (State.IN_NOTICE, "0.96"),
    "530423101207": (State.NAMED, "0.99"),
}
REVIEW_COMMENT = "按台账逐项核实"
WARN_REASON = "组织生活不规范，通报批评"


def _official(org: Organisation, role: str) -> User:
    existing = User.objects.filter(org=org, role=role).order_by("pk").first()
    if existing:
        return existing
    username = f"{role}_{org.code}"
    name, phone = demo_person(username)
    user, _ = official_save(username=username, org_code=org.code, role=role, name=name, phone=phone)
    return user


def demo_rows(share: Decimal, rng: random.Random) -> RowMaker:
    """The unit scores itself around ``share``; the township reviews a little lower, with a note."""

    def jitter() -> Decimal:
        return Decimal(rng.choice(["-0.05", "0", "0.03"]))

    def rows(assessment, stage: str) -> list[dict]:
        if stage == "self":
            return sheet_rows(assessment, share, jitter=jitter)
        return sheet_rows(assessment, share - Decimal("0.02"), comment=REVIEW_COMMENT, jitter=jitter)

    return rows


def seed_assessments(year: int = 2024) -> int:
    """Declare and drive the assessments of ``PLAN`` in the round of ``year``; how many were new."""
    round_ = Round.objects.get(year=year)
    made = 0
    for code, (state, share) in PLAN.items():
        org = Organisation.objects.select_related("parent__parent").get(code=code)
        if Assessment.objects.filter(org=org, round=round_).exists():
            continue
        township, county = org.parent, org.parent.parent
        operator = _official(org, Role.OPERATOR)
        cast = Cast(
            operator=operator,
            reviewer=_official(township, Role.REVIEWER),
            leader=_official(township, Role.LEADER),
            rechecker=_official(county, Role.REVIEWER),
        )
        a = services.assessment_declare(org=org, round=round_, target="standard", actor=operator)
        made += 1
        rng = random.Random(int(code))  # noqa: S311 - demo scores, not secrets
        rows = demo_rows(Decimal(share), rng) if share else None  # a draft has no sheet yet
        if state == State.RECTIFYING:
            drive_to(a, State.NAMED, cast=cast, rows=rows)
            services.assessment_transition(
                assessment_id=a.pk, action="warn", actor=cast.leader, reason=WARN_REASON
            )
        drive_to(a, state, cast=cast, rows=rows)
    return made
