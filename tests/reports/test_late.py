"""The late list against frozen dates: undeclared units after ``declaration_closes``, drafts
after ``self_assessment_closes``, submissions not reviewed after ``review_closes`` and
rectifications past their deadline, each with its days late and who must act."""

from __future__ import annotations

import datetime as dt

import pytest

from assessments.models import Assessment, Round
from demo.drive import Cast, drive_to
from orgs.models import Organisation
from reports import selectors
from tests.assessments.helpers import rounds_real_dates
from tests.helpers import api_client_for

from .conftest import local, title

D = dt.date


@pytest.fixture
def late_world(world, freeze):
    """In the 2024 round (declarations close 03-31, sheets 10-31, reviews 12-15): the village
    declared and left its sheet in draft; its sibling submitted; the community holds a 2023 达标;
    the far village's 2023 达标 was revoked in February; a group's 2023 达标 is under
    rectification until 06-30."""
    rounds_real_dates()
    world.round.refresh_from_db()
    freeze(D(2024, 3, 10))
    tree = world.tree
    world.declare()
    sibling = Cast(world.sibling_operator, world.reviewer, world.leader, world.county_reviewer)
    drive_to(world.declare(org=tree.sibling_village, actor=world.sibling_operator), "submitted", cast=sibling)
    title(tree.community, 2023)
    title(tree.far_village, 2023, state="revoked", revoked_at=local(D(2024, 2, 1)))
    rectifying = title(tree.group, 2023, state="rectifying")
    Assessment.objects.filter(pk=rectifying.assessment_id).update(rectify_deadline=D(2024, 6, 30))
    return world


def late(world, day: D) -> list[dict]:
    scope = selectors.report_scope(world.admin)
    rows = selectors.late_rows(scope, Round.objects.get(year=2024), today=day)
    return selectors.late_details(scope, rows[0 : rows.count()], day)


def by_kind(rows: list[dict], kind: str) -> list[tuple]:
    return [(r["unit_code"], r["due"], r["days_late"]) for r in rows if r["what"] == kind]


def test_nothing_is_late_on_the_declaration_deadline_itself(late_world):
    assert late(late_world, D(2024, 3, 31)) == []


def test_units_that_have_not_declared_are_late_the_day_after_the_deadline(late_world):
    tree = late_world.tree
    rows = late(late_world, D(2024, 4, 1))
    declared_or_titled = {tree.village.code, tree.sibling_village.code, tree.community.code, tree.group.code}
    expected = sorted(
        Organisation.objects.filter(parent__isnull=False)
        .exclude(code__in=declared_or_titled)
        .values_list("code", flat=True)
    )
    assert sorted(code for code, _due, _days in by_kind(rows, "declaration")) == expected
    assert len(expected) == 26  # 30 units below the city, less the four above
    assert tree.far_village.code in expected  # its 达标 was revoked before the deadline
    assert {(due, days) for _code, due, days in by_kind(rows, "declaration")} == {(D(2024, 3, 31), 1)}
    assert {r["what"] for r in rows} == {"declaration"}


def test_an_overdue_rectification_names_the_parents_leaders(late_world):
    rows = late(late_world, D(2024, 7, 2))
    assert by_kind(rows, "rectification") == [(late_world.tree.group.code, D(2024, 6, 30), 2)]
    row = next(r for r in rows if r["what"] == "rectification")
    assert row["actor_unit_id"] == late_world.tree.village.pk  # the group's parent decides
    assert row["actor_roles"] == ["leader"]
    assert row["officials"] == [late_world.village_leader.username]


def test_a_draft_after_the_self_assessment_deadline_is_the_units_operators_to_finish(late_world):
    rows = late(late_world, D(2024, 11, 5))
    assert by_kind(rows, "self_sheet") == [(late_world.tree.village.code, D(2024, 10, 31), 5)]
    row = next(r for r in rows if r["what"] == "self_sheet")
    assert (row["actor_unit_id"], row["actor_roles"], row["officials"]) == (
        late_world.tree.village.pk,
        ["operator"],
        [late_world.operator.username],
    )
    assert by_kind(rows, "review") == []  # reviews are not due before 12-15


