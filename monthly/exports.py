"""The export sources of the monthly rhythm (``league``, ``observations``): the same rows, scope,
filters and order as the API's lists, as tables with Chinese headers. Registered in
``MonthlyConfig.ready``."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q
from django.utils import timezone, translation

from orgs.models import User
from yuxi_campaign.core import export_sources
from yuxi_campaign.core.errors import InvalidInput
from yuxi_campaign.core.export_sources import Rows, chunked
from yuxi_campaign.core.tables import Column, Table

from . import league, selectors

LEAGUE_COLUMNS = [
    Column("rank", "排名", "int"),
    Column("rank_change", "名次变化（上升为正）", "int"),
    Column("previous_rank", "上月排名", "int"),
    Column("code", "单位代码"),
    Column("name", "单位名称"),
    Column("composite_score", "综合得分", "decimal"),
    Column("observation_score", "现场观摩得分", "decimal"),
    Column("observation_weight", "现场观摩权重", "percent"),
    Column("pace_score", "创建进度得分", "decimal"),
    Column("pace_weight", "创建进度权重", "percent"),
    Column("assessment_score", "评估得分", "decimal"),
    Column("assessment_weight", "评估权重", "percent"),
    Column("note", "说明"),
]
OBSERVATION_COLUMNS = [
    Column("code", "单位代码"),
    Column("name", "被观摩单位"),
    Column("observer", "观摩单位"),
    Column("year", "年度", "int"),
    Column("month", "月份", "int"),
    Column("date", "观摩日期", "date"),
    Column("inspectors", "观摩人员"),
    Column("total", "总分", "decimal"),
    Column("problems", "发现问题（个）", "int"),
    Column("open_problems", "未整改问题（个）", "int"),
    Column("overdue_problems", "逾期未整改（个）", "int"),
    Column("comments", "评语"),
    Column("sites_visited", "观摩点位"),
]


def league_title(result: league.League) -> str:
    with translation.override("zh-hans"):
        kind = str(league.LEVEL_TITLES[result.level])
    return f"擂台比武·{kind}（{result.year} 年 {result.month} 月）"


def league_table(result: league.League) -> Table:
    """The league of one month as the file and the page's numbers show it."""
    weights = result.table.weights
    with translation.override("zh-hans"):
        rows = [
            [
                r.rank,
                r.rank_change,
                r.previous_rank,
                r.unit["code"],
                r.unit["name"],
                r.composite,
                r.observation_score,
                weights["observation"],
                r.pace_score,
                weights["pace"],
                r.assessment_score,
                weights["assessment"],
                league.row_note(r),
            ]
            for r in result.rows
        ]
    return Table(
        name="league",
        title=league_title(result),
        columns=LEAGUE_COLUMNS,
        rows=rows,
        scope=result.parent.name,
        year=result.year,
    )


def league_source(user: User, params: dict[str, str]) -> Rows:
    result, _query = league.league_for_user(user, params, trend=False)
    table = league_table(result)
    rows, table.rows = table.rows, []
    return Rows(table=table, total=len(rows), chunks=[rows])


def _invalid_filters(errors) -> InvalidInput:
    fields = {name: [str(e) for e in messages] for name, messages in errors.items()}
    summary = "；".join(f"{name}: {m}" for name, messages in fields.items() for m in messages)
    return InvalidInput(summary or "筛选条件无效", fields=fields)


def observations_source(user: User, params: dict[str, str]) -> Rows:
    from .api.observations import ObservationFilter

    filterset = ObservationFilter(params, queryset=selectors.observations_for_user(user))
    if not filterset.is_valid():
        raise _invalid_filters(filterset.errors)
    today = timezone.localdate()
    unanswered = Q(problems__answered_at=None)
    rows = (
        filterset.qs.order_by("-year", "-month", "unit__code")
        .annotate(
            n_problems=Count("problems"),
            n_open=Count("problems", filter=unanswered),
            n_overdue=Count("problems", filter=unanswered & Q(problems__deadline__lt=today)),
        )
        .values(
            "unit__code",
            "unit__name",
            "observer__name",
            "year",
            "month",
            "date",
            "inspectors",
            "total",
            "n_problems",
            "n_open",
            "n_overdue",
            "comments",
            "sites_visited",
        )
    )

    def convert(r: dict) -> list[Any]:
        return [
            r["unit__code"],
            r["unit__name"],
            r["observer__name"],
            r["year"],
            r["month"],
            r["date"],
            "、".join(r["inspectors"] or []),
            r["total"],
            r["n_problems"],
            r["n_open"],
            r["n_overdue"],
            r["comments"],
            r["sites_visited"],
        ]

    year = params.get("year")
    table = Table(
        name="observations",
        title="现场观摩",
        columns=OBSERVATION_COLUMNS,
        scope=user.org.name if user.org is not None else "全部",
        year=int(year) if year and year.isdigit() else None,
    )
    # Queries: the count, then the rows (problems counted in the same query) through one cursor.
    return Rows(table=table, total=rows.count(), chunks=chunked(rows.iterator(chunk_size=2000), convert))


def register_sources() -> None:
    export_sources.register("league", league_source)
    export_sources.register("observations", observations_source)
