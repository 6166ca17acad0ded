"""系统管理 of the indicator catalogue: drafts are edited, frozen sets are read-only (a change posted
anyway is refused in Chinese and changes nothing), any set is copied to the next year."""

from __future__ import annotations

from decimal import Decimal

import pytest

from indicators.models import Indicator, IndicatorSet
from indicators.services import indicator_set_freeze
from tests.orgs.admin_helpers import Admins, client_for


@pytest.fixture
def admins(world) -> Admins:
    return Admins(world.tree)


def set_url(s: IndicatorSet) -> str:
    return f"/admin/indicators/indicatorset/{s.pk}/change/"


def set_form(s: IndicatorSet, **overrides) -> dict:
    data = {
        "name": s.name,
        "note": s.note,
        "total_score": s.total_score,
        "standard_threshold": s.standard_threshold,
        "demonstration_threshold": s.demonstration_threshold,
        "dimensions-TOTAL_FORMS": "0",
        "dimensions-INITIAL_FORMS": "0",
        "dimensions-MIN_NUM_FORMS": "0",
        "dimensions-MAX_NUM_FORMS": "1000",
    }
    data.update(overrides)
    return data


def state(s: IndicatorSet) -> tuple:
    row = IndicatorSet.objects.get(pk=s.pk)
    return (row.name, row.standard_threshold, row.demonstration_threshold, row.is_frozen)


def test_the_city_admin_edits_a_draft_set(world, admins):
    draft = IndicatorSet.objects.get(level="village", year=2024)
    response = client_for(admins.city).post(set_url(draft), set_form(draft, name="村社创四优（修订）"))
    assert response.status_code == 302, response.content.decode()[-2000:]
    assert IndicatorSet.objects.get(pk=draft.pk).name == "村社创四优（修订）"


def test_an_edit_of_a_frozen_set_is_refused_and_changes_nothing(world, admins):
    frozen = IndicatorSet.objects.get(level="village", year=2024)
    indicator_set_freeze(indicator_set=frozen)
    before = state(frozen)
    client = client_for(admins.city)
    response = client.post(set_url(frozen), set_form(frozen, name="偷偷修改"), follow=True)
    assert "已被评估使用，已冻结，不能修改" in response.content.decode()
    assert state(frozen) == before
    page = client.get(set_url(frozen)).content.decode()
    assert "已冻结" in page and 'name="_save"' not in page  # read-only, no save button


def test_an_indicator_of_a_frozen_set_cannot_be_edited(world, admins):
    frozen = IndicatorSet.objects.get(level="village", year=2024)
    indicator_set_freeze(indicator_set=frozen)
    indicator = frozen.indicators.first()
    response = client_for(admins.city).post(
        f"/admin/indicators/indicator/{indicator.pk}/change/",
        {"title": "偷偷修改", "guide": indicator.guide, "max_score": "99", "applies_to": "all"},
        follow=True,
    )
    assert "已冻结" in response.content.decode()
    indicator.refresh_from_db()
    assert indicator.title != "偷偷修改" and indicator.max_score != Decimal("99")


def test_thresholds_out_of_order_are_refused_in_chinese(world, admins):
    draft = IndicatorSet.objects.get(level="village", year=2024)
    before = state(draft)
    response = client_for(admins.city).post(set_url(draft), set_form(draft, standard_threshold="95"))
    assert response.status_code == 200
    assert "达标分数线不能高于示范分数线" in response.content.decode()
    response = client_for(admins.city).post(set_url(draft), set_form(draft, demonstration_threshold="120"))
    assert "示范分数线不能高于总分" in response.content.decode()
    assert state(draft) == before


def test_a_county_admin_reads_the_sets_but_cannot_edit_them(world, admins):
    draft = IndicatorSet.objects.get(level="village", year=2024)
    before = state(draft)
    client = client_for(admins.county)
    assert client.get(set_url(draft)).status_code == 200
    assert client.post(set_url(draft), set_form(draft, name="县里改的")).status_code == 403
    assert state(draft) == before


def test_a_set_is_copied_to_the_next_year_as_a_draft(world, admins):
    source = IndicatorSet.objects.get(level="village", year=2024)
    indicator_set_freeze(indicator_set=source)
    response = client_for(admins.city).post(
        "/admin/indicators/indicatorset/",
        {"action": "copy_to_next_year", "_selected_action": [source.pk]},
        follow=True,
    )
    assert "已复制为" in response.content.decode()
    copy = IndicatorSet.objects.get(level="village", year=2025)
    assert not copy.is_frozen
    assert Indicator.objects.filter(indicator_set=copy).count() == source.indicators.count()


def test_copying_to_a_year_that_exists_says_so(world, admins):
    source = IndicatorSet.objects.get(level="village", year=2023)  # 2024 exists
    response = client_for(admins.city).post(
        "/admin/indicators/indicatorset/",
        {"action": "copy_to_next_year", "_selected_action": [source.pk]},
        follow=True,
    )
    assert "2024 年的村社创四优指标体系已存在" in response.content.decode()
    assert IndicatorSet.objects.filter(level="village", year=2024).count() == 1
