"""The dashboard: who may open it and over which units, where officials land after logging in,
the drill-down from the city to a village's groups, and what each part costs in queries."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from assessments.models import Round
from orgs.models import Organisation
from orgs.services import orgs_bulk_load
from reports import selectors
from tests.assessments.helpers import rounds_real_dates
from tests.assessments.test_results import grant
from tests.helpers import tree_rows


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def page(user, url: str = "/dashboard/") -> str:
    response = login(user).get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response.content.decode()


def child_links(html: str) -> list[str]:
    """The ids the pace table's rows link to."""
    table = html.split('class="pace-table"', 1)[1].split("</table>", 1)[0]
    return re.findall(r'<th scope="row" class="sticky"><a href="\?org=(\d+)&amp;year=\d+">', table)


def crumbs(html: str) -> list[str]:
    nav = html.split('class="crumbs"', 1)[1].split("</nav>", 1)[0]
    return re.findall(r">([^<>]+)</a>", nav)


# ---------------------------------------------------------------------------------------------
# Who lands where


def test_the_city_admin_lands_on_the_dashboard_and_the_todo_list_is_one_click_away(world):
    client = login(world.admin)
    response = client.get("/start/")  # where a login lands
    assert response.status_code == 302 and response["Location"] == "/dashboard/"
    home = client.get("/")
    assert home.status_code == 200 and 'class="todo"' in home.content.decode()
    html = client.get("/dashboard/").content.decode()
    assert 'href="/todo/"' in html  # in the menu and on the page
    todo = client.get("/todo/")
    assert todo.status_code == 200 and 'class="todo"' in todo.content.decode()


@pytest.mark.parametrize(("persona", "lands_on"), [("admin", "/dashboard/"), ("operator", "/")])
def test_the_login_form_lands_the_department_on_the_dashboard_and_others_on_their_todo_list(
    world, persona, lands_on
):
    from tests.helpers import PASSWORD

    client = Client()
    user = getattr(world, persona)
    response = client.post("/accounts/login/", {"username": user.username, "password": PASSWORD}, follow=True)
    assert response.redirect_chain[-1][0] == lands_on
    assert response.status_code == 200


def test_a_county_leader_lands_on_the_dashboard_of_the_county(world):
    response = login(world.county_leader).get("/start/")
    assert response.status_code == 302 and response["Location"] == "/dashboard/"
    html = page(world.county_leader)
    assert crumbs(html) == [world.tree.county.name]
    townships = Organisation.objects.filter(parent=world.tree.county).order_by("code")
    assert child_links(html) == [str(t.pk) for t in townships]


def test_a_township_leader_keeps_the_todo_list_as_home_and_finds_the_dashboard_in_the_menu(world):
    client = login(world.leader)
    assert client.get("/start/")["Location"] == "/"
    home = client.get("/")
    assert home.status_code == 200 and 'class="todo"' in home.content.decode()
    assert 'href="/dashboard/"' in home.content.decode()
    html = page(world.leader)
    assert crumbs(html) == [world.tree.township.name]
    villages = Organisation.objects.filter(parent=world.tree.township).order_by("code")
    assert child_links(html) == [str(v.pk) for v in villages]


@pytest.mark.parametrize("persona", ["operator", "reviewer", "county_reviewer", "village_leader"])
def test_operators_reviewers_and_village_leaders_are_refused_and_not_shown_the_link(world, persona):
    user = getattr(world, persona)
    client = login(user)
    assert client.get("/dashboard/").status_code == 403
    assert client.get(f"/dashboard/?org={user.org_id}").status_code == 403
    home = client.get("/")
    assert home.status_code == 200 and 'href="/dashboard/"' not in home.content.decode()


def test_the_dashboard_needs_a_login(world, client):
    response = client.get("/dashboard/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize(
    ("persona", "unit"),
    [
        ("county_leader", "other_county"),  # a colleague's county
        ("county_leader", "city"),  # above the own unit
        ("leader", "far_township"),
        ("leader", "county"),
        ("leader", "street"),  # a sibling township
    ],
)
def test_a_scope_outside_the_own_subtree_is_not_found(world, persona, unit):
    org = getattr(world.tree, unit)
    assert login(getattr(world, persona)).get(f"/dashboard/?org={org.pk}").status_code == 404


@pytest.mark.parametrize("query", ["org=999999", "org=abc", "org=1%2B1", "year=1999", "year=20x4"])
def test_an_unknown_unit_or_year_is_not_found(world, query):
    assert login(world.admin).get(f"/dashboard/?{query}").status_code == 404


def test_a_leader_drills_down_inside_the_own_subtree(world):
    html = page(world.county_leader, f"/dashboard/?org={world.tree.village.pk}")
    # the breadcrumb starts at the leader's own unit, not at the city
    assert crumbs(html) == [world.tree.county.name, world.tree.township.name, world.tree.village.name]
    assert world.tree.city.name not in crumbs(html)


def test_a_superuser_without_a_unit_sees_every_root(world):
    root = get_user_model().objects.create_superuser("root", password="x")
    assert login(root).get("/start/")["Location"] == "/dashboard/"
    html = page(root)
    assert crumbs(html)[0] == "所有单位"
    assert child_links(html) == [str(world.tree.city.pk)]


# ---------------------------------------------------------------------------------------------
# Drill-down


