import re

from django.contrib.staticfiles import finders

from tests.helpers import password_login


def test_the_login_page_is_in_chinese_by_default(db, client):
    page = client.get("/accounts/login/").content.decode()
    assert '<html lang="zh-hans">' in page
    assert "登录" in page and "用户名" in page and "密码" in page


def test_a_wrong_password_shows_a_chinese_error(db, client, tree, user_factory):
    user_factory(tree.village, "operator", username="op")
    page = client.post("/accounts/login/", {"username": "op", "password": "wrong"}).content.decode()
    assert "请输入一个正确的" in page


def test_the_home_page_needs_a_login_and_greets_the_official(db, client, tree, user_factory):
    assert client.get("/").status_code == 302
    user_factory(tree.village, "operator", username="op")
    assert password_login(client, "op")
    page = client.get("/").content.decode()
    assert tree.village.name in page


def test_english_is_available(db, client):
    client.cookies["django_language"] = "en"
    page = client.get("/accounts/login/").content.decode()
    assert '<html lang="en">' in page and "Log in" in page


def test_pages_load_no_asset_from_outside(db, client):
    for url in ("/accounts/login/", "/api/docs/"):
        page = client.get(url).content.decode()
        external = re.findall(r"""(?:src|href)=["'](https?://[^"']+)""", page)
        assert external == [], (url, external)
    assert finders.find("vendor/htmx/htmx.min.js")


def test_the_openapi_schema_and_docs_are_served(db, client):
    schema = client.get("/api/schema/")
    assert schema.status_code == 200 and b"/api/v1/orgs/" in schema.content
    docs = client.get("/api/docs/").content.decode()
    assert "swagger-ui" in docs and "/static/drf_spectacular_sidecar/" in docs


def test_an_english_browser_still_gets_chinese_until_the_user_switches(db, client):
    page = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert '<html lang="zh-hans">' in page
    client.post("/i18n/setlang/", {"language": "en", "next": "/accounts/login/"})
    assert '<html lang="en">' in client.get("/accounts/login/").content.decode()


def test_a_label_before_a_value_carries_its_colon_in_the_translation():
    """In Chinese a label ends in a full-width colon (联系方式：); an ASCII colon written after the
    translated label in the template shows as 联系方式: on every Chinese page."""
    from pathlib import Path

    from django.conf import settings

    after_label = re.compile(r"\{% (?:translate \"[^\"]+\"|endblocktranslate) %\}:")
    found = [
        f"{path.relative_to(settings.BASE_DIR)}:{n}"
        for path in sorted(Path(settings.BASE_DIR, "templates").rglob("*.html"))
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if after_label.search(line)
    ]
    assert found == []


def test_every_heading_of_our_own_apps_is_in_chinese_in_the_admin(settings):
    """系统管理 groups its lists under each app's name: ours are named in Chinese."""
    from django.apps import apps
    from django.utils import translation

    ours = [
        a
        for a in apps.get_app_configs()
        if str(a.path).startswith(str(settings.BASE_DIR)) and "site-packages" not in str(a.path)
    ]
    assert {a.label for a in ours} >= {"orgs", "indicators", "assessments", "monthly", "reports", "core"}
    with translation.override("zh-hans"):
        english = [
            f"{a.label}: {a.verbose_name}"
            for a in ours
            if not re.search(r"[\u4e00-\u9fff]", str(a.verbose_name))
        ]
    assert english == []
