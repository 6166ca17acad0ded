"""Drive an assessment to any state of SPEC §3 through the workflow services, as the officials
would: the demo uses it for its assessments in every state, the tests to reach the state a test
starts from.

``drive_to`` walks from the assessment's current state along the path to the wanted one: draft →
submitted → reviewed → accepted → rechecked → in_notice → named, with the branches failed (from
reviewed), rejected (an objection upheld during the notice), rectifying and revoked (from named).
Each step is taken by the official of the ``Cast`` whom SPEC §3 names; score sheets come from a
row maker (exact shares by default). A notice that must have ended is backdated: the stand-in for
the notice days passing."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from assessments import services
from assessments.models import Assessment, State
from indicators.models import applies
from orgs.models import User

PDF = b"%PDF-1.4\n% demo evidence\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"

# What the officials write on the way.
ACCEPT_REASON = "验收材料齐全"
FAIL_REASON = "集体经济收入未达到标准，台账不完整"
OBJECTION = "该村“三务”公开栏半年未更新，群众意见较大。"
OBJECTION_IP = "127.0.0.1"
UPHOLD_REASON = "经实地核查，反映属实"
RECTIFY_REASON = "限期整改组织生活问题"
RECTIFY_DAYS = 30
REVOKE_REASON = "发生严重违纪问题，予以摘牌"


@dataclass(frozen=True)
class Cast:
    """The officials who act on a unit's assessment: the unit's operator, the parent's reviewer
    and leader, and a reviewer of the recheck organisation."""

    operator: User
    reviewer: User
    leader: User
    rechecker: User


RowMaker = Callable[[Assessment, str], list[dict]]  # (assessment, stage) → the rows of the sheet


def sheet_rows(
    assessment: Assessment,
    share: Decimal = Decimal(1),
    *,
    veto: bool = True,
    comment: str = "",
    jitter: Callable[[], Decimal] | None = None,
) -> list[dict]:
    """A row for every indicator that applies to the unit, at ``share`` of its max (plus
    ``jitter()``, drawn once a row, when given), in half points between 0 and the max."""
    rows = []
    for indicator in assessment.indicator_set.indicators.order_by("order"):
        if not applies(indicator.applies_to, assessment.org.area_type):
            continue
        part = share + (jitter() if jitter else 0)
        score = (indicator.max_score * part * 2).quantize(Decimal(1)) / 2
        row = {
            "indicator": indicator.pk,
            "score": str(min(indicator.max_score, max(Decimal(0), score))),
            "comment": comment,
        }
        if indicator.is_veto:
            row["veto_passed"] = veto
        rows.append(row)
    return rows


def rows_at(share: Decimal = Decimal(1), *, veto: bool = True, comment: str = "") -> RowMaker:
    """Every sheet at exactly ``share`` of the max."""
    return lambda assessment, stage: sheet_rows(assessment, share, veto=veto, comment=comment)


def save_sheet(
    assessment: Assessment, stage: str, actor: User, *, rows: RowMaker | None = None
) -> Assessment:
    """Save the whole ``stage`` sheet (full marks unless ``rows`` says otherwise)."""
    fresh = Assessment.objects.select_related("org", "indicator_set").get(pk=assessment.pk)
    return services.scores_save(
        assessment_id=fresh.pk,
        stage=stage,
        actor=actor,
        version=fresh.version,
        rows=(rows or rows_at())(fresh, stage),
    )


def attach_evidence(assessment: Assessment, actor: User) -> None:
    """A file for every indicator of the unit that requires evidence."""
    for indicator in assessment.indicator_set.indicators.filter(evidence_required=True):
        if applies(indicator.applies_to, assessment.org.area_type):
            services.evidence_add(
                assessment_id=assessment.pk,
                indicator_id=indicator.pk,
                actor=actor,
                upload=SimpleUploadedFile(f"{indicator.code}台账.pdf", PDF, content_type="application/pdf"),
            )


def end_notice(assessment: Assessment) -> None:
    """Move the end of the notice into the past, as if its days had gone by."""
    Assessment.objects.filter(pk=assessment.pk).update(notice_ends_at=timezone.now() - dt.timedelta(hours=1))


# ---------------------------------------------------------------------------------------------
# One step per state: what leads into it.


def _act(a: Assessment, action: str, actor: User, **details) -> None:
    services.assessment_transition(assessment_id=a.pk, action=action, actor=actor, **details)


def _submit(a: Assessment, cast: Cast, rows: RowMaker) -> None:
    save_sheet(a, "self", cast.operator, rows=rows)
    attach_evidence(a, cast.operator)
    _act(a, "submit", cast.operator)


def _review(a: Assessment, cast: Cast, rows: RowMaker) -> None:
    save_sheet(a, "review", cast.reviewer, rows=rows)
    _act(a, "review", cast.reviewer)


def _accept(a: Assessment, cast: Cast, rows: RowMaker) -> None:
    _act(a, "accept", cast.leader, reason=ACCEPT_REASON)


def _recheck(a: Assessment, cast: Cast, rows: RowMaker) -> None:
    _act(a, "recheck", cast.rechecker)  # the recheck sheet is optional


def _publish(a: Assessment, cast: Cast, rows: RowMaker) -> None:
    _act(a, "publish", cast.leader)


def _close_notice(a: Assessment, cast: Cast, rows: RowMaker) -> None:
    end_notice(a)
    _act(a, "close_notice", cast.leader)


def _fail(a: Assessment, cast: Cast, rows: RowMaker) -> None:
    _act(a, "fail", cast.leader, reason=FAIL_REASON)


def _reject(a: Assessment, cast: Cast, rows: RowMaker) -> None:
    objection = services.objection_submit(assessment_id=a.pk, content=OBJECTION, ip_address=OBJECTION_IP)
    services.objection_decide(
        objection_id=objection.pk, decision="upheld", reason=UPHOLD_REASON, actor=cast.leader
    )
    _close_notice(a, cast, rows)


def _rectify_order(a: Assessment, cast: Cast, rows: RowMaker) -> None:
    deadline = timezone.localdate() + dt.timedelta(days=RECTIFY_DAYS)
    _act(a, "rectify_order", cast.leader, reason=RECTIFY_REASON, deadline=deadline)


def _revoke(a: Assessment, cast: Cast, rows: RowMaker) -> None:
    _act(a, "revoke", cast.leader, reason=REVOKE_REASON)


STEPS: dict[str, Callable[[Assessment, Cast, RowMaker], None]] = {
    State.SUBMITTED: _submit,
    State.REVIEWED: _review,
    State.ACCEPTED: _accept,
    State.RECHECKED: _recheck,
    State.IN_NOTICE: _publish,
    State.NAMED: _close_notice,
    State.FAILED: _fail,
    State.REJECTED: _reject,
    State.RECTIFYING: _rectify_order,
    State.REVOKED: _revoke,
}
MAIN_PATH = (
    State.DRAFT,
    State.SUBMITTED,
    State.REVIEWED,
    State.ACCEPTED,
    State.RECHECKED,
    State.IN_NOTICE,
    State.NAMED,
)
BRANCHES = {
    State.FAILED: State.REVIEWED,
    State.REJECTED: State.IN_NOTICE,
    State.RECTIFYING: State.NAMED,
    State.REVOKED: State.NAMED,
}


def path_to(state: str) -> tuple[str, ...]:
    """The states from draft to ``state``."""
    if state in BRANCHES:
        return (*path_to(BRANCHES[state]), state)
    return MAIN_PATH[: MAIN_PATH.index(state) + 1]


def drive_to(assessment: Assessment, state: str, *, cast: Cast, rows: RowMaker | None = None) -> Assessment:
    """Take ``assessment`` from where it is to ``state``; the assessment as it is then."""
    current = Assessment.objects.values_list("state", flat=True).get(pk=assessment.pk)
    path = path_to(state)
    if current not in path:
        raise ValueError(f"{current} is not on the way to {state} ({' → '.join(path)})")
    for step in path[path.index(current) + 1 :]:
        STEPS[step](assessment, cast, rows or rows_at())
    return Assessment.objects.get(pk=assessment.pk)
