"""Twenty officials press the same button at the same moment: exactly one wins, the others get
409 and the log holds one event. On PostgreSQL the row lock decides; on SQLite the IMMEDIATE
transaction does."""

import pytest

from assessments import services
from assessments.models import Assessment, Event, State
from demo.drive import drive_to, sheet_rows
from tests.helpers import at_once
from yuxi_campaign.core.errors import WrongState


@pytest.mark.django_db(transaction=True)
def test_twenty_threads_racing_one_transition_exactly_one_wins(world):
    a = drive_to(world.declare(), State.REVIEWED, cast=world.cast)

    def press():
        services.assessment_transition(action="accept", assessment_id=a.pk, actor=world.leader)

    raised = at_once([press] * 20)
    outcomes = [
        "ok" if exc is None else "409" if isinstance(exc, WrongState) else repr(exc) for exc in raised
    ]
    assert sorted(outcomes) == ["409"] * 19 + ["ok"]
    assert Assessment.objects.get(pk=a.pk).state == State.ACCEPTED
    assert Event.objects.filter(assessment=a, action="accept").count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_sheet_saves_with_the_same_version_one_is_stale(world):
    a = world.declare()
    rows = sheet_rows(a)[:2]

    def save():
        services.scores_save(
            assessment_id=a.pk, stage="self", actor=world.operator, version=a.version, rows=rows
        )

    outcomes = [type(exc).__name__ if exc else "ok" for exc in at_once([save, save])]
    assert sorted(outcomes) == ["StaleVersion", "ok"]
    assert Assessment.objects.get(pk=a.pk).version == a.version + 1
