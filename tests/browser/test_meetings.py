"""The progress meeting rota (工作推进会) in a real browser: the year view on a phone, and a host
chosen over the rota's proposal through the reason dialog. Assertions rest on the database,
element ids and the services' Chinese messages, not on translated labels."""

from __future__ import annotations

import pytest

from monthly.models import Meeting, MonthlyEvent
from tests.browser.helpers import PHONE
from tests.monthly.helpers import Rota, months, schedule

pytestmark = pytest.mark.browser


@pytest.fixture
def rota(transactional_db):
    rota = Rota()
    for i, (y, m) in enumerate(months(2024, 1, 3)):
        schedule(rota.city, y, m, rota.admin, date=f"{y}-{m:02d}-1{i}", topic="四级联创现场推进")
    return rota


def test_the_year_view_fits_a_phone_and_shows_the_twelve_months(live_server, rota, new_page, login, shot):
    page = new_page(PHONE)
    login(page, rota.county_operator)  # a county reads the city's rota
    page.goto(f"{live_server.url}/meetings/?year=2024")
    cards = page.locator("ol.rota > li")
    assert cards.count() == 12
    assert "2024-01-10" in cards.nth(0).inner_text() and rota.counties[0].name in cards.nth(0).inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert page.locator("ol.rota a.button").count() == 0  # no "schedule this month" for a reader
    shot(page, "year-view-phone")
    shot(page, "year-view-phone-first-screen", full_page=False)


def test_the_admin_chooses_another_host_with_a_reason_in_the_dialog(live_server, rota, new_page, login, shot):
    page = new_page(PHONE)
    login(page, rota.admin)
    page.goto(f"{live_server.url}/meetings/proposal/?org={rota.city.pk}&year=2024&month=4")
    page.locator("button[data-dialog=dlg-override]").click()
    dialog = page.locator("#dlg-override")
    assert dialog.is_visible()
    chosen = rota.counties[-1]
    dialog.locator("#override-host").select_option(str(chosen.pk))
    dialog.locator("#override-reason").fill("该县示范片区建成，集中观摩")
    shot(page, "override-dialog", full_page=False)
    with page.expect_navigation():
        dialog.locator("button[type=submit]").click()
    meeting = Meeting.objects.get(year=2024, month=4)
    assert page.url.endswith(f"/meetings/{meeting.pk}/")
    assert meeting.host == chosen and meeting.override_reason == "该县示范片区建成，集中观摩"
    event = MonthlyEvent.objects.get(action="meeting_override")
    assert (event.actor, event.reason) == (rota.admin, "该县示范片区建成，集中观摩")
    assert "该县示范片区建成，集中观摩" in page.locator("main").inner_text()
    shot(page, "meeting-detail")


def test_this_years_view_proposes_the_next_open_month_to_the_admin(live_server, rota, new_page, login, shot):
    from django.utils import timezone

    today = timezone.localdate()
    schedule(rota.city, today.year, today.month, rota.admin, topic="本月推进会")  # this month is taken
    page = new_page(PHONE)
    login(page, rota.admin)
    page.goto(f"{live_server.url}/meetings/")
    year, month = (today.year + 1, 1) if today.month == 12 else (today.year, today.month + 1)
    link = page.locator("#upcoming-title ~ a.button")
    assert f"year={year}&month={month}" in link.get_attribute("href")
    # Counties 1 to 3 hosted in 2024 and the fourth this month: the fifth has never hosted.
    assert rota.counties[4].name in page.locator("#upcoming-title + p").inner_text()
    shot(page, "year-view-admin-phone", full_page=False)
    link.click()
    page.wait_for_url(f"**/meetings/proposal/**month={month}")
    assert page.locator("form[action$='/meetings/schedule/'] input[name=host]").first.get_attribute("value")
    shot(page, "proposal-phone")
