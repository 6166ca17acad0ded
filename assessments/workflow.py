"""The assessment workflow: declaration, score sheets, evidence, the twelve actions, notices,
objections and titles. Every write is one service function that locks the assessment row,
checks state and actor, records an Event and queues follow-up work on commit."""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid
import zipfile
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from indicators.models import Indicator, IndicatorSet, applies
from indicators.scoring import scaled_total
from indicators.services import indicator_set_freeze
from orgs.models import Organisation, User
from orgs.selectors import org_within
from yuxi_campaign.errors import InvalidInput, NotAllowed, OutOfScope, StaleVersion, WrongState

from . import policy
from .models import (
    Assessment,
    Event,
    Evidence,
    Objection,
    ObjectionStatus,
    Outcome,
    Round,
    Score,
    Stage,
    State,
    Target,
    Title,
    TitleStatus,
)

GAP_SHARE = Decimal("0.3")
MAX_COMMENT = 1000
MAX_REASON = 1000


def _label(state: str) -> str:
    return policy.STATE_LABELS.get(state, state)


def _lock(assessment_id: int) -> Assessment:
    try:
        return (
            Assessment.objects.select_for_update(of=("self",))
            .select_related("org__parent", "round", "indicator_set")
            .get(pk=assessment_id)
        )
    except (Assessment.DoesNotExist, ValueError, TypeError):
        raise OutOfScope("未找到该评估，或不在您的权限范围内") from None


def _check_scope(actor: User | None, assessment: Assessment) -> None:
    if actor is None:  # the system (periodic jobs)
        return
    if actor.is_superuser and actor.org_id is None:
        return
    if actor.org is None or not org_within(actor.org, assessment.org):
        raise OutOfScope("未找到该评估，或不在您的权限范围内")


def _event(assessment: Assessment | None, action: str, actor: User | None, **fields) -> Event:
    return Event.objects.create(assessment=assessment, action=action, actor=actor, **fields)


def _queue(task_name: str, *args) -> None:
    """Queue a Celery task once the transaction commits (never inside it)."""

    def send():
        from . import tasks

        getattr(tasks, task_name).delay(*args)

    transaction.on_commit(send)


def _reason(action: str, reason: str | None) -> str:
    """The stripped reason; required where the action needs one, at most MAX_REASON long."""
    rule = policy.RULES[action]
    reason = (reason or "").strip()
    if rule.reason_required and not reason:
        raise InvalidInput(f"“{rule.label}”需要填写理由", fields={"reason": ["请填写理由"]})
    if len(reason) > MAX_REASON:
        raise InvalidInput(
            f"理由不能超过 {MAX_REASON} 字", fields={"reason": [f"理由不能超过 {MAX_REASON} 字"]}
        )
    return reason


def _begin(action: str, assessment_id: int, actor: User | None) -> Assessment:
    """Lock the row, then check scope (404), role and relation (403) and state (409)."""
    rule = policy.RULES[action]
    assessment = _lock(assessment_id)
    _check_scope(actor, assessment)
    if actor is not None and not policy.may_take(actor, action, assessment):
        who = {"own": "本单位", "parent": "上级单位", "recheck": "复核单位"}[rule.actor]
        roles = "、".join(policy.ROLE_LABELS[r] for r in sorted(rule.roles))
        raise NotAllowed(f"无权执行“{rule.label}”：只有{who}的{roles}可以操作")
    if assessment.state not in rule.sources:
        allowed = "、".join(_label(s) for s in sorted(rule.sources))
        raise WrongState(
            f"当前状态为“{_label(assessment.state)}”，不能执行“{rule.label}”（仅限{allowed}状态）",
            code="wrong_state",
        )
    return assessment


def _finish(
    assessment: Assessment,
    action: str,
    actor: User | None,
    *,
    from_state: str,
    reason: str = "",
    fields: Iterable[str] = (),
    title: Title | None = None,
    data: dict | None = None,
) -> Assessment:
    assessment.version = F("version") + 1
    assessment.save(update_fields=["state", "version", "updated_at", *fields])
    assessment.refresh_from_db(fields=["version"])
    event = _event(
        assessment,
        action,
        actor,
        from_state=from_state,
        to_state=assessment.state,
        reason=reason,
        title=title,
        data=data or {},
    )
    _queue("notify_event", event.pk)
    return assessment


# ---------------------------------------------------------------------------------------------
# Declaration


