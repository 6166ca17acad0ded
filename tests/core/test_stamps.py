"""The data stamp and the pages cached under it: a write that commits shows at once, a write that
rolls back changes nothing, plumbing does not throw the cache away, and a cached dashboard costs a
handful of queries whatever the size of the tree."""

from __future__ import annotations

import re

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.db import transaction
from django.test.utils import CaptureQueriesContext

from orgs.models import Organisation
from orgs.services import NewOrg, orgs_bulk_load
from tests.assessments.test_results import grant
from tests.helpers import login, rebuild_rollups
from yuxi_campaign.core.stamps import stamp_read

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_committed_write_bumps_the_stamp_once_and_a_rolled_back_one_not_at_all(tree):
    before = stamp_read()
    with transaction.atomic():
        for name in ("甲", "乙", "丙"):  # three writes, one transaction: one bump
            Organisation.objects.filter(pk=tree.village.pk).update(name=name)
    assert stamp_read() == before + 1
    with pytest.raises(RuntimeError), transaction.atomic():
        Organisation.objects.filter(pk=tree.village.pk).update(name="丁")
        raise RuntimeError("the write fails")
    assert stamp_read() == before + 1
    Organisation.objects.filter(pk=tree.village.pk).update(name="戊")  # autocommit: at once
    assert stamp_read() == before + 2


def test_plumbing_writes_leave_the_stamp_alone(tree):
    before = stamp_read()
    session = SessionStore()
    session["x"] = 1
    session.save()
    assert stamp_read() == before


def test_a_bulk_load_by_copy_bumps_the_stamp(tree):
    before = stamp_read()
    orgs_bulk_load(rows=[NewOrg("530499", "新县", "county", "县", "530400")])
    assert stamp_read() > before


def _dashboard(client, url="/dashboard/"):
    with CaptureQueriesContext(transaction.get_connection()) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return response.content.decode(), len(queries)


def _main(html: str) -> str:
    return html.split("<main", 1)[1].split("</main>", 1)[0]


def _standard_held(html: str) -> str:
    return re.search(r"<dt>[^<]*达标[^<]*</dt><dd>(.*?)</dd>", html, re.S).group(1)


def test_the_dashboard_is_served_from_the_cache_until_a_write_commits(world):
    client = login(world.admin)
    first, built = _dashboard(client)
    again, cached = _dashboard(client)
    assert _main(again) == _main(first)  # the page around it is drawn for each request (its token)
    # the session, the user, the user's unit (the policy), the stamp: nothing grows with the tree
    assert cached <= 4 < built
    township = f"/dashboard/?org={world.tree.township.pk}&year=2024"
    before, _ = _dashboard(client, township)
    _dashboard(client, township)
    grant(world.tree.village, 2024)  # commits: the next view is built again and shows the title
    rebuild_rollups()  # (the helper writes the title alone; the services keep the rollups)
    after, rebuilt = _dashboard(client, township)
    assert rebuilt > cached
    assert _standard_held(before).startswith('<span class="held">0 / ')
    assert _standard_held(after).startswith('<span class="held">1 / ')


def _heading(html: str) -> str:
    return html.split("<h1>")[1].split("</h1>")[0]


def test_the_cache_keeps_each_scope_user_unit_and_language_apart(world):
    admin = login(world.admin)
    city, _ = _dashboard(admin)
    county, _ = _dashboard(admin, f"/dashboard/?org={world.tree.county.pk}")
    assert world.tree.city.name in _heading(city) and world.tree.county.name in _heading(county)
    # the county's leader asks for the same URL as the city's admin and gets the county
    own, _ = _dashboard(login(world.county_leader))
    assert world.tree.county.name in _heading(own)
    admin.cookies["django_language"] = "en"
    english, _ = _dashboard(admin)
    assert "Year" in _heading(english) and "Year" not in _heading(city)


def test_a_unit_outside_the_scope_is_not_found_even_when_its_page_is_cached(world):
    url = f"/dashboard/?org={world.tree.other_county.pk}"
    assert login(world.admin).get(url).status_code == 200  # cached now, for the city
    assert login(world.county_leader).get(url).status_code == 404


def test_the_league_answer_is_cached_until_a_write_commits(world, api_for):
    api = api_for(world.admin)
    url = "/api/v1/league/?level=county&year=2024&month=6"
    with CaptureQueriesContext(transaction.get_connection()) as built:
        first = api.get(url)
    with CaptureQueriesContext(transaction.get_connection()) as cached:
        again = api.get(url)
    assert first.status_code == again.status_code == 200 and again.json() == first.json()
    assert len(cached) <= 3 < len(built)  # the token's user, the stamp
    assert api_for(world.village_leader).get(url).status_code == 403  # cached or not
    Organisation.objects.filter(pk=world.tree.county.pk).update(name="改名县")
    renamed = api.get(url).json()
    assert "改名县" in str(renamed) and "改名县" not in str(first.json())
