"""Declaration: a unit enters a round for a target (达标 or 示范) and gets a draft assessment."""

from __future__ import annotations

from django.db import IntegrityError, transaction

from indicators.models import IndicatorSet
from indicators.services import indicator_set_freeze
from orgs.models import Organisation, User
from orgs.selectors import orgs_for_user
from yuxi_campaign.core.errors import InvalidInput, NotAllowed, OutOfScope, WrongState

from .. import policy, rollups, windows
from ..models import Assessment, Round, State, Target, Window
from ..selectors import active_title_kinds
from ._base import on_behalf, record


@transaction.atomic(durable=True)
def assessment_declare(*, org: Organisation, round: Round, target: str, actor: User) -> Assessment:  # noqa: A002
    """Declare a unit for a round and target: the unit's own officials or its parent's."""
    if target not in Target.values:
        raise InvalidInput(
            f"未知的创建目标“{target}”：可选 standard、demonstration", fields={"target": ["未知目标"]}
        )
    if not orgs_for_user(actor).filter(pk=org.pk).exists():
        raise OutOfScope("未找到该单位，或不在您的权限范围内")
    if not policy.may_declare(actor, org):
        raise NotAllowed("只有本单位或其上级单位的干部可以申报")
    windows.refuse_if_closed(round, Window.DECLARATION, org.pk, doing="申报")
    indicator_set = IndicatorSet.objects.filter(level=org.level, year=round.year).first()
    refusal = policy.declaration_refusal(
        org=org,
        year=round.year,
        target=target,
        active_titles=active_title_kinds(org.pk),
        has_indicator_set=indicator_set is not None,
    )
    if refusal:
        field, message = refusal
        raise InvalidInput(message, fields={field: [message]})
    duplicate = WrongState(f"该单位已申报 {round.year} 年度的这一目标", code="duplicate")
    if Assessment.objects.filter(org=org, round=round, target=target).exists():
        raise duplicate
    try:
        with transaction.atomic():
            assessment = Assessment.objects.create(
                org=org, round=round, target=target, indicator_set=indicator_set, declared_by=actor
            )
    except IntegrityError:
        raise duplicate from None
    rollups.Watch(assessment).apply(from_state=None, to_state=State.DRAFT)
    indicator_set_freeze(indicator_set=indicator_set)
    data = {"target": target, **on_behalf(actor, assessment)}
    record(assessment, "declare", actor, to_state=State.DRAFT, data=data)
    return assessment
