"""系统管理 of units: the city's administrator manages the whole tree, a county's only its county;
every structural write goes through the locked service path (the tree stays valid)."""

from __future__ import annotations

import pytest

from orgs.models import Organisation
from tests.helpers import assert_tree_valid, make_user
from tests.orgs.admin_helpers import assert_not_found, client_for

CHANGELIST = "/admin/orgs/organisation/"


def change_url(org) -> str:
    return f"/admin/orgs/organisation/{org.pk}/change/"


def change_form(org, **overrides) -> dict:
    data = {"name": org.name, "parent": org.parent_id or "", "is_active": "on" if org.is_active else ""}
    data.update(overrides)
    return {k: v for k, v in data.items() if v != ""}


def test_the_city_admin_sees_every_county_and_a_county_admin_only_its_own(tree, admins):
    city_page = client_for(admins.city).get(CHANGELIST, {"q": "县"}).content.decode()
    assert "第1县" in city_page and "第2县" in city_page
    county_page = client_for(admins.county).get(CHANGELIST, {"q": "县"}).content.decode()
    assert "第1县" in county_page and "第2县" not in county_page
    assert tree.far_township.name not in client_for(admins.county).get(CHANGELIST).content.decode()


def test_the_unit_list_costs_a_fixed_number_of_queries(tree, admins, django_assert_max_num_queries):
    client = client_for(admins.county)
    # session, user, the admin's unit, the page of units with their parents, the filters' counts
    # and the admin's log panel: a fixed handful, whatever the number of units.
    with django_assert_max_num_queries(12):
        response = client.get(CHANGELIST)
    assert response.status_code == 200


def test_a_county_admin_cannot_open_another_countys_unit(tree, admins):
    response = client_for(admins.county).get(change_url(tree.far_township), follow=True)
    assert_not_found(response)


def test_a_county_admin_adds_a_township_in_its_county_through_the_locked_path(tree, admins):
    response = client_for(admins.county).post(
        "/admin/orgs/organisation/add/",
        {"code": "530401009", "name": "新设镇", "kind": "镇", "parent": tree.county.pk, "is_active": "on"},
    )
    assert response.status_code == 302, response.content.decode()[-1500:]
    new = Organisation.objects.get(code="530401009")
    assert (new.level, new.parent_id, new.county_id, new.area_type) == (
        "township",
        tree.county.pk,
        tree.county.pk,
        "rural",
    )
    assert_tree_valid(tree.city.tree_id)


def test_a_county_admin_cannot_add_a_unit_under_another_county(tree, admins):
    before = Organisation.objects.count()
    response = client_for(admins.county).post(
        "/admin/orgs/organisation/add/",
        {
            "code": "530402001009",
            "name": "越界村",
            "kind": "村",
            "parent": tree.far_township.pk,
            "is_active": "on",
        },
    )
    assert response.status_code == 200
    assert "该单位不存在，或不在您的管理范围内" in response.content.decode()
    assert Organisation.objects.count() == before


def test_a_unit_of_the_wrong_kind_is_refused_in_chinese(tree, admins):
    response = client_for(admins.city).post(
        "/admin/orgs/organisation/add/",
        {
            "code": "530401001009",
            "name": "错层级",
            "kind": "镇",
            "parent": tree.township.pk,
            "is_active": "on",
        },
    )
    assert "类型“镇”不适用于村（社区）" in response.content.decode()
    assert not Organisation.objects.filter(code="530401001009").exists()


def test_a_county_admin_renames_and_deactivates_a_village_with_everything_below(tree, admins):
    response = client_for(admins.county).post(
        change_url(tree.village), change_form(tree.village, name="更名村", is_active="")
    )
    assert response.status_code == 302
    village = Organisation.objects.get(pk=tree.village.pk)
    assert (village.name, village.is_active) == ("更名村", False)
    assert not Organisation.objects.get(pk=tree.group.pk).is_active  # the group below too


def test_a_county_admin_moves_a_village_to_another_township_of_its_county(tree, admins):
    response = client_for(admins.county).post(
        change_url(tree.village), change_form(tree.village, parent=tree.street.pk)
    )
    assert response.status_code == 302, response.content.decode()[-1500:]
    moved = Organisation.objects.get(pk=tree.village.pk)
    assert (moved.parent_id, moved.township_id) == (tree.street.pk, tree.street.pk)
    assert Organisation.objects.get(pk=tree.group.pk).township_id == tree.street.pk
    assert_tree_valid(tree.city.tree_id)


def test_a_county_admin_cannot_move_a_village_into_another_county(tree, admins):
    positions = list(Organisation.objects.order_by("pk").values_list("pk", "parent_id", "lft", "rght"))
    response = client_for(admins.county).post(
        change_url(tree.village), change_form(tree.village, parent=tree.far_township.pk)
    )
    assert response.status_code == 200
    assert "该单位不存在，或不在您的管理范围内" in response.content.decode()
    assert (
        list(Organisation.objects.order_by("pk").values_list("pk", "parent_id", "lft", "rght")) == positions
    )


