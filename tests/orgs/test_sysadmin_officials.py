"""系统管理 of officials: an administrator creates, edits, resets and deactivates the officials of its
subtree, gives only the roles it may grant, and every refusal is in Chinese and writes nothing."""

from __future__ import annotations

import pytest

from orgs.models import User
from tests.helpers import PASSWORD, make_user
from tests.orgs.admin_helpers import assert_not_found, client_for

ADD = "/admin/orgs/user/add/"


def add_form(org, *, role="operator", username="newofficial", **extra) -> dict:
    data = {
        "username": username,
        "usable_password": "true",
        "password1": "Lanting-2024!",
        "password2": "Lanting-2024!",
        "name": "李春梅",
        "phone": "13987654321",
        "org": org.pk,
        "role": role,
    }
    data.update(extra)
    return data


def change_url(user) -> str:
    return f"/admin/orgs/user/{user.pk}/change/"


def change_form(user, **overrides) -> dict:
    data = {
        "username": user.username,
        "name": user.name,
        "phone": user.phone,
        "org": user.org_id,
        "role": user.role,
        "is_active": "on" if user.is_active else "",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v != ""}


def snapshot(user) -> tuple:
    user.refresh_from_db()
    return (user.org_id, user.role, user.name, user.phone, user.is_active, user.is_superuser, user.password)


def test_a_county_admin_lists_only_the_officials_of_its_county(tree, admins):
    make_user(tree.village, "operator", "own-operator")
    make_user(tree.far_village, "operator", "far-operator")
    page = client_for(admins.county).get("/admin/orgs/user/").content.decode()
    assert "own-operator" in page and "far-operator" not in page and "city-admin" not in page
    city_page = client_for(admins.city).get("/admin/orgs/user/").content.decode()
    assert "own-operator" in city_page and "far-operator" in city_page


def test_the_officials_list_costs_a_fixed_number_of_queries(tree, admins, django_assert_max_num_queries):
    for i in range(5):
        make_user(tree.village, "operator", f"op-{i}")
    client = client_for(admins.county)
    # session, user, the admin's unit, the page of officials with their units, the count, the
    # role filter: a fixed handful, whatever the number of officials.
    with django_assert_max_num_queries(12):
        assert client.get("/admin/orgs/user/").status_code == 200


def test_superusers_are_hidden_from_admins(tree, admins):
    root = User.objects.create_superuser("developer-root", "root@example.org", PASSWORD)
    root.org, root.role = tree.township, "leader"
    root.save()
    assert "developer-root" not in client_for(admins.county).get("/admin/orgs/user/").content.decode()
    assert_not_found(client_for(admins.city).get(change_url(root), follow=True))


def test_a_county_admin_cannot_open_another_countys_official(tree, admins):
    far = make_user(tree.far_village, "operator", "far-operator")
    assert_not_found(client_for(admins.county).get(change_url(far), follow=True))
    assert client_for(admins.county).get(f"/admin/orgs/user/{far.pk}/password/").status_code == 404


def test_a_county_admin_creates_an_official_with_name_and_phone(tree, admins):
    response = client_for(admins.county).post(ADD, add_form(tree.village))
    assert response.status_code == 302, response.content.decode()[-2000:]
    user = User.objects.get(username="newofficial")
    assert (user.org, user.role, user.name, user.phone) == (tree.village, "operator", "李春梅", "13987654321")
    assert user.check_password("Lanting-2024!") and not user.is_staff and not user.is_superuser


def test_the_phone_is_optional(tree, admins):
    response = client_for(admins.county).post(ADD, add_form(tree.village, phone=""))
    assert response.status_code == 302
    assert User.objects.get(username="newofficial").phone == ""


@pytest.mark.parametrize("phone", ["12345", "23987654321", "1398765432a", "139876543210"])
def test_a_bad_phone_is_refused_and_nobody_is_created(tree, admins, phone):
    response = client_for(admins.county).post(ADD, add_form(tree.village, phone=phone))
    assert response.status_code == 200
    assert "手机号应为 11 位中国大陆手机号码" in response.content.decode()
    assert not User.objects.filter(username="newofficial").exists()


def test_an_official_outside_the_admins_county_is_refused(tree, admins):
    response = client_for(admins.county).post(ADD, add_form(tree.far_village))
    assert response.status_code == 200
    assert "该单位不存在，或不在您的管理范围内" in response.content.decode()
    assert not User.objects.filter(username="newofficial").exists()


