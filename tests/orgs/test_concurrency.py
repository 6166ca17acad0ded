"""Concurrent structural writes go through one locked path and leave a valid tree.

On PostgreSQL (CI's second run) the lock is SELECT … FOR UPDATE on the tree lock row; on SQLite
writers queue on the IMMEDIATE transaction. Without the lock, mptt computes each insert's gap from
a parent row it read before another insert shifted it, and lft/rght values collide."""

import pytest

from orgs.models import Organisation
from orgs.services import org_create, org_move, orgs_bulk_load
from tests.helpers import assert_tree_valid, at_once, tree_rows


def _run_threads(jobs):
    return [exc for exc in at_once(jobs) if exc is not None]


@pytest.mark.django_db(transaction=True)
def test_sixteen_simultaneous_inserts_and_moves_leave_a_valid_tree():
    orgs_bulk_load(rows=tree_rows(counties=2, townships=2, villages=2, groups=1))
    townships = list(Organisation.objects.filter(level="township").order_by("code"))
    villages = list(Organisation.objects.filter(level="village").order_by("code"))
    jobs = []
    for n in range(12):
        parent = townships[n % len(townships)]
        kind = "社区" if parent.kind == "街道" else "村"
        jobs.append(
            lambda p=parent, n=n, k=kind: org_create(
                parent=p, code=f"{p.code}{n + 100:03d}", name=f"并发{n}", kind=k
            )
        )
    for n in range(4):
        village = villages[n]
        target = next(
            t
            for t in townships
            if t.pk != village.parent_id and t.kind == Organisation.objects.get(pk=village.parent_id).kind
        )
        jobs.append(lambda v=village, t=target: org_move(org=v, new_parent=t))
    errors = _run_threads(jobs)
    assert errors == []
    assert Organisation.objects.filter(name__startswith="并发").count() == 12
    assert_tree_valid(Organisation.objects.get(code="530400").tree_id)