def test_the_city_drills_down_to_a_village_whose_groups_are_not_links(world):
    tree = world.tree
    admin = world.admin
    city = page(admin)
    assert str(tree.county.pk) in child_links(city)
    county = page(admin, f"/dashboard/?org={tree.county.pk}&year=2024")
    assert str(tree.township.pk) in child_links(county)
    township = page(admin, f"/dashboard/?org={tree.township.pk}&year=2024")
    assert str(tree.village.pk) in child_links(township)
    village = page(admin, f"/dashboard/?org={tree.village.pk}&year=2024")
    assert crumbs(village) == [tree.city.name, tree.county.name, tree.township.name, tree.village.name]
    assert child_links(village) == []  # groups are the bottom of the tree
    assert f'<th scope="row" class="sticky">{tree.group.name}</th>' in village
    group = page(admin, f"/dashboard/?org={tree.group.pk}&year=2024")
    assert 'class="pace-table"' not in group  # nothing below a group


def test_the_year_stays_in_the_links_of_a_drilled_view(world):
    html = page(world.admin, f"/dashboard/?org={world.tree.county.pk}&year=2022")
    assert f'href="?org={world.tree.township.pk}&amp;year=2022"' in html
    assert '<option value="2022" selected>' in html


# ---------------------------------------------------------------------------------------------
# Query counts


def _bigger_tree():
    orgs_bulk_load(rows=tree_rows(counties=4, townships=4, villages=5, groups=4))


# The registers' sections of the dashboard: the round's extensions (1), the late list's counts per
# kind (2), its first rows
# (1) and their officials (1); the register's counts per status (1), its first rows (1) and their
# events (1); the calibration's grouped query (1). The world has late units (the 2024 deadlines
# are past) and a title granted in 2024, so that every one of them runs.
REGISTERS = 1 + 2 + 1 + 1 + 1 + 1 + 1 + 1

# The dashboard's monthly section (monthly.league.monthly_board) after the observation coverage:
# the league's weights, its units, the pace of this year's round and last year's (one query
# each), the observations of this month and the last, the assessment means.
# Then the next progress meeting (monthly.selectors.next_meeting): the rota's counties, when
# each last hosted, the year's meetings.
LEAGUE_QUERIES = 1 + 1 + 2 + 1 + 1 + 3


def test_the_dashboard_costs_the_same_queries_for_a_small_and_a_big_tree(world, django_assert_num_queries):
    rounds_real_dates()
    grant(world.tree.village, 2024)
    client = login(world.admin)
    county = f"/dashboard/?org={world.tree.county.pk}"
    # Queries: session, user, the user's unit (the policy), the rounds, the breadcrumb's path;
    # pace: the round, its targets, the units and their rollups in one, the children's own
    # titles; trend: the targets of 2022, 2023 and 2024, the unit rollups, the
    # title rollups; workflow: the title rollup of the year; the registers (REGISTERS); this month
    # (monthly.league.monthly_board): the observation coverage, then the league (LEAGUE_QUERIES).
    for _ in range(2):
        with django_assert_num_queries(13 + REGISTERS + 1 + LEAGUE_QUERIES):
            assert client.get("/dashboard/").status_code == 200
        with django_assert_num_queries(14 + REGISTERS + 1 + LEAGUE_QUERIES):  # and the unit asked for
            assert client.get(county).status_code == 200
        _bigger_tree()
    assert Organisation.objects.count() > 400


def test_each_part_of_the_dashboard_costs_a_fixed_number_of_queries(world, django_assert_num_queries):
    for _ in range(2):
        scope = selectors.report_scope(world.admin, path=True)
        years = selectors.campaign_years()
        # the round, its targets, the units and their rollups in one; the children's own titles
        with django_assert_num_queries(2):
            data = selectors.pace(scope, 2024)
        with django_assert_num_queries(0):  # tables and chart numbers are built from what was read
            selectors.pace_table(scope, data)
            selectors.summary_table(scope, data)
            selectors.bars_table(scope, data, selectors.bars(data, "village"))
        # the targets of each of the three years, the unit rollups, the title rollups
        with django_assert_num_queries(5):
            selectors.trend(scope, years)
        with django_assert_num_queries(1):  # the title rollup of the year
            selectors.workflow(scope, 2024)
        with django_assert_num_queries(2 + 5 + 1):  # the three parts together
            board = selectors.dashboard(scope, 2024, years)
        assert set(board.tables()) == {"summary", "pace", "titled", "trend", "workflow"}
        _bigger_tree()
    assert Round.objects.count() == 3


def test_every_root_costs_the_same_queries_for_a_small_and_a_big_tree(world, django_assert_num_queries):
    rounds_real_dates()
    grant(world.tree.village, 2024)
    root = get_user_model().objects.create_superuser("root", password="x")
    client = login(root)
    # Queries: session, user, the rounds; pace: the round, its targets, the roots and their
    # rollups in one, the roots' own titles; trend: the targets of 2022, 2023 and
    # 2024, the roots, the unit rollups, the title rollups; workflow: the roots, the title rollup; the
    # registers (REGISTERS).
    for _ in range(2):
        with django_assert_num_queries(13 + REGISTERS):
            assert client.get("/dashboard/").status_code == 200
        _bigger_tree()


def test_the_bars_chart_shows_the_level_asked_for_and_falls_back_to_the_first(world):
    client = login(world.admin)
    chart = "已命名与目标对比："
    assert f"{chart}乡镇（街道）" in client.get("/dashboard/").content.decode()
    assert f"{chart}小组（小区）" in client.get("/dashboard/?level=group").content.decode()
    assert f"{chart}乡镇（街道）" in client.get("/dashboard/?level=county").content.decode()  # not below
    assert f"{chart}乡镇（街道）" in client.get("/dashboard/?level=%3Cb%3E").content.decode()
