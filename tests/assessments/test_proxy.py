"""村评组 without accounts for every group: the village's (or community's) operator fills its
groups' self sheets on their behalf (代填), logged as such; the village's table of its groups with
bulk declaration, submission and review; another village's operator sees nothing (404) and
changes nothing."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from assessments import policy, services
from assessments.models import Assessment, Event, Evidence, Score, State
from assessments.policy import Relation
from demo.drive import PDF, attach_evidence, rows_at, save_sheet
from orgs.models import Organisation, User
from orgs.services import org_create
from tests.helpers import api_client_for, login, make_user


@pytest.fixture
def village(world):
    """The village 1-1-1村 with its two groups, its operator (world.operator) and its reviewer."""
    t = world.tree
    world.group2 = Organisation.objects.get(code="530401001001002")
    world.village_reviewer = make_user(t.village, "reviewer")
    return world


def declare_group(world, group=None, actor=None) -> Assessment:
    return services.assessment_declare(
        org=group or world.tree.group, round=world.round, target="standard", actor=actor or world.operator
    )


def fill(world, a: Assessment, actor=None) -> Assessment:
    """The whole self sheet and its evidence, by the village's operator unless said otherwise."""
    actor = actor or world.operator
    save_sheet(a, "self", actor)
    attach_evidence(Assessment.objects.select_related("org").get(pk=a.pk), actor)
    return Assessment.objects.get(pk=a.pk)


def snapshot(a: Assessment) -> tuple:
    a = Assessment.objects.get(pk=a.pk)
    return (
        a.state,
        a.version,
        Score.objects.filter(assessment=a).count(),
        Evidence.objects.filter(assessment=a).count(),
        Event.objects.filter(assessment=a).count(),
    )


# ---------------------------------------------------------------------------------------------
# Proxy entry


def test_the_village_operator_fills_and_submits_its_groups_sheet_on_the_pages_and_the_log_says_so(village):
    world = village
    a = declare_group(world)
    client = login(world.operator)
    sheet = client.get(f"/assessments/{a.pk}/sheet/self/")
    assert sheet.status_code == 200
    assert "代“1-1-1-1组”填写自评" in sheet.content.decode()

    indicators = [i for i in a.indicator_set.indicators.all() if i.applies_to != "urban"]
    form = {"version": a.version, **{f"score-{i.pk}": "1" for i in indicators if not i.is_veto}}
    form.update({f"veto-{i.pk}": "pass" for i in indicators if i.is_veto})
    assert client.post(f"/assessments/{a.pk}/sheet/self/", form).status_code == 302
    needing = [i for i in indicators if i.evidence_required]
    for i in needing:
        upload = SimpleUploadedFile(f"{i.code}.pdf", PDF, content_type="application/pdf")
        response = client.post(f"/assessments/{a.pk}/evidence/", {"indicator": i.pk, "file": upload})
        assert response.status_code == 302
    a.refresh_from_db()
    response = client.post(f"/assessments/{a.pk}/sheet/self/", {"version": a.version, "do": "finish"})
    assert response.status_code == 302
    a.refresh_from_db()
    assert a.state == State.SUBMITTED

    events = list(Event.objects.filter(assessment=a).order_by("pk"))
    assert [e.action for e in events] == ["declare", "scores_save"] + ["evidence_add"] * len(needing) + [
        "submit"
    ]
    for e in events:
        assert e.actor == world.operator
        assert e.data["proxy"] == {
            "org": world.tree.village.pk,
            "org_name": "1-1-1村",
            "role": "operator",
            "for_org": world.tree.group.pk,
            "for_org_name": "1-1-1-1组",
        }
    detail = client.get(f"/assessments/{a.pk}/").content.decode()
    assert f"由 1-1-1村 填报员 {world.operator.username} 代填" in detail

    # The village's reviewer reviews it as before (the parent already reviews).
    save_sheet(a, "review", world.village_reviewer, rows=rows_at(comment="入户核实"))
    services.assessment_transition(assessment_id=a.pk, action="review", actor=world.village_reviewer)
    review = Event.objects.filter(assessment=a, action="review").get()
    assert "proxy" not in review.data
    assert Assessment.objects.get(pk=a.pk).state == State.REVIEWED


def test_the_groups_own_operator_keeps_working_and_is_not_logged_as_proxy(village):
    world = village
    own = make_user(world.tree.group, "operator")
    a = fill(village, declare_group(world, actor=own), actor=own)
    services.assessment_transition(assessment_id=a.pk, action="submit", actor=own)
    assert Assessment.objects.get(pk=a.pk).state == State.SUBMITTED
    assert not [e for e in Event.objects.filter(assessment=a) if "proxy" in e.data]
    assert "代填" not in login(own).get(f"/assessments/{a.pk}/").content.decode()


