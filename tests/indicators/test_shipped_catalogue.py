"""The shipped catalogue read as officials read it: the article's counts for every unit, the rural
five areas and the urban three, guides that can take an item to zero, veto items without points."""

from __future__ import annotations

import importlib
import re
from decimal import Decimal

import pytest

from indicators.catalogue import CATALOGUE
from indicators.catalogue.earlier import EARLIER_TITLES
from indicators.models import Dimension, Indicator, IndicatorSet
from indicators.services import indicator_set_freeze, indicator_sets_install_defaults

COUNTS = {"group": 9, "village": 14, "township": 15, "county": 20}
ITEMS = [(level, item) for level, dims in CATALOGUE.items() for d in dims for item in d["indicators"]]
WORDINGS = [
    pytest.param(level, item, key, id=f"{item['code']}-{key}")
    for level, item in ITEMS
    for key in ("guide", "guide_rural", "guide_urban")
    if item.get(key)
]
# "…的扣3分" (once), "每…扣1分" (per occurrence, as often as it happens), "扣0.5—1.5分" (up to)
DEDUCTION = re.compile(r"扣(\d+(?:\.\d+)?)(?:[—–-](\d+(?:\.\d+)?))?分")


def lowest_reachable(guide: str, max_score: Decimal) -> Decimal:
    """The lowest score the guide's own words allow: 0 with a "不得分" step or a per-occurrence
    deduction under "扣完为止"; else the maximum less every one-off deduction."""
    if "不得分" in guide:
        return Decimal(0)
    once = Decimal(0)
    for clause in re.split(r"[，；。]", guide):
        for match in DEDUCTION.finditer(clause):
            points = Decimal(match.group(2) or match.group(1))
            if "每" in clause[: match.start()]:
                assert "扣完为止" in guide, guide
                return Decimal(0)
            once += points
    return max(Decimal(0), max_score - once)


@pytest.mark.parametrize(("level", "item", "key"), WORDINGS)
def test_every_deduction_guide_can_take_its_item_down_to_zero(level, item, key):
    guide = item[key]
    if item.get("is_veto"):
        assert "扣" not in guide and "一票否决" in guide and "不通过" in guide
    else:
        assert "扣" in guide or "得分" in guide
        assert lowest_reachable(guide, Decimal(item["max_score"])) == 0, guide


def test_the_reader_of_guides_sees_a_guide_that_stops_short_of_zero():
    assert lowest_reachable("未制定的扣6分，负责人空缺的扣3分，扣完为止。", Decimal(12)) == 3
    assert lowest_reachable("未制定的扣6分，负责人空缺的扣0.5—6分，扣完为止。", Decimal(12)) == 0
    assert lowest_reachable("每缺一次扣1分，扣完为止。", Decimal(12)) == 0
    assert lowest_reachable("5万元以下的不得分。", Decimal(10)) == 0


@pytest.mark.parametrize("level", list(COUNTS))
def test_the_catalogue_has_the_articles_counts_and_every_slot_is_for_every_unit(level):
    items = [item for lvl, item in ITEMS if lvl == level]
    assert len(items) == COUNTS[level]
    assert all(item.get("applies_to", "all") == "all" for item in items)
    assert len({item["code"] for item in items}) == COUNTS[level]


def _words(level: str, area: str) -> str:
    return "".join(
        item.get(f"title_{area}", item["title"]) + item.get(f"guide_{area}", item["guide"])
        for lvl, item in ITEMS
        if lvl == level
    )


@pytest.mark.parametrize("level", ["group", "village", "township"])
def test_rural_units_are_scored_on_the_five_areas_and_urban_units_on_the_three(level):
    rural, urban = _words(level, "rural"), _words(level, "urban")
    for area, words in {
        "产业": ("产业",),
        "人才": ("人才",),
        "文化": ("文明", "文化", "乡风"),
        "生态": ("生态",),
        "组织": ("党组织",),
    }.items():
        assert any(w in rural for w in words), (level, area)
    for words in (("党建", "党组织", "党支部"), ("治理",), ("服务",)):
        assert any(w in urban for w in words), (level, words)


