"""The to-do page lists each piece of work with its unit, its deadline and one button to the work:
the sheet to fill, the submission to review, the decision to take, the notice to close, the
objection to decide, the rectification due, the declaration still possible."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.utils import timezone

from assessments import policy, services, windows
from assessments.models import Assessment, Round, State
from assessments.selectors import assessment_get_for_user
from assessments.todo import CAP, todo_for
from demo.drive import drive_to, end_notice
from indicators.models import IndicatorSet
from orgs.models import Organisation
from tests.assessments.helpers import every_kind_of_work
from tests.helpers import login


def hrefs(html: str) -> list[str]:
    return [h.replace("&amp;", "&") for h in re.findall(r'href="([^"]+)"', html)]


def entries(user, key: str) -> list:
    return next((i.entries for i in todo_for(user).items if i.key == key), [])


def kinds_with_items(user) -> dict[str, int]:
    return {i.key: i.count for i in todo_for(user).items if i.count}


@pytest.fixture
def work(world):
    return every_kind_of_work(world)


def test_the_todo_reaches_the_sheet_in_one_click(world):
    a = world.declare()
    client = login(world.operator)
    sheet = f"/assessments/{a.pk}/sheet/self/"
    assert sheet in hrefs(client.get("/").content.decode())
    page = client.get(sheet)
    assert page.status_code == 200
    assert '<form method="post" id="sheet"' in page.content.decode()


def test_each_role_sees_its_own_items(world, work):
    urls = {
        key: [e.url for e in entries(user, key)]
        for user, key in [
            (world.operator, "fill"),
            (world.reviewer, "review"),
            (world.county_reviewer, "recheck"),
            (world.leader, "decide"),
            (world.leader, "publish"),
            (world.leader, "objections"),
            (world.county_leader, "close"),
            (world.county_leader, "rectifying"),
            (world.parent_operator, "rectify"),
        ]
    }
    assert urls == {
        "fill": [f"/assessments/{work.fill.pk}/sheet/self/"],
        "review": [f"/assessments/{work.review.pk}/sheet/review/"],
        "recheck": [f"/assessments/{work.recheck.pk}/sheet/recheck/"],
        "decide": [f"/assessments/{work.decide.pk}/#actions"],
        "publish": [f"/assessments/{work.publish.pk}/#actions"],
        "objections": [f"/assessments/{work.objection_on.pk}/#objections"],
        "close": [f"/assessments/{work.close.pk}/#actions"],
        # the county rules on both rectifications below it: the township's, then the street's
        "rectifying": [
            f"/assessments/{work.rectify.pk}/#actions",
            f"/assessments/{work.rectifying.pk}/#actions",
        ],
        "rectify": [f"/assessments/{work.rectify.pk}/"],
    }
    # nobody is offered work that is not theirs
    assert kinds_with_items(world.operator) == {"fill": 1}
    assert kinds_with_items(world.reviewer) == {"review": 1}
    assert kinds_with_items(world.leader) == {"review": 1, "decide": 1, "publish": 1, "objections": 1}
    assert kinds_with_items(world.county_reviewer) == {"recheck": 1}
    assert kinds_with_items(world.county_leader) == {"recheck": 1, "close": 1, "rectifying": 2}
    assert kinds_with_items(world.sibling_operator) == {}
    assert kinds_with_items(world.colleague) == {}
    assert kinds_with_items(world.village_leader) == {}
    assert kinds_with_items(world.admin) == {
        "review": 1,
        "recheck": 1,
        "decide": 1,
        "publish": 1,
        "close": 1,
        "rectifying": 2,
        "objections": 1,
    }


@pytest.mark.parametrize(
    "persona", ["operator", "reviewer", "leader", "county_reviewer", "county_leader", "admin"]
)
def test_every_item_is_work_that_policy_allows_now(world, work, persona):
    """The to-do's filters and the page's checks (open_sheets, allowed_actions) agree."""
    user = getattr(world, persona)
    now = timezone.now()
    sheet_actions = {"fill": "self", "review": "review", "recheck": "recheck"}
    transitions = {
        "decide": "accept",
        "publish": "publish",
        "close": "close_notice",
        "rectifying": "rectified",
    }
    seen = 0
    for item in todo_for(user).items:
        for e in item.entries:
            a = assessment_get_for_user(user, e.assessment_id)
            seen += 1
            if item.key in sheet_actions:
                assert sheet_actions[item.key] in policy.open_sheets(user, a)
            elif item.key in transitions:
                assert transitions[item.key] in policy.allowed_actions(
                    user, a, now=now, has_pending_objection=a.has_pending_objection
                )
            elif item.key == "objections":
                assert policy.may_decide_objection(user, a) and a.state == State.IN_NOTICE
            else:
                assert item.key == "rectify" and a.org_id == user.org_id and a.state == State.RECTIFYING
    assert seen >= 1


def test_each_item_shows_the_unit_and_its_parent_and_one_button(world, work):
    html = login(world.leader).get("/").content.decode()
    item = re.search(r'<li class="work-item">.*?</li>', html, re.S).group(0)
    assert world.tree.sibling_village.name in item and world.tree.township.name in item
    assert item.count('class="button primary work-go"') == 1


def test_items_disappear_once_done(world, work):
    # the operator submits: the sheet leaves their to-do and reaches the township's
    drive_to(work.fill, State.SUBMITTED, cast=world.cast)
    assert entries(world.operator, "fill") == []
    assert {e.assessment_id for e in entries(world.reviewer, "review")} == {work.fill.pk, work.review.pk}
    # the leader decides the objection: it leaves the list, and the ended notice can be closed
    end_notice(work.objection_on)
    assert entries(world.leader, "close") == []
    services.objection_decide(
        objection_id=work.objection.pk, decision="dismissed", reason="经核实不属实", actor=world.leader
    )
    assert entries(world.leader, "objections") == []
    assert [e.assessment_id for e in entries(world.leader, "close")] == [work.objection_on.pk]
    # the leader accepts and publishes: those items go as well
    drive_to(work.decide, State.ACCEPTED, cast=world.cast)
    drive_to(work.publish, State.IN_NOTICE, cast=world.cast)
    assert entries(world.leader, "decide") == [] and entries(world.leader, "publish") == []
    html = login(world.leader).get("/").content.decode()
    assert f"/assessments/{work.decide.pk}/#actions" not in html
    assert f"/assessments/{work.publish.pk}/#actions" not in html


def _dates(days_to_self: int) -> None:
    today = timezone.localdate()
    Round.objects.filter(year=2024).update(
        declaration_opens=today - dt.timedelta(days=40),
        declaration_closes=today + dt.timedelta(days=days_to_self - 2),
        self_assessment_closes=today + dt.timedelta(days=days_to_self),
        review_closes=today + dt.timedelta(days=days_to_self + 20),
    )


def test_the_deadline_of_the_round_is_shown_on_each_item(world):
    a = world.declare()
    _dates(3)
    due = timezone.localdate() + dt.timedelta(days=3)
    html = login(world.operator).get("/").content.decode()
    assert f"截止 {due.month}月{due.day}日，还剩 3 天" in html
    assert entries(world.operator, "fill")[0].soon is True
    # the day has come, then gone
    _dates(0)
    assert entries(world.operator, "fill")[0].due.startswith("今天截止")
    _dates(-2)
    [entry] = entries(world.operator, "fill")
    assert entry.overdue and "已逾期 2 天" in entry.due
    assert "overdue" in login(world.operator).get("/").content.decode()
    assert a.pk == entry.assessment_id


def test_a_units_own_extension_moves_its_deadline_on_the_todo(world):
    """The round's self-assessment closed two days ago; the county extended it for the village
    alone: its operator's item counts down to the new date, while its sibling's stays overdue."""
    from assessments.services import round_extend

    mine = world.declare()
    sibling = world.declare(org=world.tree.sibling_village, actor=world.sibling_operator)
    _dates(5)  # declare while the window is open, then the self-assessment closes
    _dates(-2)
    new_close = timezone.localdate() + dt.timedelta(days=4)
    round_extend(
        round=Round.objects.get(pk=mine.round_id),
        actor=world.admin,
        window="self_assessment",
        closes=new_close,
        reason="村里遭遇暴雨，材料整理推迟",
        org=world.tree.village,
    )
    [entry] = entries(world.operator, "fill")
    assert entry.assessment_id == mine.pk and entry.deadline == new_close
    assert not entry.overdue and "还剩 4 天" in entry.due
    html = login(world.operator).get("/").content.decode()
    assert f"截止 {new_close.month}月{new_close.day}日，还剩 4 天" in html and "已逾期" not in html
    [other] = entries(world.sibling_operator, "fill")
    assert other.assessment_id == sibling.pk and other.overdue and "已逾期 2 天" in other.due


def test_the_declaration_still_possible_shows_its_deadline(world):
    _dates(5)  # declaration closes in 3 days
    due = timezone.localdate() + dt.timedelta(days=3)
    html = login(world.operator).get("/").content.decode()
    assert f"截止 {due.month}月{due.day}日，还剩 3 天" in html
    assert 'action="/declare/"' in html


def test_a_rectification_shows_its_own_deadline(world, work):
    deadline = timezone.localdate() + dt.timedelta(days=10)
    Assessment.objects.filter(pk=work.rectifying.pk).update(rectify_deadline=deadline)
    [entry] = [e for e in entries(world.county_leader, "rectifying") if e.assessment_id == work.rectifying.pk]
    assert entry.deadline == deadline and "还剩 10 天" in entry.due


def test_the_english_version(world):
    world.declare()
    _dates(3)
    client = login(world.operator)
    client.cookies["django_language"] = "en"
    html = client.get("/").content.decode()
    assert "Self-assessment sheets to fill" in html and "Fill in the self-assessment" in html
    assert "3 days left" in html and "还剩" not in html


def test_the_items_are_ordered_by_deadline_then_unit(world):
    rounds = {r.year: r for r in Round.objects.all()}
    for year, r in rounds.items():  # every window open today, each round's self sheets closing later
        r.declaration_closes = windows.today()
        r.self_assessment_closes = windows.today() + dt.timedelta(days=year - 2020)
        r.review_closes = r.self_assessment_closes + dt.timedelta(days=30)
        r.save(update_fields=["declaration_closes", "self_assessment_closes", "review_closes"])
    for year in (2024, 2022, 2023):
        services.assessment_declare(
            org=world.tree.village, round=rounds[year], target="standard", actor=world.operator
        )
    years = [e.year for e in entries(world.operator, "fill")]
    assert years == [2022, 2023, 2024]


def _many(world) -> None:
    """More than CAP assessments in every state the lists show, across the whole tree."""
    from orgs.services import orgs_bulk_load
    from tests.helpers import tree_rows

    orgs_bulk_load(rows=tree_rows(counties=2, townships=2, villages=25, groups=1))
    round_ = Round.objects.get(year=2024)
    sets = {s.level: s for s in IndicatorSet.objects.filter(year=2024)}
    states = [
        State.SUBMITTED,
        State.REVIEWED,
        State.ACCEPTED,
        State.RECHECKED,
        State.IN_NOTICE,
        State.RECTIFYING,
    ]
    orgs = Organisation.objects.filter(level__in=["village", "township", "group"]).exclude(
        assessments__round=round_
    )
    Assessment.objects.bulk_create(
        [
            Assessment(
                org=o,
                round=round_,
                target="standard",
                indicator_set=sets[o.level],
                state=State.SUBMITTED if o.level == "village" else states[i % len(states)],
                final_score=Decimal(90),
                notice_ends_at=timezone.now() - dt.timedelta(days=1),
                rectify_deadline=timezone.localdate() + dt.timedelta(days=i % 30),
            )
            for i, o in enumerate(orgs)
        ]
    )


# Session, user, round, unit (4); the counts of every kind (1); the first items of each kind the
# role has (operator 2 kinds, reviewer 2, leader 6), the rounds' extensions (1), objections counted
# and listed (2, leaders); the declaration (its window's extensions, then 3); notifications (1). The
# same for few and many items.
@pytest.mark.parametrize(
    ("persona", "limit"),
    [("operator", 13), ("reviewer", 13), ("leader", 19), ("county_leader", 19), ("admin", 19)],
)
def test_the_todo_costs_a_bounded_number_of_queries(
    world, work, persona, limit, django_assert_max_num_queries
):
    user = getattr(world, persona)
    client = login(user)
    with django_assert_max_num_queries(limit) as few:
        response = client.get("/todo/")
    assert response.status_code == 200 and "查看全部" not in response.content.decode()
    _many(world)
    with django_assert_max_num_queries(limit) as many:
        html = client.get("/todo/").content.decode()
    assert len(many.captured_queries) == len(few.captured_queries)
    if persona in ("reviewer", "admin"):
        user = type(user).objects.get(pk=user.pk)  # the unit's place in the tree has moved
        items = next(i for i in todo_for(user).items if i.key == "review")
        assert items.count > CAP and len(items.entries) == CAP
        assert "查看全部" in html and f"查看全部 {items.count} 项" in html
        assert "/assessments/?state=submitted" in hrefs(html)