def test_a_move_to_the_wrong_level_is_refused_and_the_tree_is_unchanged(tree, admins):
    positions = list(Organisation.objects.order_by("pk").values_list("pk", "parent_id", "lft", "rght"))
    response = client_for(admins.city).post(
        change_url(tree.village), change_form(tree.village, parent=tree.county.pk)
    )
    assert "层级错误" in response.content.decode()
    assert (
        list(Organisation.objects.order_by("pk").values_list("pk", "parent_id", "lft", "rght")) == positions
    )


def test_an_admin_cannot_change_its_own_unit(tree, admins):
    response = client_for(admins.county).post(
        change_url(tree.county), change_form(tree.county, name="改名县")
    )
    assert response.status_code == 403
    assert Organisation.objects.get(pk=tree.county.pk).name == "第1县"


def test_the_city_and_county_admins_import_and_the_county_only_into_its_county(tree, admins):
    assert client_for(admins.city).get("/admin/orgs/organisation/import/").status_code == 200
    assert "导入" in client_for(admins.city).get(CHANGELIST).content.decode()
    page = client_for(admins.county).get("/admin/orgs/organisation/import/")
    assert page.status_code == 200 and "导入范围：<strong>第1县</strong>" in page.content.decode()
    assert "从 Excel / CSV 导入" in client_for(admins.county).get(CHANGELIST).content.decode()
    officials = make_user(tree.county, "leader", "county-leader-import")
    assert client_for(officials).get("/admin/orgs/organisation/import/").status_code == 302


def _import(client, text: str):
    from django.core.files.uploadedfile import SimpleUploadedFile

    data = ("code,name,level,kind,parent_code\n" + text).encode()
    return client.post("/admin/orgs/organisation/import/", {"file": SimpleUploadedFile("units.csv", data)})


def test_the_county_admin_imports_new_units_of_its_county(tree, admins):
    response = _import(
        client_for(admins.county),
        "530401001009,新建村,village,村,530401001\n"
        "530401001009001,新建村一组,group,村民小组,530401001009\n"
        "530401,第1县,county,县,530400\n",  # the county itself, unchanged
    )
    assert response.status_code == 302
    village = Organisation.objects.get(code="530401001009")
    assert village.parent_id == tree.township.pk and village.county_id == tree.county.pk
    assert Organisation.objects.get(code="530401001009001").parent_id == village.pk
    assert_tree_valid(tree.city.tree_id)


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ("530402001009,他县新村,village,村,530402001\n", "上级编码“530402001”不在您管理的第1县范围内"),
        ("530402001001,改名村,village,村,530402001\n", "编码“530402001001”是您管理的第1县以外的单位"),
        ("530403,新县,county,县,530400\n", "上级编码“530400”不在您管理的第1县范围内"),
        ("530499,无上级,city,市,\n", "“无上级”没有上级编码：只能导入您管理的第1县下属的单位"),
    ],
    ids=["under-another-county", "a-unit-of-another-county", "a-new-county", "a-root"],
)
def test_the_county_admin_cannot_import_outside_its_county_and_nothing_is_written(
    tree, admins, rows, message
):
    before = list(Organisation.objects.order_by("pk").values_list("code", "name", "parent_id", "lft", "rght"))
    response = _import(client_for(admins.county), "530401001009,好的村,village,村,530401001\n" + rows)
    html = response.content.decode()
    assert response.status_code == 200 and "未导入任何数据" in html
    assert f"第 3 行：{message}" in html
    after = list(Organisation.objects.order_by("pk").values_list("code", "name", "parent_id", "lft", "rght"))
    assert after == before


def test_the_city_admin_imports_a_csv_of_new_units(tree, admins):
    from django.core.files.uploadedfile import SimpleUploadedFile

    data = "code,name,level,kind,parent_code\n530401001009,导入村,village,村,530401001\n".encode()
    response = client_for(admins.city).post(
        "/admin/orgs/organisation/import/", {"file": SimpleUploadedFile("units.csv", data)}
    )
    assert response.status_code == 302
    assert Organisation.objects.get(code="530401001009").parent_id == tree.township.pk
    assert_tree_valid(tree.city.tree_id)


def test_officials_who_are_not_admins_do_not_enter(tree):
    for role in ("leader", "reviewer", "operator"):
        client = client_for(make_user(tree.city, role))
        response = client.get(CHANGELIST)
        assert response.status_code == 302 and response.url.startswith("/admin/login/")


def test_an_admin_needs_no_staff_flag_nor_permission_rows(tree):
    admin = make_user(tree.city, "admin", "plain-admin")
    admin.is_staff = False
    admin.save(update_fields=["is_staff"])
    assert admin.user_permissions.count() == 0
    assert client_for(admin).get(CHANGELIST).status_code == 200


def test_the_apps_navigation_links_to_system_administration_for_admins_only(world):
    from tests.helpers import login

    assert "/admin/" in login(world.admin).get("/todo/").content.decode()
    assert 'href="/admin/"' not in login(world.operator).get("/todo/").content.decode()