def test_a_county_admin_cannot_grant_the_admin_role(tree, admins):
    response = client_for(admins.county).post(ADD, add_form(tree.county, role="admin"))
    assert response.status_code == 200
    assert "县级组织部管理员不能授予" in response.content.decode()
    assert not User.objects.filter(username="newofficial").exists()


def test_the_city_admin_grants_admin_at_a_county_but_not_at_a_township(tree, admins):
    client = client_for(admins.city)
    response = client.post(ADD, add_form(tree.township, role="admin"))
    assert "管理员只能设在市级或县级组织部" in response.content.decode()
    assert not User.objects.filter(username="newofficial").exists()
    response = client.post(ADD, add_form(tree.other_county, role="admin"))
    assert response.status_code == 302
    made = User.objects.get(username="newofficial")
    assert made.role == "admin" and made.is_staff  # 系统管理 opens for it


def test_nobody_grants_superuser_in_the_admin(tree, admins):
    official = make_user(tree.village, "operator", "plain")
    before = snapshot(official)
    response = client_for(admins.city).post(change_url(official), change_form(official, is_superuser="on"))
    assert response.status_code == 200
    assert "不能在系统管理中授予超级管理员权限" in response.content.decode()
    assert snapshot(official) == before
    response = client_for(admins.city).post(ADD, add_form(tree.village, is_superuser="on"))
    assert "不能在系统管理中授予超级管理员权限" in response.content.decode()
    assert not User.objects.filter(username="newofficial").exists()


def test_an_admin_changes_an_officials_role_name_and_deactivates_it(tree, admins):
    official = make_user(tree.village, "operator", "plain")
    response = client_for(admins.county).post(
        change_url(official),
        change_form(official, role="leader", name="王建华", phone="13700001111", is_active=""),
    )
    assert response.status_code == 302, response.content.decode()[-2000:]
    official.refresh_from_db()
    assert (official.role, official.name, official.phone, official.is_active) == (
        "leader",
        "王建华",
        "13700001111",
        False,
    )


def test_a_county_admin_cannot_move_an_official_out_of_its_county(tree, admins):
    official = make_user(tree.village, "operator", "plain")
    before = snapshot(official)
    response = client_for(admins.county).post(
        change_url(official), change_form(official, org=tree.far_village.pk)
    )
    assert "该单位不存在，或不在您的管理范围内" in response.content.decode()
    assert snapshot(official) == before


def test_a_county_admin_cannot_promote_an_official_to_admin(tree, admins):
    official = make_user(tree.county, "leader", "county-leader")
    before = snapshot(official)
    response = client_for(admins.county).post(change_url(official), change_form(official, role="admin"))
    assert "县级组织部管理员不能授予" in response.content.decode()
    assert snapshot(official) == before


def test_a_county_admin_cannot_change_another_admin(tree, admins):
    colleague = make_user(tree.county, "admin", "second-county-admin")
    before = snapshot(colleague)
    response = client_for(admins.county).post(change_url(colleague), change_form(colleague, role="operator"))
    assert response.status_code == 403
    assert snapshot(colleague) == before


def test_an_admin_resets_an_officials_password(tree, admins):
    official = make_user(tree.village, "operator", "plain")
    response = client_for(admins.county).post(
        f"/admin/orgs/user/{official.pk}/password/",
        {"password1": "Fuxian-Lake-77", "password2": "Fuxian-Lake-77", "usable_password": "true"},
    )
    assert response.status_code == 302, response.content.decode()[-2000:]
    official.refresh_from_db()
    assert official.check_password("Fuxian-Lake-77")


def test_the_services_refuse_what_the_forms_refuse(tree, admins):
    """The official services check the same rules for any caller (a script, a page)."""
    from orgs.services import official_create, official_update
    from yuxi_campaign.core.errors import NotAllowed

    with pytest.raises(NotAllowed, match="不在您的管理范围内"):
        official_create(
            actor=admins.county, username="x1", org=tree.far_village, role="operator", password=None
        )
    with pytest.raises(NotAllowed, match="不能授予"):
        official_create(actor=admins.county, username="x2", org=tree.county, role="admin", password=None)
    far = make_user(tree.far_village, "operator", "far-operator")
    before = snapshot(far)
    with pytest.raises(NotAllowed):
        official_update(
            actor=admins.county,
            official=far,
            org=tree.village,
            role="operator",
            name="",
            phone="",
            is_active=True,
        )
    assert snapshot(far) == before
    assert not User.objects.filter(username__in=["x1", "x2"]).exists()