@transaction.atomic
def assessment_declare(*, org: Organisation, round: Round, target: str, actor: User) -> Assessment:  # noqa: A002
    """Declare a unit for a round and target: the unit's own officials or its parent's."""
    if target not in Target.values:
        raise InvalidInput(
            f"未知的创建目标“{target}”：可选 standard、demonstration", fields={"target": ["未知目标"]}
        )
    _check_scope(actor, Assessment(org=org))
    own = actor.org_id == org.pk
    parent = actor.org_id is not None and actor.org_id == org.parent_id
    if not (own or parent or actor.is_campaign_admin):
        raise NotAllowed("只有本单位或其上级单位的干部可以申报")
    if org.parent_id is None:
        raise InvalidInput("市级单位不参加评估", fields={"org": ["市级单位不参加评估"]})
    if not org.is_active:
        raise InvalidInput(f"单位“{org.name}”已停用，不能申报", fields={"org": ["单位已停用"]})
    indicator_set = IndicatorSet.objects.filter(level=org.level, year=round.year).first()
    if indicator_set is None:
        raise InvalidInput(
            f"{round.year} 年尚无该层级的指标体系，请先由管理员建立", fields={"round": ["没有指标体系"]}
        )
    titles = set(Title.objects.filter(org=org, status=TitleStatus.ACTIVE).values_list("kind", flat=True))
    if target == Target.DEMONSTRATION and Target.STANDARD not in titles:
        raise InvalidInput(
            "只有持有有效“达标”称号的单位才能申报“示范”", fields={"target": ["尚无有效的达标称号"]}
        )
    if target in titles:
        raise InvalidInput(
            f"该单位已持有有效的“{Target(target).label}”称号，无需重复申报", fields={"target": ["已有该称号"]}
        )
    if Assessment.objects.filter(org=org, round=round, target=target).exists():
        raise WrongState(f"该单位已申报 {round.year} 年度的这一目标", code="duplicate")
    try:
        with transaction.atomic():
            assessment = Assessment.objects.create(
                org=org, round=round, target=target, indicator_set=indicator_set, declared_by=actor
            )
    except IntegrityError:
        raise WrongState(f"该单位已申报 {round.year} 年度的这一目标", code="duplicate") from None
    indicator_set_freeze(indicator_set=indicator_set)
    _event(assessment, "declare", actor, to_state=State.DRAFT, data={"target": target})
    return assessment


# ---------------------------------------------------------------------------------------------
# Score sheets


def _parse_score(raw, indicator: Indicator) -> tuple[Decimal | None, str | None]:
    if raw is None or raw == "":
        return None, "请填写分值"
    if isinstance(raw, bool):
        return None, "分值应为数字"
    try:
        value = Decimal(str(raw))
    except InvalidOperation:
        return None, "分值应为数字"
    if not value.is_finite():
        return None, "分值应为数字"
    if value < 0 or value > indicator.max_score:
        return None, f"分值应在 0 到 {indicator.max_score.normalize():f} 之间"
    if (value * 2) % 1 != 0:
        return None, "分值应为 0.5 的整数倍"
    return value.quantize(Decimal("0.1")), None


def _sheet_indicators(assessment: Assessment) -> dict[int, Indicator]:
    return {i.pk: i for i in assessment.indicator_set.indicators.all()}


def _applicable(assessment: Assessment, indicators: dict[int, Indicator]) -> list[Indicator]:
    return [i for i in indicators.values() if applies(i.applies_to, assessment.org.area_type)]


def scores_save(*, assessment_id: int, stage: str, actor: User, version, rows: list[dict]) -> Assessment:
    """Save some or all rows of one sheet. All or nothing: any bad row saves nothing."""
    with transaction.atomic():
        return _scores_save(assessment_id=assessment_id, stage=stage, actor=actor, version=version, rows=rows)


