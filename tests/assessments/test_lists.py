"""The assessment lists in index order: newest round first, then the units in tree order; the
rows the API lists are the ones its detail answers; paging through bookmarks (a big scope) gives
the same rows as counting them off; the page and the API cost the same queries for any size."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from assessments.models import Assessment, Round
from assessments.services import campaign_install_default
from demo.drive import drive_to
from indicators.services import indicator_sets_install_defaults
from orgs.models import Organisation
from tests.assessments.helpers import rounds_open
from tests.assessments.test_results import populate
from tests.helpers import api_client_for, make_user, password_login

LIST = "/api/v1/assessments/"


def all_pages(client, size, params=None) -> list[int]:
    ids, page = [], 1
    while True:
        body = client.get(LIST, {"page_size": size, "page": page, **(params or {})}).json()
        ids += [row["id"] for row in body["results"]]
        if body["next"] is None:
            return ids
        page += 1


def expected_order() -> list[int]:
    rows = Assessment.objects.order_by("-round__year", "org__tree_id", "org__lft", "target")
    return list(rows.values_list("pk", flat=True))


@pytest.fixture
def catalogue(db):
    indicator_sets_install_defaults()
    campaign_install_default()
    rounds_open()  # the rounds' windows open today


@pytest.fixture
def two_rounds(catalogue):
    """About 60 units with a 2024 assessment each and a 2023 one for every other unit."""
    populate(1, 3, 3, 5)
    r2023 = Round.objects.get(year=2023)
    later = Assessment.objects.filter(round__year=2024).order_by("pk")
    Assessment.objects.bulk_create(
        Assessment(org_id=a.org_id, round=r2023, target="standard", indicator_set=a.indicator_set)
        for a in later[::2]
    )
    return make_user(Organisation.objects.get(code="530400"), "admin")


def test_the_list_shows_the_newest_round_first_then_the_units_in_tree_order(two_rounds):
    ids = all_pages(api_client_for(two_rounds), 1000)
    assert len(ids) == Assessment.objects.count() > 60
    assert ids == expected_order()


@pytest.mark.parametrize("size", [1, 7, 50])
def test_every_page_size_walks_every_row_once_across_the_rounds(two_rounds, size):
    assert all_pages(api_client_for(two_rounds), size) == expected_order()


def test_a_big_scope_pages_from_bookmarks_and_gives_the_same_rows(two_rounds, settings):
    settings.LIST_COUNT_CACHE_MIN = 1  # every scope counts as big: counts cached, bookmarks kept
    client = api_client_for(two_rounds)
    assert all_pages(client, 7) == expected_order()  # forward: each page starts from a bookmark
    # backward from the last page: each page ends at the bookmark of the page after it
    count = client.get(LIST, {"page_size": 7}).json()["count"]
    last = -(-count // 7)
    ids = []
    for page in range(last, 0, -1):
        ids = [r["id"] for r in client.get(LIST, {"page_size": 7, "page": page}).json()["results"]] + ids
    assert ids == expected_order()


def test_the_count_of_a_small_scope_follows_every_write(world):
    client = api_client_for(world.admin)
    assert client.get(LIST).json()["count"] == 0
    world.declare()
    assert client.get(LIST).json()["count"] == 1
    world.declare(world.tree.sibling_village, actor=world.sibling_operator)
    assert client.get(LIST, {"state": "draft"}).json()["count"] == 2


def test_a_big_scope_keeps_its_count_briefly(world, settings):
    settings.LIST_COUNT_CACHE_MIN = 1
    client = api_client_for(world.admin)
    world.declare()
    assert client.get(LIST).json()["count"] == 1
    world.declare(world.tree.sibling_village, actor=world.sibling_operator)
    body = client.get(LIST).json()
    assert body["count"] == 1  # the count is at most LIST_COUNT_CACHE_SECONDS old
    assert client.get(LIST, {"target": "standard"}).json()["count"] == 2  # other filters: counted


@pytest.mark.parametrize("state", ["draft", "submitted", "reviewed", "accepted", "in_notice"])
def test_a_list_row_is_what_the_detail_answers_for_every_persona(world, state):
    a = drive_to(world.declare(), state, cast=world.cast)
    for user in (world.operator, world.leader, world.county_reviewer, world.admin, world.colleague):
        client = api_client_for(user)
        rows = client.get(LIST).json()["results"]
        detail = client.get(f"{LIST}{a.pk}/")
        if user is world.colleague:
            assert rows == [] and detail.status_code == 404
            continue
        assert rows == [detail.json()], (state, user.username)


def count_queries(client, url, params=None) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, params or {})
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_the_page_and_the_api_cost_the_same_queries_for_10_and_1000_units(catalogue):
    populate(1, 1, 2, 3)
    admin = make_user(Organisation.objects.get(code="530400"), "admin")
    api = api_client_for(admin)
    page = Client()
    assert password_login(page, admin.username)
    small = (count_queries(api, LIST, {"page_size": 1000}), count_queries(page, "/assessments/"))
    last_small = count_queries(page, "/assessments/", {"page": "last"})
    populate(2, 5, 10, 9)
    assert Assessment.objects.count() > 1000
    large = (count_queries(api, LIST, {"page_size": 1000}), count_queries(page, "/assessments/"))
    # API: counts per round + one page; the page adds the session, the user and the rounds.
    assert large == small and small[0] == 2
    assert count_queries(page, "/assessments/", {"page": "last"}) == last_small


def test_a_filter_that_can_match_nothing_is_an_empty_list_not_an_error(world):
    """An id beyond the column's range (which PostgreSQL's backend turns into an empty query) or an
    empty id list: count 0, no rows."""
    from assessments.listing import round_counts

    assert round_counts(Assessment.objects.filter(pk__in=[])) == []
    world.declare()
    response = api_client_for(world.leader).get("/api/v1/assessments/?year=9223372036854775806&round=0")
    assert response.status_code == 200
    assert response.json()["count"] == 0 and response.json()["results"] == []


def test_the_rows_the_database_writes_are_what_the_detail_answers_field_for_field(world):
    """The list's rows are JSON the database wrote (and Python finished): for work in every
    state, totals of any value, a failed veto, a blank outcome, an instant with microseconds and a
    unit name that JSON must escape, each row is the detail's answer, key for key and in order."""
    import datetime as dt
    from decimal import Decimal

    from tests.assessments.helpers import every_kind_of_work

    work = every_kind_of_work(world)
    Organisation.objects.filter(pk=world.tree.village.pk).update(name='北"村\\ 🌾\t组')
    Assessment.objects.filter(pk=work.fill.pk).update(
        self_total=Decimal("85.5"), review_total=Decimal("0"), final_score=Decimal("100"), veto_failed=True
    )
    Assessment.objects.filter(pk=work.decide.pk).update(recheck_total=Decimal("60.12"), outcome="")
    Assessment.objects.filter(pk=work.objection_on.pk).update(
        notice_ends_at=dt.datetime(2024, 5, 1, 8, 30, 15, 250, tzinfo=dt.UTC)
    )
    for user in (world.operator, world.leader, world.county_reviewer, world.admin, work.city_reviewer):
        client = api_client_for(user)
        response = client.get(LIST, {"page_size": 1000})
        assert response["Content-Type"] == "application/json"
        rows = response.json()["results"]
        assert rows, user.username
        for row in rows:
            detail = client.get(f"{LIST}{row['id']}/").json()
            assert list(row.items()) == list(detail.items()), (user.username, row["id"])
    admin_rows = {r["id"]: r for r in api_client_for(world.admin).get(LIST).json()["results"]}
    assert admin_rows[work.fill.pk]["org_name"] == '北"村\\ 🌾\t组'
    assert (admin_rows[work.fill.pk]["self_total"], admin_rows[work.fill.pk]["final_score"]) == (
        "85.50",
        "100.00",
    )
    assert admin_rows[work.fill.pk]["veto_failed"] is True
    assert admin_rows[work.decide.pk]["outcome"] is None
    assert admin_rows[work.rectifying.pk]["rectify_deadline"] is not None


def test_the_list_renders_in_the_browsable_api_too(world):
    """The rows the database wrote go into the browsable API's page as into the JSON answer."""
    a = world.declare()
    client = api_client_for(world.admin)
    page = client.get(LIST, {"format": "api"})
    assert page.status_code == 200 and page["Content-Type"].startswith("text/html")
    assert f"&quot;id&quot;: {a.pk},\n" in page.content.decode()  # indented, as the rest of the page


def listing_rows(user) -> list[dict]:
    from assessments import listing, selectors

    rows = listing.RoundFirstRows(selectors.assessments_for_user(user))
    return rows[0 : rows.count()]
