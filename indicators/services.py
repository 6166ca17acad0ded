"""Writes to the indicator catalogue. A set that an assessment uses is frozen: every edit is
refused with a message that says so; next year's set is a copy."""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction

from yuxi_campaign.core.errors import Frozen, InvalidInput

from . import defaults
from .models import Dimension, Indicator, IndicatorSet

SET_NAMES = defaults.SET_NAMES
DEFAULT_YEARS = defaults.DEFAULT_YEARS
WORDING_FIELDS = ("title_rural", "guide_rural", "title_urban", "guide_urban")
VETO_CARRIES_NO_POINTS = "一票否决项只判定通过或不通过，不计分：满分应为 0"


def frozen_message(indicator_set: IndicatorSet) -> str:
    return f"指标体系“{indicator_set}”已被评估使用，已冻结，不能修改；如需调整，请复制为新的年度版本后再修改"


def indicator_set_assert_editable(indicator_set: IndicatorSet) -> None:
    if IndicatorSet.objects.filter(pk=indicator_set.pk, is_frozen=True).exists():
        raise Frozen(frozen_message(indicator_set))


def indicator_set_freeze(*, indicator_set: IndicatorSet) -> None:
    """Called when an assessment first uses the set."""
    if not indicator_set.is_frozen:
        IndicatorSet.objects.filter(pk=indicator_set.pk).update(is_frozen=True)
        indicator_set.is_frozen = True


@transaction.atomic
def indicator_set_update(*, indicator_set: IndicatorSet, **changes) -> IndicatorSet:
    indicator_set_assert_editable(indicator_set)
    allowed = {"name", "note", "total_score", "standard_threshold", "demonstration_threshold"}
    unknown = set(changes) - allowed
    if unknown:
        raise InvalidInput(f"不能修改字段：{', '.join(sorted(unknown))}")
    for key, value in changes.items():
        setattr(indicator_set, key, value)
    if Decimal(indicator_set.standard_threshold) > Decimal(indicator_set.demonstration_threshold):
        raise InvalidInput(
            "达标分数线不能高于示范分数线", fields={"standard_threshold": ["达标分数线不能高于示范分数线"]}
        )
    indicator_set.save(update_fields=list(changes))
    return indicator_set


@transaction.atomic
def indicator_update(*, indicator: Indicator, **changes) -> Indicator:
    indicator_set_assert_editable(indicator.indicator_set)
    allowed = {"title", "guide", "max_score", "applies_to", "is_veto", "evidence_required", *WORDING_FIELDS}
    unknown = set(changes) - allowed
    if unknown:
        raise InvalidInput(f"不能修改字段：{', '.join(sorted(unknown))}")
    if "max_score" in changes:
        changes["max_score"] = Decimal(str(changes["max_score"]))
    is_veto = changes.get("is_veto", indicator.is_veto)
    max_score = changes.get("max_score", indicator.max_score)
    if ("is_veto" in changes or "max_score" in changes) and is_veto and max_score != 0:
        raise InvalidInput(VETO_CARRIES_NO_POINTS, fields={"max_score": [VETO_CARRIES_NO_POINTS]})
    if "max_score" in changes and not is_veto and (max_score <= 0 or (max_score * 2) % 1):
        raise InvalidInput(
            "满分应大于 0 且为 0.5 的整数倍", fields={"max_score": ["满分应大于 0 且为 0.5 的整数倍"]}
        )
    for key, value in changes.items():
        setattr(indicator, key, value)
    indicator.save(update_fields=list(changes))
    return indicator


@transaction.atomic
def indicator_set_copy(*, source: IndicatorSet, year: int) -> IndicatorSet:
    """Copy a set, its dimensions and indicators to ``year`` (unfrozen, ready to edit)."""
    if IndicatorSet.objects.filter(level=source.level, year=year).exists():
        raise InvalidInput(
            f"{year} 年的{SET_NAMES.get(source.level, source.level)}指标体系已存在",
            fields={"year": ["该年度已存在"]},
        )
    copy = IndicatorSet.objects.create(
        level=source.level,
        year=year,
        name=source.name,
        note=f"由 {source.year} 年版本复制",
        total_score=source.total_score,
        standard_threshold=source.standard_threshold,
        demonstration_threshold=source.demonstration_threshold,
    )
    dimensions = list(source.dimensions.all())
    new_dims = Dimension.objects.bulk_create(
        [Dimension(indicator_set=copy, name=d.name, order=d.order) for d in dimensions]
    )
    dim_map = {old.pk: new.pk for old, new in zip(dimensions, new_dims, strict=True)}
    Indicator.objects.bulk_create(
        [
            Indicator(
                indicator_set=copy,
                dimension_id=dim_map[i.dimension_id],
                code=i.code,
                title=i.title,
                guide=i.guide,
                title_rural=i.title_rural,
                guide_rural=i.guide_rural,
                title_urban=i.title_urban,
                guide_urban=i.guide_urban,
                max_score=i.max_score,
                applies_to=i.applies_to,
                is_veto=i.is_veto,
                evidence_required=i.evidence_required,
                order=i.order,
            )
            for i in source.indicators.all()
        ]
    )
    return copy


@transaction.atomic
def indicator_sets_install_defaults(*, years: tuple[int, ...] = DEFAULT_YEARS) -> int:
    """Create the shipped default sets for ``years`` where missing, and bring an untouched earlier
    default set that no assessment uses yet (unfrozen) to the shipped catalogue; returns how many
    sets were made or rebuilt. Frozen sets and sets an admin edited stay as they are."""
    return defaults.install(IndicatorSet, Dimension, Indicator, years=years)