def _scores_save(*, assessment_id, stage, actor, version, rows) -> Assessment:
    if stage not in Stage.values:
        raise InvalidInput(f"未知的评分表“{stage}”：可选 self、review、recheck")
    assessment = _lock(assessment_id)
    _check_scope(actor, assessment)
    label = policy.STAGE_LABELS[stage]
    if not policy.may_score(actor, stage, assessment):
        if stage != Stage.SELF and actor.org_id == assessment.org_id:
            raise NotAllowed(f"不能给本单位打{label}分")
        raise NotAllowed(f"您无权填写该单位的{label}表")
    open_state = policy.sheet_open_state(stage)
    if assessment.state != open_state:
        raise WrongState(
            f"当前状态为“{_label(assessment.state)}”，{label}表只能在“{_label(open_state)}”状态填写"
        )
    if not isinstance(version, int) or isinstance(version, bool):
        raise InvalidInput("缺少 version（评估的当前版本号）", fields={"version": ["请提供整数版本号"]})
    if version != assessment.version:
        raise StaleVersion(
            f"该评估已被他人修改（当前版本 {assessment.version}，您提交的是 {version}），"
            "请刷新后再保存；您填写的内容未保存",
            fields={"current_version": [str(assessment.version)]},
        )
    if not isinstance(rows, list) or not rows:
        raise InvalidInput("scores 应为非空列表", fields={"scores": ["请至少提交一项评分"]})

    indicators = _sheet_indicators(assessment)
    existing = {s.indicator_id: s for s in Score.objects.filter(assessment=assessment, stage=stage)}
    self_scores = (
        {}
        if stage == Stage.SELF
        else dict(
            Score.objects.filter(assessment=assessment, stage=Stage.SELF).values_list("indicator_id", "score")
        )
    )
    row_errors: list[dict] = []
    clean: list[tuple[Indicator, Decimal, str, bool | None]] = []
    seen: set[int] = set()
    for row in rows:
        errors: dict[str, list[str]] = {}
        if not isinstance(row, dict):
            row_errors.append({"non_field_errors": ["每一行应为对象"]})
            continue
        raw_id = row.get("indicator")
        indicator = (
            indicators.get(raw_id) if isinstance(raw_id, int) and not isinstance(raw_id, bool) else None
        )
        if indicator is None:
            errors["indicator"] = [
                f"指标 {raw_id!r} 不属于本单位 {assessment.round.year} 年的"
                f"{assessment.indicator_set.name}指标体系"
            ]
            row_errors.append(errors)
            continue
        if not applies(indicator.applies_to, assessment.org.area_type):
            where = {"rural": "农村", "urban": "城市"}[indicator.applies_to]
            errors["indicator"] = [f"指标 {indicator.code} 仅适用于{where}单位，不适用于本单位"]
        if indicator.pk in seen:
            errors.setdefault("indicator", []).append(f"指标 {indicator.code} 在本次提交中重复")
        seen.add(indicator.pk)
        score, problem = _parse_score(row.get("score"), indicator)
        if problem:
            errors["score"] = [f"{indicator.code}：{problem}"]
        comment = row.get("comment") or ""
        if not isinstance(comment, str):
            errors["comment"] = ["说明应为文字"]
            comment = ""
        comment = comment.strip()
        if len(comment) > MAX_COMMENT:
            errors["comment"] = [f"说明不能超过 {MAX_COMMENT} 字"]
        veto = row.get("veto_passed")
        if veto is not None and not isinstance(veto, bool):
            errors["veto_passed"] = ["veto_passed 应为 true 或 false"]
        elif veto is not None and not indicator.is_veto:
            errors["veto_passed"] = [f"{indicator.code} 不是一票否决项，不填写是否通过"]
        if score is not None and stage != Stage.SELF and indicator.pk in self_scores and not comment:
            gap = abs(score - self_scores[indicator.pk])
            if gap > indicator.max_score * GAP_SHARE:
                errors["comment"] = [
                    f"{indicator.code}：与自评分 {self_scores[indicator.pk].normalize():f} "
                    f"相差 {gap.normalize():f} 分，"
                    f"超过满分的 30%，请填写说明"
                ]
        row_errors.append(errors)
        if not errors:
            clean.append((indicator, score, comment, veto))
    if any(row_errors):
        messages = [
            f"第 {n} 行：{'；'.join(m for msgs in errs.values() for m in msgs)}"
            for n, errs in enumerate(row_errors, start=1)
            if errs
        ]
        raise InvalidInput("评分未保存：" + "；".join(messages), fields={"scores": row_errors})

    changes = []
    to_create, to_update = [], []
    for indicator, score, comment, veto in clean:
        old = existing.get(indicator.pk)
        new_values = {"score": f"{score}", "comment": comment, "veto_passed": veto}
        if old is None:
            to_create.append(
                Score(
                    assessment=assessment,
                    stage=stage,
                    indicator=indicator,
                    score=score,
                    comment=comment,
                    veto_passed=veto,
                    updated_by=actor,
                )
            )
            changes.append({"indicator": indicator.code, "old": None, "new": new_values})
        else:
            old_values = {"score": f"{old.score}", "comment": old.comment, "veto_passed": old.veto_passed}
            if old_values != new_values:
                old.score, old.comment, old.veto_passed, old.updated_by = score, comment, veto, actor
                to_update.append(old)
                changes.append({"indicator": indicator.code, "old": old_values, "new": new_values})
    Score.objects.bulk_create(to_create)
    Score.objects.bulk_update(to_update, ["score", "comment", "veto_passed", "updated_by", "updated_at"])
    _recompute(assessment, indicators)
    assessment.version = F("version") + 1
    assessment.save(
        update_fields=[
            "version",
            "self_total",
            "review_total",
            "recheck_total",
            "final_score",
            "veto_failed",
            "outcome",
            "updated_at",
        ]
    )
    assessment.refresh_from_db(fields=["version"])
    _event(
        assessment,
        "scores_save",
        actor,
        from_state=assessment.state,
        to_state=assessment.state,
        data={"stage": stage, "changes": changes},
    )
    return assessment


