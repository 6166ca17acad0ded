"""``drive_to`` walks from where an assessment is, through the services, and refuses a state it
cannot reach from there."""

from decimal import Decimal

import pytest

from assessments.models import Event, State
from demo.drive import drive_to, path_to, rows_at


def test_driving_on_from_a_state_takes_only_the_remaining_steps(world):
    a = drive_to(world.declare(), State.REVIEWED, cast=world.cast)
    actions = list(Event.objects.filter(assessment=a).values_list("action", flat=True))
    a = drive_to(a, State.NAMED, cast=world.cast)
    later = list(Event.objects.filter(assessment=a).values_list("action", flat=True))[len(actions) :]
    assert [x for x in later if x in ("accept", "recheck", "publish", "close_notice")] == [
        "accept",
        "recheck",
        "publish",
        "close_notice",
    ]
    assert a.state == State.NAMED


def test_a_state_off_the_path_from_here_is_refused(world):
    a = drive_to(world.declare(), State.FAILED, cast=world.cast)
    with pytest.raises(ValueError, match="failed is not on the way to named"):
        drive_to(a, State.NAMED, cast=world.cast)


def test_the_row_maker_sets_the_scores(world):
    a = drive_to(world.declare(), State.REVIEWED, cast=world.cast, rows=rows_at(Decimal("0.5")))
    assert a.self_total < 60 and a.review_total < 60 and a.outcome == "fail"


def test_branches_leave_the_main_path_where_the_spec_does():
    assert path_to(State.FAILED)[-2:] == (State.REVIEWED, State.FAILED)
    assert path_to(State.REJECTED)[-2:] == (State.IN_NOTICE, State.REJECTED)
    assert path_to(State.REVOKED) == (*path_to(State.NAMED), State.REVOKED)