def test_another_villages_operator_gets_404_for_the_group_and_nothing_is_saved(village):
    world = village
    a = declare_group(world)
    indicator = a.indicator_set.indicators.filter(evidence_required=True).first()
    before = snapshot(a)
    client = login(world.sibling_operator)  # 1-1-2村, same township
    assert client.get(f"/assessments/{a.pk}/sheet/self/").status_code == 404
    form = {"version": a.version, f"score-{indicator.pk}": "1"}
    assert client.post(f"/assessments/{a.pk}/sheet/self/", form).status_code == 404
    upload = SimpleUploadedFile("x.pdf", PDF, content_type="application/pdf")
    assert (
        client.post(f"/assessments/{a.pk}/evidence/", {"indicator": indicator.pk, "file": upload}).status_code
        == 404
    )
    assert client.post(f"/assessments/{a.pk}/transition/", {"action": "submit"}).status_code == 404

    api = api_client_for(world.sibling_operator)
    body = {"version": a.version, "scores": [{"indicator": indicator.pk, "score": 1}]}
    response = api.put(f"/api/v1/assessments/{a.pk}/scores/self/", body, format="json")
    assert response.status_code == 404
    assert response.json()["detail"] == "未找到该评估，或不在您的权限范围内"
    assert (
        api.post(f"/api/v1/assessments/{a.pk}/transitions/", {"action": "submit"}, format="json").status_code
        == 404
    )
    assert snapshot(a) == before


@pytest.mark.parametrize("who", ["village_reviewer", "village_leader", "parent_operator", "admin"])
def test_only_the_villages_operator_fills_in_for_its_groups(village, who):
    """Its reviewer and leader review; the township's operator is not the group's parent; the
    organisation department never acts as the unit. Each is refused (403) and nothing changes."""
    world = village
    a = fill(world, declare_group(world))
    indicator = a.indicator_set.indicators.first()
    before = snapshot(a)
    api = api_client_for(getattr(world, who))
    body = {"version": a.version, "scores": [{"indicator": indicator.pk, "score": 1}]}
    response = api.put(f"/api/v1/assessments/{a.pk}/scores/self/", body, format="json")
    assert response.status_code == 403
    assert "小组的自评由本小组或所在村（社区）的填报员填写" in response.json()["detail"]
    response = api.post(f"/api/v1/assessments/{a.pk}/transitions/", {"action": "submit"}, format="json")
    assert response.status_code == 403
    assert "小组也可由所在村（社区）的填报员代为操作" in response.json()["detail"]
    assert snapshot(a) == before


def test_a_village_operator_does_not_fill_in_for_a_village_nor_a_township_for_its_villages(village):
    """Proxy entry is for groups only: the township's operator still may not fill a village's sheet."""
    world = village
    a = world.declare()
    assert not policy.may_score(world.parent_operator, "self", Assessment.objects.get(pk=a.pk))
    response = api_client_for(world.parent_operator).put(
        f"/api/v1/assessments/{a.pk}/scores/self/",
        {"version": a.version, "scores": [{"indicator": a.indicator_set.indicators.first().pk, "score": 1}]},
        format="json",
    )
    assert response.status_code == 403


def test_the_api_lets_the_village_operator_fill_and_submit_for_its_group(village):
    world = village
    a = declare_group(world)
    api = api_client_for(world.operator)
    rows = rows_at()(Assessment.objects.select_related("org").get(pk=a.pk), "self")
    response = api.put(
        f"/api/v1/assessments/{a.pk}/scores/self/", {"version": a.version, "scores": rows}, format="json"
    )
    assert response.status_code == 200, response.json()
    assert response.json()["version"] == a.version + 1
    detail = api.get(f"/api/v1/assessments/{a.pk}/").json()
    assert "submit" in detail["allowed_actions"]
    listed = api.get("/api/v1/assessments/", {"level": "group"}).json()["results"]
    assert [r["allowed_actions"] for r in listed if r["id"] == a.pk] == [["submit"]]

    indicator = a.indicator_set.indicators.filter(evidence_required=True).exclude(applies_to="urban").first()
    upload = SimpleUploadedFile("台账.pdf", PDF, content_type="application/pdf")
    response = api.post(f"/api/v1/assessments/{a.pk}/evidence/", {"indicator": indicator.pk, "file": upload})
    assert response.status_code == 201
    attach_evidence_rest = [
        i
        for i in a.indicator_set.indicators.filter(evidence_required=True)
        if i.pk != indicator.pk and i.applies_to != "urban"
    ]
    for i in attach_evidence_rest:
        upload = SimpleUploadedFile(f"{i.code}.pdf", PDF, content_type="application/pdf")
        assert (
            api.post(f"/api/v1/assessments/{a.pk}/evidence/", {"indicator": i.pk, "file": upload}).status_code
            == 201
        )
    response = api.post(f"/api/v1/assessments/{a.pk}/transitions/", {"action": "submit"}, format="json")
    assert response.status_code == 200
    assert response.json()["state"] == "submitted"
    events = api.get(f"/api/v1/assessments/{a.pk}/events/").json()
    events = events["results"] if isinstance(events, dict) else events
    submitted = [e for e in events if e["action"] == "submit"]
    assert submitted[0]["actor"] == world.operator.username
    assert submitted[0]["data"]["proxy"]["org_name"] == "1-1-1村"
    assert submitted[0]["data"]["proxy"]["for_org_name"] == "1-1-1-1组"


