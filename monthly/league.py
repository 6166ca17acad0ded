"""Reads of the league table (擂台比武): units ranked each month by a composite of three parts whose
weights are data (``LeagueWeights``, default 50/30/20):

- ``observation``: that month's on-site observation total (0–100) of the unit by its parent (the
  city's of a county, a county's own of a township). A unit not observed that month scores 0 and
  is marked so. In a month in which the parent observed none of its units (a county that does not
  run observations of its townships, the first days of a month) the part is left out.
- ``pace``: titles held against the cumulative targets of the year, from the rollups
  (``assessments.selectors.progress_for``): 达标 held / 达标 target and 示范 held / 示范 target,
  each summed over every level below the unit and capped at 100 %, then their mean (a title with
  no target is left out of the mean). The rollups count titles per year, so the part is the same
  in every month of a year; in a year without a round (after the campaign), the latest round's.
- ``assessment``: the mean ``final_score`` of the year's assessments of the units below (not the
  unit itself), scaled to 100 by the set's total; in a year without a round (after the campaign),
  the latest round's.

A part nobody in the table has a value for is left out and the other weights are scaled to make
100; a unit without a value of a part that others have scores 0 in it. The composite is rounded to
two places and equal composites share a rank (1, 2, 2, 4). ``rank_change`` is the places gained
since the month before (January: the previous December); a unit without a rank then is new.

The queries do not grow with the number of units or months: the weights, the round years, the
units, the pace (``progress_for``, one query a year: the year's round and the previous
December's), the observations of every month at once, and the assessment means grouped by unit
and year."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Avg, DecimalField, ExpressionWrapper, F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from assessments.models import Assessment, Round
from assessments.selectors import progress_for
from orgs.models import Level, Organisation, User
from yuxi_campaign.core.api import whole_number
from yuxi_campaign.core.errors import InvalidInput, NotAllowed, OutOfScope

from . import policy
from .models import LeagueWeights, Observation
from .models.league import DEFAULT_WEIGHTS
from .selectors import Coverage, RotaMonth, next_meeting, observation_coverage

PARTS = ("observation", "pace", "assessment")
TWO = Decimal("0.01")
ZERO = Decimal("0.00")
HUNDRED = Decimal(100)
LEVELS = (Level.COUNTY.value, Level.TOWNSHIP.value)
# The level of the unit a league is held within, per level of the units ranked.
PARENT_LEVEL = {Level.COUNTY.value: Level.CITY.value, Level.TOWNSHIP.value: Level.COUNTY.value}
# The denormalised ancestor of an assessed unit that names the ranked unit above it.
ANCESTOR = {Level.COUNTY.value: "org__county_id", Level.TOWNSHIP.value: "org__township_id"}
LEAGUE_NOT_FOUND = "未找到该擂台，或不在您的权限范围内"
WITHIN_LEVEL_ERRORS = {
    Level.COUNTY.value: "县级擂台的 within 应为一个市",
    Level.TOWNSHIP.value: "乡镇擂台的 within 应为一个县",
}

Period = tuple[int, int]  # (year, month)


def _two(value) -> Decimal:
    return Decimal(str(value)).quantize(TWO, rounding=ROUND_HALF_UP)


def previous_period(year: int, month: int) -> Period:
    return (year, month - 1) if month > 1 else (year - 1, 12)


# ---------------------------------------------------------------------------------------------
# Weights and years


def league_weights() -> dict[str, int]:
    """The weights in percent (the admin's row, or the defaults before anyone saved one)."""
    row = LeagueWeights.objects.filter(singleton=True).first()
    return row.as_dict() if row else dict(DEFAULT_WEIGHTS)


def league_years(round_years: list[int], today: dt.date) -> list[int]:
    """The years a league can be shown for: from the campaign's first round to this year."""
    first = min([*round_years, today.year])
    return list(range(first, today.year + 1))


def last_month(year: int, today: dt.date) -> int:
    """The last month of ``year`` that has begun."""
    return today.month if year == today.year else 12


# ---------------------------------------------------------------------------------------------
# The table


@dataclass
class LeagueRow:
    unit: dict  # id, code, name
    composite: Decimal
    scores: dict[str, Decimal]  # observation, pace, assessment (0 where the unit has none)
    missing: list[str]  # the parts the unit has no value for (scored 0)
    rank: int = 0
    previous_rank: int | None = None
    leader: bool = False  # among the first three
    trailing: bool = False  # among the last three

    @property
    def rank_change(self) -> int | None:
        """Places gained since last month (negative: lost); None: not ranked then."""
        return None if self.previous_rank is None else self.previous_rank - self.rank

    @property
    def observed(self) -> bool:
        return "observation" not in self.missing

    @property
    def observation_score(self) -> Decimal:
        return self.scores["observation"]

    @property
    def pace_score(self) -> Decimal:
        return self.scores["pace"]

    @property
    def assessment_score(self) -> Decimal:
        return self.scores["assessment"]


@dataclass
class MonthTable:
    period: Period
    weights: dict[str, Decimal]  # the weights applied, in percent (0 for a part left out)
    rows: list[LeagueRow]

    @property
    def ranked(self) -> bool:
        """Whether any unit scored anything (else nothing ranks the units: they are not ranked)."""
        return any(r.composite > 0 for r in self.rows)


def _rank(period: Period, units: list[dict], values: dict[int, dict], weights: dict[str, int]) -> MonthTable:
    in_play = [p for p in PARTS if weights[p] > 0 and any(values[u["id"]][p] is not None for u in units)]
    total = sum(weights[p] for p in in_play)
    applied = {p: (_two(Decimal(weights[p]) * HUNDRED / total) if p in in_play else ZERO) for p in PARTS}
    rows = []
    for unit in units:
        own = values[unit["id"]]
        scores = {p: ZERO if own[p] is None else _two(own[p]) for p in PARTS}
        weighted = sum((scores[p] * weights[p] for p in in_play), Decimal(0))
        composite = _two(weighted / total) if total else ZERO
        missing = [p for p in in_play if own[p] is None]
        rows.append(LeagueRow(unit=unit, composite=composite, scores=scores, missing=missing))
    rows.sort(key=lambda r: (-r.composite, r.unit["code"]))
    for r in rows:
        better = sum(1 for o in rows if o.composite > r.composite)
        worse = sum(1 for o in rows if o.composite < r.composite)
        r.rank = better + 1
        r.leader = r.rank <= 3
        r.trailing = worse <= 2 and not r.leader and len(rows) > 3
    return MonthTable(period=period, weights=applied, rows=rows)


def _pace(child: dict) -> Decimal | None:
    """Titles held against the year's cumulative targets, summed over the levels below."""
    parts = []
    for kind in ("standard", "demonstration"):
        held = sum(n[kind] for n in child["levels"])
        target = sum(n[f"{kind}_target"] for n in child["levels"])
        if target > 0:
            parts.append(min(HUNDRED, Decimal(held) * HUNDRED / Decimal(target)))
    return sum(parts, Decimal(0)) / len(parts) if parts else None


@dataclass
class League:
    parent: Organisation
    level: str
    year: int
    month: int
    weights: dict[str, int]  # as configured
    table: MonthTable  # the month asked for
    months: list[MonthTable] = field(default_factory=list)  # January … the last month begun

    @property
    def rows(self) -> list[LeagueRow]:
        return self.table.rows

    def trend(self) -> dict:
        """Rank per unit and month (None where a month ranked nobody), units in this month's order."""
        by_month = [{r.unit["id"]: r.rank for r in t.rows} if t.ranked else {} for t in self.months]
        return {
            "months": [t.period[1] for t in self.months],
            "units": [
                {"id": r.unit["id"], "name": r.unit["name"], "ranks": [m.get(r.unit["id"]) for m in by_month]}
                for r in self.rows
            ],
        }

    def top(self, n: int = 3) -> list[LeagueRow]:
        return self.rows[:n]

    def bottom(self, n: int = 3) -> list[LeagueRow]:
        """The last ``n`` rows that are not among the first ``n``."""
        return self.rows[n:][-n:]


def league_compute(
    parent: Organisation,
    level: str,
    year: int,
    month: int,
    *,
    trend: bool = True,
    today: dt.date | None = None,
    round_years: list[int] | None = None,
) -> League:
    """The league among ``parent``'s children of ``level`` for ``month`` of ``year``, with the
    previous month's ranks, and with ``trend`` every month of the year up to the last begun."""
    today = today or timezone.localdate()
    last = max(month, last_month(year, today))
    wanted = [(year, m) for m in range(1, last + 1)] if trend else [(year, month)]
    periods = [previous_period(*wanted[0]), *wanted]
    weights = league_weights()
    if round_years is None:
        round_years = sorted(Round.objects.values_list("year", flat=True))
    years = [year - 1, year]  # the previous December's too, so that the count is the same every month
    # The year's round: its own, or in a year without one (after the campaign) the latest before.
    round_of = {y: max((r for r in round_years if r <= y), default=None) for y in years}
    units = list(
        Organisation.objects.filter(parent=parent, level=level, is_active=True)
        .order_by("code")
        .values("id", "code", "name")
    )
    ids = [u["id"] for u in units]
    pace: dict[int, dict[int, Decimal | None]] = {}
    for y in years:  # one query each: the units and both rollups of the year's round
        progress = progress_for(parent, round_of[y]) if round_of[y] is not None else None
        pace[y] = {c["id"]: _pace(c) for c in progress["children"]} if progress else {}

    months = Q()
    for y in years:
        in_year = [m for yy, m in periods if yy == y]
        if in_year:
            months |= Q(year=y, month__gte=min(in_year), month__lte=max(in_year))
    observed: dict[tuple[int, int, int], Decimal] = {
        (unit_id, y, m): total
        for unit_id, y, m, total in Observation.objects.filter(months, observer=parent, unit_id__in=ids)
        .order_by()
        .values_list("unit_id", "year", "month", "total")
    }

    scaled = ExpressionWrapper(
        F("final_score") * HUNDRED / F("indicator_set__total_score"),
        output_field=DecimalField(max_digits=12, decimal_places=4),
    )
    ancestor = ANCESTOR[level]
    means: dict[tuple[int, int], Decimal] = {
        (row[ancestor], row["round__year"]): row["mean"]
        for row in Assessment.objects.filter(
            **{f"{ancestor}__in": ids},
            round__year__in=[r for r in round_of.values() if r is not None],
            final_score__isnull=False,
            org__is_active=True,
        )
        .values(ancestor, "round__year")
        .annotate(mean=Avg(scaled))
        .order_by()
    }

    tables = []
    for y, m in periods:
        values = {
            u["id"]: {
                "observation": observed.get((u["id"], y, m)),
                "pace": pace[y].get(u["id"]),
                "assessment": means.get((u["id"], round_of[y])) if round_of[y] else None,
            }
            for u in units
        }
        tables.append(_rank((y, m), units, values, weights))
    before = tables[0]
    previous_ranks = {r.unit["id"]: r.rank for r in before.rows} if before.ranked else {}
    for index in range(1, len(tables)):
        for r in tables[index].rows:
            r.previous_rank = previous_ranks.get(r.unit["id"])
        previous_ranks = {r.unit["id"]: r.rank for r in tables[index].rows} if tables[index].ranked else {}
    table = next(t for t in tables if t.period == (year, month))
    return League(
        parent=parent,
        level=level,
        year=year,
        month=month,
        weights=weights,
        table=table,
        months=tables[1:] if trend else [],
    )


# ---------------------------------------------------------------------------------------------
# What a caller asks for


@dataclass(frozen=True)
class LeagueQuery:
    parent: Organisation
    level: str
    year: int
    month: int
    round_years: list[int]

    @property
    def years(self) -> list[int]:
        """The years one may choose."""
        return league_years(self.round_years, timezone.localdate())


def _number(params: Mapping[str, str], key: str, message: str, errors: dict) -> int | None:
    raw = params.get(key) or ""
    if raw == "":
        return None
    try:
        return whole_number(raw)
    except ValueError:
        errors[key] = [message]
        return None


def _root(org: Organisation) -> Organisation:
    if org.parent_id is None:
        return org
    return Organisation.objects.get(tree_id=org.tree_id, parent=None)


def _default_parent(user: User, level: str) -> Organisation:
    """The city of the user's tree (a county league), the user's county (a township league)."""
    org = user.org
    if level == Level.COUNTY:
        if org is None:  # a superuser without a unit: the first city
            first = Organisation.objects.filter(parent=None, is_active=True).order_by("code").first()
            if first is None:
                raise OutOfScope(LEAGUE_NOT_FOUND)
            return first
        return _root(org)
    if org is not None and org.level == Level.COUNTY:
        return org
    if org is not None and org.level == Level.TOWNSHIP:
        return Organisation.objects.get(pk=org.parent_id)
    raise InvalidInput("乡镇擂台请用 within 指定县", fields={"within": ["请指定县（单位 id）"]})


def league_query(user: User, params: Mapping[str, str], *, today: dt.date | None = None) -> LeagueQuery:
    """``level``, ``year``, ``month`` and ``within`` of a request, checked, with their defaults:
    this month; the county league (a township's officials: their county's township league);
    ``within`` the user's city, or for a township league the user's county. InvalidInput (400)
    for a bad value, NotAllowed (403) for a user who reads no league, OutOfScope (404) for a
    league the user may not read."""
    if not policy.may_see_leagues(user):
        raise NotAllowed("擂台比武仅供市、县、乡镇三级的干部查看")
    today = today or timezone.localdate()
    errors: dict[str, list[str]] = {}
    own_level = user.org.level if user.org is not None else None
    level = params.get("level") or (Level.TOWNSHIP if own_level == Level.TOWNSHIP else Level.COUNTY)
    if level not in LEVELS:
        errors["level"] = ["level 应为 county（县级擂台）或 township（乡镇擂台）"]
    year = _number(params, "year", "year 应为年份，如 2024", errors)
    month = _number(params, "month", "month 应为 1 到 12 之间的整数", errors)
    within = _number(params, "within", "within 应为单位 id", errors)
    if month is not None and not 1 <= month <= 12:
        errors["month"] = ["month 应为 1 到 12 之间的整数"]
    round_years = sorted(Round.objects.values_list("year", flat=True))
    years = league_years(round_years, today)
    if year is not None and "year" not in errors and year not in years:
        errors["year"] = [f"没有 {year} 年度的擂台比武：可选 {years[0]}–{years[-1]} 年"]
    year = year if year is not None else today.year
    month = month if month is not None else (today.month if year == today.year else 12)
    if not errors and (year, month) > (today.year, today.month):
        errors["month"] = [f"{year} 年 {month} 月尚未开始"]
    if errors:
        summary = "；".join(m for messages in errors.values() for m in messages)
        raise InvalidInput(summary, fields=errors)
    if within is not None:
        parent = Organisation.objects.filter(pk=within, is_active=True).first()
        if parent is None:
            raise OutOfScope(LEAGUE_NOT_FOUND)
        if parent.level != PARENT_LEVEL[level]:
            message = WITHIN_LEVEL_ERRORS[level]
            raise InvalidInput(message, fields={"within": [message]})
    else:
        parent = _default_parent(user, level)
    if not policy.may_see_league(user, parent):
        raise OutOfScope(LEAGUE_NOT_FOUND)
    return LeagueQuery(parent=parent, level=level, year=year, month=month, round_years=round_years)


def league_for_user(
    user: User, params: Mapping[str, str], *, trend: bool = True
) -> tuple[League, LeagueQuery]:
    """The league the request asks for (checked by ``league_query``), and the query."""
    today = timezone.localdate()
    query = league_query(user, params, today=today)
    league = league_compute(
        query.parent,
        query.level,
        query.year,
        query.month,
        trend=trend,
        today=today,
        round_years=query.round_years,
    )
    return league, query


# ---------------------------------------------------------------------------------------------
# Labels the page and the file share


MISSING_LABELS = {
    "observation": _("not observed this month"),
    "pace": _("no title target"),
    "assessment": _("no assessment score"),
}
LEVEL_TITLES = {Level.COUNTY.value: _("counties"), Level.TOWNSHIP.value: _("townships")}


def row_note(row: LeagueRow) -> str:
    """What marks a row, in words: among the first or last three, and the parts it has no value for."""
    words = []
    if row.leader:
        words.append(str(_("leading")))
    if row.trailing:
        words.append(str(_("trailing")))
    words.extend(str(MISSING_LABELS[p]) for p in row.missing)
    return "；".join(words)


def change_text(row: LeagueRow) -> str:
    """``↑2``, ``↓1``, ``—`` (unchanged) or ``新`` (not ranked last month)."""
    change = row.rank_change
    if change is None:
        return str(_("new"))
    if change > 0:
        return f"↑{change}"
    if change < 0:
        return f"↓{-change}"
    return "—"


# ---------------------------------------------------------------------------------------------
# The dashboard's monthly section


@dataclass
class MonthlyBoard:
    """This month on the department's dashboard: the observation coverage of the unit's children
    (必查必评) and its league's first and last three."""

    org: Organisation
    year: int
    month: int
    coverage: Coverage
    league: League
    meeting: RotaMonth | None = None  # the next progress meeting (工作推进会) not yet held

    @property
    def level(self) -> str:
        return self.league.level


def monthly_board(org: Organisation | None, *, round_years: list[int] | None = None) -> MonthlyBoard | None:
    """For the dashboard of ``org`` (a city: its counties; a county: its townships), this month,
    and the next progress meeting of its rota; None for any other scope. Queries: the coverage
    (one), the league without its trend (the weights, the units, pace of two rounds, the
    observations, the assessment means; the round years unless given), the next meeting
    (``monthly.selectors.next_meeting``): the same for every number of units."""
    if org is None or org.level not in PARENT_LEVEL.values():
        return None
    today = timezone.localdate()
    level = next(child for child, parent in PARENT_LEVEL.items() if parent == org.level)
    coverage = observation_coverage(org, today.year, today.month)
    result = league_compute(
        org, level, today.year, today.month, trend=False, today=today, round_years=round_years
    )
    meeting = next_meeting(org, today=today)
    return MonthlyBoard(
        org=org, year=today.year, month=today.month, coverage=coverage, league=result, meeting=meeting
    )
