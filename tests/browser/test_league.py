"""The league table (擂台比武) in Chromium, at desktop and phone width: the table with its change
arrows (and their words for screen readers), the first and last three marked, the rank trend
drawn beside its numbers, and a page that does not scroll sideways on a phone. Screenshots go to
test-artifacts/browser/."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from assessments.services import campaign_install_default
from indicators.services import indicator_sets_install_defaults
from monthly.models import Observation
from orgs.models import Organisation
from orgs.services import orgs_bulk_load
from tests.browser.helpers import DESKTOP, PHONE
from tests.helpers import make_user, tree_rows

pytestmark = pytest.mark.browser

CHART = """() => {
  const el = document.querySelector('[data-chart=league]');
  const chart = echarts.getInstanceByDom(el);
  const canvas = el.querySelector('canvas');
  const pixels = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
  let painted = 0;
  for (let i = 3; i < pixels.length; i += 4) if (pixels[i] > 0) painted++;
  return {series: chart.getOption().series.map(s => s.data.length), width: el.clientWidth, painted: painted};
}"""


@pytest.fixture
def seven(transactional_db):
    """Seven counties observed by the city every month of this year so far, their scores
    shifting month by month (so the ranks change)."""
    orgs_bulk_load(rows=tree_rows(counties=7, townships=1, villages=1, groups=1))
    indicator_sets_install_defaults()
    campaign_install_default()
    city = Organisation.objects.get(code="530400")
    counties = list(Organisation.objects.filter(parent=city).order_by("code"))
    today = timezone.localdate()
    for month in range(1, today.month + 1):
        for n, county in enumerate(counties):
            if month == today.month and n == len(counties) - 1:
                continue  # this month, the last county is still to be visited
            total = 60 + (n * 7 + month * 11) % 38
            Observation.objects.create(
                observer=city,
                unit=county,
                year=today.year,
                month=month,
                date=dt.date(today.year, month, 3),
                total=Decimal(total),
            )
    return make_user(city, "leader"), counties


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_the_league_table_with_its_trend_chart(live_server, seven, new_page, login, shot, viewport):
    leader, counties = seven
    page = new_page(viewport)
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    login(page, leader)
    page.locator("nav a[href='/league/']").click()
    page.wait_for_url(f"{live_server.url}/league/")
    expect(page.locator("h1")).to_contain_text("擂台比武")
    rows = page.locator(".league-table tbody tr")
    expect(rows).to_have_count(7)
    expect(page.locator(".league-table tr.is-leader")).to_have_count(3)
    expect(page.locator(".league-table tr.is-trailing")).to_have_count(3)
    expect(page.locator(".league-table .badge.lead")).to_have_count(3)  # words, not colour alone
    expect(page.locator(".league-table", has_text="本月未观摩")).to_be_visible()
    if timezone.localdate().month > 1:  # an arrow and its words for each change of rank
        moved = page.locator(".league-table .change .visually-hidden", has_text="位")
        assert moved.count() >= 1
    page.wait_for_function("document.querySelector('[data-chart=league]').dataset.drawn === 'true'")
    chart = page.evaluate(CHART)
    assert chart["series"] == [timezone.localdate().month] * 7, chart
    assert chart["painted"] > 2000 and chart["width"] <= viewport["width"], chart
    expect(page.locator(".chart-numbers tbody tr")).to_have_count(7)
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    shot(page, "league")
    # Another month, from the form.
    if timezone.localdate().month > 1:
        page.select_option("#l-month", "1")
        with page.expect_navigation():
            page.locator("form.league-filters button[type=submit]").click()
        assert "month=1" in page.url
        expect(page.locator("h1")).to_contain_text("1 月")
        expect(page.locator(".league-table .badge", has_text="新")).to_have_count(7)
    assert errors == []
