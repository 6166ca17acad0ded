"""What the browser tests share besides fixtures: the two window sizes and logging in through the
real form."""

from __future__ import annotations

from tests.helpers import PASSWORD

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


def log_in(page, base_url: str, username: str, password: str = PASSWORD) -> None:
    """Log in through the real login form and wait until the browser has left it."""
    page.goto(f"{base_url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    assert "/accounts/login/" not in page.url, f"login as {username} failed: still on {page.url}"
