"""Totals kept at write time: after any sequence of declarations, transitions (namings and
revocations included) and tree writes (units added, moved, deactivated, reactivated), the stored
rollups equal a recomputation from scratch; progress reads them in a constant number of queries;
the province-wide answer is one request; the check names the rows that differ."""

from __future__ import annotations

import io
from dataclasses import replace

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assessments import services
from assessments.models import Assessment, AssessmentRollup, Round, State
from demo.drive import Cast, drive_to
from orgs import services as org_services
from orgs.models import Organisation, UnitRollup, User
from orgs.services import orgs_bulk_load
from tests.helpers import api_client_for, at_once, make_user, rollup_differences, tree_rows
from yuxi_campaign.core.errors import DomainError


def official(org: Organisation, role: str) -> User:
    return User.objects.filter(username=f"{role}-{org.code}").first() or make_user(org, role)


def cast_for(org: Organisation) -> Cast:
    """The unit's operator, its parent's reviewer and leader, and the recheck organisation's
    reviewer (the parent's parent, or the city when the parent is the city)."""
    parent = org.parent
    recheck = parent.parent or parent
    return Cast(
        operator=official(org, "operator"),
        reviewer=official(parent, "reviewer"),
        leader=official(parent, "leader"),
        rechecker=official(recheck, "reviewer"),
    )


def units(*levels: str) -> list[Organisation]:
    return list(Organisation.objects.filter(level__in=levels).order_by("code"))


STATES = [
    "submitted",
    "reviewed",
    "failed",
    "accepted",
    "in_notice",
    "named",
    "rejected",
    "rectifying",
    "revoked",
]

step = st.one_of(
    st.tuples(
        st.just("cycle"),
        st.integers(0, 40),
        st.sampled_from(["standard", "demonstration"]),
        st.sampled_from([2022, 2023, 2024]),
        st.sampled_from(["in_notice", "named", "named", "revoked", "rectifying"]),
    ),
    st.tuples(
        st.just("declare"),
        st.integers(0, 40),
        st.sampled_from(["standard", "demonstration"]),
        st.sampled_from([2022, 2023, 2024]),
    ),
    st.tuples(st.just("drive"), st.integers(0, 40), st.sampled_from(STATES)),
    st.tuples(st.just("add"), st.integers(0, 40)),
    st.tuples(st.just("move"), st.integers(0, 40), st.integers(0, 40)),
    st.tuples(st.just("toggle"), st.integers(0, 40)),
)


def apply(step_: tuple) -> None:
    kind, *args = step_
    try:
        if kind == "cycle":  # declare and take it far: namings and revocations are frequent
            candidates = units("village", "group")
            org = candidates[args[0] % len(candidates)]
            admin = official(Organisation.objects.get(parent=None), "admin")
            a = services.assessment_declare(
                org=org, round=Round.objects.get(year=args[2]), target=args[1], actor=admin
            )
            drive_to(a, args[3], cast=cast_for(org))
        elif kind == "declare":
            candidates = units("township", "village", "group")
            org = candidates[args[0] % len(candidates)]
            admin = official(Organisation.objects.get(parent=None), "admin")
            services.assessment_declare(
                org=org, round=Round.objects.get(year=args[2]), target=args[1], actor=admin
            )
        elif kind == "drive":
            assessments = list(Assessment.objects.order_by("pk"))
            if assessments:
                a = assessments[args[0] % len(assessments)]
                drive_to(a, args[1], cast=cast_for(a.org))
        elif kind == "add":
            parents = units("township", "village")
            parent = parents[args[0] % len(parents)]
            code = f"{parent.code}{Organisation.objects.count():03d}"[-15:]
            kind_ = "村民小组" if parent.level == "village" and parent.kind == "村" else "居民小区"
            if parent.level == "township":
                kind_ = "村" if parent.kind == "镇" else "社区"
            org_services.org_create(parent=parent, code=code, name=f"新{code}", kind=kind_)
        elif kind == "move":
            villages, townships = units("village"), units("township")
            org_services.org_move(
                org=villages[args[0] % len(villages)], new_parent=townships[args[1] % len(townships)]
            )
        elif kind == "toggle":
            candidates = units("county", "township", "village", "group")
            org = candidates[args[0] % len(candidates)]
            org_services.org_update(org=org, is_active=not org.is_active)
    except (DomainError, ValueError):
        pass  # refused (wrong state, title held, inactive parent…): nothing may have changed


@pytest.mark.django_db
@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=st.lists(step, min_size=1, max_size=10))
def test_random_workflows_leave_the_rollups_equal_to_a_recomputation(world, steps):
    # Each example starts from the same world: its writes are undone by a savepoint (a plain one,
    # so that the services' durable transactions still nest inside the test's).
    savepoint = transaction.savepoint()
    try:
        for s in steps:
            apply(s)
            assert rollup_differences() == [], s
    finally:
        transaction.savepoint_rollback(savepoint)


def test_a_naming_then_a_revocation_count_for_the_years_between(world):
    a = drive_to(world.declare(), "named", cast=world.cast)
    row = AssessmentRollup.objects.get(org=world.tree.city, level="village", year=2024)
    assert (row.standard, row.named) == (1, 1)
    drive_to(a, "revoked", cast=world.cast)
    assert rollup_differences() == []
    rows = dict(
        AssessmentRollup.objects.filter(org=world.tree.city, level="village").values_list("year", "standard")
    )
    revoked_in = Assessment.objects.get(pk=a.pk).title.revoked_at.year
    assert rows[2024] == 1 and rows[revoked_in] == -1  # held from 2024 until the year of the revocation


