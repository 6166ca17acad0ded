"""The public showcase of model sites on a phone (390 px): no login, cards with their photo, the
filters working without JavaScript, and a site's own page."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from demo.sites import demo_photo
from monthly import services
from monthly.models import SiteKind
from tests.browser.helpers import PHONE
from tests.helpers import make_user

pytestmark = pytest.mark.browser


@pytest.fixture
def sites(tree):
    services.site_kinds_install_defaults()
    kinds = {k.name: k for k in SiteKind.objects.all()}
    leader = make_user(tree.county, "leader", "county-leader")
    other = make_user(tree.other_county, "leader", "other-leader")
    made = {}
    for key, actor, org, kind, highlight in [
        ("village", leader, tree.village, "村", "村办公司带富一方"),
        ("community", leader, tree.community, "社区", "网格党建全覆盖"),
        ("far", other, tree.far_village, "村", "芒果产业富了山坡"),
    ]:
        site = services.site_create(actor=actor, org_id=org.pk, kind=kinds[kind], highlight=highlight)
        photo = SimpleUploadedFile("p.jpg", demo_photo(org.name, highlight), content_type="image/jpeg")
        services.site_photo_add(actor=actor, site_id=site.pk, upload=photo, caption=highlight)
        made[key] = site
    return made


def test_a_visitor_browses_the_showcase_on_a_phone(
    live_server, transactional_db, tree, sites, new_page, shot
):
    page = new_page(PHONE)
    page.goto(f"{live_server.url}/showcase/")
    cards = page.locator(".site-card")
    assert cards.count() == 3
    # every thumbnail loaded (a real image of its own size, not a broken link); lazy images below
    # the first screen may still be on their way when the page's load event has fired
    page.wait_for_function("Array.from(document.images).every(i => i.complete)")
    assert page.evaluate("Array.from(document.images).every(i => i.complete && i.naturalWidth > 0)")
    # one column, nothing wider than the phone
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    first = cards.first.bounding_box()
    assert first["width"] > PHONE["width"] - 60
    shot(page, "phone", full_page=False)
    shot(page, "phone-full")

    # the filters are a plain GET form: no script needed
    page.select_option("#f-county", str(tree.other_county.pk))
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    assert f"county={tree.other_county.pk}" in page.url
    assert cards.count() == 1 and "芒果产业富了山坡" in cards.first.inner_text()

    with page.expect_navigation():
        cards.first.locator("h2 a").click()
    assert page.url.endswith(f"/showcase/{sites['far'].pk}/")
    assert page.locator(".site-photos img").count() == 1
    shot(page, "detail")
