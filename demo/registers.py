"""Demo material for the department's registers, driven through the workflow services like the
rest of the demo: four more townships of 通海县 reviewing three villages each (one of them far
more lenient than its peers, for the reviewer calibration), a title warned in a circular, and a
rectification already past its deadline. Idempotent: a unit that already has an assessment for
the round is left alone."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from assessments import services
from assessments.models import Assessment, Round, State
from orgs.models import Organisation, Role

from .assessments import REVIEW_COMMENT, WARN_REASON, _official
from .drive import Cast, RowMaker, drive_to, sheet_rows

# township code → (its villages, the share of the max they score themselves, the reviewer's)
CALIBRATION = {
    "530423102": (("530423102201", "530423102202", "530423102203"), "0.90", "0.87"),  # 河西镇
    "530423103": (("530423103201", "530423103202", "530423103203"), "0.92", "0.90"),  # 四街镇
    "530423202": (("530423202201", "530423202202", "530423202203"), "0.88", "0.85"),  # 高大乡
    # 兴蒙乡 scores its villages well above what they claim: the outlier the calibration flags.
    "530423203": (("530423203201", "530423203202", "530423203203"), "0.80", "0.92"),
}
WARNED = "530423101208"  # 杨梅沟村: named 达标, then criticised in a circular
OVERDUE = "530423101209"  # 五垴山村: ordered to rectify; the deadline has passed
OVERDUE_DAYS = 10
RECTIFY_REASON = "党员活动阵地长期闲置，限期整改"


def _rows(self_share: Decimal, review_share: Decimal) -> RowMaker:
    def rows(assessment, stage: str) -> list[dict]:
        if stage == "self":
            return sheet_rows(assessment, self_share)
        return sheet_rows(assessment, review_share, comment=REVIEW_COMMENT)

    return rows


SPREAD = (Decimal("-0.01"), Decimal(0), Decimal("0.015"))  # the reviewer's hand varies a little


def _cast(org: Organisation) -> Cast:
    township, county = org.parent, org.parent.parent
    return Cast(
        operator=_official(org, Role.OPERATOR),
        reviewer=_official(township, Role.REVIEWER),
        leader=_official(township, Role.LEADER),
        rechecker=_official(county, Role.REVIEWER),
    )


def _declare(code: str, round_: Round) -> tuple[Assessment, Cast] | None:
    org = Organisation.objects.select_related("parent__parent").get(code=code)
    if Assessment.objects.filter(org=org, round=round_).exists():
        return None
    cast = _cast(org)
    a = services.assessment_declare(org=org, round=round_, target="standard", actor=cast.operator)
    return a, cast


def seed_registers(year: int = 2024) -> int:
    """The assessments above in the round of ``year``; how many were new."""
    round_ = Round.objects.get(year=year)
    made = 0
    for villages, self_share, review_share in CALIBRATION.values():
        for code, spread in zip(villages, SPREAD, strict=True):
            rows = _rows(Decimal(self_share), Decimal(review_share) + spread)
            if (new := _declare(code, round_)) is not None:
                drive_to(new[0], State.REVIEWED, cast=new[1], rows=rows)
                made += 1
    if (new := _declare(WARNED, round_)) is not None:
        a, cast = new
        drive_to(a, State.NAMED, cast=cast, rows=_rows(Decimal("0.95"), Decimal("0.93")))
        services.assessment_transition(
            assessment_id=a.pk, action="warn", actor=cast.leader, reason=WARN_REASON
        )
        made += 1
    if (new := _declare(OVERDUE, round_)) is not None:
        a, cast = new
        drive_to(a, State.NAMED, cast=cast, rows=_rows(Decimal("0.94"), Decimal("0.92")))
        deadline = timezone.localdate() + dt.timedelta(days=30)
        services.assessment_transition(
            assessment_id=a.pk,
            action="rectify_order",
            actor=cast.leader,
            reason=RECTIFY_REASON,
            deadline=deadline,
        )
        # The stand-in for the weeks passing: the deadline lies behind us, and the periodic job
        # has flagged it and told the township's leaders.
        past = timezone.localdate() - dt.timedelta(days=OVERDUE_DAYS)
        Assessment.objects.filter(pk=a.pk).update(rectify_deadline=past)
        services.rectifications_flag_overdue()
        made += 1
    return made
