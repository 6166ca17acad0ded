"""Demo assessments in every state, driven through the same services as the pages and the API,
so the demo shows real sheets, events, titles and notifications. Idempotent: a unit that already
has an assessment for the round is left alone. Notices that must already have ended are
backdated (the demo's stand-in for five days passing)."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from assessments import services
from assessments.models import Assessment, Round, State
from indicators.models import applies
from orgs.models import Organisation, User
from orgs.services import official_save

PDF = b"%PDF-1.4\n% demo evidence\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"

# village code → (state, share of the max the unit scores itself)
PLAN = {
    "530423201202": (State.DRAFT, None),  # 大黑冲村: the demo operator fills it
    "530423201201": (State.SUBMITTED, "0.92"),  # 五山村: waits for the township's review
    "530423201203": (State.REVIEWED, "0.88"),  # 中铺村: waits for the leader's decision
    "530423201001": (State.ACCEPTED, "0.95"),  # 里山社区: waits for the county's recheck
    "530423201204": (State.IN_NOTICE, "0.94"),  # 象平村: in public notice now
    "530423201205": (State.NAMED, "0.97"),  # 芭蕉村: named 达标
    "530423101201": (State.RECHECKED, "0.9"),  # 杨广镇云龙村
    "530423101202": (State.FAILED, "0.7"),
    "530423101203": (State.REJECTED, "0.9"),
    "530423101204": (State.RECTIFYING, "0.93"),
    "530423101205": (State.REVOKED, "0.91"),
    "530423101206": (State.IN_NOTICE, "0.96"),
    "530423101207": (State.NAMED, "0.99"),
}
ORDER = [State.SUBMITTED, State.REVIEWED, State.ACCEPTED, State.RECHECKED, State.IN_NOTICE, State.NAMED]


def _official(org: Organisation, role: str) -> User:
    existing = User.objects.filter(org=org, role=role).order_by("pk").first()
    if existing:
        return existing
    user, _ = official_save(username=f"{role}_{org.code}", org_code=org.code, role=role)
    return user


def _rows(a: Assessment, share: Decimal, rng: random.Random, *, comment: str = "") -> list[dict]:
    rows = []
    for i in a.indicator_set.indicators.order_by("order"):
        if not applies(i.applies_to, a.org.area_type):
            continue
        wobble = Decimal(rng.choice(["-0.05", "0", "0.03"]))
        value = min(
            i.max_score, max(Decimal(0), (i.max_score * (share + wobble) * 2).quantize(Decimal(1)) / 2)
        )
        row = {"indicator": i.pk, "score": str(value), "comment": comment}
        if i.is_veto:
            row["veto_passed"] = True
        rows.append(row)
    return rows


def _save(a: Assessment, stage: str, actor: User, share: Decimal, rng: random.Random) -> None:
    fresh = Assessment.objects.get(pk=a.pk)
    services.scores_save(
        assessment_id=a.pk,
        stage=stage,
        actor=actor,
        version=fresh.version,
        rows=_rows(fresh, share, rng, comment="" if stage == "self" else "按台账逐项核实"),
    )


def _backdate_notice(a: Assessment) -> None:
    Assessment.objects.filter(pk=a.pk).update(notice_ends_at=timezone.now() - dt.timedelta(hours=1))


def seed_assessments(year: int = 2024) -> int:
    round_ = Round.objects.get(year=year)
    made = 0
    for code, (state, share_text) in PLAN.items():
        org = Organisation.objects.select_related("parent__parent").get(code=code)
        if Assessment.objects.filter(org=org, round=round_).exists():
            continue
        rng = random.Random(int(code))  # noqa: S311 - demo scores, not secrets
        operator = _official(org, "operator")
        township, county = org.parent, org.parent.parent
        reviewer, leader = _official(township, "reviewer"), _official(township, "leader")
        county_reviewer = _official(county, "reviewer")
        a = services.assessment_declare(org=org, round=round_, target="standard", actor=operator)
        made += 1
        if state == State.DRAFT:
            continue
        share = Decimal(share_text)
        _save(a, "self", operator, share, rng)
        for i in a.indicator_set.indicators.filter(evidence_required=True):
            if applies(i.applies_to, org.area_type):
                services.evidence_add(
                    assessment_id=a.pk,
                    indicator_id=i.pk,
                    actor=operator,
                    upload=SimpleUploadedFile(f"{i.code}台账.pdf", PDF),
                )
        services.assessment_transition(action="submit", assessment_id=a.pk, actor=operator)
        target = (
            State.REVIEWED
            if state == State.FAILED
            else State.IN_NOTICE
            if state == State.REJECTED
            else (State.NAMED if state in (State.RECTIFYING, State.REVOKED) else state)
        )
        for step in ORDER[1 : ORDER.index(target) + 1]:
            if step == State.REVIEWED:
                _save(a, "review", reviewer, share - Decimal("0.02"), rng)
                services.assessment_transition(action="review", assessment_id=a.pk, actor=reviewer)
            elif step == State.ACCEPTED:
                services.assessment_transition(
                    action="accept", assessment_id=a.pk, actor=leader, reason="验收材料齐全"
                )
            elif step == State.RECHECKED:
                services.assessment_transition(action="recheck", assessment_id=a.pk, actor=county_reviewer)
            elif step == State.IN_NOTICE:
                services.assessment_transition(action="publish", assessment_id=a.pk, actor=leader)
            elif step == State.NAMED:
                _backdate_notice(a)
                services.assessment_transition(action="close_notice", assessment_id=a.pk, actor=leader)
        if state == State.FAILED:
            services.assessment_transition(
                action="fail", assessment_id=a.pk, actor=leader, reason="集体经济收入未达到标准，台账不完整"
            )
        elif state == State.REJECTED:
            objection = services.objection_submit(
                assessment_id=a.pk,
                content="该村“三务”公开栏半年未更新，群众意见较大。",
                ip_address="127.0.0.1",
            )
            services.objection_decide(
                objection_id=objection.pk, decision="upheld", reason="经实地核查，反映属实", actor=leader
            )
            _backdate_notice(a)
            services.assessment_transition(action="close_notice", assessment_id=a.pk, actor=leader)
        elif state == State.RECTIFYING:
            services.assessment_transition(
                action="warn", assessment_id=a.pk, actor=leader, reason="组织生活不规范，通报批评"
            )
            services.assessment_transition(
                action="rectify_order",
                assessment_id=a.pk,
                actor=leader,
                reason="限期整改组织生活问题",
                deadline=timezone.localdate() + dt.timedelta(days=30),
            )
        elif state == State.REVOKED:
            services.assessment_transition(
                action="revoke", assessment_id=a.pk, actor=leader, reason="发生严重违纪问题，予以摘牌"
            )
    return made
