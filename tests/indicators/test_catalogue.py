from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from indicators.models import Indicator, IndicatorSet
from indicators.scoring import applicable_max, scale_factor, scaled_max, scaled_total, to_cents
from indicators.services import (
    indicator_set_copy,
    indicator_set_freeze,
    indicator_set_update,
    indicator_sets_install_defaults,
    indicator_update,
)
from yuxi_campaign.core.errors import Frozen, InvalidInput

EXPECTED = {
    "group": (9, ["组织建设好", "自治管理好", "服务群众好"]),
    "village": (14, ["领导班子优", "党员队伍优", "发展服务优", "基层治理优"]),
    "township": (15, ["领导班子强", "组织引领强", "服务能力强", "经济发展强", "基层治理强"]),
    "county": (
        20,
        [
            "责任落实机制先",
            "组织体系建设先",
            "队伍能力素质先",
            "乡村振兴实力先",
            "基层治理效能先",
            "服务保障质量先",
        ],
    ),
}
AREAS = {
    "group": ("rural", "urban"),
    "village": ("rural", "urban"),
    "township": ("rural", "urban"),
    "county": ("mixed",),
}


@pytest.fixture
def defaults(db):
    indicator_sets_install_defaults()
    return IndicatorSet.objects.all()


@pytest.mark.parametrize("year", [2022, 2023, 2024])
@pytest.mark.parametrize("level", list(EXPECTED))
def test_shipped_sets_have_the_campaigns_counts_and_dimensions(defaults, year, level):
    count, dimensions = EXPECTED[level]
    indicator_set = IndicatorSet.objects.get(level=level, year=year)
    assert indicator_set.indicators.count() == count
    assert list(indicator_set.dimensions.order_by("order").values_list("name", flat=True)) == dimensions
    assert all(i.title and len(i.guide) > 10 for i in indicator_set.indicators.all())
    assert indicator_set.indicators.filter(is_veto=True).exists()
    assert indicator_set.indicators.filter(evidence_required=True).exists()


@pytest.mark.parametrize("level", list(EXPECTED))
def test_every_kind_of_unit_is_scored_out_of_100_with_the_shipped_sets(defaults, level):
    indicators = list(IndicatorSet.objects.get(level=level, year=2024).indicators.all())
    for area in AREAS[level]:
        full = {i.pk: i.max_score for i in indicators}
        assert scaled_total(full, indicators, area, Decimal(100)) == Decimal("100.00"), area


@pytest.mark.parametrize("level", ["group", "village", "township"])
def test_rural_and_urban_units_see_every_slot_in_their_own_words_and_both_reach_100(defaults, level):
    indicators = list(IndicatorSet.objects.get(level=level, year=2024).indicators.all())
    rural = [i.code for i in indicators if i.applies_to_area("rural")]
    urban = [i.code for i in indicators if i.applies_to_area("urban")]
    assert rural == urban == [i.code for i in indicators] and len(rural) == EXPECTED[level][0]
    assert applicable_max(indicators, "rural") == applicable_max(indicators, "urban") == Decimal(100)
    differ = [i.code for i in indicators if i.title_for("rural") != i.title_for("urban")]
    assert len(differ) >= 3, differ  # the work differs in words, not in slots


class Item:
    def __init__(self, pk, max_score, applies_to):
        self.pk, self.max_score, self.applies_to = pk, Decimal(max_score), applies_to


def test_a_rural_unit_that_sees_80_raw_points_is_scaled_up_to_100():
    items = [Item(1, "50", "all"), Item(2, "30", "rural"), Item(3, "20", "urban"), Item(4, "10", "urban")]
    assert scale_factor(items, "rural", Decimal(100)) == Decimal("1.25")
    assert scaled_max(items[0], scale_factor(items, "rural", Decimal(100))) == Decimal("62.50")
    # full marks on what applies → 100; a score for an item that does not apply is ignored
    assert scaled_total(
        {1: Decimal(50), 2: Decimal(30), 3: Decimal(20)}, items, "rural", Decimal(100)
    ) == Decimal("100.00")
    assert scaled_total({1: Decimal(40), 2: Decimal(20)}, items, "rural", Decimal(100)) == Decimal("75.00")


