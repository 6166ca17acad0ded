"""Score sheets: save some or all rows of one sheet (all or nothing, against the assessment's
version), totals out of the set's total, and the completeness check that finishing a sheet needs."""

from __future__ import annotations

import re
from decimal import Decimal

from django.db import transaction

from indicators.models import Indicator, applies
from indicators.scoring import scaled_total
from orgs.models import Level, User
from yuxi_campaign.core.errors import InvalidInput, NotAllowed, WrongState

from .. import policy, windows
from ..labels import STAGE_LABELS, state_zh, zh
from ..models import Assessment, Outcome, Score, Stage, Window
from ._base import bump_version, check_version, lock_assessment, on_behalf, record

GAP_SHARE = Decimal("0.3")  # a review or recheck score this far from the self score needs a comment
MAX_COMMENT = 1000


# Plain decimal notation: ASCII digits, at most one point and two decimals. ``Decimal`` alone also
# reads "1_0", full-width "１", Arabic-Indic "١", "1e1", "NaN", "Infinity" and surrounding spaces.
PLAIN_SCORE = re.compile(r"(-?)([0-9]+(?:\.[0-9]{1,2})?)", re.ASCII)
NOT_A_NUMBER = "分值应为数字，如 8 或 7.5（半角数字，最多两位小数）"
VETO_NO_POINTS = "一票否决项不计分，只选择通过或不通过"


def parse_score(raw, indicator: Indicator) -> tuple[Decimal | None, str | None]:
    """The one reading of a score, for the API (a JSON number or a string) and the sheet page (the
    form's text): the value in tenths, or the problem in Chinese. A veto item without points
    (pass/fail only) scores 0 whether or not a score is given."""
    no_points = indicator.is_veto and not indicator.max_score
    if raw is None or raw == "":
        return (Decimal("0.0"), None) if no_points else (None, "请填写分值")
    if isinstance(raw, bool) or not isinstance(raw, int | float | str):
        return None, NOT_A_NUMBER
    if isinstance(raw, str):
        match = PLAIN_SCORE.fullmatch(raw)
        if match is None:
            return None, NOT_A_NUMBER
        value = Decimal(raw)
    else:
        value = Decimal(repr(raw)) if isinstance(raw, float) else Decimal(raw)
        if not value.is_finite():
            return None, NOT_A_NUMBER
    if no_points and value != 0:
        return None, VETO_NO_POINTS
    if value < 0 or value > indicator.max_score or (isinstance(raw, str) and match.group(1)):
        return None, f"分值应在 0 到 {indicator.max_score.normalize():f} 之间"
    if (value * 2) % 1 != 0:
        return None, "分值应为 0.5 的整数倍"
    if value.is_zero():
        value = Decimal(0)  # a JSON -0.0 is 0
    return value.quantize(Decimal("0.1")), None


def sheet_indicators(assessment: Assessment) -> dict[int, Indicator]:
    return {i.pk: i for i in assessment.indicator_set.indicators.all()}


def applicable(assessment: Assessment, indicators: dict[int, Indicator]) -> list[Indicator]:
    return [i for i in indicators.values() if applies(i.applies_to, assessment.org.area_type)]


@transaction.atomic(durable=True)
def scores_save(*, assessment_id: int, stage: str, actor: User, version, rows: list[dict]) -> Assessment:
    """Save some or all rows of one sheet. All or nothing: any bad row saves nothing."""
    return scores_write(assessment_id=assessment_id, stage=stage, actor=actor, version=version, rows=rows)


def scores_write(*, assessment_id: int, stage: str, actor: User, version, rows: list[dict]) -> Assessment:
    """``scores_save`` inside the caller's transaction, for a write of several sheets that stands or
    falls as one (a workbook of a village's groups)."""
    if stage not in Stage.values:
        raise InvalidInput(f"未知的评分表“{stage}”：可选 self、review、recheck")
    assessment = lock_assessment(assessment_id, actor)
    _check_sheet_open(assessment, stage, actor, version)
    if not isinstance(rows, list) or not rows:
        raise InvalidInput("scores 应为非空列表", fields={"scores": ["请至少提交一项评分"]})
    indicators = sheet_indicators(assessment)
    clean = _clean_rows(assessment, stage, indicators, rows)
    changes = _write(assessment, stage, actor, clean)
    _recompute(assessment, indicators)
    bump_version(
        assessment, ["self_total", "review_total", "recheck_total", "final_score", "veto_failed", "outcome"]
    )
    record(
        assessment,
        "scores_save",
        actor,
        from_state=assessment.state,
        to_state=assessment.state,
        data={
            "stage": stage,
            "changes": changes,
            **(on_behalf(actor, assessment) if stage == Stage.SELF else {}),
        },
    )
    return assessment


def _check_sheet_open(assessment: Assessment, stage: str, actor: User, version) -> None:
    """403 when the actor may not fill the sheet, 409 when it is closed (by state or by the
    round's date for the unit) or the version is stale."""
    label = zh(STAGE_LABELS[stage])
    if not policy.may_score(actor, stage, assessment):
        if stage != Stage.SELF and actor.org_id == assessment.org_id:
            raise NotAllowed(f"不能给本单位打{label}分")
        raise NotAllowed(f"您无权填写该单位的{label}表{proxy_hint(stage, assessment)}")
    open_state = policy.sheet_open_state(stage)
    if assessment.state != open_state:
        raise WrongState(
            f"当前状态为“{state_zh(assessment.state)}”，{label}表只能在“{state_zh(open_state)}”状态填写"
        )
    if window := SHEET_WINDOWS.get(stage):
        windows.refuse_if_closed(assessment.round, window, assessment.org_id, doing="保存")
    check_version(assessment, version, required=True, unsaved="您填写的内容未保存")


