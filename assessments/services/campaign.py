"""Writes of the campaign, its pace targets, its rounds and the extensions of their windows."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from orgs.models import Organisation, User
from orgs.selectors import orgs_for_user
from yuxi_campaign.core.errors import InvalidInput, NotAllowed, OutOfScope, date_input

from .. import policy, windows
from ..models import Assessment, Campaign, PaceTarget, Round, RoundExtension, Target, Window
from ._base import clean_reason, record

STANDARD_PACE = {2022: 30, 2023: 40, 2024: 30}
DEMONSTRATION_PACE = {2022: 10, 2023: 10, 2024: 10}
CAMPAIGN_NAME = "玉溪市“四级联创”（2022—2024年）"


@transaction.atomic(durable=True)
def campaign_install_default() -> Campaign:
    """The 2022–2024 campaign, its pace targets and one round per year; idempotent."""
    campaign, _ = Campaign.objects.get_or_create(
        name=CAMPAIGN_NAME, defaults={"start_year": 2022, "end_year": 2024}
    )
    for target, pace in ((Target.STANDARD, STANDARD_PACE), (Target.DEMONSTRATION, DEMONSTRATION_PACE)):
        for year, percent in pace.items():
            PaceTarget.objects.get_or_create(
                campaign=campaign, year=year, target=target, defaults={"percent": percent}
            )
    for year in range(campaign.start_year, campaign.end_year + 1):
        Round.objects.get_or_create(
            year=year,
            defaults={"campaign": campaign, **default_round_dates(year), "notice_days": 5},
        )
    return campaign


def default_round_dates(year: int) -> dict[str, dt.date]:
    """The campaign's calendar: declarations in March, self-assessment until October's end,
    reviews until mid-December."""
    return {
        "declaration_opens": dt.date(year, 3, 1),
        "declaration_closes": dt.date(year, 3, 31),
        "self_assessment_closes": dt.date(year, 10, 31),
        "review_closes": dt.date(year, 12, 15),
    }


ROUND_FIELDS = (
    "declaration_opens",
    "declaration_closes",
    "self_assessment_closes",
    "review_closes",
    "notice_days",
)


def round_errors(round: Round) -> dict[str, list[str]]:  # noqa: A002 - the domain word
    """The Chinese messages, per field, of a round whose notice length or dates are out of order
    (the service and the admin's form both ask this)."""
    errors: dict[str, list[str]] = {}
    if not 1 <= round.notice_days <= 30:
        errors["notice_days"] = ["公示天数应在 1 到 30 天之间"]
    if round.declaration_closes < round.declaration_opens:
        errors["declaration_closes"] = ["申报截止日期不能早于申报开始日期"]
    if round.self_assessment_closes < round.declaration_closes:
        errors["self_assessment_closes"] = ["自评截止日期不能早于申报截止日期"]
    if round.review_closes < round.self_assessment_closes:
        errors["review_closes"] = ["评审截止日期不能早于自评截止日期"]
    return errors


@transaction.atomic(durable=True)
def round_update(*, round: Round, actor: User, **changes) -> Round:  # noqa: A002 - the domain word
    if not policy.may_manage_campaign(actor):
        raise NotAllowed("只有组织部管理员可以修改评估轮次")
    unknown = set(changes) - set(ROUND_FIELDS)
    if unknown:
        raise InvalidInput(f"不能修改字段：{', '.join(sorted(unknown))}")
    round = Round.objects.select_for_update().get(pk=round.pk)
    for key, value in changes.items():
        setattr(round, key, value)
    if errors := round_errors(round):
        raise InvalidInput("；".join(msg for msgs in errors.values() for msg in msgs), fields=errors)
    if changes:
        round.save(update_fields=list(changes))
    return round


def _close_date(value) -> dt.date:
    return date_input(value, field="closes", what="新的截止日期", missing="请填写新的截止日期")


@transaction.atomic(durable=True)
def round_extend(
    *,
    round: Round,  # noqa: A002 - the domain word
    actor: User,
    window: str,
    closes,
    reason: str,
    org: Organisation | None = None,
) -> RoundExtension:
    """Close a window of the round later, for one unit (its assessments only) or for all (``org``
    None), with the reason in the event log. The new date must be later than the close it moves."""
    if not policy.may_extend_window(actor, org):
        if org is None and actor.is_campaign_admin:
            raise NotAllowed("只有市级组织部管理员可以为所有单位延长截止日期，请选择单位")
        raise NotAllowed("只有组织部管理员可以延长截止日期")
    if org is not None and not orgs_for_user(actor).filter(pk=org.pk).exists():
        raise OutOfScope("未找到该单位，或不在您的权限范围内")
    if window not in Window.values:
        raise InvalidInput(
            f"未知的时段“{window}”：可选 {'、'.join(Window.values)}", fields={"window": ["未知时段"]}
        )
    closes = _close_date(closes)
    reason = clean_reason(reason, required=True, what="延长截止日期")
    Round.objects.select_for_update().filter(pk=round.pk).first()  # one extension at a time per round
    current = windows.close_for(round, window, org.pk if org else None)
    label = windows.WINDOW_ZH[window]
    if closes <= current:
        message = f"新的截止日期应晚于{label}当前的截止日期 {windows.date_zh(current)}"
        raise InvalidInput(message, fields={"closes": [message]})
    extension = RoundExtension.objects.create(
        round=round, org=org, window=window, closes=closes, reason=reason, created_by=actor
    )
    data = {
        "round": round.year,
        "window": window,
        "org": org.code if org else None,
        "previous": current.isoformat(),
        "closes": closes.isoformat(),
        "extension": extension.pk,
    }
    assessments = list(Assessment.objects.filter(round=round, org=org)) if org else []
    for a in assessments or [None]:
        record(a, "window_extend", actor, reason=reason, data=data)
    return extension
