"""The export sources of the workflow (``results``, ``rankings``, ``progress``): the same rows,
filters, order and scope as the API's lists, as tables with Chinese headers and labels. Registered
in ``AssessmentsConfig.ready``."""

from __future__ import annotations

from typing import Any

from orgs.models import Level, User
from orgs.selectors import orgs_for_user
from yuxi_campaign.core import export_sources
from yuxi_campaign.core.api import whole_number
from yuxi_campaign.core.errors import InvalidInput
from yuxi_campaign.core.export_sources import Rows, chunked
from yuxi_campaign.core.tables import Column, Table

from . import selectors
from .filters import RankingFilter, ResultFilter
from .labels import STATE_LABELS, TARGET_LABELS, zh
from .models import Outcome, TitleStatus

RESULT_COLUMNS = [
    Column("org_code", "单位代码"),
    Column("org_name", "单位名称"),
    Column("level", "层级"),
    Column("year", "年度", "int"),
    Column("target", "创建目标"),
    Column("final_score", "最终得分", "decimal"),
    Column("outcome", "评定结果"),
    Column("state", "状态"),
    Column("title", "所获称号"),
    Column("rank", "排名", "int"),
]
PROGRESS_COLUMNS = [
    Column("code", "单位代码"),
    Column("name", "单位名称"),
    Column("level", "下辖层级"),
    Column("units", "单位数", "int"),
    Column("standard", "达标（累计）", "int"),
    Column("standard_target", "达标目标", "int"),
    Column("standard_rate", "达标率", "percent"),
    Column("standard_on_pace", "达标进度"),
    Column("demonstration", "示范（累计）", "int"),
    Column("demonstration_target", "示范目标", "int"),
    Column("demonstration_rate", "示范率", "percent"),
    Column("demonstration_on_pace", "示范进度"),
]
ALL = "全部"


def _labels(choices) -> dict[str, str]:
    """A value → its Chinese label, computed once per export (not once per cell)."""
    return {value: zh(label) for value, label in dict(choices).items()}


def _invalid_filters(errors) -> InvalidInput:
    fields = {name: [str(e) for e in messages] for name, messages in errors.items()}
    summary = "；".join(f"{name}: {m}" for name, messages in fields.items() for m in messages)
    return InvalidInput(summary or "筛选条件无效", fields=fields)


def _scope_name(user: User, within: int | None) -> str:
    """The unit an export covers: ``within`` (if the user sees it), else the user's own unit."""
    org_id = within or user.org_id
    if org_id is None:
        return ALL
    name = orgs_for_user(user).filter(pk=org_id).values_list("name", flat=True).first()
    return name or ALL


def _number(params: dict[str, str], key: str) -> int | None:
    try:
        return whole_number(params[key]) if params.get(key) else None
    except ValueError:
        return None  # the filter has refused it already


def _result_rows(user: User, params: dict[str, str], rows, filterset_class, name: str, title: str) -> Rows:
    filterset = filterset_class(params, queryset=rows)
    if not filterset.is_valid():
        raise _invalid_filters(filterset.errors)
    rows = filterset.qs
    levels, targets = _labels(Level.choices), _labels(TARGET_LABELS)
    states, outcomes = _labels(STATE_LABELS), _labels(Outcome.choices)

    def convert(r: dict) -> list[Any]:
        scored = r["final_score"] is not None
        held = r["title_kind"] if r["title_status"] == TitleStatus.ACTIVE else None
        return [
            r["org_code"],
            r["org_name"],
            levels[r["level"]],
            r["year"],
            targets[r["target"]],
            r["final_score"],
            outcomes.get(r["outcome"]),
            states[r["state"]],
            targets[held] if held else None,
            r["rank"] if scored else None,
        ]

    table = Table(
        name=name,
        title=title,
        columns=RESULT_COLUMNS,
        scope=_scope_name(user, _number(params, "within")),
        year=_number(params, "year"),
    )
    # Queries: the count, then the rows through one cursor, read in chunks.
    return Rows(table=table, total=rows.count(), chunks=chunked(rows.iterator(chunk_size=2000), convert))


def results_source(user: User, params: dict[str, str]) -> Rows:
    return _result_rows(user, params, selectors.results_ordered(user), ResultFilter, "results", "评估结果")


def rankings_source(user: User, params: dict[str, str]) -> Rows:
    return _result_rows(
        user, params, selectors.rankings_for_user(user), RankingFilter, "rankings", "得分排名"
    )


def progress_source(user: User, params: dict[str, str]) -> Rows:
    from .api.serializers import ProgressQuerySerializer

    query = ProgressQuerySerializer(data=params)
    if not query.is_valid():
        raise _invalid_filters(query.errors)
    progress = selectors.progress_for_user(
        user, org_id=query.validated_data.get("org"), year=query.validated_data.get("year")
    )
    levels = _labels(Level.choices)

    def pace(on: bool) -> str:
        return "达到进度" if on else "落后"

    def lines(unit: dict | None, per_level: list[dict]) -> list[list[Any]]:
        code, name = (unit["code"], unit["name"]) if unit else ("", ALL)
        return [
            [
                code,
                name,
                levels[n["level"]],
                n["units"],
                n["standard"],
                n["standard_target"],
                n["standard_rate"],
                pace(n["standard_on_pace"]),
                n["demonstration"],
                n["demonstration_target"],
                n["demonstration_rate"],
                pace(n["demonstration_on_pace"]),
            ]
            for n in per_level
        ]

    out = lines(progress["org"], progress["levels"])
    for child in progress["children"]:
        out.extend(lines(child, child["levels"]))
    head = progress["org"]
    table = Table(
        name="progress",
        title="创建进度",
        columns=PROGRESS_COLUMNS,
        scope=head["name"] if head else ALL,
        year=progress["year"],
    )
    return Rows(table=table, total=len(out), chunks=[out])


def register_sources() -> None:
    export_sources.register("results", results_source)
    export_sources.register("rankings", rankings_source)
    export_sources.register("progress", progress_source)
