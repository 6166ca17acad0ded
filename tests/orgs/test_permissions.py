"""Each role's capabilities in 系统管理 come from the one mapping of ``orgs.permissions``; the admin
site and every ModelAdmin ask it (no Django permission rows)."""

from __future__ import annotations

import pytest
from django.contrib import admin

from orgs import permissions
from orgs.models import User
from tests.helpers import PASSWORD, make_user


@pytest.mark.parametrize(
    ("who", "role"),
    [
        ("city", "city_admin"),
        ("county", "county_admin"),
        ("township", None),  # an "admin" row below a county is no administrator
    ],
)
def test_an_admin_role_follows_the_level_of_its_unit(tree, who, role):
    org = {"city": tree.city, "county": tree.county, "township": tree.township}[who]
    user = make_user(org, "admin", f"admin-{who}")
    assert permissions.admin_role(user) == role
    assert permissions.may_enter_admin(user) == (role is not None)


@pytest.mark.parametrize("role", ["operator", "reviewer", "leader"])
def test_officials_who_are_not_admins_have_no_capability(tree, role):
    user = make_user(tree.city, role)
    assert permissions.admin_role(user) is None
    assert all(not permissions.capabilities(user, label) for label in permissions.CAPABILITIES["city_admin"])


def test_a_deactivated_admin_has_no_capability(tree):
    user = make_user(tree.city, "admin")
    user.is_active = False
    assert not permissions.may_enter_admin(user)


EXPECTED = {
    # model: (city admin, county admin)
    "orgs.organisation": (
        {"view", "add", "change", "import"},
        {"view", "add", "change", "import"},
    ),  # county: its own
    "orgs.user": ({"view", "add", "change"}, {"view", "add", "change"}),
    "indicators.indicatorset": ({"view", "add", "change"}, {"view"}),
    "indicators.indicator": ({"view", "add", "change", "delete"}, {"view"}),
    "assessments.round": ({"view", "add", "change"}, {"view"}),
    "assessments.pacetarget": ({"view", "add", "change", "delete"}, {"view"}),
    "assessments.title": ({"view"}, {"view"}),
    "assessments.event": ({"view"}, {"view"}),
}


@pytest.mark.parametrize("label", sorted(EXPECTED))
def test_each_admins_capabilities_per_model(tree, label):
    city, county = make_user(tree.city, "admin"), make_user(tree.county, "admin")
    assert set(permissions.capabilities(city, label)) == EXPECTED[label][0]
    assert set(permissions.capabilities(county, label)) == EXPECTED[label][1]


def test_a_superuser_may_do_everything(db):
    root = User.objects.create_superuser("developer-root", "root@example.org", PASSWORD)
    assert permissions.may(root, "assessments.title", "delete")
    assert permissions.may(root, "orgs.organisation", "import")


@pytest.mark.parametrize("label", sorted(EXPECTED))
def test_every_model_admin_asks_the_mapping(rf, tree, label):
    """The ModelAdmin's has_*_permission answer exactly what the mapping says (row rules such as
    "frozen" or "read-only log" may only take away)."""
    from django.apps import apps

    model_admin = admin.site._registry[apps.get_model(label)]
    for user in (make_user(tree.county, "admin"), make_user(tree.township, "leader")):
        request = rf.get("/admin/")
        request.user = user
        assert model_admin.has_view_permission(request) == permissions.may(user, label, "view")
        assert not model_admin.has_add_permission(request) or permissions.may(user, label, "add")
        assert not model_admin.has_change_permission(request) or permissions.may(user, label, "change")
        assert not model_admin.has_delete_permission(request) or permissions.may(user, label, "delete")


def test_the_county_admin_reads_the_reference_data_but_cannot_change_it(tree, admins):
    from tests.orgs.admin_helpers import client_for

    client = client_for(admins.county)
    for url in (
        "/admin/assessments/round/",
        "/admin/indicators/indicatorset/",
        "/admin/assessments/pacetarget/",
    ):
        page = client.get(url)
        assert page.status_code == 200
        assert f'href="{url}add/"' not in page.content.decode()
    assert client.get("/admin/assessments/round/add/").status_code == 403
