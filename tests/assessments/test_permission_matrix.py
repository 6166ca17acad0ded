"""Who may take which action of SPEC §3 from which state, on the pages and through the API: every
official around a village's assessment × every action × every state, inside and outside scope.

The expectations are written here by hand from SPEC §3 (action → from-states, who) and §4 (roles,
scope), not read from the policy module they check. Precedence: outside scope 404, then not allowed
403, then wrong state 409. The other preconditions (a complete sheet, evidence, a passing outcome,
an ended notice, a reason and a deadline) are met in every case, so that only permission and state
decide. A refusal changes nothing: same state, same version, no event. Outside their scope the officials
try every action from the first state and, in every state, each action they could take on their
own unit: 404 comes before the refusals and before a success.

The assessment walks the states once; each case that succeeds is undone with a savepoint, and the
branches (failed, rejected) are visited inside one too."""

from __future__ import annotations

import datetime as dt
from contextlib import contextmanager

import pytest
from django.contrib.auth import get_user_model
from django.contrib.messages import get_messages
from django.db import transaction
from django.test import Client
from django.utils import timezone

from assessments import services
from assessments.models import Assessment, Event
from demo.drive import Cast, drive_to
from tests.assessments.helpers import ready_to_leave
from tests.helpers import api_client_for, make_user

FUTURE = (timezone.localdate() + dt.timedelta(days=30)).isoformat()
PAYLOAD = {"reason": "按规定办理", "deadline": FUTURE}  # every action gets both; only some need them

# SPEC §3, by hand: action → (from-states, who: relation to the unit, roles of that org, to-state).
SPEC = {
    "submit": ({"draft"}, "own", {"operator"}, "submitted"),
    "return": ({"submitted", "reviewed"}, "parent", {"leader"}, "draft"),
    "review": ({"submitted"}, "parent", {"reviewer", "leader"}, "reviewed"),
    "accept": ({"reviewed"}, "parent", {"leader"}, "accepted"),
    "fail": ({"reviewed", "accepted", "rechecked"}, "parent", {"leader"}, "failed"),
    "recheck": ({"accepted"}, "recheck", {"reviewer", "leader"}, "rechecked"),
    "publish": ({"rechecked"}, "parent", {"leader"}, "in_notice"),
    "close_notice": ({"in_notice"}, "parent", {"leader"}, "named"),  # no objection upheld
    "warn": ({"named"}, "parent", {"leader"}, "named"),
    "rectify_order": ({"named"}, "parent", {"leader"}, "rectifying"),
    "rectified": ({"rectifying"}, "parent", {"leader"}, "named"),
    "revoke": ({"named", "rectifying"}, "parent", {"leader"}, "revoked"),
}
STATES = [
    "draft",
    "submitted",
    "reviewed",
    "failed",
    "accepted",
    "rechecked",
    "in_notice",
    "rejected",
    "named",
    "rectifying",
    "revoked",
]
BRANCHES = {"failed", "rejected"}  # visited in a savepoint, off the main path

# The officials, by their unit's relation to the village (SPEC §4): the unit itself, its parent
# (the township), the recheck org (the county: the parent's parent), the organisation department
# (acts for any parent and recheck org in its tree, never as the unit itself), someone outside.
ACTORS = {
    "own_operator": ("own", "operator"),
    "own_reviewer": ("own", "reviewer"),
    "own_leader": ("own", "leader"),
    "parent_operator": ("parent", "operator"),
    "parent_reviewer": ("parent", "reviewer"),
    "parent_leader": ("parent", "leader"),
    "recheck_reviewer": ("recheck", "reviewer"),
    "recheck_leader": ("recheck", "leader"),
    "city_admin": ("department", "admin"),
    "superuser": ("department", "superuser"),
    "outsider": ("outside", "leader"),
}


def expected(actor: str, action: str, state: str) -> int:
    relation, role = ACTORS[actor]
    if relation == "outside":
        return 404
    sources, who, roles, _to = SPEC[action]
    if relation == "department":
        allowed = who != "own"
    else:
        allowed = relation == who and role in roles
    if not allowed:
        return 403
    return 200 if state in sources else 409


