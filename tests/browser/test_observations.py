"""The on-site observation in a real browser at phone width (390 px): the city's inspector fills
the form on site with live total, an over-the-maximum score is refused with the form kept, the
observation saved; the county answers a problem with a photo. Screenshots of each step.

The assertions rest on the database, element ids and the services' Chinese messages."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.cache import cache
from django.utils import timezone
from PIL import Image

from monthly import services
from monthly.models import Observation, ObservationProblem, RubricItem
from tests.browser.helpers import PHONE

try:
    from playwright.sync_api import expect
except ImportError:  # the chromium_browser fixture skips these tests (or fails them under REQUIRE_BROWSER)
    expect = None

pytestmark = pytest.mark.browser


def test_an_inspector_records_an_observation_on_a_phone(
    live_server, transactional_db, world, new_page, login, shot, tmp_path
):
    cache.clear()
    services.rubric_install_default()
    items = list(RubricItem.objects.order_by("order"))
    today = timezone.localdate()
    page = new_page(PHONE)
    login(page, world.admin)
    page.goto(f"{live_server.url}/observations/")
    shot(page, "1-month")
    page.locator(f"a[href*='unit={world.tree.county.pk}']").click()
    page.wait_for_url("**/observations/new/**")
    # Every field fits the phone: nothing wider than the screen, tap targets at least 44 px high.
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    box = page.locator(f"#score-{items[0].pk}").bounding_box()
    assert box["height"] >= 44 and box["width"] >= 300
    page.fill("#obs-inspectors", "张明、李华")
    for item, value in zip(items, ["27", "26", "20", "18"], strict=True):
        page.fill(f"#score-{item.pk}", value)
    expect(page.locator("[data-total-out]")).to_have_text("91")
    expect(page.locator(f"#score-{items[1].pk}.out-of-range")).to_have_count(1)
    page.fill("#problem-0", "台账不全")
    page.fill("#deadline-0", (today + dt.timedelta(days=30)).isoformat())
    shot(page, "2-form-filled", full_page=False)
    with page.expect_navigation():
        page.locator(".obs-save").click()
    expect(page.locator("main .messages li.error")).to_contain_text("超过该项满分 25")
    expect(page.locator("#problem-0")).to_have_value("台账不全")
    assert Observation.objects.count() == 0
    shot(page, "3-refused")
    page.fill(f"#score-{items[1].pk}", "22")
    with page.expect_navigation():
        page.locator(".obs-save").click()
    o = Observation.objects.get()
    assert page.url.endswith(f"/observations/{o.pk}/")
    assert str(o.total) == "87.0" and o.inspectors == ["张明", "李华"]
    shot(page, "4-saved")

    # The county answers the problem with a photo, from its phone.
    problem = ObservationProblem.objects.get(observation=o)
    photo = tmp_path / "fixed.png"
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (30, 140, 60)).save(buffer, "PNG")
    photo.write_bytes(buffer.getvalue())
    county = new_page(PHONE)
    login(county, world.county_leader)
    county.goto(f"{live_server.url}/observations/{o.pk}/")
    county.fill(f"#note-{problem.pk}", "已补齐台账")
    county.set_input_files(f"#answer-photo-{problem.pk}", str(photo))
    with county.expect_navigation():
        county.locator(f"#problem-{problem.pk} button[type=submit]").click()
    problem.refresh_from_db()
    assert problem.answer_note == "已补齐台账" and problem.photos.count() == 1
    expect(county.locator(f"#problem-{problem.pk} img.obs-thumb")).to_have_count(1)
    shot(county, "5-answered")
