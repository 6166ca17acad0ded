"""A world for workflow tests: the small tree, the default sets and the campaign, officials at
every level that acts on a village's assessment, and helpers that drive an assessment through
the services to any state."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from assessments import services
from assessments.models import Assessment, Round, State
from assessments.services import campaign_install_default
from indicators.models import applies
from indicators.services import indicator_sets_install_defaults
from tests.conftest import Tree, make_user

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


class World:
    def __init__(self, tree: Tree):
        self.tree = tree
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

    def declare(self, org=None, target="standard", actor=None) -> Assessment:
        return services.assessment_declare(
            org=org or self.tree.village, round=self.round, target=target, actor=actor or self.operator
        )


@pytest.fixture
def world(tree) -> World:
    indicator_sets_install_defaults()
    campaign_install_default()
    return World(tree)


def sheet_rows(
    assessment: Assessment, *, share: Decimal = Decimal(1), veto: bool = True, comment: str = ""
) -> list[dict]:
    """Rows for every indicator that applies to the unit, at ``share`` of the max (rounded to 0.5)."""
    rows = []
    for indicator in assessment.indicator_set.indicators.order_by("order"):
        if not applies(indicator.applies_to, assessment.org.area_type):
            continue
        score = (indicator.max_score * share * 2).quantize(Decimal(1)) / 2
        row = {"indicator": indicator.pk, "score": str(score)}
        if comment:
            row["comment"] = comment
        if indicator.is_veto:
            row["veto_passed"] = veto
        rows.append(row)
    return rows


def save_sheet(assessment: Assessment, stage: str, actor, **kwargs) -> Assessment:
    fresh = Assessment.objects.get(pk=assessment.pk)
    return services.scores_save(
        assessment_id=assessment.pk,
        stage=stage,
        actor=actor,
        version=fresh.version,
        rows=sheet_rows(fresh, **kwargs),
    )


def attach_evidence(assessment: Assessment, actor) -> None:
    for indicator in assessment.indicator_set.indicators.filter(evidence_required=True):
        if applies(indicator.applies_to, assessment.org.area_type):
            services.evidence_add(
                assessment_id=assessment.pk,
                indicator_id=indicator.pk,
                upload=SimpleUploadedFile("台账.pdf", PDF, content_type="application/pdf"),
                actor=actor,
            )


PATH = [
    State.DRAFT,
    State.SUBMITTED,
    State.REVIEWED,
    State.ACCEPTED,
    State.RECHECKED,
    State.IN_NOTICE,
    State.NAMED,
]


def advance(world: World, assessment: Assessment, to: str, *, share: Decimal = Decimal(1)) -> Assessment:
    """Drive ``assessment`` through the services up to state ``to``."""
    a = assessment
    steps = {
        State.SUBMITTED: lambda: (
            save_sheet(a, "self", world.operator, share=share),
            attach_evidence(a, world.operator),
            services.assessment_transition(action="submit", assessment_id=a.pk, actor=world.operator),
        ),
        State.REVIEWED: lambda: (
            save_sheet(a, "review", world.reviewer, share=share),
            services.assessment_transition(action="review", assessment_id=a.pk, actor=world.reviewer),
        ),
        State.ACCEPTED: lambda: services.assessment_transition(
            action="accept", assessment_id=a.pk, actor=world.leader
        ),
        State.RECHECKED: lambda: services.assessment_transition(
            action="recheck", assessment_id=a.pk, actor=world.county_reviewer
        ),
        State.IN_NOTICE: lambda: services.assessment_transition(
            action="publish", assessment_id=a.pk, actor=world.leader
        ),
        State.NAMED: lambda: (
            end_notice(a),
            services.assessment_transition(action="close_notice", assessment_id=a.pk, actor=world.leader),
        ),
    }
    extra = {
        State.FAILED: [State.REVIEWED],
        State.REJECTED: [State.IN_NOTICE],
        State.RECTIFYING: [State.NAMED],
        State.REVOKED: [State.NAMED],
    }
    path = PATH[: PATH.index(extra.get(to, [to])[0]) + 1]
    for state in path[1:]:
        if Assessment.objects.get(pk=a.pk).state != state:
            steps[state]()
    if to == State.FAILED:
        services.assessment_transition(
            action="fail", assessment_id=a.pk, actor=world.leader, reason="材料不实"
        )
    elif to == State.REJECTED:
        o = services.objection_submit(
            assessment_id=a.pk, content="该村账目不清，群众有意见", ip_address="10.0.0.9"
        )
        services.objection_decide(
            objection_id=o.pk, decision="upheld", reason="经核实属实", actor=world.leader
        )
        end_notice(a)
        services.assessment_transition(action="close_notice", assessment_id=a.pk, actor=world.leader)
    elif to == State.RECTIFYING:
        services.assessment_transition(
            action="rectify_order",
            assessment_id=a.pk,
            actor=world.leader,
            reason="工作停滞",
            deadline=timezone.localdate() + dt.timedelta(days=30),
        )
    elif to == State.REVOKED:
        services.assessment_transition(
            action="revoke", assessment_id=a.pk, actor=world.leader, reason="问题严重"
        )
    return Assessment.objects.get(pk=a.pk)


def end_notice(a: Assessment) -> None:
    """Move the notice end into the past (as if the notice days had gone by)."""
    Assessment.objects.filter(pk=a.pk).update(notice_ends_at=timezone.now() - dt.timedelta(minutes=1))
