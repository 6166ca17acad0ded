"""The register of titles and their dynamic management: each title's status (active, warned,
under rectification with its deadline, revoked) with dates and reasons from the event log, the
filters by year, unit and status, on the page and in the API."""

from __future__ import annotations

import datetime as dt

import pytest

from assessments.models import Title
from tests.helpers import api_client_for, login

from .conftest import RECTIFY, REVOKE, WARN


def rows_of(user, **params) -> list[dict]:
    response = api_client_for(user).get("/api/v1/titles/", params)
    assert response.status_code == 200, response.content
    return response.json()["results"]


def test_every_title_has_its_status_dates_and_reasons(world, register):
    rows = {r["unit"]["code"]: r for r in rows_of(world.admin, year=2024)}
    tree = world.tree
    assert {code: r["status"] for code, r in rows.items()} == {
        tree.village.code: "active",
        tree.sibling_village.code: "warned",
        tree.community.code: "rectifying",
        tree.far_village.code: "revoked",
    }
    assert rows[tree.village.code]["reasons"] == [] and rows[tree.village.code]["warnings"] == 0
    warned = rows[tree.sibling_village.code]
    assert (warned["warnings"], [(e["action"], e["reason"]) for e in warned["reasons"]]) == (
        1,
        [("warn", WARN)],
    )
    rectifying = rows[tree.community.code]
    assert rectifying["deadline"] == register["deadline"].isoformat()
    assert [(e["action"], e["reason"], e["deadline"]) for e in rectifying["reasons"]] == [
        ("rectify_order", RECTIFY, register["deadline"].isoformat())
    ]
    revoked = rows[tree.far_village.code]
    title_row = Title.objects.get(assessment=register["revoked"])
    assert revoked["revoked_at"] == title_row.revoked_at.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")
    assert [(e["action"], e["reason"]) for e in revoked["reasons"]] == [("warn", WARN), ("revoke", REVOKE)]
    assert revoked["deadline"] is None and revoked["year"] == 2024 and revoked["title"] == "standard"


@pytest.mark.parametrize(
    ("params", "codes"),
    [
        ({"status": "warned"}, ["530401001002"]),
        ({"status": "rectifying"}, ["530401002001"]),
        ({"status": "revoked"}, ["530402001001"]),
        ({"status": "active"}, ["530401001001", "530401001001001"]),  # newest round first
        ({"year": 2023}, ["530401001001001"]),
        ({"within": "far"}, ["530402001001"]),
        ({"within": "street", "status": "rectifying"}, ["530401002001"]),
        ({"within": "street", "status": "revoked"}, []),
    ],
)
def test_the_register_filters_by_year_unit_and_status(world, register, params, codes):
    params = {**params}
    if "within" in params:
        params["within"] = {"far": world.tree.other_county, "street": world.tree.street}[params["within"]].pk
    assert [r["unit"]["code"] for r in rows_of(world.admin, **params)] == codes


def test_the_register_page_shows_the_table_with_dates_as_dates(world, register):
    response = login(world.admin).get("/dashboard/titles/", {"status": "rectifying"})
    assert response.status_code == 200
    table = response.context["register"]["table"]
    keys = [c.key for c in table.columns]
    (row,) = table.rows
    assert row[keys.index("unit_code")] == world.tree.community.code
    assert row[keys.index("deadline")] == register["deadline"]
    assert row[keys.index("year")] == 2024
    assert RECTIFY in row[keys.index("reasons")]
    assert register["deadline"].isoformat() in response.content.decode()


def test_a_county_leader_reads_the_register_of_the_own_county_only(world, register):
    codes = {r["unit"]["code"] for r in rows_of(world.county_leader)}
    assert codes == {"530401001001", "530401001002", "530401002001", "530401001001001"}
    response = api_client_for(world.county_leader).get(
        "/api/v1/titles/", {"within": world.tree.far_village.pk}
    )
    assert response.status_code == 404