def test_scaled_maxima_and_totals_round_half_up_to_the_cent():
    # 3 items of 1 point each scaled to 100: 33.333… each; 0.125-cent ties go up, never to even
    assert to_cents(Decimal("0.125")) == Decimal("0.13") and to_cents(Decimal("0.135")) == Decimal("0.14")
    items = [Item(1, "1", "all"), Item(2, "1", "all"), Item(3, "1", "all"), Item(4, "5", "rural")]
    factor = scale_factor(items[:3], "rural", Decimal("0.375"))  # 0.125 per point
    assert scaled_max(items[0], factor) == Decimal("0.13")
    assert scaled_total({1: Decimal(1)}, items[:3], "rural", Decimal("0.375")) == Decimal("0.13")


def test_an_urban_unit_of_the_same_set_is_scaled_by_its_own_items():
    items = [Item(1, "50", "all"), Item(2, "30", "rural"), Item(3, "20", "urban"), Item(4, "10", "urban")]
    assert scaled_total(
        {1: Decimal(50), 3: Decimal(20), 4: Decimal(10)}, items, "urban", Decimal(100)
    ) == Decimal("100.00")
    assert scaled_total({1: Decimal(25), 3: Decimal(10)}, items, "urban", Decimal(100)) == Decimal("43.75")


def test_a_mixed_unit_sees_every_item_and_is_scaled_down():
    items = [Item(1, "50", "all"), Item(2, "30", "rural"), Item(3, "20", "urban"), Item(4, "10", "urban")]
    assert applicable_max(items, "mixed") == Decimal(110)
    assert scaled_total(
        {1: Decimal(50), 2: Decimal(30), 3: Decimal(20), 4: Decimal(10)}, items, "mixed", Decimal(100)
    ) == Decimal("100.00")
    assert scaled_total({1: Decimal(55)}, items, "mixed", Decimal(100)) == Decimal("50.00")


def test_installing_the_defaults_twice_changes_nothing(defaults):
    before = list(Indicator.objects.order_by("pk").values_list("pk", "code", "title", "max_score"))
    assert indicator_sets_install_defaults() == 0
    assert list(Indicator.objects.order_by("pk").values_list("pk", "code", "title", "max_score")) == before


def test_a_frozen_set_refuses_every_edit_with_a_clear_message_and_keeps_its_values(defaults):
    indicator_set = IndicatorSet.objects.get(level="village", year=2023)
    indicator = indicator_set.indicators.first()
    indicator_set_freeze(indicator_set=indicator_set)
    with pytest.raises(Frozen) as err:
        indicator_update(indicator=indicator, max_score="99")
    assert "已被评估使用，已冻结，不能修改" in err.value.detail
    with pytest.raises(Frozen):
        indicator_set_update(indicator_set=indicator_set, standard_threshold=Decimal(70))
    indicator.refresh_from_db()
    indicator_set.refresh_from_db()
    assert indicator.max_score != Decimal(99) and indicator_set.standard_threshold == Decimal(80)


def test_an_unfrozen_set_can_be_edited_but_not_with_bad_values(defaults):
    indicator = IndicatorSet.objects.get(level="village", year=2024).indicators.first()
    indicator_update(indicator=indicator, title="新标题")
    with pytest.raises(InvalidInput, match="0.5 的整数倍"):
        indicator_update(indicator=indicator, max_score="7.3")
    indicator.refresh_from_db()
    assert indicator.title == "新标题" and indicator.max_score != Decimal("7.3")