def test_moving_and_deactivating_a_subtree_moves_its_totals(world):
    drive_to(world.declare(), "named", cast=world.cast)
    village, far = world.tree.village, world.tree.far_township
    org_services.org_move(org=village, new_parent=far)
    assert rollup_differences() == []
    held = AssessmentRollup.objects.get(org=far, level="village", year=2024)
    assert held.standard == 1
    assert AssessmentRollup.objects.get(org=world.tree.township, level="village", year=2024).standard == 0
    org_services.org_update(org=far, is_active=False)
    assert rollup_differences() == []
    assert not AssessmentRollup.objects.filter(org=far).exists()
    assert not UnitRollup.objects.filter(org=far).exists()
    org_services.org_update(org=far, is_active=True)
    org_services.org_update(org=village, is_active=True)
    assert rollup_differences() == []
    assert AssessmentRollup.objects.get(org=far, level="village", year=2024).standard == 1


# ---------------------------------------------------------------------------------------------
# The command


def test_check_names_the_rows_that_differ_and_rebuild_repairs_them(world):
    drive_to(world.declare(), "named", cast=world.cast)
    call_command("rebuild_rollups", "--check", stdout=io.StringIO())  # consistent: no error
    AssessmentRollup.objects.filter(org=world.tree.county, level="village", year=2024).update(standard=5)
    UnitRollup.objects.filter(org=world.tree.township, level="village").delete()
    err = io.StringIO()
    with pytest.raises(CommandError, match="不一致"):
        call_command("rebuild_rollups", "--check", stdout=io.StringIO(), stderr=err)
    lines = err.getvalue().splitlines()
    assert (
        f"assessments org={world.tree.county.pk} level=village year=2024: stored≠recomputed standard 5≠1"
        in lines
    )
    assert any(line.startswith(f"units org={world.tree.township.pk} level=village") for line in lines)
    out = io.StringIO()
    call_command("rebuild_rollups", stdout=out)
    assert "已重建" in out.getvalue()
    assert rollup_differences() == []


# ---------------------------------------------------------------------------------------------
# Progress reads the rollups


def test_a_superuser_without_a_unit_gets_every_prefecture_in_one_answer(world):
    orgs_bulk_load(
        rows=[
            replace(r, code="5305" + r.code[4:], parent_code=r.parent_code and "5305" + r.parent_code[4:])
            for r in tree_rows(counties=1, townships=1, villages=2, groups=1)
        ]
    )
    drive_to(world.declare(), "named", cast=world.cast)
    root = User.objects.create_superuser("root", password="x-root-pass-1")
    body = api_client_for(root).get("/api/v1/progress/", {"year": 2024}).json()
    assert body["org"] is None
    assert [c["code"] for c in body["children"]] == ["530400", "530500"]
    villages = next(lv for lv in body["levels"] if lv["level"] == "village")
    per_root = [next(lv for lv in c["levels"] if lv["level"] == "village") for c in body["children"]]
    assert villages["units"] == sum(p["units"] for p in per_root) == 8 + 2
    assert villages["standard"] == 1
    assert villages["standard_target"] == sum(p["standard_target"] for p in per_root)
    assert [lv["level"] for lv in body["levels"]] == ["county", "township", "village", "group"]


def test_a_user_without_a_unit_or_the_whole_scope_still_must_name_one(db):
    nobody = User.objects.create_user("nobody", password="x-nobody-pass-1")
    assert api_client_for(nobody).get("/api/v1/progress/").status_code == 400


def progress_queries(django_assert_num_queries, client, params) -> None:
    # one: the round, its pace, the unit, its children and the caller's unit, both rollups
    with django_assert_num_queries(1):
        assert client.get("/api/v1/progress/", params).status_code == 200


@pytest.mark.parametrize("size", [(1, 1, 2, 2), (3, 4, 6, 8)])
def test_progress_costs_the_same_queries_for_a_small_and_a_large_tree(db, django_assert_num_queries, size):
    from assessments.services import campaign_install_default
    from indicators.services import indicator_sets_install_defaults

    orgs_bulk_load(rows=tree_rows(counties=size[0], townships=size[1], villages=size[2], groups=size[3]))
    indicator_sets_install_defaults()
    campaign_install_default()
    city = Organisation.objects.get(code="530400")
    client = api_client_for(make_user(city, "admin"))
    progress_queries(django_assert_num_queries, client, {"year": 2024})
    root = User.objects.create_superuser("root", password="x-root-pass-1")
    # every root: the same query with the roots instead of the unit and its children
    with django_assert_num_queries(1):
        assert api_client_for(root).get("/api/v1/progress/", {"year": 2024}).status_code == 200


# ---------------------------------------------------------------------------------------------
# Simultaneous writers


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_simultaneous_namings_of_sibling_units_leave_the_rollups_right(world):
    siblings = [o for o in units("village") if o.parent_id == world.tree.township.pk]
    siblings += [o for o in units("group") if o.parent_id == world.tree.village.pk]
    ready = []
    for org in siblings:
        a = drive_to(world.declare(org=org, actor=world.admin), State.IN_NOTICE, cast=cast_for(org))
        drive_to(a, State.IN_NOTICE, cast=cast_for(org))
        from demo.drive import end_notice

        end_notice(a)
        ready.append(a)
    jobs = [
        lambda a=a: services.assessment_transition(assessment_id=a.pk, action="close_notice", actor=None)
        for a in ready
    ]
    assert at_once(jobs) == [None] * len(jobs)
    assert rollup_differences() == []
    city = AssessmentRollup.objects.filter(org=world.tree.city, year=2024)
    assert sum(city.values_list("named", flat=True)) == len(ready)
    assert sum(city.values_list("standard", flat=True)) == len(ready)
