"""The dashboard's numbers: pace against the campaign's targets per direct child, the trend of
the cumulative rates over the campaign's years, and the workflow (assessments per state). All of
them read the rollups kept at write time through the selectors of ``assessments`` (nothing is
counted twice), in a fixed number of queries whatever the size of the scope; each ``*_table``
turns them into the ``Table`` that the page shows and an export writes."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.utils.translation import gettext as _

from assessments import selectors as progress
from assessments.labels import STATE_LABELS
from assessments.models import AssessmentRollup, State, Target
from orgs import rules
from orgs.models import Level, Organisation, UnitRollup
from yuxi_campaign.core.tables import Column, Table

from .scope import LEVEL_LABELS, Scope

TITLES = (Target.STANDARD.value, Target.DEMONSTRATION.value)
# The states an assessment waits in, in the order of the workflow, then where it ends.
WAITING = tuple(
    s.value
    for s in (State.DRAFT, State.SUBMITTED, State.REVIEWED, State.ACCEPTED, State.RECHECKED, State.IN_NOTICE)
)
SETTLED = tuple(s.value for s in (State.NAMED, State.RECTIFYING, State.FAILED, State.REJECTED, State.REVOKED))


# ---------------------------------------------------------------------------------------------
# Pace


def _missing(held: int, target: int) -> int:
    return max(target - held, 0)


def _with_missing(numbers: dict) -> dict:
    return {
        **numbers,
        "standard_missing": _missing(numbers["standard"], numbers["standard_target"]),
        "demonstration_missing": _missing(numbers["demonstration"], numbers["demonstration_target"]),
    }


def pace(scope: Scope, year: int) -> dict:
    """Progress of the scope and of each of its direct children (``assessments.selectors
    .progress_for``), with how many titles each still misses to reach the year's target and the
    titles each child holds itself.
    Queries: ``progress_for``'s one (the round, its targets, the units and their rollups) and
    the children's own titles: two, whatever the number of units."""
    if scope.org is None:
        data = progress.progress_for_roots(year)
    else:
        data = progress.progress_for(scope.org, year)
    children = data["children"]
    own = _own_titles([c["id"] for c in children], children[0]["level"] if children else None, year)
    levels = [lvl["level"] for lvl in data["children"][0]["levels"]] if children else []
    return {
        "year": year,
        "standard_percent": data["standard_percent"],
        "demonstration_percent": data["demonstration_percent"],
        "levels": [_with_missing(n) for n in data["levels"]],
        "child_levels": levels,
        # the scope as a whole over the levels of the children's columns (the table's last row)
        "total": [_with_missing(n) for n in data["levels"] if n["level"] in levels],
        "children": [
            {
                **c,
                "levels": [_with_missing(n) for n in c["levels"]],
                "titles": own.get(c["id"], []),
                "drill": c["level"] != Level.GROUP,
            }
            for c in children
        ],
    }


def _own_titles(ids: list[int], level: str | None, year: int) -> dict[int, list[str]]:
    """The titles each of the units ``ids`` (all of ``level``: the children of one unit) holds
    itself in ``year``: its own rows of the title rollup, at its own level (one query)."""
    if not ids:
        return {}
    held: dict[int, dict[str, int]] = defaultdict(lambda: dict.fromkeys(TITLES, 0))
    rows = (
        AssessmentRollup.objects.filter(org_id__in=ids, level=level, year__lte=year)
        .order_by()
        .values_list("org_id", *TITLES)
    )
    for org_id, *counts in rows:
        for kind, n in zip(TITLES, counts, strict=True):
            held[org_id][kind] += n
    return {org_id: [k for k in TITLES if kinds[k] > 0] for org_id, kinds in held.items()}


def _level_columns(level: str) -> list[Column]:
    name = LEVEL_LABELS[level]
    return [
        Column(f"{level}.units", f"{name}·{_('units')}", "int"),
        Column(f"{level}.standard", f"{name}·{_('standard held')}", "int"),
        Column(f"{level}.standard_target", f"{name}·{_('standard target')}", "int"),
        Column(f"{level}.standard_rate", f"{name}·{_('standard rate (%)')}", "percent"),
        Column(f"{level}.standard_missing", f"{name}·{_('standard missing')}", "int"),
        Column(f"{level}.demonstration", f"{name}·{_('model held')}", "int"),
        Column(f"{level}.demonstration_target", f"{name}·{_('model target')}", "int"),
        Column(f"{level}.demonstration_rate", f"{name}·{_('model rate (%)')}", "percent"),
        Column(f"{level}.demonstration_missing", f"{name}·{_('model missing')}", "int"),
    ]


LEVEL_FIELDS = (
    "units",
    "standard",
    "standard_target",
    "standard_rate",
    "standard_missing",
    "demonstration",
    "demonstration_target",
    "demonstration_rate",
    "demonstration_missing",
)


def _level_values(numbers: dict) -> list:
    return [numbers[f] for f in LEVEL_FIELDS]