def test_the_hand_written_table_covers_every_action_and_state():
    from assessments.models import State
    from assessments.policy import ACTIONS

    assert set(SPEC) == set(ACTIONS) and set(STATES) == set(State.values)


@contextmanager
def undone():
    """Whatever happens inside is rolled back (a savepoint in the test's transaction)."""
    sid = transaction.savepoint()
    try:
        yield
    finally:
        transaction.savepoint_rollback(sid)


class Matrix:
    def __init__(self, world):
        t = world.tree
        self.world = world
        root = get_user_model().objects.create_superuser("root-matrix", password="x")
        self.users = {
            "own_operator": world.operator,
            "own_reviewer": make_user(t.village, "reviewer"),
            "own_leader": world.village_leader,
            "parent_operator": world.parent_operator,
            "parent_reviewer": world.reviewer,
            "parent_leader": world.leader,
            "recheck_reviewer": world.county_reviewer,
            "recheck_leader": world.county_leader,
            "city_admin": world.admin,
            "superuser": root,
            "outsider": world.colleague,  # a township leader in another county
        }
        self.a = world.declare()
        # The same actions on a unit in another county: outside the scope of the village's,
        # township's and county's officials (the department sees it, and so does its own parent).
        far_cast = Cast(
            operator=make_user(t.far_village, "operator"),
            reviewer=make_user(t.far_township, "reviewer"),
            leader=world.colleague,
            rechecker=make_user(t.other_county, "reviewer"),
        )
        self.far = world.declare(org=t.far_village, actor=far_cast.operator)
        self.casts = {self.a.pk: world.cast, self.far.pk: far_cast}
        self.api = {name: api_client_for(user) for name, user in self.users.items()}
        self.pages = {}
        for name, user in self.users.items():
            client = Client()
            client.force_login(user)
            self.pages[name] = client
        self.cases = 0
        self.wrong: list[str] = []

    def drive(self, state: str) -> None:
        for a in (self.a, self.far):
            if state == "rejected":  # an objection comes in while the notice still runs
                tomorrow = timezone.now() + dt.timedelta(days=1)
                Assessment.objects.filter(pk=a.pk).update(notice_ends_at=tomorrow)
            if state == "revoked":  # from rectifying, which the demo's path does not take
                services.assessment_transition(
                    assessment_id=a.pk, action="revoke", actor=self.casts[a.pk].leader, reason="摘牌"
                )
            else:
                drive_to(a, state, cast=self.casts[a.pk])
            ready_to_leave(a, state, self.casts[a.pk])

    @staticmethod
    def snapshot(a) -> tuple:
        row = Assessment.objects.values_list("state", "version").get(pk=a.pk)
        return (*row, Event.objects.filter(assessment=a).count())

    def post(self, surface: str, actor: str, a, action: str):
        if surface == "api":
            response = self.api[actor].post(
                f"/api/v1/assessments/{a.pk}/transitions/", {"action": action, **PAYLOAD}, format="json"
            )
            return response.status_code, (response.json() if response.status_code != 200 else {})
        client = self.pages[actor]
        client.cookies.pop("messages", None)  # only this request's messages
        response = client.post(f"/assessments/{a.pk}/transition/", {"action": action, **PAYLOAD})
        return response.status_code, [(m.level_tag, str(m)) for m in get_messages(response.wsgi_request)]

    def check(self, surface: str, actor: str, a, action: str, state: str, want: int) -> None:
        self.cases += 1
        before = self.snapshot(a)
        with undone():
            status, said = self.post(surface, actor, a, action)
            after = self.snapshot(a)
        case = f"{surface} {actor} {action} from {state}"
        if surface == "api":
            got = status
            if status in (403, 409) and not said.get("detail"):
                self.wrong.append(f"{case}: {status} without a detail")
        else:
            got = self.page_outcome(status, said)
        if got != want:
            self.wrong.append(f"{case}: expected {want}, got {got} {said}")
        elif want == 200:
            to = SPEC[action][3]
            if after[0] != to or after[1] <= before[1] or after[2] <= before[2]:
                self.wrong.append(f"{case}: allowed but the assessment went {before} → {after}")
        elif after != before:
            self.wrong.append(f"{case}: refused ({want}) but the assessment changed {before} → {after}")

    @staticmethod
    def page_outcome(status: int, said: list) -> int | str:
        """What the user sees on the page, as the API's status: 404 page; else back to the
        assessment with one message: done (200), 无权执行 (403), the state named (409)."""
        if status == 404:
            return 404
        if status != 302 or len(said) != 1:
            return f"{status} {said}"
        level, text = said[0]
        if level == "success":
            return 200
        if level == "error" and text.startswith("无权执行"):
            return 403
        if level == "error" and text.startswith("当前状态为"):
            return 409
        return f"{status} {said}"

    def allowed_actions(self, actor: str, state: str) -> None:
        """The actions the API offers are exactly those that would succeed."""
        body = self.api[actor].get(f"/api/v1/assessments/{self.a.pk}/")
        if ACTORS[actor][0] == "outside":
            if body.status_code != 404:
                self.wrong.append(f"detail for {actor}: {body.status_code}")
            return
        offered = set(body.json()["allowed_actions"])
        want = {action for action in SPEC if expected(actor, action, state) == 200}
        if offered != want:
            self.wrong.append(f"allowed_actions of {actor} in {state}: {sorted(offered)} != {sorted(want)}")

    def run_state(self, surface: str, state: str) -> None:
        for actor in ACTORS:
            self.allowed_actions(actor, state)
            for action in SPEC:
                self.check(surface, actor, self.a, action, state, expected(actor, action, state))
                if far_case(actor, action, state):
                    self.check(surface, actor, self.far, action, state, 404)


