import pytest
from django.core.cache import cache

from tests.browser.helpers import DESKTOP, PHONE
from tests.browser.test_accessibility import violations

pytestmark = pytest.mark.browser

ADMIN_PAGES = [
    ("admin-index", "/admin/"),
    ("admin-units", "/admin/orgs/organisation/"),
    ("admin-unit", None),
    ("admin-officials", "/admin/orgs/user/"),
    ("admin-official-add", "/admin/orgs/user/add/"),
    ("admin-sets", "/admin/indicators/indicatorset/"),
    ("admin-rounds", "/admin/assessments/round/"),
    ("admin-pace", "/admin/assessments/pacetarget/"),
    ("admin-titles", "/admin/assessments/title/"),
    ("admin-events", "/admin/assessments/event/"),
]


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_probe(live_server, transactional_db, world, new_page, login, viewport):
    cache.clear()
    page = new_page(viewport)
    login(page, world.admin)
    problems = []
    for name, url in ADMIN_PAGES:
        url = url or f"/admin/orgs/organisation/{world.tree.village.pk}/change/"
        page.goto(live_server.url + url)
        problems += violations(page, name)
    for p in problems:
        print(p)
    assert problems == []