def _recompute(assessment: Assessment, indicators: dict[int, Indicator]) -> None:
    """Totals out of the set's total, final score, veto and outcome, from the saved rows."""
    sheets: dict[str, dict[int, Decimal]] = {s: {} for s in Stage.values}
    vetoes: dict[str, list[bool | None]] = {s: [] for s in Stage.values}
    for stage, indicator_id, score, veto in Score.objects.filter(assessment=assessment).values_list(
        "stage", "indicator_id", "score", "veto_passed"
    ):
        sheets[stage][indicator_id] = score
        if indicators[indicator_id].is_veto:
            vetoes[stage].append(veto)
    area, total = assessment.org.area_type, assessment.indicator_set.total_score
    values = list(indicators.values())
    assessment.self_total = scaled_total(sheets["self"], values, area, total) if sheets["self"] else None
    assessment.review_total = (
        scaled_total(sheets["review"], values, area, total) if sheets["review"] else None
    )
    assessment.recheck_total = (
        scaled_total(sheets["recheck"], values, area, total) if sheets["recheck"] else None
    )
    final_stage = Stage.RECHECK if sheets["recheck"] else Stage.REVIEW
    assessment.final_score = assessment.recheck_total if sheets["recheck"] else assessment.review_total
    assessment.veto_failed = False in vetoes[final_stage]
    if assessment.final_score is None:
        assessment.outcome = ""
    else:
        passed = assessment.final_score >= assessment.threshold and not assessment.veto_failed
        assessment.outcome = Outcome.PASS if passed else Outcome.FAIL


def _require_complete(assessment: Assessment, stage: str, message: str) -> None:
    """Refuse (400) when an applicable indicator of the sheet has no score or no veto answer."""
    if missing := _missing(assessment, stage):
        raise InvalidInput(
            f"{message}：{'、'.join(missing)} 未评分或未选择是否通过", fields={"scores": missing}
        )


def _missing(assessment: Assessment, stage: str) -> list[str]:
    indicators = _sheet_indicators(assessment)
    rows = {
        i: v
        for i, v in Score.objects.filter(assessment=assessment, stage=stage).values_list(
            "indicator_id", "veto_passed"
        )
    }
    missing = []
    for indicator in _applicable(assessment, indicators):
        if indicator.pk not in rows or (indicator.is_veto and rows[indicator.pk] is None):
            missing.append(indicator.code)
    return sorted(missing)


# ---------------------------------------------------------------------------------------------
# Evidence

SIGNATURES = {
    "pdf": ("application/pdf", b"%PDF-"),
    "png": ("image/png", b"\x89PNG\r\n\x1a\n"),
    "jpg": ("image/jpeg", b"\xff\xd8\xff"),
    "jpeg": ("image/jpeg", b"\xff\xd8\xff"),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", b"PK\x03\x04"),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", b"PK\x03\x04"),
}
OOXML_PART = {"docx": "word/document.xml", "xlsx": "xl/workbook.xml"}


def evidence_dir() -> Path:
    path = Path(settings.PRIVATE_MEDIA_ROOT) / "evidence"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _sniff(upload, extension: str) -> str | None:
    """The problem with the file's content for its extension, or None when it is what it says."""
    content_type, magic = SIGNATURES[extension]
    upload.seek(0)
    head = upload.read(len(magic))
    upload.seek(0)
    if head != magic:
        return f"文件内容不是有效的 {extension} 文件"
    if extension in OOXML_PART:
        try:
            with zipfile.ZipFile(upload) as archive:
                if OOXML_PART[extension] not in archive.namelist():
                    return f"文件内容不是有效的 {extension} 文件"
        except zipfile.BadZipFile:
            return f"文件内容不是有效的 {extension} 文件"
        finally:
            upload.seek(0)
    return None


def evidence_add(*, assessment_id: int, indicator_id, upload, actor: User) -> Evidence:
    """Store an uploaded file for one indicator of the self sheet. The file is written under a
    generated name; if the transaction fails it is removed again."""
    written: list[Path] = []
    try:
        with transaction.atomic():
            return _evidence_add(assessment_id, indicator_id, upload, actor, written)
    except BaseException:
        for path in written:
            path.unlink(missing_ok=True)
        raise