def test_a_veto_item_cannot_be_given_points_nor_a_scored_item_made_a_veto_with_its_points(defaults):
    indicators = IndicatorSet.objects.get(level="village", year=2024).indicators
    veto, scored = indicators.get(is_veto=True), indicators.get(code="V-01")
    with pytest.raises(InvalidInput, match="一票否决项只判定通过或不通过，不计分"):
        indicator_update(indicator=veto, max_score="5")
    with pytest.raises(InvalidInput, match="一票否决项只判定通过或不通过，不计分"):
        indicator_update(indicator=scored, is_veto=True)
    with pytest.raises(InvalidInput, match="满分应大于 0"):
        indicator_update(indicator=scored, max_score="0")
    veto.refresh_from_db()
    scored.refresh_from_db()
    assert (veto.max_score, scored.max_score, scored.is_veto) == (Decimal(0), Decimal(10), False)
    indicator_update(indicator=scored, is_veto=True, max_score="0")  # both at once: allowed
    scored.refresh_from_db()
    assert scored.is_veto and scored.max_score == 0


def test_copying_a_frozen_set_gives_an_editable_copy_for_the_next_year(defaults):
    source = IndicatorSet.objects.get(level="county", year=2024)
    indicator_set_freeze(indicator_set=source)
    copy = indicator_set_copy(source=source, year=2025)
    assert not copy.is_frozen
    fields = ("code", "title", "title_rural", "guide_urban", "max_score", "is_veto", "dimension__name")
    assert list(copy.indicators.order_by("order").values_list(*fields)) == list(
        source.indicators.order_by("order").values_list(*fields)
    )
    indicator_update(indicator=copy.indicators.first(), title="2025 新指标")
    assert source.indicators.order_by("order").first().title != "2025 新指标"
    with pytest.raises(InvalidInput, match="已存在"):
        indicator_set_copy(source=source, year=2025)


def test_the_admin_shows_a_frozen_set_read_only(defaults, admin_client):
    indicator_set = IndicatorSet.objects.get(level="group", year=2022)
    indicator_set_freeze(indicator_set=indicator_set)
    indicator = indicator_set.indicators.first()
    page = admin_client.get(f"/admin/indicators/indicator/{indicator.pk}/change/").content.decode()
    assert "已冻结" in page
    admin_client.post(
        f"/admin/indicators/indicator/{indicator.pk}/change/", {"title": "被改了", "max_score": "1"}
    )
    indicator.refresh_from_db()
    assert indicator.title != "被改了"


def test_the_api_lists_sets_with_nested_dimensions_and_indicators(defaults, tree, user_factory, api_for):
    client = api_for(user_factory(tree.village, "operator"))
    body = client.get("/api/v1/indicator-sets/", {"level": "group", "year": 2024}).json()
    assert body["count"] == 1
    result = body["results"][0]
    assert {"total_score", "standard_threshold", "demonstration_threshold", "dimensions"} <= set(result)
    assert [d["name"] for d in result["dimensions"]] == EXPECTED["group"][1]
    assert set(result["dimensions"][0]["indicators"][0]) == {
        "id",
        "code",
        "title",
        "guide",
        "max_score",
        "applies_to",
        "is_veto",
        "evidence_required",
        "title_rural",
        "guide_rural",
        "title_urban",
        "guide_urban",
    }
    assert sum(len(d["indicators"]) for d in result["dimensions"]) == 9


def test_the_indicator_set_list_costs_four_queries_whatever_the_number_of_sets(
    defaults, tree, user_factory, api_for
):
    client = api_for(user_factory(tree.village, "operator"))
    with CaptureQueriesContext(connection) as ctx:
        assert client.get("/api/v1/indicator-sets/", {"year": 2024}).json()["count"] == 4
    # count, sets, dimensions, indicators
    assert len(ctx.captured_queries) == 4
    with CaptureQueriesContext(connection) as ctx:
        assert client.get("/api/v1/indicator-sets/").json()["count"] == 12
    assert len(ctx.captured_queries) == 4