def title_names(kinds: list[str]) -> str:
    labels = {Target.STANDARD: _("standard"), Target.DEMONSTRATION: _("model")}
    return "、".join(str(labels[k]) for k in TITLES if k in kinds)


def pace_table(scope: Scope, data: dict) -> Table:
    """One row per direct child: its code, name and own titles, then per level below it the
    units, the titles held, the targets, the rates and how many are still missing; a last row
    for the scope as a whole over the same levels."""
    levels = data["child_levels"]
    columns = [
        Column("code", _("code"), "text"),
        Column("name", _("unit"), "text"),
        Column("titles", _("own titles"), "text"),
    ]
    for level in levels:
        columns += _level_columns(level)
    rows = [
        [c["code"], c["name"], title_names(c["titles"])] + [v for n in c["levels"] for v in _level_values(n)]
        for c in data["children"]
    ]
    if data["children"] and levels:
        rows.append(
            [scope.org.code if scope.org else "", _("Total"), ""]
            + [v for n in data["total"] for v in _level_values(n)]
        )
    return Table(
        name="pace",
        title=_("Pace by unit"),
        columns=columns,
        rows=rows,
        scope=scope.name,
        year=data["year"],
    )


def summary_table(scope: Scope, data: dict) -> Table:
    """The scope as a whole: one row per level below it."""
    return Table(
        name="pace-summary",
        title=_("Pace of %(scope)s") % {"scope": scope.name},
        columns=[Column("level", _("level"), "text")]
        + [
            Column(c.key.split(".", 1)[1], c.label.split("·", 1)[1], c.kind)
            for c in _level_columns(Level.GROUP)
        ],
        rows=[[str(LEVEL_LABELS[n["level"]]), *_level_values(n)] for n in data["levels"]],
        scope=scope.name,
        year=data["year"],
    )


def bars(data: dict, level: str | None) -> dict | None:
    """Per direct child, the titles held and the targets of one level below it (the chart of
    titled vs target); None when the children have no level below them."""
    if level is None or level not in data["child_levels"]:
        return None
    index = data["child_levels"].index(level)
    rows = [(c, c["levels"][index]) for c in data["children"]]
    return {
        "level": level,
        "level_label": str(LEVEL_LABELS[level]),
        "names": [c["name"] for c, _n in rows],
        "standard": [n["standard"] for _c, n in rows],
        "standard_target": [n["standard_target"] for _c, n in rows],
        "demonstration": [n["demonstration"] for _c, n in rows],
        "demonstration_target": [n["demonstration_target"] for _c, n in rows],
    }


def bars_table(scope: Scope, data: dict, chart: dict) -> Table:
    return Table(
        name=f"titled-{chart['level']}",
        title=_("Titled vs target: %(level)s") % {"level": chart["level_label"]},
        columns=[
            Column("name", _("unit"), "text"),
            Column("standard", _("standard held"), "int"),
            Column("standard_target", _("standard target"), "int"),
            Column("demonstration", _("model held"), "int"),
            Column("demonstration_target", _("model target"), "int"),
        ],
        rows=[
            [name, *values]
            for name, *values in zip(
                chart["names"],
                chart["standard"],
                chart["standard_target"],
                chart["demonstration"],
                chart["demonstration_target"],
                strict=True,
            )
        ],
        scope=scope.name,
        year=data["year"],
    )


# ---------------------------------------------------------------------------------------------
# Trend over the campaign's years