def _evidence_add(assessment_id, indicator_id, upload, actor, written: list[Path]) -> Evidence:
    assessment = _lock(assessment_id)
    _check_scope(actor, assessment)
    if not (actor.org_id == assessment.org_id and actor.role == "operator"):
        raise NotAllowed("只有本单位的填报员可以上传佐证材料")
    if assessment.state != State.DRAFT:
        raise WrongState(f"当前状态为“{_label(assessment.state)}”，自评表已关闭，不能上传佐证材料")
    indicators = _sheet_indicators(assessment)
    try:
        indicator = indicators[int(indicator_id)]
    except (KeyError, ValueError, TypeError):
        raise InvalidInput(
            "指标不属于本单位的指标体系", fields={"indicator": ["指标不属于本单位的指标体系"]}
        ) from None
    if upload is None:
        raise InvalidInput("请选择文件", fields={"file": ["请选择文件"]})
    name = Path(upload.name or "").name[:255]
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if extension not in SIGNATURES:
        raise InvalidInput(
            f"不支持的文件类型“{extension or name}”：只接受 pdf、jpg、png、docx、xlsx",
            fields={"file": ["只接受 pdf、jpg、png、docx、xlsx"]},
        )
    limit = settings.EVIDENCE_MAX_BYTES
    if upload.size > limit:
        raise InvalidInput(
            f"文件过大（{upload.size / 1024 / 1024:.1f} MB）：不能超过 {limit // 1024 // 1024} MB",
            fields={"file": [f"不能超过 {limit // 1024 // 1024} MB"]},
        )
    if upload.size == 0:
        raise InvalidInput("文件是空的", fields={"file": ["文件是空的"]})
    if problem := _sniff(upload, extension):
        raise InvalidInput(problem, fields={"file": [problem]})
    stored_name = f"{uuid.uuid4().hex}.{extension}"
    target = evidence_dir() / stored_name
    digest = hashlib.sha256()
    written.append(target)
    with target.open("xb") as handle:
        for chunk in upload.chunks():
            digest.update(chunk)
            handle.write(chunk)
    evidence = Evidence.objects.create(
        assessment=assessment,
        indicator=indicator,
        stored_name=stored_name,
        original_name=name,
        content_type=SIGNATURES[extension][0],
        size=upload.size,
        sha256=digest.hexdigest(),
        uploaded_by=actor,
    )
    _event(
        assessment,
        "evidence_add",
        actor,
        from_state=assessment.state,
        to_state=assessment.state,
        data={"indicator": indicator.code, "file": name, "evidence": evidence.pk},
    )
    return evidence


@transaction.atomic
def evidence_delete(*, assessment_id: int, evidence_id, actor: User) -> None:
    assessment = _lock(assessment_id)
    _check_scope(actor, assessment)
    if not (actor.org_id == assessment.org_id and actor.role == "operator"):
        raise NotAllowed("只有本单位的填报员可以删除佐证材料")
    if assessment.state != State.DRAFT:
        raise WrongState(f"当前状态为“{_label(assessment.state)}”，自评表已关闭，不能删除佐证材料")
    try:
        evidence = Evidence.objects.get(pk=evidence_id, assessment=assessment)
    except (Evidence.DoesNotExist, ValueError, TypeError):
        raise OutOfScope("未找到该佐证材料") from None
    path = evidence_dir() / evidence.stored_name
    evidence.delete()
    _event(
        assessment,
        "evidence_delete",
        actor,
        from_state=assessment.state,
        to_state=assessment.state,
        data={"indicator": evidence.indicator.code, "file": evidence.original_name},
    )
    transaction.on_commit(lambda: path.unlink(missing_ok=True))


def evidence_cleanup() -> int:
    """Remove stored files that no row refers to (left by an upload whose transaction failed)."""
    folder = evidence_dir()
    known = set(Evidence.objects.values_list("stored_name", flat=True))
    cutoff = timezone.now().timestamp() - 3600
    removed = 0
    for path in folder.iterdir():
        if path.name not in known and path.stat().st_mtime < cutoff:
            path.unlink(missing_ok=True)
            removed += 1
    return removed


# ---------------------------------------------------------------------------------------------
# The twelve actions


@transaction.atomic
def assessment_submit(*, assessment_id: int, actor: User, reason: str = "", **_) -> Assessment:
    a = _begin("submit", assessment_id, actor)
    _require_complete(a, Stage.SELF, "自评表未完成，不能提交")
    need = [i for i in _applicable(a, _sheet_indicators(a)) if i.evidence_required]
    have = set(Evidence.objects.filter(assessment=a).values_list("indicator_id", flat=True))
    if lacking := sorted(i.code for i in need if i.pk not in have):
        raise InvalidInput(
            f"以下指标需要上传佐证材料后才能提交：{'、'.join(lacking)}", fields={"evidence": lacking}
        )
    a.state = State.SUBMITTED
    return _finish(
        a,
        "submit",
        actor,
        from_state=State.DRAFT,
        reason=_reason("submit", reason),
    )


