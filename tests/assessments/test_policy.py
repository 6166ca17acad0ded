"""The transition table of policy.RULES is SPEC §3; the relations that lists filter on in SQL are
the ones the checks apply in Python; the to-do and the declaration service ask the same rule."""

from assessments import policy, services
from assessments.models import Assessment, Round, State, Target
from assessments.policy import Relation
from demo.drive import drive_to
from tests.helpers import PASSWORD, api_client_for, login, make_user

# SPEC §3, as written there: action | from | to | who | what it needs besides the state.
SPEC_TRANSITIONS = """
submit | draft | submitted | the unit itself (operator) |
return | submitted, reviewed | draft | parent (leader) | reason
review | submitted | reviewed | parent (reviewer or leader) |
accept | reviewed | accepted | parent (leader) |
fail | reviewed, accepted, rechecked | failed | parent (leader) | reason
recheck | accepted | rechecked | recheck org (reviewer or leader) |
publish | rechecked | in_notice | parent (leader) |
close_notice | in_notice | named or rejected | parent (leader), or automatically when the notice ends |
warn | named | named | parent (leader) | reason
rectify_order | named | rectifying | parent (leader) | deadline, reason
rectified | rectifying | named | parent (leader) |
revoke | named, rectifying | revoked | parent (leader) | reason
"""

WHO = {Relation.OWN: "the unit itself", Relation.PARENT: "parent", Relation.RECHECK: "recheck org"}
ROLE_ORDER = ["operator", "reviewer", "leader", "admin"]


def render(rules: dict[str, policy.Rule]) -> str:
    states = list(State.values)
    lines = []
    for action, rule in rules.items():
        sources = ", ".join(sorted(rule.sources, key=states.index))
        targets = " or ".join(rule.targets)
        who = f"{WHO[rule.relation]} ({' or '.join(sorted(rule.roles, key=ROLE_ORDER.index))})"
        if rule.automatic:
            who += ", or automatically when the notice ends"
        needs = ", ".join(
            n for n, on in (("deadline", rule.deadline_required), ("reason", rule.reason_required)) if on
        )
        lines.append(f"{action} | {sources} | {targets} | {who} | {needs}".rstrip(" |"))
    return "\n".join(lines)


def test_the_transition_table_is_the_one_of_the_spec():
    expected = "\n".join(line.rstrip(" |") for line in SPEC_TRANSITIONS.strip().splitlines())
    assert render(policy.RULES) == expected


def test_every_target_state_of_the_table_is_reachable_and_every_state_but_draft_is_entered():
    entered = {t for rule in policy.RULES.values() for t in rule.targets}
    assert entered == set(State.values)  # draft is entered by return (and by declaring)


def test_the_sql_relations_match_the_python_checks(world):
    """relation_q (what the to-do counts) and relation_holds (what the services check) agree for
    every official and every assessment, at every level."""
    t = world.tree
    for org in (t.village, t.sibling_village, t.community, t.far_village, t.group):
        world.declare(org=org, actor=world.admin)
    for org in (t.township, t.far_township, t.county):
        world.declare(org=org, actor=world.admin)
    assessments = list(Assessment.objects.select_related("org__parent"))
    officials = [
        world.operator,
        world.village_leader,
        world.reviewer,
        world.leader,
        world.county_reviewer,
        world.colleague,
        world.admin,
        make_user(t.city, "reviewer"),  # reviews and rechecks the counties
    ]
    for user in officials:
        for relation in Relation:
            in_python = {a.pk for a in assessments if policy.relation_holds(user, a, relation)}
            in_sql = set(
                Assessment.objects.filter(policy.relation_q(user, relation)).values_list("pk", flat=True)
            )
            assert in_python == in_sql, (user.username, relation)


def test_a_county_is_rechecked_by_the_city_that_reviews_it(world):
    county = world.declare(org=world.tree.county, actor=world.admin)
    county = Assessment.objects.select_related("org__parent").get(pk=county.pk)
    assert policy.recheck_org_id(county) == world.tree.city.pk


