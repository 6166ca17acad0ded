import pytest
from django.core.management import CommandError, call_command

from orgs.models import User


def test_create_official_binds_a_user_to_a_unit_and_updates_it_later(tree, capsys):
    call_command(
        "create_official",
        "zhang",
        "--org",
        tree.village.code,
        "--role",
        "operator",
        "--password",
        "pw-123456",
    )
    user = User.objects.get(username="zhang")
    assert (user.org, user.role, user.check_password("pw-123456")) == (tree.village, "operator", True)
    assert "已创建" in capsys.readouterr().out
    call_command("create_official", "zhang", "--org", tree.township.code, "--role", "reviewer")
    user.refresh_from_db()
    assert (user.org, user.role, user.check_password("pw-123456")) == (tree.township, "reviewer", True)


def test_create_official_reads_the_password_from_the_environment(tree, monkeypatch):
    monkeypatch.setenv("OFFICIAL_PASSWORD", "from-env-123")
    call_command("create_official", "li", "--org", tree.city.code, "--role", "admin")
    user = User.objects.get(username="li")
    assert user.check_password("from-env-123") and user.is_staff


@pytest.mark.parametrize(
    ("org", "role", "message"),
    [
        ("999999", "operator", "编码为“999999”的单位不存在"),
        ("530401001", "admin", "管理员只能设在市级或县级组织部"),
    ],
)
def test_create_official_refuses_bad_input_and_creates_nobody(tree, org, role, message):
    with pytest.raises(CommandError, match=message):
        call_command("create_official", "wang", "--org", org, "--role", role, "--password", "x-123456")
    assert not User.objects.filter(username="wang").exists()


@pytest.mark.parametrize(
    ("password", "problems"),
    [
        ("1", ["密码长度太短", "这个密码太常见了", "密码只包含数字"]),
        ("password", ["这个密码太常见了"]),
        ("83920174", ["密码只包含数字"]),
        ("wangwei2024", ["密码跟 用户名 太相似了"]),
    ],
)
def test_create_official_refuses_a_weak_password_listing_why_and_creates_nobody(tree, password, problems):
    with pytest.raises(CommandError) as exc:
        call_command(
            "create_official",
            "wangwei2024",
            "--org",
            tree.village.code,
            "--role",
            "operator",
            "--password",
            password,
        )
    assert str(exc.value).startswith("密码不符合要求：")
    for problem in problems:
        assert problem in str(exc.value)
    assert not User.objects.filter(username="wangwei2024").exists()


def test_a_weak_password_from_the_environment_is_refused_too(tree, monkeypatch):
    monkeypatch.setenv("OFFICIAL_PASSWORD", "123")
    with pytest.raises(CommandError, match="密码长度太短"):
        call_command("create_official", "li", "--org", tree.city.code, "--role", "admin")
    assert not User.objects.filter(username="li").exists()


def test_a_weak_new_password_changes_nothing_of_an_existing_official(tree):
    call_command(
        "create_official", "zhao", "--org", tree.village.code, "--role", "operator", "--password", "pw-123456"
    )
    with pytest.raises(CommandError, match="密码不符合要求"):
        call_command(
            "create_official", "zhao", "--org", tree.township.code, "--role", "leader", "--password", "1"
        )
    user = User.objects.get(username="zhao")
    assert (user.org, user.role, user.check_password("pw-123456")) == (tree.village, "operator", True)