def test_a_submission_not_reviewed_after_the_review_deadline_is_the_parents_reviewers_to_score(late_world):
    rows = late(late_world, D(2024, 12, 20))
    assert by_kind(rows, "review") == [(late_world.tree.sibling_village.code, D(2024, 12, 15), 5)]
    row = next(r for r in rows if r["what"] == "review")
    assert row["actor_unit_id"] == late_world.tree.township.pk
    assert row["actor_roles"] == ["reviewer", "leader"]
    assert row["officials"] == [late_world.reviewer.username, late_world.leader.username]  # by role


def test_the_rows_come_most_overdue_first(late_world):
    rows = late(late_world, D(2024, 12, 20))
    days = [r["days_late"] for r in rows]
    assert days == sorted(days, reverse=True)
    assert [r["what"] for r in rows][-3:] == ["rectification", "self_sheet", "review"]


def test_the_api_answers_the_late_list_of_the_frozen_day(late_world, freeze):
    freeze(D(2024, 12, 20))
    body = api_client_for(late_world.admin).get("/api/v1/late/", {"year": 2024, "page_size": 1000}).json()
    assert body["count"] == 26 + 3
    review = next(r for r in body["results"] if r["what"] == "review")
    assert review == {
        "unit": {
            "id": late_world.tree.sibling_village.pk,
            "code": late_world.tree.sibling_village.code,
            "name": late_world.tree.sibling_village.name,
            "level": "village",
        },
        "what": "review",
        "assessment": Assessment.objects.get(org=late_world.tree.sibling_village).pk,
        "target": "standard",
        "due": "2024-12-15",
        "days_late": 5,
        "who_must_act": {
            "unit": {
                "id": late_world.tree.township.pk,
                "code": late_world.tree.township.code,
                "name": late_world.tree.township.name,
                "level": "township",
            },
            "roles": ["reviewer", "leader"],
            "officials": [late_world.reviewer.username, late_world.leader.username],
        },
    }


def test_officials_outside_the_callers_subtree_are_named_by_role_and_unit_only(late_world, freeze):
    """For the sibling village's operator (the village and its groups) the township's reviewers
    who must review it are outside the subtree: the row names the unit and the roles, not them."""
    freeze(D(2024, 12, 20))
    rows = api_client_for(late_world.sibling_operator).get("/api/v1/late/").json()["results"]
    sibling = late_world.tree.sibling_village
    assert {r["unit"]["code"] for r in rows} == {sibling.code, f"{sibling.code}001", f"{sibling.code}002"}
    review = next(r for r in rows if r["what"] == "review")
    assert review["who_must_act"] == {
        "unit": {
            "id": late_world.tree.township.pk,
            "code": late_world.tree.township.code,
            "name": late_world.tree.township.name,
            "level": "township",
        },
        "roles": ["reviewer", "leader"],
        "officials": [],
    }


def test_the_late_page_shows_the_counts_and_the_rows_of_the_frozen_day(late_world, freeze, client):
    from tests.helpers import login

    freeze(D(2024, 12, 20))
    response = login(late_world.admin).get("/dashboard/late/", {"year": 2024})
    assert response.status_code == 200
    table = response.context["late"]["table"]
    assert table.year == 2024 and table.scope == late_world.tree.city.name
    review = next(row for row in table.rows if row[0] == late_world.tree.sibling_village.code)
    assert review[5:7] == [D(2024, 12, 15), 5]  # the due date and the days late, as values
    counts = dict(response.context["late"]["counts"])
    assert list(counts.values()) == [26, 1, 1, 1]
    html = response.content.decode()
    assert late_world.tree.sibling_village.name in html and "2024-12-15" in html
