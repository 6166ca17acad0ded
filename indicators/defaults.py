"""Installing the shipped default catalogue, for the service and for the data migration that
brought the rural and urban wording (both pass the model classes they work with)."""

from __future__ import annotations

from decimal import Decimal

from .catalogue import CATALOGUE, YEAR_NOTES
from .catalogue.earlier import EARLIER_TITLES

SET_NAMES = {
    "group": "小组创三好",
    "village": "村社创四优",
    "township": "乡镇创五强",
    "county": "县区创六先",
}
DEFAULT_YEARS = (2022, 2023, 2024)
WORDING_KEYS = ("title_rural", "guide_rural", "title_urban", "guide_urban")


def install(IndicatorSet, Dimension, Indicator, *, years=DEFAULT_YEARS, create: bool = True) -> int:  # noqa: N803 - model classes
    """Create the missing default sets of ``years`` (when ``create``) and rebuild the unfrozen
    sets still holding the earlier default catalogue; how many sets were made or rebuilt."""
    sets = {(s.level, s.year): s for s in IndicatorSet.objects.filter(level__in=CATALOGUE)}
    to_fill = []
    for year in years:
        for level in CATALOGUE:
            indicator_set = sets.get((level, year))
            if indicator_set is None:
                if create:
                    to_fill.append(
                        IndicatorSet(
                            level=level, year=year, name=SET_NAMES[level], note=YEAR_NOTES.get(year, "")
                        )
                    )
            elif _is_earlier_default(indicator_set, Indicator):
                Indicator.objects.filter(indicator_set=indicator_set).delete()
                Dimension.objects.filter(indicator_set=indicator_set).delete()
                to_fill.append(indicator_set)
    IndicatorSet.objects.bulk_create([s for s in to_fill if s.pk is None])
    _fill(to_fill, Dimension, Indicator)
    return len(to_fill)


def _is_earlier_default(indicator_set, Indicator) -> bool:  # noqa: N803 - a model class
    """An unfrozen set whose slots are exactly the earlier shipped catalogue's."""
    if indicator_set.is_frozen:
        return False
    rows = list(
        Indicator.objects.filter(indicator_set=indicator_set).order_by("order").values_list("code", "title")
    )
    return rows == EARLIER_TITLES[indicator_set.level]


def _fill(indicator_sets, Dimension, Indicator) -> None:  # noqa: N803 - model classes
    """The shipped dimensions and indicators of each set, in two inserts for all of them."""
    dimensions = [
        Dimension(indicator_set=indicator_set, name=dim["name"], order=dim_order)
        for indicator_set in indicator_sets
        for dim_order, dim in enumerate(CATALOGUE[indicator_set.level], start=1)
    ]
    Dimension.objects.bulk_create(dimensions)
    made = iter(dimensions)
    rows = []
    for indicator_set in indicator_sets:
        order = 0
        for dim in CATALOGUE[indicator_set.level]:
            dimension = next(made)
            for item in dim["indicators"]:
                order += 1
                rows.append(
                    Indicator(
                        indicator_set=indicator_set,
                        dimension=dimension,
                        code=item["code"],
                        title=item["title"],
                        guide=item["guide"],
                        **{key: item.get(key, "") for key in WORDING_KEYS},
                        max_score=Decimal(item["max_score"]),
                        applies_to=item.get("applies_to", "all"),
                        is_veto=item.get("is_veto", False),
                        evidence_required=item.get("evidence_required", False),
                        order=order,
                    )
                )
    Indicator.objects.bulk_create(rows)
