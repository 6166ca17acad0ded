"""An assessment's score sheet for the file: the unit, every indicator that applies to it by
dimension, the totals, the veto items, the outcome and the signature lines."""

from __future__ import annotations

from decimal import Decimal

from assessments.models import Assessment, Stage, State

from .content import CAMPAIGN, TITLE_ZH, Block, Document, RowGroup, Table, score_text

OUTCOME_ZH = {"pass": "通过", "fail": "未通过"}


def _veto_text(score) -> str:
    if score is None or score.veto_passed is None:
        return "—"
    return "通过" if score.veto_passed else "未通过"


def _score_cell(score) -> str:
    return score_text(score.score, places=False) if score else "—"


def score_sheet_document(*, a: Assessment, dimensions, factor: Decimal, scores: dict, applicable) -> Document:
    """Every indicator that applies to the unit by dimension (max, self, review, recheck, final:
    the recheck sheet's score where a recheck sheet was entered, else the review's), totals out
    of the set's total, veto items, outcome and signature lines."""
    final_stage = Stage.RECHECK if scores[Stage.RECHECK] else Stage.REVIEW
    ids = {i.pk for i in applicable}
    groups = []
    for d in dimensions:
        rows = []
        for i in d.indicators.all():
            if i.pk not in ids:
                continue
            cells = [scores[s].get(i.pk) for s in (Stage.SELF, Stage.REVIEW, Stage.RECHECK)]
            final = scores[final_stage].get(i.pk)
            # a veto item without points is passed or failed, not scored
            shown = _veto_text if i.is_veto and not i.max_score else _score_cell
            rows.append(
                [
                    f"{i.code} {i.title}" + ("（一票否决）" if i.is_veto and "否决" not in i.title else ""),
                    score_text(i.max_score, places=False) if i.max_score else "不计分",
                    *[shown(c) for c in cells],
                    shown(final),
                ]
            )
        if rows:
            groups.append(RowGroup(d.name, rows))
    total = a.indicator_set.total_score
    totals = [
        "合计（折算为百分制）",
        score_text(total),
        *(score_text(t) for t in (a.self_total, a.review_total, a.recheck_total, a.final_score)),
    ]
    org, parent = a.org, a.org.parent
    title_word = TITLE_ZH[a.target]
    facts = Table(
        ["项目", "内容"],
        [2, 7],
        [
            RowGroup(
                None,
                [
                    ["单位名称", org.name],
                    ["单位编码", org.code],
                    ["创建年度", f"{a.round.year}年度"],
                    ["申报称号", f"{CAMPAIGN}{title_word}"],
                    ["指标体系", a.indicator_set.name],
                    ["评审单位", parent.name if parent else "—"],
                ],
            )
        ],
    )
    vetoes = [i for i in applicable if i.is_veto]
    veto_rows = [
        [
            f"{i.code} {i.title}",
            *(_veto_text(scores[s].get(i.pk)) for s in (Stage.SELF, Stage.REVIEW, Stage.RECHECK)),
        ]
        for i in vetoes
    ]
    threshold = a.threshold
    if a.outcome:
        outcome = (
            f"最终得分 {score_text(a.final_score)} 分，{title_word}分数线 {score_text(threshold)} 分"
            + ("，一票否决项未通过" if a.veto_failed else "")
            + f"，评定结果：{OUTCOME_ZH[a.outcome]}。"
        )
    else:
        outcome = f"评审尚未完成，暂无评定结果（{title_word}分数线 {score_text(threshold)} 分）。"
    if a.state in (State.NAMED, State.RECTIFYING, State.REVOKED):
        outcome += "已命名。" if a.state != State.REVOKED else "已命名，后被摘牌。"
    blocks = [
        Block("table", table=facts),
        Block("h", "一、指标得分"),
        Block(
            "table",
            table=Table(
                ["指标", "分值", "自评", "评审", "复核", "最终得分"],
                [8, 2, 2, 2, 2, 2],
                groups,
                total_row=totals,
            ),
        ),
    ]
    if factor and factor != 1:
        blocks.append(
            Block(
                "note",
                f"注：本单位适用指标的分值合计按比例折算为 {score_text(total)} 分，各项得分为原始得分。",
            )
        )
    blocks += [
        Block("h", "二、一票否决项"),
        Block(
            "table",
            table=Table(
                ["否决项", "自评", "评审", "复核"],
                [8, 2, 2, 2],
                [RowGroup(None, veto_rows)],
                empty="本指标体系无一票否决项。",
            ),
        ),
        Block("h", "三、评定结果"),
        Block("p", outcome),
        Block(
            "signatures",
            lines=["填报人（签字）：", "审核人（签字）：", "负责人（签字）：", "日期：", "单位（盖章）："],
        ),
    ]
    return Document(
        kind="score_sheet",
        title=f"{a.round.year}年度{CAMPAIGN}{title_word}创建评分表",
        blocks=blocks,
        issuer="",
        date=None,
        filename=f"{a.round.year}-评分表-{org.code}-{a.target}.docx",
        seal=False,
    )
