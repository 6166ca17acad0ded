"""The dashboard in Chromium, at desktop and phone width: the city admin lands on it, its charts are
drawn (each ECharts instance has its series and its canvas is not blank), the city drills down
to a village through the pace table and the breadcrumb, and the printed page has no navigation.
Screenshots go to test-artifacts/browser/."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from assessments import services
from assessments.models import Round, State
from demo.drive import Cast, drive_to
from tests.browser.helpers import DESKTOP, PHONE

pytestmark = pytest.mark.browser

# Per chart: the series of its ECharts instance, and how many pixels of its canvas are painted.
CHARTS = """() => Array.from(document.querySelectorAll('[data-chart]')).map(el => {
  const chart = echarts.getInstanceByDom(el);
  const canvas = el.querySelector('canvas');
  let painted = 0;
  if (canvas) {
    const pixels = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
    for (let i = 3; i < pixels.length; i += 4) if (pixels[i] > 0) painted++;
  }
  return {
    name: el.dataset.chart,
    series: chart ? chart.getOption().series.map(s => s.data.length) : [],
    width: el.clientWidth,
    painted: painted,
  };
})"""


@pytest.fixture
def titled(world):
    """Titles in two years so the charts have something to draw: the village's 达标 in 2022 and
    its 示范 in 2023, its sibling's 达标 in 2023 and its 示范 waiting for review in 2024."""
    rounds = {r.year: r for r in Round.objects.all()}
    sibling = Cast(
        operator=world.sibling_operator,
        reviewer=world.reviewer,
        leader=world.leader,
        rechecker=world.county_reviewer,
    )
    for org, year, target, cast in [
        (world.tree.village, 2022, "standard", world.cast),
        (world.tree.village, 2023, "demonstration", world.cast),
        (world.tree.sibling_village, 2023, "standard", sibling),
    ]:
        a = services.assessment_declare(org=org, round=rounds[year], target=target, actor=cast.operator)
        drive_to(a, State.NAMED, cast=cast)
    waiting = services.assessment_declare(
        org=world.tree.sibling_village, round=rounds[2024], target="demonstration", actor=sibling.operator
    )
    drive_to(waiting, State.SUBMITTED, cast=sibling)
    return world


def charts_drawn(page, count: int = 3) -> list[dict]:
    page.wait_for_function(f"document.querySelectorAll('[data-chart] canvas').length === {count}")
    return page.evaluate(CHARTS)


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_the_city_admin_lands_on_the_dashboard_with_its_charts_drawn(
    live_server, transactional_db, titled, new_page, login, shot, viewport
):
    page = new_page(viewport)
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    login(page, titled.admin)
    assert page.url == f"{live_server.url}/dashboard/", "the organisation department lands on the dashboard"
    expect(page.locator("h1")).to_contain_text("玉溪市")
    charts = charts_drawn(page)
    assert [c["name"] for c in charts] == ["bars", "trend", "workflow"]
    for chart in charts:
        assert chart["series"] and all(n > 0 for n in chart["series"]), chart
        assert chart["painted"] > 2000, chart  # a drawn canvas, not a blank one
        assert chart["width"] <= viewport["width"], chart
    # the page itself does not scroll sideways on a phone: wide tables scroll in their own box
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    expect(page.locator(".pace-table tbody tr")).to_have_count(2)  # the two counties
    expect(page.locator(".pace-table tfoot th")).to_have_text("合计")
    shot(page, "dashboard")
    page.emulate_media(media="print")
    expect(page.locator("header.topbar")).to_be_hidden()
    expect(page.locator("form.filters")).to_be_hidden()
    expect(page.locator("#chart-trend canvas")).to_be_visible()
    shot(page, "print")
    assert errors == []


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_the_city_drills_down_to_a_village_and_back_up_the_breadcrumb(
    live_server, transactional_db, titled, new_page, login, shot, viewport
):
    tree = titled.tree
    page = new_page(viewport)
    login(page, titled.admin)
    for unit in (tree.county, tree.township, tree.village):
        with page.expect_navigation():
            page.locator(".pace-table tbody th a", has_text=unit.name).click()
        assert f"org={unit.pk}" in page.url  # the scope is in the address: it can be bookmarked
        expect(page.locator(".crumbs [aria-current=page]")).to_have_text(unit.name)
    path = [tree.city.name, tree.county.name, tree.township.name, tree.village.name]
    expect(page.locator(".crumbs a")).to_have_text(path)
    # a village's children are its groups, the bottom of the tree: named, not linked
    expect(page.locator(".pace-table tbody th", has_text=tree.group.name)).to_be_visible()
    expect(page.locator(".pace-table tbody th a")).to_have_count(0)
    charts = charts_drawn(page, 2)  # no bars: the groups have no units below them
    assert [c["name"] for c in charts] == ["trend", "workflow"]
    assert all(c["painted"] > 2000 for c in charts), charts
    shot(page, "village")
    with page.expect_navigation():
        page.locator(".crumbs a", has_text=tree.county.name).click()
    assert page.url.endswith(f"?org={tree.county.pk}&year=2024")
    expect(page.locator(".pace-table tbody th a", has_text=tree.township.name)).to_be_visible()


def test_a_county_leader_sees_only_the_county_and_a_reviewer_gets_no_dashboard(
    live_server, transactional_db, titled, new_page, login
):
    page = new_page(PHONE)
    login(page, titled.county_leader)
    assert page.url == f"{live_server.url}/dashboard/"
    expect(page.locator(".crumbs a")).to_have_text([titled.tree.county.name])
    assert page.goto(f"{live_server.url}/dashboard/?org={titled.tree.other_county.pk}").status == 404
    other = new_page(PHONE)
    login(other, titled.reviewer)
    assert other.url == f"{live_server.url}/"
    expect(other.locator("nav a[href='/dashboard/']")).to_have_count(0)
    assert other.goto(f"{live_server.url}/dashboard/").status == 403