def test_a_unit_holding_the_standard_title_is_offered_the_model_title_not_the_standard_one(world):
    earlier = Round.objects.get(year=2023)
    a = services.assessment_declare(
        org=world.tree.village, round=earlier, target="standard", actor=world.operator
    )
    drive_to(a, State.NAMED, cast=world.cast)  # an active 达标 title from 2023; nothing declared for 2024 yet
    client = login(world.operator)
    home = client.get("/").content.decode()
    assert "申报示范称号" in home and "申报达标称号" not in home

    refused = client.post("/declare/", {"round": world.round.pk, "target": "standard"}, follow=True)
    assert "已持有有效的“达标”称号" in refused.content.decode()
    assert not Assessment.objects.filter(round=world.round).exists()

    response = client.post("/declare/", {"round": world.round.pk, "target": "demonstration"})
    made = Assessment.objects.get(round=world.round)
    assert made.target == Target.DEMONSTRATION
    assert response["Location"] == f"/assessments/{made.pk}/sheet/self/"
    home = client.get("/").content.decode()
    assert "申报示范称号" not in home and "申报达标称号" not in home


def test_what_a_unit_may_declare_follows_its_titles_and_its_declarations(world):
    def offered(org=world.tree.village, titles=(), declared=(), has_set=True):
        return policy.declarable_targets(
            org=org, year=2024, active_titles=set(titles), declared=declared, has_indicator_set=has_set
        )

    assert offered() == [Target.STANDARD]
    assert offered(titles={Target.STANDARD}) == [Target.DEMONSTRATION]
    assert offered(titles={Target.STANDARD, Target.DEMONSTRATION}) == []
    assert offered(declared=[Target.STANDARD]) == []
    assert offered(has_set=False) == []
    assert offered(org=world.tree.city) == []


def test_a_deactivated_unit_is_offered_no_declaration(world):
    from orgs.services import org_update

    org_update(org=world.tree.village, is_active=False)
    home = login(world.operator).get("/").content.decode()
    assert "申报达标称号" not in home and "申报示范称号" not in home


def test_the_to_do_counts_an_ended_notice_only_when_the_leader_may_close_it(world):
    """The to-do, the periodic job and allowed_actions share one rule: ended, and no objection
    waiting for a decision."""
    from django.utils import timezone

    from assessments.selectors import assessment_get_for_user
    from assessments.todo import todo_for
    from demo.drive import end_notice

    a = drive_to(world.declare(), State.IN_NOTICE, cast=world.cast)
    services.objection_submit(assessment_id=a.pk, content="公示材料与实际情况不符", ip_address="10.0.0.1")
    end_notice(a)

    def due() -> int:
        return next(i.count for i in todo_for(world.leader).items if i.key == "close")

    assert due() == 0
    assert (
        policy.allowed_actions(
            world.leader,
            assessment_get_for_user(world.leader, a.pk),
            now=timezone.now(),
            has_pending_objection=True,
        )
        == []
    )
    assert services.notices_close_due() == []
    objection = a.objections.get()
    services.objection_decide(
        objection_id=objection.pk, decision="dismissed", reason="经核实不属实", actor=world.leader
    )
    assert due() == 1
    assert "close_notice" in policy.allowed_actions(
        world.leader,
        assessment_get_for_user(world.leader, a.pk),
        now=timezone.now(),
        has_pending_objection=False,
    )
    assert services.notices_close_due() == [a.pk]
    assert due() == 0


def test_the_objections_desk_is_in_the_menu_of_those_who_decide_objections(world):
    from django.contrib.auth import get_user_model

    root = get_user_model().objects.create_superuser("root", password=PASSWORD)
    shown = {
        user.username: 'href="/objections/"' in login(user).get("/todo/").content.decode()
        for user in (world.operator, world.reviewer, world.leader, world.admin, root)
    }
    assert shown == {
        world.operator.username: False,
        world.reviewer.username: False,
        world.leader.username: True,
        world.admin.username: True,
        "root": True,
    }


def test_a_notice_may_be_closed_from_the_very_moment_it_ends(world):
    import datetime as dt

    from assessments.selectors import assessment_get_for_user

    a = drive_to(world.declare(), State.IN_NOTICE, cast=world.cast)
    a = assessment_get_for_user(world.leader, a.pk)
    before = a.notice_ends_at - dt.timedelta(microseconds=1)
    assert "close_notice" not in policy.allowed_actions(world.leader, a, now=before)
    assert "close_notice" in policy.allowed_actions(world.leader, a, now=a.notice_ends_at)


