"""The world of the workflow tests: the small tree, the 2024 round, and officials at every level
that acts on a village's assessment. Every round's windows are open on the day the test runs (as
in the demo); tests of the calendar itself set the dates and the clock they need. Assessments are
driven to the state a test starts from by the demo's ``drive_to`` with ``world.cast``."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

from assessments import services
from assessments.models import Assessment, Round, State
from assessments.services.campaign import default_round_dates
from assessments.storage import evidence_storage
from demo.drive import Cast, attach_evidence, drive_to, end_notice, save_sheet
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


def every_kind_of_work(world) -> SimpleNamespace:
    """Work of every kind: the village's sheet to fill (2024), its sibling's submission to review
    (2024), the village's reviewed sheet (2023) waiting for the township's decision, the sibling's
    accepted one (2023) waiting for the county's recheck, the village's rechecked one (2022) to
    publish, the sibling's notice (2022) with an objection; one level up, the township's ended
    notice (2024) for the county to close and the street's rectification (2024), and the
    township's own rectification (2023) that its operator carries out."""
    tree = world.tree
    rounds = {r.year: r for r in Round.objects.all()}
    city_reviewer = make_user(tree.city, "reviewer")
    sibling = Cast(world.sibling_operator, world.reviewer, world.leader, world.county_reviewer)
    street_operator = make_user(tree.street, "operator")

    def up(operator) -> Cast:
        return Cast(operator, world.county_reviewer, world.county_leader, city_reviewer)

    def declare(org, year, actor):
        return services.assessment_declare(org=org, round=rounds[year], target="standard", actor=actor)

    w = SimpleNamespace(city_reviewer=city_reviewer)
    w.fill = declare(tree.village, 2024, world.operator)
    w.review = drive_to(
        declare(tree.sibling_village, 2024, world.sibling_operator), State.SUBMITTED, cast=sibling
    )
    w.decide = drive_to(declare(tree.village, 2023, world.operator), State.REVIEWED, cast=world.cast)
    w.recheck = drive_to(
        declare(tree.sibling_village, 2023, world.sibling_operator), State.ACCEPTED, cast=sibling
    )
    w.publish = drive_to(declare(tree.village, 2022, world.operator), State.RECHECKED, cast=world.cast)
    w.objection_on = drive_to(
        declare(tree.sibling_village, 2022, world.sibling_operator), State.IN_NOTICE, cast=sibling
    )
    w.objection = services.objection_submit(
        assessment_id=w.objection_on.pk, content="公示材料与实际情况不符", ip_address="10.0.0.1"
    )
    w.close = drive_to(
        declare(tree.township, 2024, world.parent_operator), State.IN_NOTICE, cast=up(world.parent_operator)
    )
    end_notice(w.close)
    w.rectifying = drive_to(
        declare(tree.street, 2024, street_operator), State.RECTIFYING, cast=up(street_operator)
    )
    w.rectify = drive_to(
        declare(tree.township, 2023, world.parent_operator), State.RECTIFYING, cast=up(world.parent_operator)
    )
    return w