@transaction.atomic
def assessment_return(*, assessment_id: int, actor: User, reason: str = "", **_) -> Assessment:
    a = _begin("return", assessment_id, actor)
    reason = _reason("return", reason)
    from_state = a.state
    a.state = State.DRAFT
    return _finish(a, "return", actor, from_state=from_state, reason=reason)


@transaction.atomic
def assessment_review(*, assessment_id: int, actor: User, reason: str = "", **_) -> Assessment:
    a = _begin("review", assessment_id, actor)
    _require_complete(a, Stage.REVIEW, "评审表未完成")
    a.state = State.REVIEWED
    return _finish(
        a,
        "review",
        actor,
        from_state=State.SUBMITTED,
        reason=_reason("review", reason),
    )


@transaction.atomic
def assessment_accept(*, assessment_id: int, actor: User, reason: str = "", **_) -> Assessment:
    a = _begin("accept", assessment_id, actor)
    a.state = State.ACCEPTED
    return _finish(
        a,
        "accept",
        actor,
        from_state=State.REVIEWED,
        reason=_reason("accept", reason),
    )


@transaction.atomic
def assessment_fail(*, assessment_id: int, actor: User, reason: str = "", **_) -> Assessment:
    a = _begin("fail", assessment_id, actor)
    reason = _reason("fail", reason)
    from_state = a.state
    a.state = State.FAILED
    a.outcome = Outcome.FAIL
    return _finish(a, "fail", actor, from_state=from_state, reason=reason, fields=["outcome"])


@transaction.atomic
def assessment_recheck(*, assessment_id: int, actor: User, reason: str = "", **_) -> Assessment:
    a = _begin("recheck", assessment_id, actor)
    a.state = State.RECHECKED
    return _finish(
        a,
        "recheck",
        actor,
        from_state=State.ACCEPTED,
        reason=_reason("recheck", reason),
    )


@transaction.atomic
def assessment_publish(*, assessment_id: int, actor: User, reason: str = "", **_) -> Assessment:
    a = _begin("publish", assessment_id, actor)
    if a.outcome != Outcome.PASS:
        why = "一票否决项未通过" if a.veto_failed else f"最终得分 {a.final_score} 未达到分数线 {a.threshold}"
        raise WrongState(f"结果为“未通过”（{why}），不能公示；请执行“评定不通过”", code="outcome_not_pass")
    now = timezone.now()
    a.state = State.IN_NOTICE
    a.notice_started_at = now
    a.notice_ends_at = now + dt.timedelta(days=a.round.notice_days)
    return _finish(
        a,
        "publish",
        actor,
        from_state=State.RECHECKED,
        reason=_reason("publish", reason),
        fields=["notice_started_at", "notice_ends_at"],
    )


@transaction.atomic
def assessment_close_notice(*, assessment_id: int, actor: User | None, reason: str = "", **_) -> Assessment:
    """Close the notice: rejected if an objection was upheld, else named with the title granted.
    ``actor`` None is the periodic job."""
    a = _begin("close_notice", assessment_id, actor)
    now = timezone.now()
    if a.notice_ends_at and now < a.notice_ends_at:
        local = timezone.localtime(a.notice_ends_at).strftime("%Y-%m-%d %H:%M")
        raise WrongState(f"公示期至 {local} 结束，公示期内不能结束公示", code="notice_not_ended")
    objections = set(Objection.objects.filter(assessment=a).values_list("status", flat=True))
    if ObjectionStatus.PENDING in objections:
        raise WrongState("还有未处理的异议，处理完毕后才能结束公示", code="objection_pending")
    title = None
    if ObjectionStatus.UPHELD in objections:
        a.state = State.REJECTED
        a.outcome = Outcome.FAIL
    else:
        a.state = State.NAMED
        try:
            with transaction.atomic():
                title = Title.objects.create(
                    org=a.org, kind=a.target, round=a.round, assessment=a, granted_at=now
                )
        except IntegrityError:
            raise WrongState("该单位已持有同类有效称号，不能重复命名", code="title_exists") from None
    a = _finish(
        a,
        "close_notice",
        actor,
        from_state=State.IN_NOTICE,
        reason=_reason("close_notice", reason),
        title=title,
        fields=["outcome"],
        data={"title": title.kind if title else None, "automatic": actor is None},
    )
    if title:
        _event(a, "title_grant", actor, title=title, to_state=State.NAMED, data={"kind": title.kind})
    return a


