"""Browser tests: Playwright's sync API driving Debian's Chromium (Playwright's own browser download
does not work here) against pytest-django's live server.

Run with ``pytest tests/browser``. Without Chromium on PATH the tests are skipped, unless
``REQUIRE_BROWSER`` is set (CI sets it), where they fail instead. Screenshots of the important steps
go to ``test-artifacts/browser/<test>-<step>.png``."""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.browser.helpers import DESKTOP, log_in
from tests.helpers import PASSWORD

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "browser"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-gpu",
]
TIMEOUT_MS = 10_000


@pytest.fixture(scope="package", autouse=True)
def allow_orm_beside_playwright():
    """Playwright's sync API keeps an event loop running in the test thread for as long as it is
    started; Django then refuses ORM calls ("You cannot call this from an async context"), in the
    tests and in the database flush after each of them. DJANGO_ALLOW_ASYNC_UNSAFE lifts that, for
    the tests of this package only: set at import it would leak into the whole run and its
    subprocesses (`manage.py check --deploy` in tests/test_settings.py then fails with async.E001)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        yield


def _unavailable(message: str) -> None:
    if os.environ.get("REQUIRE_BROWSER"):
        pytest.fail(f"REQUIRE_BROWSER is set but the browser tests cannot run: {message}", pytrace=False)
    pytest.skip("browser tests need Debian's chromium on PATH (apt-get install chromium fonts-noto-cjk)")


@pytest.fixture(scope="package")
def chromium_browser(allow_orm_beside_playwright):
    """One Chromium for the browser tests. Package-scoped, not session-scoped: Playwright is
    stopped when the last test of tests/browser is done, so that its event loop is gone before
    any other test of a full run touches the database."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("the playwright package is not installed (pip install -e '.[dev]')")
    executable = shutil.which("chromium")
    if executable is None:
        _unavailable("no `chromium` on PATH (apt-get install chromium fonts-noto-cjk)")
    manager = sync_playwright().start()
    try:
        browser = manager.chromium.launch(executable_path=executable, headless=True, args=CHROMIUM_ARGS)
    except Exception as exc:  # a broken install must not look like a passing run in CI
        manager.stop()
        _unavailable(f"Chromium at {executable} did not start: {exc}")
    yield browser
    browser.close()
    manager.stop()


@pytest.fixture
def new_page(chromium_browser):
    """Opens pages in fresh contexts (own cookies), closed after the test: ``new_page(viewport=PHONE)``."""
    contexts = []

    def open_page(viewport: dict | None = None):
        context = chromium_browser.new_context(viewport=viewport or DESKTOP, locale="zh-CN")
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page):
    """A desktop page (1280×900, zh-CN) in a fresh context of its own."""
    return new_page()


@pytest.fixture
def shot(request) -> Callable:
    """``shot(page, "step")`` saves a full-page screenshot as test-artifacts/browser/<test>-<step>.png;
    ``full_page=False`` keeps to the viewport (what a phone shows before scrolling)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    name = re.sub(r"[^\w.-]+", "_", request.node.name)

    def save(page, step: str, *, full_page: bool = True) -> Path:
        path = ARTIFACTS / f"{name}-{step}.png"
        page.screenshot(path=str(path), full_page=full_page)
        return path

    return save


@pytest.fixture
def login(live_server) -> Callable:
    def do(page, user, password: str = PASSWORD) -> None:
        log_in(page, live_server.url, user.username, password)

    return do


@pytest.fixture
def accept_dialogs() -> Callable[[object], list[str]]:
    """Accepts every window.confirm of a page (and records the messages)."""

    def attach(page) -> list[str]:
        seen: list[str] = []

        def on_dialog(dialog):
            seen.append(dialog.message)
            dialog.accept()

        page.on("dialog", on_dialog)
        return seen

    return attach
