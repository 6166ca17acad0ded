import pytest
from django.db import IntegrityError, transaction

from orgs.models import Organisation
from orgs.services import org_create, org_move, org_update, renumber_trees
from tests.helpers import assert_tree_valid
from yuxi_campaign.core.errors import InvalidInput


def test_new_unit_takes_the_level_below_its_parent_and_its_area_type_from_its_kind(tree):
    org = org_create(parent=tree.street, code="530401002009", name="新城社区", kind="社区")
    assert (org.level, org.area_type, org.depth) == ("village", "urban", 3)
    assert (org.county_id, org.township_id, org.village_id) == (tree.county.pk, tree.street.pk, None)
    group = org_create(parent=org, code="530401002009001", name="新城小区", kind="居民小区")
    assert (group.level, group.village_id, group.township_id) == ("group", org.pk, tree.street.pk)
    assert_tree_valid(tree.city.tree_id)


@pytest.mark.parametrize(
    ("kind", "message"),
    [
        ("村民小组", "类型“村民小组”不适用于村（社区）"),
        ("镇", "类型“镇”不适用于村（社区）"),
        ("公司", "未知类型“公司”"),
    ],
)
def test_a_kind_that_does_not_fit_the_level_is_refused_and_nothing_is_added(tree, kind, message):
    before = Organisation.objects.count()
    with pytest.raises(InvalidInput) as err:
        org_create(parent=tree.township, code="530401001099", name="错误单位", kind=kind)
    assert message in err.value.detail
    assert Organisation.objects.count() == before


def test_a_level_other_than_the_one_below_the_parent_is_refused(tree):
    with pytest.raises(InvalidInput) as err:
        org_create(parent=tree.county, code="530401099", name="跳级单位", kind="村", level="village")
    assert "层级错误：上级是县（市、区），本单位应为乡镇（街道），而不是村（社区）" in err.value.detail


def test_a_group_cannot_have_children(tree):
    with pytest.raises(InvalidInput) as err:
        org_create(parent=tree.group, code="530401001001999", name="孙组", kind="村民小组")
    assert "最底层" in err.value.detail


@pytest.mark.parametrize(
    ("code", "name", "message"),
    [
        ("530401001001", "重名村", "编码“530401001001”已被使用"),
        ("", "空编码", "编码不能为空"),
        ("ABC123", "字母编码", "应为 6–15 位数字"),
        ("530401001077", "   ", "名称不能为空"),
    ],
)
def test_bad_code_or_name_is_refused(tree, code, name, message):
    before = Organisation.objects.count()
    with pytest.raises(InvalidInput) as err:
        org_create(parent=tree.township, code=code, name=name, kind="村")
    assert message in err.value.detail
    assert Organisation.objects.count() == before


def test_no_unit_can_be_added_under_a_deactivated_parent(tree):
    org_update(org=tree.township, is_active=False)
    with pytest.raises(InvalidInput, match="已停用"):
        org_create(parent=tree.township, code="530401001077", name="新村", kind="村")


def test_deactivating_a_unit_deactivates_everything_below_it_and_nothing_else(tree):
    org_update(org=tree.township, is_active=False)
    below = Organisation.objects.filter(
        tree_id=tree.city.tree_id, lft__gte=tree.township.lft, lft__lte=tree.township.rght
    )
    assert below.count() == 1 + 2 + 4
    assert not below.filter(is_active=True).exists()
    assert Organisation.objects.get(pk=tree.street.pk).is_active


def test_a_child_cannot_be_reactivated_under_a_deactivated_parent(tree):
    org_update(org=tree.township, is_active=False)
    with pytest.raises(InvalidInput, match="上级单位已停用"):
        org_update(org=tree.village, is_active=True)


def test_moving_a_village_carries_its_groups_and_updates_their_ancestors(tree):
    moved = org_move(org=tree.village, new_parent=tree.far_township)
    assert moved.parent_id == tree.far_township.pk
    assert (moved.county_id, moved.township_id) == (tree.other_county.pk, tree.far_township.pk)
    group = Organisation.objects.get(pk=tree.group.pk)
    assert (group.county_id, group.township_id, group.village_id) == (
        tree.other_county.pk,
        tree.far_township.pk,
        moved.pk,
    )
    assert_tree_valid(tree.city.tree_id)
    # mptt and the bulk numbering agree: a full renumber finds nothing to change.
    assert renumber_trees(tree_ids=[tree.city.tree_id]) == 0


def test_a_unit_cannot_move_under_a_parent_of_the_wrong_level(tree):
    with pytest.raises(InvalidInput, match="层级错误"):
        org_move(org=tree.village, new_parent=tree.county)
    assert Organisation.objects.get(pk=tree.village.pk).parent_id == tree.township.pk


@pytest.mark.parametrize(
    "fields",
    [
        {"level": "village", "kind": "镇"},  # kind of another level
        {"level": "county", "kind": "村"},
        {"level": "village", "kind": "村", "area_type": "urban"},  # 村 is rural
    ],
)
def test_the_database_itself_rejects_rows_that_break_the_level_rules(tree, fields):
    values = {"code": "530401001088", "name": "直写", "parent": tree.township, "area_type": "rural", **fields}
    with pytest.raises(IntegrityError), transaction.atomic():
        Organisation.objects.create(**values)


def test_the_database_rejects_a_child_two_levels_below_its_parent(tree):
    # A 村 placed straight under a county would have depth 2 and level village: refused.
    with pytest.raises(IntegrityError), transaction.atomic():
        Organisation.objects.create(
            code="530401088", name="跳级", parent=tree.county, level="village", kind="村", area_type="rural"
        )


def test_codes_are_unique_in_the_database(tree):
    with pytest.raises(IntegrityError), transaction.atomic():
        Organisation.objects.create(
            code=tree.village.code,
            name="重复",
            parent=tree.township,
            level="village",
            kind="村",
            area_type="rural",
        )


def test_many_creates_and_moves_keep_the_nested_sets_valid(tree):
    for n in range(1, 8):
        org_create(
            parent=tree.township if n % 2 else tree.far_township,
            code=f"5304010010{n + 50}",
            name=f"新村{n}",
            kind="村",
        )
    org_move(org=tree.sibling_village, new_parent=tree.far_township)
    org_move(org=tree.street, new_parent=tree.other_county)
    assert_tree_valid(tree.city.tree_id)
    assert renumber_trees(tree_ids=[tree.city.tree_id]) == 0
