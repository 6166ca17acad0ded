"""Writes of the campaign, its pace targets and its rounds."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from orgs.models import User
from yuxi_campaign.core.errors import InvalidInput, NotAllowed

from .. import policy
from ..models import Campaign, PaceTarget, Round, Target

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
            defaults={
                "campaign": campaign,
                "declaration_opens": dt.date(year, 3, 1),
                "declaration_closes": dt.date(year, 3, 31),
                "self_assessment_closes": dt.date(year, 10, 31),
                "review_closes": dt.date(year, 12, 15),
                "notice_days": 5,
            },
        )
    return campaign


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
