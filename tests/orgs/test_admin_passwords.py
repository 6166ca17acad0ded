"""The Django admin's user forms apply the password validators: a weak password adds nobody and
changes no password. (``admin_client`` is pytest-django's superuser.)"""

import pytest

from orgs.models import User
from tests.helpers import PASSWORD, make_user


def add_form(tree, password):
    return {
        "username": "newofficial",
        "password1": password,
        "password2": password,
        "usable_password": "true",
        "org": tree.village.pk,
        "role": "operator",
    }


def test_the_admin_adds_an_official_with_a_good_password(tree, admin_client):
    response = admin_client.post("/admin/orgs/user/add/", add_form(tree, "Lanting-2024!"))
    assert response.status_code == 302, response.content.decode()[-2000:]
    assert User.objects.get(username="newofficial").check_password("Lanting-2024!")


@pytest.mark.parametrize(("password", "problem"), [("1", "密码长度太短"), ("password", "这个密码太常见了")])
def test_the_admin_cannot_add_an_official_with_a_weak_password(tree, admin_client, password, problem):
    response = admin_client.post("/admin/orgs/user/add/", add_form(tree, password))
    assert response.status_code == 200 and problem in response.content.decode()
    assert not User.objects.filter(username="newofficial").exists()


def test_the_admin_cannot_set_a_weak_password_for_an_official(tree, admin_client):
    official = make_user(tree.village, "operator")
    response = admin_client.post(
        f"/admin/orgs/user/{official.pk}/password/", {"password1": "12345", "password2": "12345"}
    )
    assert response.status_code == 200 and "密码只包含数字" in response.content.decode()
    official.refresh_from_db()
    assert official.check_password(PASSWORD)
