import pytest

from assessments.models import Event, State, Title
from tests.assessments.conftest import advance


@pytest.mark.parametrize(
    "state",
    [
        State.SUBMITTED,
        State.REVIEWED,
        State.ACCEPTED,
        State.RECHECKED,
        State.IN_NOTICE,
        State.NAMED,
        State.FAILED,
        State.REJECTED,
        State.RECTIFYING,
        State.REVOKED,
    ],
)
def test_an_assessment_can_be_driven_to_every_state(world, state):
    a = advance(world, world.declare(), state)
    assert a.state == state
    assert Event.objects.filter(assessment=a).exists()


def test_the_whole_path_names_the_unit_and_grants_the_title(world):
    a = advance(world, world.declare(), State.NAMED)
    assert (a.self_total, a.review_total, a.final_score, a.outcome) == (100, 100, 100, "pass")
    title = Title.objects.get(assessment=a)
    assert (title.org, title.kind, title.status) == (world.tree.village, "standard", "active")
