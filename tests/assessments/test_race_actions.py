"""Two or three officials take different decisions on the same assessment at the same moment, each
from the page they read (the same version): exactly one decision is taken, the others are refused
with 409, and the log holds one event (and only its notifications). Without the version, a second
decision that is legal from the winner's new state went through as well (recheck, then fail).

Run on PostgreSQL (CI's second run), where the row lock lets the threads truly overlap."""

import datetime as dt

import pytest
from django.utils import timezone

from assessments import services
from assessments.models import Assessment, Event, Notification, State
from demo.drive import drive_to, end_notice, save_sheet
from tests.helpers import at_once
from yuxi_campaign.core.errors import DomainError

DEADLINE = (timezone.localdate() + dt.timedelta(days=30)).isoformat()
TRIALS = 3

# source state: the decisions that conflict from it, as (action, persona, details)
RACES = {
    State.ACCEPTED: [
        ("recheck", "county_leader", {}),
        ("fail", "leader", {"reason": "未达标"}),
        ("fail", "admin", {"reason": "复查发现问题"}),
    ],
    State.REVIEWED: [
        ("accept", "leader", {}),
        ("fail", "leader", {"reason": "未达标"}),
        ("return", "leader", {"reason": "材料不全"}),
    ],
    State.SUBMITTED: [("review", "reviewer", {}), ("return", "leader", {"reason": "材料不全"})],
    State.NAMED: [
        ("warn", "leader", {"reason": "工作滑坡"}),
        ("rectify_order", "leader", {"reason": "限期整改", "deadline": DEADLINE}),
        ("revoke", "leader", {"reason": "严重违纪"}),
    ],
    State.RECTIFYING: [("rectified", "leader", {}), ("revoke", "leader", {"reason": "整改不力"})],
}


def race(jobs) -> list[str]:
    """Run the jobs at the same moment; each one's outcome: "ok" or the refusal's status code."""
    return [
        "ok" if exc is None else str(exc.status_code) if isinstance(exc, DomainError) else repr(exc)
        for exc in at_once(jobs)
    ]


def prepare(world, state):
    a = drive_to(world.declare(), state, cast=world.cast)
    if state == State.SUBMITTED:
        save_sheet(a, "review", world.reviewer)  # so that review may finish it
    return Assessment.objects.get(pk=a.pk)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("trial", range(TRIALS))
@pytest.mark.parametrize("state", list(RACES))
def test_conflicting_decisions_from_the_same_page_exactly_one_is_taken(world, state, trial):
    a = prepare(world, state)
    seen = a.version
    events_before = set(Event.objects.filter(assessment=a).values_list("pk", flat=True))
    notes_before = Notification.objects.count()
    jobs = [
        lambda action=action, persona=persona, details=details: services.assessment_transition(
            assessment_id=a.pk, action=action, actor=getattr(world, persona), version=seen, **details
        )
        for action, persona, details in RACES[state]
    ]
    # The thread started last tends to take the lock first: each trial starts them in another order.
    jobs = jobs[trial % len(jobs) :] + jobs[: trial % len(jobs)]
    outcomes = race(jobs)
    assert sorted(outcomes) == ["409"] * (len(jobs) - 1) + ["ok"], outcomes
    after = Assessment.objects.get(pk=a.pk)
    assert after.version == seen + 1
    new = Event.objects.filter(assessment=a).exclude(pk__in=events_before).exclude(action="title_grant")
    assert new.count() == 1
    (event,) = new
    assert event.to_state == after.state and event.from_state == state
    assert Notification.objects.count() - notes_before == Notification.objects.filter(event=event).count()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("trial", range(TRIALS))
def test_closing_a_notice_while_its_last_objection_is_decided_one_wins(world, trial):
    """The close was prepared while an objection waited; deciding it changes what closing does
    (an upheld objection rejects the unit), so the close must not go through on the old page."""
    a = drive_to(world.declare(), State.IN_NOTICE, cast=world.cast)
    objection = services.objection_submit(
        assessment_id=a.pk, content="公示材料与实际不符", ip_address="10.0.0.1"
    )
    end_notice(a)
    a = Assessment.objects.get(pk=a.pk)
    seen = a.version
    events_before = set(Event.objects.filter(assessment=a).values_list("pk", flat=True))
    jobs = [
        lambda: services.assessment_transition(
            assessment_id=a.pk, action="close_notice", actor=world.leader, version=seen
        ),
        lambda: services.objection_decide(
            objection_id=objection.pk, decision="upheld", reason="经核查属实", actor=world.leader
        ),
    ]
    outcomes = race(jobs if trial % 2 else jobs[::-1])
    assert sorted(outcomes) == ["409", "ok"], outcomes
    after = Assessment.objects.get(pk=a.pk)
    assert after.state == State.IN_NOTICE  # the decision won: the close was refused
    new = Event.objects.filter(assessment=a).exclude(pk__in=events_before)
    assert [e.action for e in new] == ["objection_decision"]