def trend(scope: Scope, years: list[int]) -> dict:
    """Per level below the scope and per campaign year: units, titles held (cumulative), targets
    and rates, as ``progress_for`` counts them.
    Queries: the cumulative targets of each year (one each: three for the campaign), the unit
    rollups and the title rollups of the scope (or of every root): five for three years."""
    percents = {year: progress.cumulative_targets(year) for year in years}
    heads = _heads(scope)
    fanouts: dict[str, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    for level, fanout, parents in UnitRollup.objects.filter(org_id__in=heads).values_list(
        "level", "fanout", "parents"
    ):
        fanouts[level][fanout] += parents
    held: dict[tuple[str, int], dict[str, int]] = defaultdict(lambda: dict.fromkeys(TITLES, 0))
    for level, year, *counts in (
        AssessmentRollup.objects.filter(org_id__in=heads).order_by().values_list("level", "year", *TITLES)
    ):
        for kind, n in zip(TITLES, counts, strict=True):
            held[(level, year)][kind] += n
    series = []
    for level in _levels(scope):
        fan = fanouts.get(level, {})
        units = sum(k * parents for k, parents in fan.items())
        points = []
        for year in years:
            # the units holding a title in ``year``: the sum of the rollup's rows up to it
            counts = {
                k: sum(n[k] for (lvl, y), n in held.items() if lvl == level and y <= year) for k in TITLES
            }
            points.append(
                {
                    "year": year,
                    "units": units,
                    "standard": counts[Target.STANDARD],
                    "demonstration": counts[Target.DEMONSTRATION],
                    "standard_target": progress._targets(fan, percents[year][Target.STANDARD]),
                    "demonstration_target": progress._targets(fan, percents[year][Target.DEMONSTRATION]),
                    "standard_rate": progress._rate(counts[Target.STANDARD], units),
                    "demonstration_rate": progress._rate(counts[Target.DEMONSTRATION], units),
                }
            )
        series.append({"level": level, "level_label": str(LEVEL_LABELS[level]), "points": points})
    return {
        "years": years,
        "standard_percent": [percents[y][Target.STANDARD] for y in years],
        "demonstration_percent": [percents[y][Target.DEMONSTRATION] for y in years],
        "levels": series,
    }


def _heads(scope: Scope) -> list[int]:
    """The unit of the scope, or every root (one query)."""
    if scope.org is not None:
        return [scope.org.pk]
    return list(Organisation.objects.filter(parent=None, is_active=True).values_list("pk", flat=True))


def _levels(scope: Scope) -> list[str]:
    return progress._levels_below(scope.level or rules.LEVELS[0])


def trend_table(scope: Scope, data: dict) -> Table:
    """One row per level and year: units, titles held, targets and rates."""
    rows = [
        [
            p["year"],
            lvl["level_label"],
            p["units"],
            p["standard"],
            p["standard_target"],
            p["standard_rate"],
            p["demonstration"],
            p["demonstration_target"],
            p["demonstration_rate"],
        ]
        for lvl in data["levels"]
        for p in lvl["points"]
    ]
    return Table(
        name="trend",
        title=_("Cumulative rates by year"),
        columns=[
            Column("year", _("year"), "int"),
            Column("level", _("level"), "text"),
            Column("units", _("units"), "int"),
            Column("standard", _("standard held"), "int"),
            Column("standard_target", _("standard target"), "int"),
            Column("standard_rate", _("standard rate (%)"), "percent"),
            Column("demonstration", _("model held"), "int"),
            Column("demonstration_target", _("model target"), "int"),
            Column("demonstration_rate", _("model rate (%)"), "percent"),
        ],
        rows=rows,
        scope=scope.name,
    )


# ---------------------------------------------------------------------------------------------
# The workflow


def workflow(scope: Scope, year: int) -> dict:
    """The assessments of the round of ``year`` below the scope (every level under it) in each
    state: how many wait at each step and how many have ended where.
    Queries: the scope's rollup rows of the year (and the roots, for every tree): one or two."""
    below = set(_levels(scope))
    counts = dict.fromkeys((*WAITING, *SETTLED), 0)
    for level, *values in (
        AssessmentRollup.objects.filter(org_id__in=_heads(scope), year=year)
        .order_by()
        .values_list("level", *counts)
    ):
        if level in below:
            for state, n in zip(counts, values, strict=True):
                counts[state] += n
    return {
        "year": year,
        "states": [
            {"state": s, "label": str(STATE_LABELS[s]), "count": counts[s], "waiting": s in WAITING}
            for s in counts
        ],
    }


def workflow_table(scope: Scope, data: dict) -> Table:
    return Table(
        name="workflow",
        title=_("Assessments by state"),
        columns=[
            Column("state", _("state"), "text"),
            Column("stage", _("stage"), "text"),
            Column("count", _("number of assessments"), "int"),
        ],
        rows=[[s["label"], _("waiting") if s["waiting"] else _("ended"), s["count"]] for s in data["states"]],
        scope=scope.name,
        year=data["year"],
    )


# ---------------------------------------------------------------------------------------------
# The whole dashboard


@dataclass
class Dashboard:
    """Everything the dashboard shows for one scope and year: the numbers (pace, the bars of one
    level, the trend, the workflow) and, by name, the tables the page shows and an export writes."""

    scope: Scope
    year: int
    pace: dict
    bars: dict | None
    trend: dict
    workflow: dict

    def tables(self) -> dict[str, Table]:
        tables = {
            "summary": summary_table(self.scope, self.pace),
            "pace": pace_table(self.scope, self.pace),
            "trend": trend_table(self.scope, self.trend),
            "workflow": workflow_table(self.scope, self.workflow),
        }
        if self.bars is not None:
            tables["titled"] = bars_table(self.scope, self.pace, self.bars)
        return tables


def dashboard(scope: Scope, year: int, years: list[int], level: str | None = None) -> Dashboard:
    """The dashboard of ``scope`` in ``year``; the bars chart shows ``level`` (default: the first
    level below the children). Queries: those of ``pace``, ``trend`` and ``workflow`` (eleven for
    a unit, a few more for every root), whatever the number of units."""
    data = pace(scope, year)
    if level not in data["child_levels"]:
        level = data["child_levels"][0] if data["child_levels"] else None
    return Dashboard(
        scope=scope,
        year=year,
        pace=data,
        bars=bars(data, level),
        trend=trend(scope, years),
        workflow=workflow(scope, year),
    )
