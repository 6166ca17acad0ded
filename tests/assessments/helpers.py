"""The world of the workflow tests: the small tree, the 2024 round, and officials at every level
that acts on a village's assessment. Every round's windows are open on the day the test runs (as
in the demo); tests of the calendar itself set the dates and the clock they need. Assessments are
driven to the state a test starts from by the demo's ``drive_to`` with ``world.cast``."""

from __future__ import annotations

from pathlib import Path

from assessments import services
from assessments.models import Assessment, Round
from assessments.services.campaign import default_round_dates
from assessments.storage import evidence_storage
from demo.drive import Cast, attach_evidence, end_notice, save_sheet
from demo.rounds import current_round_dates
from tests.helpers import Tree, make_user


def rounds_open(today=None) -> None:
    """Every round's windows open on ``today`` (default: the local date)."""
    from django.utils import timezone

    Round.objects.update(**current_round_dates(today or timezone.localdate()))


def rounds_real_dates() -> None:
    """Every round back on the campaign's own calendar (March, October, December of its year)."""
    for round_ in Round.objects.all():
        Round.objects.filter(pk=round_.pk).update(**default_round_dates(round_.year))


class World:
    def __init__(self, tree: Tree):
        self.tree = tree
        rounds_open()
        self.round = Round.objects.get(year=2024)
        self.operator = make_user(tree.village, "operator")  # the unit itself
        self.village_leader = make_user(tree.village, "leader")
        self.reviewer = make_user(tree.township, "reviewer")  # the parent
        self.leader = make_user(tree.township, "leader")
        self.parent_operator = make_user(tree.township, "operator")
        self.county_reviewer = make_user(tree.county, "reviewer")  # the recheck org
        self.county_leader = make_user(tree.county, "leader")
        self.colleague = make_user(tree.far_township, "leader")  # a colleague elsewhere in the tree
        self.sibling_operator = make_user(tree.sibling_village, "operator")
        self.admin = make_user(tree.city, "admin")

    @property
    def cast(self) -> Cast:
        """Who drives the village's assessment: its operator, the township, the county."""
        return Cast(
            operator=self.operator, reviewer=self.reviewer, leader=self.leader, rechecker=self.county_reviewer
        )

    def declare(self, org=None, target="standard", actor=None) -> Assessment:
        return services.assessment_declare(
            org=org or self.tree.village, round=self.round, target=target, actor=actor or self.operator
        )


def ready_to_leave(a: Assessment, state: str, cast: Cast) -> None:
    """Meet every precondition of the actions from ``state`` other than permission and state: the
    self sheet and its evidence for submit, the review sheet for review, the notice's end."""
    if state == "draft":
        save_sheet(a, "self", cast.operator)
        attach_evidence(a, cast.operator)
    elif state == "submitted":
        save_sheet(a, "review", cast.reviewer)
    elif state == "in_notice":
        end_notice(a)


def evidence_dir() -> Path:
    """The folder of the evidence storage on local disk (the default), made if missing."""
    path = Path(evidence_storage().location)
    path.mkdir(parents=True, exist_ok=True)
    return path
