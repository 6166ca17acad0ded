"""Who may open the department's registers, over which subtree, and what a bad filter answers;
and the query counts of the pages and endpoints, the same for a small and a bigger tree."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from assessments.models import Assessment
from assessments.services import campaign_install_default
from indicators.services import indicator_sets_install_defaults
from orgs.models import Organisation
from orgs.services import orgs_bulk_load
from reports.policy import may_read_reports
from tests.assessments.helpers import rounds_real_dates
from tests.helpers import api_client_for, login, make_user, tree_rows

from .conftest import assessment, title

PAGES = ["/dashboard/late/", "/dashboard/titles/", "/dashboard/calibration/"]
ENDPOINTS = ["/api/v1/late/", "/api/v1/titles/"]


@pytest.mark.parametrize("url", PAGES)
@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("admin", 200),
        ("city_leader", 200),
        ("county_leader", 200),
        ("leader", 200),  # the township's
        ("village_leader", 403),
        ("operator", 403),
        ("reviewer", 403),
        ("county_reviewer", 403),
    ],
)
def test_admins_and_leaders_down_to_townships_open_the_pages_and_nobody_else(world, url, who, status):
    user = make_user(world.tree.city, "leader") if who == "city_leader" else getattr(world, who)
    assert may_read_reports(user) is (status == 200)
    assert login(user).get(url).status_code == status


@pytest.mark.parametrize("url", PAGES)
def test_the_pages_only_read(world, url):
    assert login(world.admin).post(url).status_code == 405


@pytest.mark.parametrize("url", PAGES)
def test_a_visitor_is_sent_to_the_login(client, world, url):
    response = client.get(url)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("url", PAGES)
def test_a_leader_may_narrow_to_a_unit_below_but_not_look_outside_the_subtree(world, url):
    county = login(world.county_leader)
    assert county.get(url, {"org": world.tree.township.pk}).status_code == 200
    assert county.get(url, {"org": world.tree.other_county.pk}).status_code == 404
    assert county.get(url, {"org": world.tree.city.pk}).status_code == 404
    township = login(world.leader)
    assert township.get(url, {"org": world.tree.county.pk}).status_code == 404
    assert township.get(url, {"org": world.tree.far_township.pk}).status_code == 404


def test_the_late_list_of_a_county_leader_holds_the_county_only(world):
    rounds_real_dates()  # the year's windows have closed: the undeclared units are late
    response = login(world.county_leader).get("/dashboard/late/", {"year": 2024, "page": 1})
    table = response.context["late"]["table"]
    codes = [row[0] for row in table.rows]
    assert codes and all(code.startswith(world.tree.county.code) for code in codes)
    assert table.scope == world.tree.county.name
    api = api_client_for(world.leader).get("/api/v1/late/", {"page_size": 1000}).json()["results"]
    assert api and all(r["unit"]["code"].startswith(world.tree.township.code) for r in api)


def test_every_official_reads_the_api_registers_of_the_own_subtree(world):
    title(world.tree.village, 2023)
    title(world.tree.far_village, 2023)
    for user, codes in [
        (world.operator, {world.tree.village.code}),
        (world.colleague, {world.tree.far_village.code}),
        (world.admin, {world.tree.village.code, world.tree.far_village.code}),
    ]:
        rows = api_client_for(user).get("/api/v1/titles/").json()["results"]
        assert {r["unit"]["code"] for r in rows} == codes


@pytest.mark.parametrize("url", ENDPOINTS)
def test_the_api_registers_refuse_a_visitor(world, url):
    assert api_client_for(None).get(url).status_code == 403


BAD = [
    ({"year": "abc"}, 400, "year"),
    ({"year": "１"}, 400, "year"),
    ({"year": "1999"}, 400, "1999"),
    ({"year": str(2**63 - 1)}, 400, str(2**63 - 1)),
    ({"year": str(2**63)}, 400, "year"),
    ({"org": "x"}, 400, "org"),
    ({"within": "-1"}, 400, "within"),
]


@pytest.mark.parametrize("url", PAGES)
@pytest.mark.parametrize(("params", "status", "named"), BAD)
def test_a_bad_filter_on_a_page_answers_400_with_the_reason(world, url, params, status, named):
    response = login(world.admin).get(url, params)
    assert response.status_code == status
    assert named in response.content.decode()
    assert "<table" not in response.content.decode()


@pytest.mark.parametrize("url", [*ENDPOINTS])
@pytest.mark.parametrize(("params", "status", "named"), [p for p in BAD if "org" not in p[0]])
def test_a_bad_filter_of_the_api_answers_400_with_the_reason(world, url, params, status, named):
    response = api_client_for(world.admin).get(url, params)
    assert response.status_code == status
    body = response.json()
    assert set(body) <= {"detail", "code", *params} and named in str(body)


@pytest.mark.parametrize("url", ["/dashboard/titles/", "/api/v1/titles/"])
def test_an_unknown_status_answers_400_naming_the_statuses(world, url):
    response = (login(world.admin) if "dashboard" in url else api_client_for(world.admin)).get(
        url, {"status": "nonsense"}
    )
    assert response.status_code == 400
    assert "rectifying" in response.content.decode()


@pytest.mark.parametrize("url", [*PAGES, *ENDPOINTS])
def test_within_outside_the_scope_answers_404(world, url):
    client = login(world.county_leader) if "dashboard" in url else api_client_for(world.county_leader)
    assert client.get(url, {"within": world.tree.far_village.pk}).status_code == 404
    assert client.get(url, {"within": 10**9}).status_code == 404
    assert client.get(url, {"within": 2**63 - 1}).status_code == 404
    assert client.get(url, {"within": world.tree.village.pk}).status_code == 200


# ---------------------------------------------------------------------------------------------
# Query counts: the same for a small and a bigger tree


def populate(size: int):
    """A tree of ``size`` counties (3 townships, 3 villages, 3 groups each), assessments of every
    village in 2024 in draft, submitted or reviewed (gaps), titles of 2023 on the groups (one
    warned, one under rectification past its deadline), and a leader of the city."""
    orgs_bulk_load(rows=tree_rows(counties=size, townships=3, villages=3, groups=3))
    indicator_sets_install_defaults(years=(2023, 2024))
    campaign_install_default()
    states = ["draft", "submitted", "reviewed"]
    for n, village in enumerate(Organisation.objects.filter(level="village").order_by("code")):
        assessment(village, 2024, state=states[n % 3], self_total=90, review_total=85 + n % 4)
        make_user(village, "operator")
    for n, group in enumerate(Organisation.objects.filter(level="group").order_by("code")[: 6 * size]):
        t = title(group, 2023, state="rectifying" if n % 3 == 0 else "named", warnings=n % 2)
        Assessment.objects.filter(pk=t.assessment_id).update(rectify_deadline=dt.date(2024, 1, 1))
    return make_user(Organisation.objects.get(code="530400"), "leader")


def queries(client, url) -> int:
    """The queries of ``url`` for the year of the titles (2023) or of the round's work (2024)."""
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, {"year": 2023 if "titles" in url else 2024})
    assert response.status_code == 200, response.content
    return len(ctx.captured_queries)