def _active_title(a: Assessment) -> Title:
    title = Title.objects.select_for_update().filter(assessment=a).first()
    if title is None or title.status != TitleStatus.ACTIVE:
        raise WrongState("该评估没有有效的称号")
    return title


@transaction.atomic
def assessment_warn(*, assessment_id: int, actor: User, reason: str = "", **_) -> Assessment:
    a = _begin("warn", assessment_id, actor)
    reason = _reason("warn", reason)
    title = _active_title(a)
    Title.objects.filter(pk=title.pk).update(warnings=F("warnings") + 1)
    return _finish(a, "warn", actor, from_state=State.NAMED, reason=reason, title=title)


@transaction.atomic
def assessment_rectify_order(
    *, assessment_id: int, actor: User, reason: str = "", deadline: dt.date | str | None = None, **_
) -> Assessment:
    a = _begin("rectify_order", assessment_id, actor)
    reason = _reason("rectify_order", reason)
    if isinstance(deadline, str):
        try:
            deadline = dt.date.fromisoformat(deadline)
        except ValueError:
            raise InvalidInput(
                "整改期限格式应为 YYYY-MM-DD", fields={"deadline": ["日期格式应为 YYYY-MM-DD"]}
            ) from None
    if deadline is None:
        raise InvalidInput("“限期整改”需要填写整改期限", fields={"deadline": ["请填写整改期限"]})
    if deadline <= timezone.localdate():
        raise InvalidInput("整改期限应晚于今天", fields={"deadline": ["整改期限应晚于今天"]})
    title = _active_title(a)
    a.state = State.RECTIFYING
    a.rectify_deadline = deadline
    a.rectify_overdue_at = None
    return _finish(
        a,
        "rectify_order",
        actor,
        from_state=State.NAMED,
        reason=reason,
        title=title,
        fields=["rectify_deadline", "rectify_overdue_at"],
        data={"deadline": deadline.isoformat()},
    )


@transaction.atomic
def assessment_rectified(*, assessment_id: int, actor: User, reason: str = "", **_) -> Assessment:
    a = _begin("rectified", assessment_id, actor)
    title = _active_title(a)
    a.state = State.NAMED
    a.rectify_deadline = None
    a.rectify_overdue_at = None
    return _finish(
        a,
        "rectified",
        actor,
        from_state=State.RECTIFYING,
        reason=_reason("rectified", reason),
        title=title,
        fields=["rectify_deadline", "rectify_overdue_at"],
    )


@transaction.atomic
def assessment_revoke(*, assessment_id: int, actor: User, reason: str = "", **_) -> Assessment:
    a = _begin("revoke", assessment_id, actor)
    reason = _reason("revoke", reason)
    title = _active_title(a)
    title.status = TitleStatus.REVOKED
    title.revoked_at = timezone.now()
    title.save(update_fields=["status", "revoked_at"])
    from_state = a.state
    a.state = State.REVOKED
    a.rectify_deadline = None
    return _finish(
        a, "revoke", actor, from_state=from_state, reason=reason, title=title, fields=["rectify_deadline"]
    )


TRANSITIONS = {
    "submit": assessment_submit,
    "return": assessment_return,
    "review": assessment_review,
    "accept": assessment_accept,
    "fail": assessment_fail,
    "recheck": assessment_recheck,
    "publish": assessment_publish,
    "close_notice": assessment_close_notice,
    "warn": assessment_warn,
    "rectify_order": assessment_rectify_order,
    "rectified": assessment_rectified,
    "revoke": assessment_revoke,
}


def assessment_transition(
    *, assessment_id: int, action: str, actor: User, reason: str = "", deadline=None
) -> Assessment:
    if action not in TRANSITIONS:
        raise InvalidInput(
            f"未知操作“{action}”：可选 {'、'.join(TRANSITIONS)}", fields={"action": ["未知操作"]}
        )
    return TRANSITIONS[action](
        assessment_id=assessment_id, actor=actor, reason=reason or "", deadline=deadline
    )


# ---------------------------------------------------------------------------------------------
# Public notice and objections

MAX_OBJECTION = 2000
MIN_OBJECTION = 5
MAX_CONTACT = 100


