"""Writes to the indicator catalogue. A set that an assessment uses is frozen: every edit is
refused with a message that says so; next year's set is a copy."""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction

from yuxi_campaign.core.errors import Frozen, InvalidInput

from .catalogue import CATALOGUE, YEAR_NOTES
from .models import Dimension, Indicator, IndicatorSet

SET_NAMES = {
    "group": "小组创三好",
    "village": "村社创四优",
    "township": "乡镇创五强",
    "county": "县区创六先",
}
DEFAULT_YEARS = (2022, 2023, 2024)


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
    allowed = {"title", "guide", "max_score", "applies_to", "is_veto", "evidence_required"}
    unknown = set(changes) - allowed
    if unknown:
        raise InvalidInput(f"不能修改字段：{', '.join(sorted(unknown))}")
    if "max_score" in changes:
        value = Decimal(str(changes["max_score"]))
        if value <= 0 or (value * 2) % 1:
            raise InvalidInput(
                "满分应大于 0 且为 0.5 的整数倍", fields={"max_score": ["满分应大于 0 且为 0.5 的整数倍"]}
            )
        changes["max_score"] = value
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
    """Create the shipped default sets for ``years`` where missing; returns how many were made."""
    made = 0
    existing = set(IndicatorSet.objects.values_list("level", "year"))
    for year in years:
        for level, dimensions in CATALOGUE.items():
            if (level, year) in existing:
                continue
            indicator_set = IndicatorSet.objects.create(
                level=level, year=year, name=SET_NAMES[level], note=YEAR_NOTES.get(year, "")
            )
            order = 0
            for dim_order, dim in enumerate(dimensions, start=1):
                dimension = Dimension.objects.create(
                    indicator_set=indicator_set, name=dim["name"], order=dim_order
                )
                rows = []
                for item in dim["indicators"]:
                    order += 1
                    rows.append(
                        Indicator(
                            indicator_set=indicator_set,
                            dimension=dimension,
                            code=item["code"],
                            title=item["title"],
                            guide=item["guide"],
                            max_score=Decimal(item["max_score"]),
                            applies_to=item["applies_to"],
                            is_veto=item["is_veto"],
                            evidence_required=item["evidence_required"],
                            order=order,
                        )
                    )
                Indicator.objects.bulk_create(rows)
            made += 1
    return made