@pytest.mark.parametrize("size", [1, 3], ids=["one-county", "three-counties"])
@pytest.mark.parametrize(
    ("url", "expected"),
    [
        # the round and its extensions; the undeclared units counted, the overdue assessments
        # counted by kind; one page of the union; the officials of its units
        ("/api/v1/late/", 6),
        # the round of the year; count; one page of titles with their status; their events
        ("/api/v1/titles/", 4),
        # session and user (2), the user's unit (1), then as the API (6), the years (1)
        ("/dashboard/late/", 10),
        # session, user, unit (3); the round of the year (1); count, page, events (3); the units
        # the filter offers (1); the years (1)
        ("/dashboard/titles/", 9),
        # session, user, unit (3); the round (1); one grouped query (1); the years (1)
        ("/dashboard/calibration/", 6),
    ],
)
def test_query_counts_do_not_grow_with_the_tree(db, url, expected, size):
    """The same count for one county (40 units) and three (120 units)."""
    leader = populate(size)
    client = api_client_for(leader) if url.startswith("/api/") else login(leader)
    assert queries(client, url) == expected


@pytest.mark.parametrize("url", PAGES)
def test_hostile_query_strings_never_crash_a_page(world, url):
    from tests.hostile import QUERIES

    client = login(world.admin)
    for query in [*QUERIES, "year=%00", "org=" + "9" * 40, "status=%ff", "within=1.0"]:
        response = client.get(f"{url}?{query}")
        assert response.status_code in (200, 400, 404), (query, response.status_code)
        if "%00" in query:
            assert response.status_code == 400


@pytest.mark.parametrize(
    ("url", "section"),
    [
        ("/dashboard/late/", "late"),
        ("/dashboard/titles/", "register"),
        ("/dashboard/calibration/", "calibration"),
    ],
)
def test_a_filter_asked_by_htmx_answers_the_section_alone(world, url, section):
    client = login(world.admin)
    whole = client.get(url).content.decode()
    part = client.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert "<html" in whole and f'<section id="{section}"' in whole
    assert "<html" not in part and part.lstrip().startswith(f'<section id="{section}"')
    assert f'hx-target="#{section}"' in part
