"""The tree load writes each new unit once, with its final id and position, and leaves the id
sequence and the planner's statistics ready for what comes after it."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from orgs.models import Organisation
from orgs.services import NewOrg, org_create, orgs_bulk_load
from tests.helpers import assert_tree_valid, tree_rows

TABLE = Organisation._meta.db_table


def _writes(queries: CaptureQueriesContext) -> list[str]:
    return [q["sql"] for q in queries.captured_queries if q["sql"].lstrip().upper().startswith("UPDATE")]


def test_a_new_tree_is_written_once_in_depth_first_order(db):
    rows = tree_rows(counties=2, townships=2, villages=3, groups=2)
    with CaptureQueriesContext(connection) as queries:
        result = orgs_bulk_load(rows=rows)
    assert (result.created, result.repositioned) == (len(rows), 0)
    assert not [sql for sql in _writes(queries) if TABLE in sql], "a second pass rewrote the new units"
    city = Organisation.objects.get(code="530400")
    assert_tree_valid(city.tree_id)
    # ids follow lft: the load numbered and wrote the tree in one depth-first pass
    by_lft = list(Organisation.objects.order_by("lft").values_list("pk", flat=True))
    assert by_lft == sorted(by_lft)
    # siblings in code order, as django-mptt's order_insertion_by keeps them
    county = Organisation.objects.get(code="530401")
    codes = list(county.get_children().values_list("code", flat=True))
    assert codes == sorted(codes) and len(codes) == 2
    assert (
        Organisation.objects.get(code="530401001001").township_id
        == Organisation.objects.get(code="530401001").pk
    )


def test_ids_continue_after_the_load(db):
    orgs_bulk_load(rows=tree_rows(counties=1, townships=1, villages=2, groups=2))
    loaded = set(Organisation.objects.values_list("pk", flat=True))
    township = Organisation.objects.get(code="530401001")
    added = org_create(parent=township, code="530401001099", name="新村", kind="村")
    assert added.pk not in loaded and added.pk > max(loaded)
    # a second load after a single insert takes ids after both
    orgs_bulk_load(
        rows=[
            NewOrg("530300", "曲靖市", "city", "市", None),
            NewOrg("530302", "麒麟区", "county", "区", "530300"),
        ]
    )
    second = set(Organisation.objects.filter(code__in=["530300", "530302"]).values_list("pk", flat=True))
    assert min(second) > added.pk
    assert_tree_valid(Organisation.objects.get(code="530300").tree_id)
    assert_tree_valid(township.tree_id)


def test_units_joining_an_existing_tree_renumber_it_and_rewrite_only_the_moved(db):
    orgs_bulk_load(rows=tree_rows(counties=2, townships=1, villages=1, groups=1))
    tree_id = Organisation.objects.get(code="530400").tree_id
    before = dict(Organisation.objects.values_list("code", "lft"))
    rows = [
        NewOrg("530401001002", "新增村", "village", "村", "530401001"),
        NewOrg("530401001002001", "新增村第一村民小组", "group", "村民小组", "530401001002"),
    ]
    result = orgs_bulk_load(rows=rows)
    assert result.created == 2
    after = dict(Organisation.objects.values_list("code", "lft"))
    moved = {code for code in before if before[code] != after[code]}
    # everything after the new village in depth-first order moved; nothing before it did
    assert moved == {code for code in before if before[code] > after["530401001002"]}
    assert result.repositioned == len(moved) + 3  # plus the rght of the village's ancestors
    assert_tree_valid(tree_id)
    village = Organisation.objects.get(code="530401001002")
    assert (village.county.code, village.township.code) == ("530401", "530401001")
    assert Organisation.objects.get(code="530401001002001").village_id == village.pk


def test_loading_the_same_rows_again_writes_nothing(db):
    rows = tree_rows(counties=1, townships=1, villages=1, groups=2)
    orgs_bulk_load(rows=rows)
    with CaptureQueriesContext(connection) as queries:
        result = orgs_bulk_load(rows=rows)
    assert (result.created, result.unchanged, result.repositioned) == (0, len(rows), 0)
    assert not _writes(queries)


@pytest.mark.postgres
def test_the_load_refreshes_the_planner_statistics(db):
    orgs_bulk_load(rows=tree_rows(counties=2, townships=2, villages=2, groups=3))
    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples FROM pg_class WHERE relname = %s", [TABLE])
        (estimate,) = cursor.fetchone()
    assert estimate == Organisation.objects.count()
