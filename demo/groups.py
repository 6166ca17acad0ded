"""村评组 in the demo: 大黑冲村's operator (the ``operator`` login) fills in its groups' 2024 self
sheets on their behalf (代填), through the same services as the pages, so their history shows the
proxy; one group, 下打马坎村民小组, has an operator of its own; the village's reviewer (the
``village_reviewer`` login) has reviewed one and scored another. The rest wait at every step the
village's table of groups (/units/<id>/groups/) shows: complete and ready to submit, half filled,
not declared. Idempotent: a group already declared for the round is left alone."""

from __future__ import annotations

import random
from decimal import Decimal

from assessments import services
from assessments.models import Assessment, Round, State
from orgs.models import Level, Organisation, Role, User
from orgs.services import official_save

from .assessments import demo_rows
from .drive import attach_evidence, save_sheet, sheet_rows

VILLAGE = "530423201202"  # 通海县里山彝族乡大黑冲村
OWN_ACCOUNT = "下打马坎村民小组"  # the one group with an operator of its own
# by the group's place among the village's other groups: (state it reaches, share it scores
# itself, whether the village's reviewer has scored its review sheet)
PLAN = [
    (State.REVIEWED, "0.93", True),
    (State.SUBMITTED, "0.9", True),  # the review sheet is complete: the reviewer may finish it
    (State.SUBMITTED, "0.86", False),  # waits for the reviewer
    (State.DRAFT, "0.91", False),  # complete: ready to submit
    (State.DRAFT, "0.88", False),  # complete: ready to submit
    (State.DRAFT, None, False),  # half filled, evidence missing
]


def _group_rows(share: str, code: str):
    return demo_rows(Decimal(share), random.Random(int(code)))  # noqa: S311 - demo scores


def seed_group_proxy(year: int = 2024) -> int:
    """Declare and fill 大黑冲村's groups as ``PLAN`` says; how many assessments were new."""
    round_ = Round.objects.get(year=year)
    village = Organisation.objects.get(code=VILLAGE)
    operator = User.objects.get(username="operator")
    reviewer = User.objects.get(username="village_reviewer")
    groups = list(Organisation.objects.filter(parent=village, level=Level.GROUP).order_by("lft"))
    own = next(g for g in groups if g.name == OWN_ACCOUNT)
    plan = [(own, (State.SUBMITTED, "0.95", False))]
    plan += list(zip([g for g in groups if g != own], PLAN, strict=False))
    made = 0
    for group, (state, share, reviewed) in plan:
        if Assessment.objects.filter(org=group, round=round_).exists():
            continue
        actor = operator
        if group == own:
            actor, _ = official_save(
                username=f"operator_{group.code}", org_code=group.code, role=Role.OPERATOR
            )
        a = services.assessment_declare(org=group, round=round_, target="standard", actor=actor)
        made += 1
        if share is None:
            half = sheet_rows(Assessment.objects.select_related("org").get(pk=a.pk), Decimal("0.8"))[:4]
            services.scores_save(assessment_id=a.pk, stage="self", actor=actor, version=a.version, rows=half)
            continue
        rows = _group_rows(share, group.code)
        save_sheet(a, "self", actor, rows=rows)
        attach_evidence(Assessment.objects.select_related("org").get(pk=a.pk), actor)
        if state == State.DRAFT:
            continue
        services.assessment_transition(assessment_id=a.pk, action="submit", actor=actor)
        if reviewed:
            save_sheet(a, "review", reviewer, rows=rows)
        if state == State.REVIEWED:
            services.assessment_transition(assessment_id=a.pk, action="review", actor=reviewer)
    return made