def test_village_collective_economies_are_built_with_strong_village_companies_and_enclave_groups():
    v07 = next(item for lvl, item in ITEMS if item["code"] == "V-07")
    assert "强村公司" in v07["title_rural"] and "飞地抱团" in v07["guide_rural"]
    t09 = next(item for lvl, item in ITEMS if item["code"] == "T-09")
    assert "强村公司" in t09["guide_rural"] and "飞地抱团" in t09["guide_rural"]


@pytest.mark.parametrize("year", [2022, 2023, 2024])
@pytest.mark.parametrize("level", list(COUNTS))
def test_in_every_installed_set_veto_items_carry_no_points_and_the_rest_add_up_to_100(db, level, year):
    indicator_sets_install_defaults()
    indicator_set = IndicatorSet.objects.get(level=level, year=year)
    indicators = list(indicator_set.indicators.all())
    vetoes = [i for i in indicators if i.is_veto]
    assert vetoes and all(i.max_score == 0 for i in vetoes)
    assert sum(i.max_score for i in indicators if not i.is_veto) == indicator_set.total_score == 100
    assert all(i.max_score > 0 for i in indicators if not i.is_veto)


def _earlier_set(level: str, year: int) -> IndicatorSet:
    """A set as the earlier catalogue installed it: its slots, some rural or urban only."""
    indicator_set = IndicatorSet.objects.create(level=level, year=year, name="旧版")
    dimension = Dimension.objects.create(indicator_set=indicator_set, name="旧维度", order=1)
    for order, (code, title) in enumerate(EARLIER_TITLES[level], start=1):
        Indicator.objects.create(
            indicator_set=indicator_set,
            dimension=dimension,
            code=code,
            title=title,
            guide="旧评分标准",
            max_score=Decimal(10),
            applies_to="rural" if order == 6 else "all",
            is_veto=order == len(EARLIER_TITLES[level]),
            order=order,
        )
    return indicator_set


def test_installing_again_rebuilds_an_untouched_earlier_set_and_keeps_frozen_and_edited_ones(
    db,
):
    untouched = _earlier_set("village", 2024)
    frozen = _earlier_set("group", 2024)
    indicator_set_freeze(indicator_set=frozen)
    edited = _earlier_set("township", 2024)
    Indicator.objects.filter(indicator_set=edited, code="T-01").update(title="本乡自定指标")
    frozen_rows = list(frozen.indicators.order_by("order").values_list("code", "title", "max_score"))
    edited_rows = list(edited.indicators.order_by("order").values_list("code", "title", "max_score"))

    made = indicator_sets_install_defaults(years=(2024,))

    assert made == 2  # the untouched village set rebuilt, the county set created
    assert untouched.indicators.count() == 14 and untouched.dimensions.count() == 4
    assert untouched.indicators.get(code="V-07").title_rural == "村级集体经济和强村公司"
    assert list(frozen.indicators.order_by("order").values_list("code", "title", "max_score")) == frozen_rows
    assert list(edited.indicators.order_by("order").values_list("code", "title", "max_score")) == edited_rows
    assert indicator_sets_install_defaults(years=(2024,)) == 0


def test_the_migration_rebuilds_untouched_earlier_sets_of_every_year_and_creates_none(db):
    from django.apps import apps

    migration = importlib.import_module("indicators.migrations.0002_rural_urban_wording")
    earlier = _earlier_set("village", 2023)
    frozen = _earlier_set("group", 2023)
    indicator_set_freeze(indicator_set=frozen)

    migration.rebuild_untouched_defaults(apps, None)

    assert (
        earlier.indicators.count() == 14 and earlier.indicators.filter(is_veto=True, max_score=0).count() == 1
    )
    assert frozen.indicators.count() == len(EARLIER_TITLES["group"])
    assert frozen.indicators.filter(applies_to="rural").count() == 1
    assert IndicatorSet.objects.count() == 2  # nothing installed where nothing was