def test_the_proxy_relation_in_sql_matches_the_check_for_villages_and_communities(village):
    world = village
    t = world.tree
    compound = Organisation.objects.get(code="530401002001001")  # a 小区 of the community
    for org in (t.group, world.group2, compound, t.village, t.community):
        world.declare(org=org, actor=world.admin)
    users = [
        world.operator,
        make_user(t.community, "operator"),
        world.sibling_operator,
        world.parent_operator,
        world.admin,
        make_user(t.group, "operator"),
    ]
    assessments = list(Assessment.objects.select_related("org__parent"))
    for user in users:
        in_python = {a.pk for a in assessments if policy.relation_holds(user, a, Relation.PROXY)}
        in_sql = set(
            Assessment.objects.filter(policy.relation_q(user, Relation.PROXY)).values_list("pk", flat=True)
        )
        assert in_python == in_sql, user.username
    community_operator = users[1]
    assert {a.org for a in assessments if policy.acts_by_proxy(community_operator, a)} == {compound}
    assert {a.org for a in assessments if policy.acts_by_proxy(world.operator, a)} == {t.group, world.group2}


# ---------------------------------------------------------------------------------------------
# The village's table of its groups


def groups_url(world) -> str:
    return f"/units/{world.tree.village.pk}/groups/?year=2024"


def test_the_table_shows_each_group_its_state_totals_and_what_is_missing(village):
    world = village
    done = fill(world, declare_group(world))
    half = declare_group(world, world.group2)
    first = half.indicator_set.indicators.order_by("order").first()
    services.scores_save(
        assessment_id=half.pk,
        stage="self",
        actor=world.operator,
        version=half.version,
        rows=[{"indicator": first.pk, "score": 1, **({"veto_passed": True} if first.is_veto else {})}],
    )
    page = login(world.operator).get(groups_url(world))
    assert page.status_code == 200
    html = page.content.decode()
    assert "1-1-1村的小组" in html
    assert "1-1-1-1组" in html and "1-1-1-2组" in html
    assert "已填完，可提交" in html  # the complete one
    rural = half.indicator_set.indicators.exclude(applies_to="urban").count()  # of the 9, for a 村民小组
    assert f"{rural - 1} 项未评分：" in html
    assert "缺佐证：" in html
    assert f"代填：{world.operator.username}" in html
    assert f'href="/assessments/{done.pk}/sheet/self/"' in html
    assert f'href="/assessments/{half.pk}/"' in html
    assert "提交所选小组的自评" in html


def test_the_tables_queries_do_not_grow_with_the_groups(village):
    world = village
    client = login(world.operator)
    fill(world, declare_group(world))
    client.get(groups_url(world))  # warm the session
    with CaptureQueriesContext(connection) as few:
        assert client.get(groups_url(world)).status_code == 200
    for n in range(3, 9):
        group = org_create(
            parent=world.tree.village, code=f"530401001001{n:03d}", name=f"新{n}组", kind="村民小组"
        )
        world.operator = User.objects.get(pk=world.operator.pk)  # its unit's place in the tree moved
        if n % 2:
            fill(world, declare_group(world, group))
    with CaptureQueriesContext(connection) as many:
        response = client.get(groups_url(world))
    assert response.status_code == 200 and "新8组" in response.content.decode()
    # session, user, the village, the round, the years, groups, assessments, indicators, scores,
    # evidence, titles, indicator set, the navigation's unit
    assert len(many) == len(few) <= 14, [q["sql"] for q in many.captured_queries]


