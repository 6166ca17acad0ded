import pytest

from assessments.models import Event, State, Title
from demo.drive import drive_to


@pytest.mark.parametrize("state", [s for s in State if s != State.DRAFT])
def test_an_assessment_can_be_driven_to_every_state(world, state):
    a = drive_to(world.declare(), state, cast=world.cast)
    assert a.state == state
    assert Event.objects.filter(assessment=a).exists()


def test_the_whole_path_names_the_unit_and_grants_the_title(world):
    a = drive_to(world.declare(), State.NAMED, cast=world.cast)
    assert (a.self_total, a.review_total, a.final_score, a.outcome) == (100, 100, 100, "pass")
    title = Title.objects.get(assessment=a)
    assert (title.org, title.kind, title.status) == (world.tree.village, "standard", "active")