# The window each sheet is filled in (the recheck has no date of its own).
SHEET_WINDOWS = {Stage.SELF: Window.SELF_ASSESSMENT, Stage.REVIEW: Window.REVIEW}


def proxy_hint(stage: str, assessment: Assessment) -> str:
    """For a refusal on a group's own side: who else may act there."""
    if stage == Stage.SELF and policy.SHEETS[stage].permission.proxy and assessment.org.level == Level.GROUP:
        return "（小组的自评由本小组或所在村（社区）的填报员填写）"
    return ""


Row = tuple[Indicator, Decimal, str, "bool | None"]


def _clean_rows(assessment: Assessment, stage: str, indicators: dict[int, Indicator], rows) -> list[Row]:
    """The rows, checked; InvalidInput with the errors of every bad row, numbered from 1."""
    self_scores = (
        {}
        if stage == Stage.SELF
        else dict(
            Score.objects.filter(assessment=assessment, stage=Stage.SELF).values_list("indicator_id", "score")
        )
    )
    row_errors: list[dict] = []
    clean: list[Row] = []
    seen: set[int] = set()
    for row in rows:
        errors, cleaned = _clean_row(assessment, indicators, self_scores, seen, row)
        row_errors.append(errors)
        if not errors:
            clean.append(cleaned)
    if any(row_errors):
        messages = [
            f"第 {n} 行：{'；'.join(m for msgs in errs.values() for m in msgs)}"
            for n, errs in enumerate(row_errors, start=1)
            if errs
        ]
        raise InvalidInput("评分未保存：" + "；".join(messages), fields={"scores": row_errors})
    return clean


def _clean_row(assessment, indicators, self_scores, seen: set[int], row) -> tuple[dict, Row | None]:
    if not isinstance(row, dict):
        return {"non_field_errors": ["每一行应为对象"]}, None
    errors: dict[str, list[str]] = {}
    raw_id = row.get("indicator")
    indicator = indicators.get(raw_id) if isinstance(raw_id, int) and not isinstance(raw_id, bool) else None
    if indicator is None:
        year, name = assessment.round.year, assessment.indicator_set.name
        errors["indicator"] = [f"指标 {raw_id!r} 不属于本单位 {year} 年的{name}指标体系"]
        return errors, None
    if not applies(indicator.applies_to, assessment.org.area_type):
        where = {"rural": "农村", "urban": "城市"}[indicator.applies_to]
        errors["indicator"] = [f"指标 {indicator.code} 仅适用于{where}单位，不适用于本单位"]
    if indicator.pk in seen:
        errors.setdefault("indicator", []).append(f"指标 {indicator.code} 在本次提交中重复")
    seen.add(indicator.pk)
    score, problem = parse_score(row.get("score"), indicator)
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
    if score is not None and indicator.pk in self_scores and not comment:
        gap = abs(score - self_scores[indicator.pk])
        if gap > indicator.max_score * GAP_SHARE:
            errors["comment"] = [
                f"{indicator.code}：与自评分 {self_scores[indicator.pk].normalize():f} "
                f"相差 {gap.normalize():f} 分，超过满分的 30%，请填写说明"
            ]
    return errors, (indicator, score, comment, veto)


def _write(assessment: Assessment, stage: str, actor: User, clean: list[Row]) -> list[dict]:
    """Create or update the rows that changed; the changes, old and new, for the event log."""
    existing = {s.indicator_id: s for s in Score.objects.filter(assessment=assessment, stage=stage)}
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
            continue
        old_values = {"score": f"{old.score}", "comment": old.comment, "veto_passed": old.veto_passed}
        if old_values != new_values:
            old.score, old.comment, old.veto_passed, old.updated_by = score, comment, veto, actor
            to_update.append(old)
            changes.append({"indicator": indicator.code, "old": old_values, "new": new_values})
    Score.objects.bulk_create(to_create)
    Score.objects.bulk_update(to_update, ["score", "comment", "veto_passed", "updated_by", "updated_at"])
    return changes


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
    totals = {s: scaled_total(sheets[s], values, area, total) if sheets[s] else None for s in Stage.values}
    assessment.self_total = totals[Stage.SELF]
    assessment.review_total = totals[Stage.REVIEW]
    assessment.recheck_total = totals[Stage.RECHECK]
    final_stage = Stage.RECHECK if sheets[Stage.RECHECK] else Stage.REVIEW
    assessment.final_score = totals[final_stage]
    assessment.veto_failed = False in vetoes[final_stage]
    if assessment.final_score is None:
        assessment.outcome = ""
    else:
        assessment.outcome = Outcome.of(assessment.final_score, assessment.threshold, assessment.veto_failed)


def require_complete(assessment: Assessment, stage: str, message: str) -> None:
    """Refuse (400) when an applicable indicator of the sheet has no score or no veto answer."""
    if missing := missing_scores(assessment, stage):
        raise InvalidInput(
            f"{message}：{'、'.join(missing)} 未评分或未选择是否通过", fields={"scores": missing}
        )


def missing_scores(assessment: Assessment, stage: str) -> list[str]:
    """Codes of the applicable indicators without a score (or without a veto answer)."""
    rows = dict(
        Score.objects.filter(assessment=assessment, stage=stage).values_list("indicator_id", "veto_passed")
    )
    return sorted(
        i.code
        for i in applicable(assessment, sheet_indicators(assessment))
        if i.pk not in rows or (i.is_veto and rows[i.pk] is None)
    )