def far_case(actor: str, action: str, state: str) -> bool:
    """Whether the official tries the action on the unit outside their scope too: every action
    from the first state (404 before 403 and 409), and in every state each action they may take
    on their own unit (404 before a success)."""
    if ACTORS[actor][0] not in ("own", "parent", "recheck"):
        return False
    return state == STATES[0] or expected(actor, action, state) == 200


# The states in two halves that run side by side: the second starts from its first state, reached
# along the workflow's own path.
HALVES = {"draft-to-accepted": STATES[:5], "rechecked-to-revoked": STATES[5:]}


@pytest.mark.parametrize("half", list(HALVES))
@pytest.mark.parametrize("surface", ["api", "page"])
def test_every_official_every_action_every_state(world, surface, half):
    m = Matrix(world)
    states = HALVES[half]
    for state in states:
        if state in BRANCHES:
            with undone():
                m.drive(state)
                m.run_state(surface, state)
        else:
            m.drive(state)
            m.run_state(surface, state)
    # 11 officials × 12 actions × each state on the village; 8 of them again outside their scope
    outside = sum(far_case(actor, action, state) for actor in ACTORS for action in SPEC for state in states)
    assert outside > 0 and m.cases == 11 * 12 * len(states) + outside
    assert not m.wrong, "\n".join(m.wrong)


def test_the_halves_cover_every_state_once():
    assert [state for half in HALVES.values() for state in half] == STATES


def test_a_refusal_on_the_page_is_a_message_on_the_assessment_page(world):
    """What the user sees after a refused decision: the assessment page with the reason."""
    m = Matrix(world)
    client = m.pages["parent_reviewer"]
    page = client.post(f"/assessments/{m.a.pk}/transition/", {"action": "accept"}, follow=True)
    assert page.redirect_chain == [(f"/assessments/{m.a.pk}/", 302)]
    assert "无权执行“验收”" in page.content.decode()
    page = m.pages["parent_leader"].post(
        f"/assessments/{m.a.pk}/transition/", {"action": "accept"}, follow=True
    )
    assert "当前状态为“草稿”" in page.content.decode()
    page = m.pages["own_operator"].post(f"/assessments/{m.far.pk}/transition/", {"action": "submit"})
    assert page.status_code == 404
    assert m.snapshot(m.a)[0] == "draft" and m.snapshot(m.far)[0] == "draft"