@transaction.atomic
def objection_submit(
    *, assessment_id: int, content: str, contact: str = "", ip_address: str | None
) -> Objection:
    """Anyone may object to a unit in notice, without logging in, until the notice ends."""
    try:
        a = Assessment.objects.select_for_update(of=("self",)).select_related("org").get(pk=assessment_id)
    except (Assessment.DoesNotExist, ValueError, TypeError):
        raise OutOfScope("未找到正在公示的该单位") from None
    if a.state != State.IN_NOTICE:
        raise OutOfScope("该单位当前不在公示期")
    if a.notice_ends_at and timezone.now() >= a.notice_ends_at:
        raise WrongState("公示期已结束，不再受理异议", code="notice_ended")
    content = (content or "").strip()
    contact = (contact or "").strip()
    errors: dict[str, list[str]] = {}
    if len(content) < MIN_OBJECTION:
        errors["content"] = [f"异议内容至少 {MIN_OBJECTION} 个字"]
    elif len(content) > MAX_OBJECTION:
        errors["content"] = [f"异议内容不能超过 {MAX_OBJECTION} 字"]
    if len(contact) > MAX_CONTACT:
        errors["contact"] = [f"联系方式不能超过 {MAX_CONTACT} 字"]
    if errors:
        raise InvalidInput("；".join(m for msgs in errors.values() for m in msgs), fields=errors)
    objection = Objection.objects.create(
        assessment=a, content=content, contact=contact, ip_address=ip_address
    )
    event = _event(
        a, "objection", None, from_state=a.state, to_state=a.state, data={"objection": objection.pk}
    )
    _queue("notify_event", event.pk)
    return objection


@transaction.atomic
def objection_decide(*, objection_id: int, decision: str, reason: str, actor: User) -> Objection:
    """The parent's leader upholds or dismisses an objection, with a reason."""
    try:
        objection = Objection.objects.select_for_update(of=("self",)).get(pk=objection_id)
    except (Objection.DoesNotExist, ValueError, TypeError):
        raise OutOfScope("未找到该异议，或不在您的权限范围内") from None
    a = _lock(objection.assessment_id)
    _check_scope(actor, a)
    if not policy.may_take(actor, "close_notice", a):
        raise NotAllowed("只有上级单位的负责人可以处理异议")
    if decision not in (ObjectionStatus.UPHELD, ObjectionStatus.DISMISSED):
        raise InvalidInput(
            "decision 应为 upheld（成立）或 dismissed（不成立）",
            fields={"decision": ["应为 upheld 或 dismissed"]},
        )
    if objection.status != ObjectionStatus.PENDING:
        raise WrongState("该异议已处理，不能重复处理", code="objection_decided")
    if a.state != State.IN_NOTICE:
        raise WrongState(f"当前状态为“{_label(a.state)}”，公示已结束，不能再处理异议")
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput("处理异议需要填写理由", fields={"reason": ["请填写理由"]})
    if len(reason) > MAX_REASON:
        raise InvalidInput(
            f"理由不能超过 {MAX_REASON} 字", fields={"reason": [f"理由不能超过 {MAX_REASON} 字"]}
        )
    objection.status = decision
    objection.decided_by = actor
    objection.decided_at = timezone.now()
    objection.decision_reason = reason
    objection.save(update_fields=["status", "decided_by", "decided_at", "decision_reason"])
    event = _event(
        a,
        "objection_decision",
        actor,
        from_state=a.state,
        to_state=a.state,
        reason=reason,
        data={"objection": objection.pk, "decision": decision},
    )
    _queue("notify_event", event.pk)
    return objection


# ---------------------------------------------------------------------------------------------
# Periodic jobs: safe to run twice, each unit of work in its own transaction.


def notices_close_due() -> list[int]:
    """Close every notice whose period has ended and that has no undecided objection."""
    due = list(
        Assessment.objects.filter(state=State.IN_NOTICE, notice_ends_at__lte=timezone.now())
        .exclude(objections__status=ObjectionStatus.PENDING)
        .values_list("pk", flat=True)
    )
    closed = []
    for assessment_id in due:
        try:
            assessment_close_notice(assessment_id=assessment_id, actor=None)
            closed.append(assessment_id)
        except (WrongState, InvalidInput):
            continue  # closed meanwhile, or an objection arrived: the next run sees it
    return closed


def rectifications_flag_overdue() -> list[int]:
    """Flag rectifications past their deadline once, and tell the parent's leaders."""
    today = timezone.localdate()
    flagged = []
    for assessment_id in Assessment.objects.filter(
        state=State.RECTIFYING, rectify_deadline__lt=today, rectify_overdue_at__isnull=True
    ).values_list("pk", flat=True):
        with transaction.atomic():
            a = _lock(assessment_id)
            if a.state != State.RECTIFYING or a.rectify_overdue_at is not None:
                continue
            a.rectify_overdue_at = timezone.now()
            a.save(update_fields=["rectify_overdue_at"])
            event = _event(
                a,
                "rectify_overdue",
                None,
                from_state=a.state,
                to_state=a.state,
                data={"deadline": a.rectify_deadline.isoformat()},
            )
            _queue("notify_event", event.pk)
            flagged.append(assessment_id)
    return flagged
