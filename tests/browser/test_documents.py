"""The printed documents in a real browser: the 公示 as the printer sees it (print media, A4
width): the sheet with the units, no site navigation, no tools."""

from __future__ import annotations

import pytest

from assessments.models import State
from tests.reports.helpers import drive

pytestmark = pytest.mark.browser

A4_AT_96_DPI = {"width": 794, "height": 1123}  # 210 × 297 mm


def test_notice_prints_the_sheet_alone(live_server, transactional_db, world, new_page, login, shot):
    village = drive(world, world.tree.village, State.IN_NOTICE)
    community = drive(world, world.tree.community, State.IN_NOTICE)
    page = new_page(A4_AT_96_DPI)
    login(page, world.admin)
    page.goto(f"{live_server.url}/documents/notice/?year=2024&target=standard")

    # On screen: the tools above the sheet.
    shot(page, "notice-screen")
    assert page.locator(".doc-tools").is_visible()
    assert page.locator("[data-print]").is_visible()

    page.emulate_media(media="print")
    shot(page, "notice-print")
    assert page.locator("nav").count() == 0
    assert not page.locator(".doc-tools").is_visible()
    assert not page.locator("button").first.is_visible()
    title = page.locator("h1.doc-title")
    assert title.is_visible()
    assert title.inner_text() == "关于玉溪市“四级联创”达标党组织的公示"
    sheet = page.locator("main.sheet")
    for a in (village, community):
        assert sheet.get_by_role("cell", name=a.org.name, exact=True).is_visible()
        assert sheet.get_by_role("cell", name=str(a.final_score), exact=True).first.is_visible()
    # The sheet takes the printable width (no screen padding, no shadow), the issuer at the right.
    box = sheet.bounding_box()
    assert box["x"] <= 10 and box["width"] >= A4_AT_96_DPI["width"] - 20
    issuer = page.locator(".issuer p").first
    assert issuer.inner_text() == "中共玉溪市委组织部"
    assert page.evaluate("getComputedStyle(document.querySelector('.issuer')).textAlign") == "right"


def test_score_sheet_prints_with_signature_lines(live_server, transactional_db, world, new_page, login, shot):
    a = drive(world, world.tree.village, State.RECHECKED)
    page = new_page(A4_AT_96_DPI)
    login(page, world.leader)
    page.goto(f"{live_server.url}/assessments/{a.pk}/")
    with page.expect_navigation():
        page.locator(f'a[href="/documents/score-sheet/{a.pk}/"]').click()
    page.emulate_media(media="print")
    shot(page, "score-sheet-print")
    assert not page.locator(".doc-tools").is_visible()
    rows = page.locator("main.sheet table.doc-table").nth(1).locator("tbody tr:not(.group)")
    assert rows.count() == a.indicator_set.indicators.filter(applies_to__in=["all", a.org.area_type]).count()
    assert page.locator("tfoot td").last.inner_text() == str(a.final_score)
    assert page.locator(".signatures p").count() == 5
