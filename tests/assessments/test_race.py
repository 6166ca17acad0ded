"""Twenty officials press the same button at the same moment: exactly one wins, the others get
409 and the log holds one event. On PostgreSQL the row lock decides; on SQLite the IMMEDIATE
transaction does."""

import threading

import pytest
from django.db import connections

from assessments import services
from assessments.models import Assessment, Event, State
from demo.drive import drive_to, sheet_rows
from yuxi_campaign.core.errors import WrongState


@pytest.mark.django_db(transaction=True)
def test_twenty_threads_racing_one_transition_exactly_one_wins(world):
    a = drive_to(world.declare(), State.REVIEWED, cast=world.cast)
    barrier = threading.Barrier(20)
    outcomes: list[str] = []
    lock = threading.Lock()

    def press():
        try:
            barrier.wait()
            services.assessment_transition(action="accept", assessment_id=a.pk, actor=world.leader)
            result = "ok"
        except WrongState:
            result = "409"
        except Exception as exc:  # noqa: BLE001 - any other outcome fails the test below
            result = repr(exc)
        finally:
            connections.close_all()
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=press) for _ in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert sorted(outcomes) == ["409"] * 19 + ["ok"]
    assert Assessment.objects.get(pk=a.pk).state == State.ACCEPTED
    assert Event.objects.filter(assessment=a, action="accept").count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_sheet_saves_with_the_same_version_one_is_stale(world):
    a = world.declare()
    rows = sheet_rows(a)[:2]
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def save():
        try:
            barrier.wait()
            services.scores_save(
                assessment_id=a.pk, stage="self", actor=world.operator, version=a.version, rows=rows
            )
            outcomes.append("ok")
        except Exception as exc:  # noqa: BLE001
            outcomes.append(type(exc).__name__)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=save) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert sorted(outcomes) == ["StaleVersion", "ok"]
    assert Assessment.objects.get(pk=a.pk).version == a.version + 1
