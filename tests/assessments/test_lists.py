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


def test_a_list_row_is_written_as_each_field_of_its_serializer_would_write_it(world):
    """The list's rows are written straight from the row (no field by field): the same JSON the
    declared fields give, for totals of any number of places, instants in any zone and blanks."""
    import datetime as dt
    from decimal import Decimal

    from django.utils import timezone
    from rest_framework import serializers

    from assessments.api.serializers import AssessmentRowSerializer

    a = drive_to(world.declare(), "in_notice", cast=world.cast)
    (row,) = listing_rows(world.admin)
    east = dt.timezone(dt.timedelta(hours=8))
    variants = [
        row,
        {**row, "self_total": Decimal("85.5"), "review_total": Decimal("0.00")},
        {**row, "final_score": Decimal("99.999"), "review_total": Decimal("-0")},
        {**row, "recheck_total": Decimal("60.125"), "final_score": None, "outcome": ""},
        {**row, "notice_ends_at": dt.datetime(2024, 5, 1, 8, 30, tzinfo=east)},
        {**row, "rectify_deadline": dt.date(2024, 6, 1), "state": "rectifying"},
        {**row, "notice_ends_at": None, "state": "draft", "veto_failed": True},
    ]
    for user in (world.admin, world.leader, world.operator, world.county_reviewer):
        context = {"user": user, "now": timezone.now()}
        for variant in variants:
            fast = AssessmentRowSerializer(context=context).to_representation(variant)
            field_by_field = serializers.Serializer.to_representation(
                AssessmentRowSerializer(context=context), variant
            )
            assert list(fast.items()) == list(field_by_field.items()), (user.username, variant)
    assert a.pk == row["id"]


def listing_rows(user) -> list[dict]:
    from assessments import listing, selectors

    rows = listing.RoundFirstRows(selectors.assessments_for_user(user))
    return rows[0 : rows.count()]