def test_a_superuser_bound_to_a_unit_as_its_reviewer_neither_reviews_nor_submits_it(world):
    """The organisation department acts for any parent, but nobody scores the own unit's review."""
    from django.contrib.auth import get_user_model

    from demo.drive import rows_at

    root = get_user_model().objects.create_superuser(
        "root-village", password=PASSWORD, org=world.tree.village, role="reviewer"
    )
    a = drive_to(world.declare(), State.SUBMITTED, cast=world.cast)
    rows = rows_at()(a, "review")
    response = api_client_for(root).put(
        f"/api/v1/assessments/{a.pk}/scores/review/", {"version": a.version, "scores": rows}, format="json"
    )
    assert response.status_code == 403
    assert not a.scores.filter(stage="review").exists()
    page = login(root).get(f"/assessments/{a.pk}/").content.decode()
    assert f"/assessments/{a.pk}/sheet/review/" not in page
    # the city's administrator, who is not the unit, may
    assert (
        f"/assessments/{a.pk}/sheet/review/"
        in login(world.admin).get(f"/assessments/{a.pk}/").content.decode()
    )
    # for the unit's own actions its role counts, as anyone's: a reviewer does not submit
    back = api_client_for(world.leader).post(
        f"/api/v1/assessments/{a.pk}/transitions/", {"action": "return", "reason": "补充材料"}, format="json"
    )
    assert back.json()["state"] == State.DRAFT
    response = api_client_for(root).put(
        f"/api/v1/assessments/{a.pk}/scores/self/",
        {"version": back.json()["version"], "scores": rows_at()(a, "self")},
        format="json",
    )
    assert response.status_code == 403
    submit = api_client_for(root).post(f"/api/v1/assessments/{a.pk}/transitions/", {"action": "submit"})
    assert submit.status_code == 403 and Assessment.objects.get(pk=a.pk).state == State.DRAFT


def test_the_assessment_page_offers_a_sheet_only_while_it_is_open(world):
    a = world.declare()
    sheet = f"/assessments/{a.pk}/sheet/self/"
    assert sheet in login(world.operator).get(f"/assessments/{a.pk}/").content.decode()
    drive_to(a, State.SUBMITTED, cast=world.cast)
    assert sheet not in login(world.operator).get(f"/assessments/{a.pk}/").content.decode()
    review = f"/assessments/{a.pk}/sheet/review/"
    assert review in login(world.reviewer).get(f"/assessments/{a.pk}/").content.decode()
    drive_to(a, State.REVIEWED, cast=world.cast)
    assert review not in login(world.reviewer).get(f"/assessments/{a.pk}/").content.decode()


def test_the_township_reviewer_cannot_decide_an_objection(world):

    a = drive_to(world.declare(), State.IN_NOTICE, cast=world.cast)
    objection = services.objection_submit(
        assessment_id=a.pk, content="公示材料与实际不符", ip_address="10.0.0.2"
    )
    response = api_client_for(world.reviewer).post(
        f"/api/v1/objections/{objection.pk}/decision/",
        {"decision": "upheld", "reason": "属实"},
        format="json",
    )
    assert response.status_code == 403
    objection.refresh_from_db()
    assert objection.status == "pending"


def test_the_citys_reviewer_rechecks_a_county_that_the_city_also_reviewed(world):
    """A county's parent is the city, which has no parent: the city is its recheck org too."""
    from demo.drive import Cast

    city_reviewer = make_user(world.tree.city, "reviewer")
    cast = Cast(
        operator=make_user(world.tree.county, "operator"),
        reviewer=city_reviewer,
        leader=make_user(world.tree.city, "leader"),
        rechecker=city_reviewer,
    )
    a = drive_to(world.declare(org=world.tree.county, actor=world.admin), State.ACCEPTED, cast=cast)

    def recheck(user):
        return api_client_for(user).post(
            f"/api/v1/assessments/{a.pk}/transitions/", {"action": "recheck"}, format="json"
        )

    from assessments.todo import todo_for

    def waiting(user) -> int:
        return next(i.count for i in todo_for(user).items if i.key == "recheck")

    assert waiting(city_reviewer) == 1  # the to-do lists it for the city's reviewer
    assert recheck(world.county_leader).status_code == 403  # the unit itself
    assert recheck(city_reviewer).json()["state"] == State.RECHECKED
