"""Password guessing: after five failed logins for one account (from anywhere) or from one address
(for any account) the login page and the API's token endpoint refuse even the right password for
15 minutes, with a Chinese message; an administrator unlocks earlier in the admin or with
``axes_reset_username``. The token endpoint is throttled per address as well."""

import datetime as dt

import pytest
from axes.models import AccessAttempt
from django.core.management import call_command
from django.test import Client
from rest_framework.authtoken.models import Token

from tests.helpers import PASSWORD

LOCKED = "登录失败次数过多，账号已暂时锁定，请 15 分钟后再试或联系管理员解锁"


@pytest.fixture
def official(tree, user_factory):
    return user_factory(tree.village, "operator", username="op")


def page_login(username, password, ip="10.5.0.1", client=None):
    client = client or Client()
    response = client.post("/accounts/login/", {"username": username, "password": password}, REMOTE_ADDR=ip)
    return client, response


def token(username, password, ip="10.5.0.1"):
    return Client().post("/api/v1/auth/token/", {"username": username, "password": password}, REMOTE_ADDR=ip)


def logged_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_five_wrong_passwords_lock_the_login_page_even_for_the_right_one(official):
    for _ in range(4):
        _, response = page_login("op", "wrong")
        assert response.status_code == 200 and "请输入一个正确的" in response.content.decode()
    _, fifth = page_login("op", "wrong")
    assert fifth.status_code == 429 and LOCKED in fifth.content.decode()
    client, response = page_login("op", PASSWORD)
    page = response.content.decode()
    assert response.status_code == 429 and LOCKED in page
    assert '<html lang="zh-hans">' in page and 'role="alert"' in page  # the site's layout, announced
    assert response["Retry-After"] == "900"
    assert not logged_in(client)


def test_the_lock_is_per_account_whatever_the_address(official):
    for n in range(5):
        page_login("op", "wrong", ip=f"10.6.0.{n}")
    client, response = page_login("op", PASSWORD, ip="10.6.0.99")
    assert response.status_code == 429 and not logged_in(client)


def test_the_lock_is_per_address_whatever_the_account(tree, user_factory, official):
    user_factory(tree.township, "leader", username="boss")
    for name in ("a1", "a2", "a3", "a4", "a5"):
        page_login(name, "wrong", ip="10.7.0.1")
    client, response = page_login("boss", PASSWORD, ip="10.7.0.1")
    assert response.status_code == 429 and not logged_in(client)
    client, response = page_login("boss", PASSWORD, ip="10.7.0.2")  # another address is not held back
    assert response.status_code == 302 and logged_in(client)


def test_fewer_failures_than_the_limit_and_a_success_start_the_count_again(official):
    for _ in range(2):
        for _ in range(4):
            page_login("op", "wrong")
        client, response = page_login("op", PASSWORD)
        assert response.status_code == 302 and logged_in(client)
    for _ in range(5):
        page_login("op", "wrong")
    assert page_login("op", PASSWORD)[1].status_code == 429  # five in a row still lock


def test_the_lock_ends_after_15_minutes(official):
    for _ in range(5):
        page_login("op", "wrong")
    AccessAttempt.objects.update(attempt_time=dt.datetime.now(dt.UTC) - dt.timedelta(minutes=14))
    assert page_login("op", PASSWORD)[1].status_code == 429  # still locked after 14 minutes
    AccessAttempt.objects.update(attempt_time=dt.datetime.now(dt.UTC) - dt.timedelta(minutes=15, seconds=1))
    client, response = page_login("op", PASSWORD)
    assert response.status_code == 302 and logged_in(client)


def test_the_token_endpoint_is_locked_too_with_a_json_detail(official):
    for _ in range(4):
        response = token("op", "wrong")
        assert response.status_code == 400 and response.json()["detail"]
    assert token("op", "wrong").status_code == 429
    response = token("op", PASSWORD)
    assert response.status_code == 429 and response.json() == {"detail": LOCKED}
    assert response["Retry-After"] == "900"
    assert not Token.objects.exists()


def test_failures_on_the_api_lock_the_page_and_the_other_way_round(tree, user_factory, official):
    for n in range(5):
        token("op", "wrong", ip=f"10.8.0.{n}")
    assert page_login("op", PASSWORD, ip="10.8.1.1")[1].status_code == 429
    user_factory(tree.township, "leader", username="boss")
    for n in range(5):
        page_login("boss", "wrong", ip=f"10.9.0.{n}")
    assert token("boss", PASSWORD, ip="10.9.1.1").status_code == 429


def test_the_lockout_page_is_in_english_for_english_readers(official):
    client = Client()
    client.cookies["django_language"] = "en"
    for _ in range(5):
        page_login("op", "wrong", client=client)
    _, response = page_login("op", PASSWORD, client=client)
    page = response.content.decode()
    assert response.status_code == 429 and "Too many failed logins" in page and "15 minutes" in page


def test_an_administrator_unlocks_in_the_admin(official, admin_client):
    for _ in range(5):
        page_login("op", "wrong")
    assert page_login("op", PASSWORD)[1].status_code == 429
    listing = admin_client.get("/admin/axes/accessattempt/")
    assert listing.status_code == 200 and "op" in listing.content.decode()
    attempt = AccessAttempt.objects.get(username="op")
    response = admin_client.post(f"/admin/axes/accessattempt/{attempt.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302 and not AccessAttempt.objects.exists()
    client, response = page_login("op", PASSWORD)
    assert response.status_code == 302 and logged_in(client)


def test_an_administrator_unlocks_with_the_command(official, capsys):
    for n in range(5):
        page_login("op", "wrong", ip=f"10.4.0.{n}")
    assert page_login("op", PASSWORD)[1].status_code == 429
    call_command("axes_reset_username", "op")
    client, response = page_login("op", PASSWORD)
    assert response.status_code == 302 and logged_in(client)


def test_the_token_endpoint_is_throttled_per_address(official):
    statuses = [token("op", PASSWORD, ip="10.3.0.1").status_code for _ in range(11)]
    assert statuses == [200] * 10 + [429]
    response = token("op", PASSWORD, ip="10.3.0.1")
    assert "detail" in response.json() and int(response["Retry-After"]) > 0
    assert token("op", PASSWORD, ip="10.3.0.2").status_code == 200  # another address is not held back


def test_the_admin_login_is_locked_too(official):
    client = Client()
    for _ in range(5):
        client.post("/admin/login/", {"username": "op", "password": "wrong"}, REMOTE_ADDR="10.2.0.1")
    response = client.post("/admin/login/", {"username": "op", "password": PASSWORD}, REMOTE_ADDR="10.2.0.2")
    assert response.status_code == 429 and LOCKED in response.content.decode()