def test_another_villages_operator_and_a_non_village_get_404(village):
    world = village
    assert login(world.sibling_operator).get(groups_url(world)).status_code == 404
    assert login(make_user(world.tree.group, "operator")).get(groups_url(world)).status_code == 404
    assert login(world.leader).get(f"/units/{world.tree.township.pk}/groups/").status_code == 404
    assert login(world.leader).get(groups_url(world)).status_code == 200  # the township sees it


def test_bulk_declaration_declares_every_group_that_may_and_says_why_not_for_the_rest(village):
    world = village
    declare_group(world)  # the first group already declared 达标
    client = login(world.operator)
    page = client.get(groups_url(world)).content.decode()
    assert f'name="orgs" value="{world.group2.pk}" checked' in page
    assert f'name="orgs" value="{world.tree.group.pk}"' not in page
    other = Organisation.objects.get(code="530401001002001")  # a group of the sibling village
    response = client.post(
        f"/units/{world.tree.village.pk}/groups/bulk/",
        {
            "do": "declare",
            "year": 2024,
            "target": "standard",
            "orgs": [world.tree.group.pk, world.group2.pk, other.pk],
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "共 3 项，已完成 1 项" in html
    assert "该单位已申报 2024 年度的这一目标" in html
    assert "不是本村（社区）的小组，未处理" in html
    made = Assessment.objects.get(org=world.group2)
    assert made.state == State.DRAFT and made.declared_by == world.operator
    assert not Assessment.objects.filter(org=other).exists()
    assert Assessment.objects.filter(org=world.tree.group).count() == 1
    assert Event.objects.get(assessment=made, action="declare").data["proxy"]["org_name"] == "1-1-1村"


def test_bulk_submit_submits_the_complete_sheets_and_refuses_the_rest_and_other_villages(village):
    world = village
    complete = fill(world, declare_group(world))
    incomplete = declare_group(world, world.group2)
    other_group = Organisation.objects.get(code="530401001002001")
    other = fill(world, declare_group(world, other_group, actor=world.admin), actor=world.sibling_operator)
    before = {a.pk: snapshot(a) for a in (incomplete, other)}
    client = login(world.operator)
    page = client.get(groups_url(world)).content.decode()
    assert f'name="ids" value="{complete.pk}" checked' in page
    assert f'name="ids" value="{incomplete.pk}">' in page  # offered, not chosen
    response = client.post(
        f"/units/{world.tree.village.pk}/groups/bulk/",
        {"do": "submit", "year": 2024, "ids": [complete.pk, incomplete.pk, other.pk]},
    )
    html = response.content.decode()
    assert "共 3 项，已完成 1 项" in html
    assert "自评表未完成，不能提交" in html
    assert "不是本村（社区）的小组，未处理" in html
    assert Assessment.objects.get(pk=complete.pk).state == State.SUBMITTED
    assert {a.pk: snapshot(a) for a in (incomplete, other)} == before
    assert (
        Event.objects.get(assessment=complete, action="submit").data["proxy"]["for_org_name"] == "1-1-1-1组"
    )


def test_the_village_reviewer_reviews_in_bulk(village):
    world = village
    ready, unscored = (fill(world, declare_group(world, g)) for g in (world.tree.group, world.group2))
    for a in (ready, unscored):
        services.assessment_transition(assessment_id=a.pk, action="submit", actor=world.operator)
    save_sheet(ready, "review", world.village_reviewer, rows=rows_at(comment="入户核实"))
    client = login(world.village_reviewer)
    page = client.get(groups_url(world)).content.decode()
    assert "评审所选小组" in page and "提交所选小组的自评" not in page
    assert f'name="ids" value="{ready.pk}" checked' in page
    response = client.post(
        f"/units/{world.tree.village.pk}/groups/bulk/",
        {"do": "review", "year": 2024, "ids": [ready.pk, unscored.pk]},
    )
    assert "共 2 项，已完成 1 项" in response.content.decode()
    assert Assessment.objects.get(pk=ready.pk).state == State.REVIEWED
    assert Assessment.objects.get(pk=unscored.pk).state == State.SUBMITTED


def test_a_bulk_post_without_a_choice_says_so_and_changes_nothing(village):
    world = village
    a = declare_group(world)
    before = snapshot(a)
    client = login(world.operator)
    url = f"/units/{world.tree.village.pk}/groups/bulk/"
    response = client.post(url, {"do": "submit", "year": 2024}, follow=True)
    assert "请至少选择一个小组" in response.content.decode()
    response = client.post(url, {"do": "publish", "year": 2024, "ids": [a.pk]}, follow=True)
    assert "请选择操作" in response.content.decode()
    assert login(world.sibling_operator).post(url, {"do": "submit", "ids": [a.pk]}).status_code == 404
    assert snapshot(a) == before
