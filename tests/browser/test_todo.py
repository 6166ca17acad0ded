"""The to-do on a 390 px phone: one tap from the item to the work, every button a big target."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from playwright.sync_api import expect

from tests.assessments.helpers import every_kind_of_work
from tests.browser.helpers import PHONE
from tests.browser.test_flows import check_phone_page

pytestmark = pytest.mark.browser


def tap_targets(page) -> list[dict]:
    return page.evaluate(
        """() => [...document.querySelectorAll('.work-go, .work-all, .todo-item a')].map(e => {
            const r = e.getBoundingClientRect();
            return {text: e.textContent.trim(), width: r.width, height: r.height};
        })"""
    )


def test_one_tap_from_the_todo_to_the_sheet_on_a_phone(
    live_server, transactional_db, world, new_page, login, shot
):
    cache.clear()
    a = world.declare()
    phone = new_page(PHONE)
    login(phone, world.operator)
    phone.goto(f"{live_server.url}/")
    go = phone.locator(f"a.work-go[href='/assessments/{a.pk}/sheet/self/']")
    expect(go).to_be_visible()
    assert go.bounding_box()["height"] >= 44
    assert check_phone_page(phone, "todo-operator", shot) == []
    with phone.expect_navigation():
        go.click()
    assert phone.url.endswith(f"/assessments/{a.pk}/sheet/self/")
    expect(phone.locator("#sheet input[data-score]").first).to_be_visible()
    shot(phone, "phone-sheet-after-one-tap", full_page=False)


def test_every_kind_of_work_fits_a_phone(live_server, transactional_db, world, new_page, login, shot):
    cache.clear()
    work = every_kind_of_work(world)
    problems: list[str] = []
    for user, name in [
        (world.leader, "leader"),
        (world.county_leader, "county-leader"),
        (world.admin, "admin"),
        (world.parent_operator, "township-operator"),
    ]:
        phone = new_page(PHONE)
        login(phone, user)
        phone.goto(f"{live_server.url}/todo/")
        assert phone.locator(".work-go").count() >= 1
        problems += check_phone_page(phone, f"todo-{name}", shot)
        problems += [f"{name}: {t}" for t in tap_targets(phone) if t["height"] < 44 or t["width"] < 44]
    assert problems == []
    # the leader's objection button opens the assessment page at its objections, with the form
    phone = new_page(PHONE)
    login(phone, world.leader)
    phone.goto(f"{live_server.url}/")
    with phone.expect_navigation():
        phone.locator(f"a.work-go[href='/assessments/{work.objection_on.pk}/#objections']").click()
    expect(phone.locator("#objections form.decide")).to_be_visible()
