"""The league table's page (``/league/``): one month's table, best first, with the change of
rank, each row's three parts and their weights, the first and last three marked, the month, year
and level to choose, the export links and the rank trend over the year (a chart beside its
numbers)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from orgs.models import Level, Organisation
from yuxi_campaign.core.edge import refusal
from yuxi_campaign.core.errors import InvalidInput, OutOfScope
from yuxi_campaign.core.export_views import page_export
from yuxi_campaign.core.tables import Column, Table

from .. import league, policy
from ..exports import league_table

PARAMS = ("level", "year", "month", "within")


def _trend_table(result: league.League) -> Table:
    """The numbers of the trend chart: a unit a row, its rank in each month."""
    months = [t.period[1] for t in result.months]
    trend = result.trend()
    return Table(
        name="league-trend",
        title=_("Rank by month"),
        columns=[
            Column("name", _("unit")),
            *[Column(f"m{m}", _("Month %(month)s") % {"month": m}, "int") for m in months],
        ],
        rows=[[u["name"], *u["ranks"]] for u in trend["units"]],
        scope=result.parent.name,
        year=result.year,
    )


def _counties(user, result: league.League) -> list[Organisation]:
    """The counties whose township league the user may choose: every county of the city for the
    city's officials; nobody else chooses (their own county is the default)."""
    if user.org is not None and user.org.level != Level.CITY:
        return []
    city_id = result.parent.pk if result.level == Level.COUNTY else result.parent.parent_id
    return list(
        Organisation.objects.filter(parent_id=city_id, level=Level.COUNTY, is_active=True).order_by("code")
    )


@require_safe
@login_required
def league_page(request):
    # Queries: session, user, the user's unit; the round years, the league's unit; the weights;
    # pace (children, unit and title rollups) for this year and the previous December; the
    # observations of the year; the assessment means; the counties to choose from.
    user = request.user
    if not policy.may_see_leagues(user):
        raise PermissionDenied(
            _("The league tables are for the officials of the city, the counties and the townships.")
        )
    params = {k: request.GET.get(k, "") for k in PARAMS}
    if params["level"] == Level.TOWNSHIP and not params["within"]:
        # the form's county select: it counts for the township league only, so that switching
        # back to the county league with a county still selected is not an error
        params["within"] = request.GET.get("county", "")
    try:
        if (response := page_export(request, "league", params)) is not None:
            return response
        result, query = league.league_for_user(user, params)
    except InvalidInput as exc:
        return refusal(request, exc.detail)
    except OutOfScope:
        raise Http404(_("Not found, or outside your scope")) from None
    rows = [
        {
            "row": r,
            "change": league.change_text(r),
            "places": abs(r.rank_change or 0),
            "missing": [league.MISSING_LABELS[p] for p in r.missing],
        }
        for r in result.rows
    ]
    trend = result.trend()
    context = {
        "league": result,
        "rows": rows,
        "weights": result.table.weights,
        "ranked": result.table.ranked,
        "years": query.years,
        "months": list(range(1, league.last_month(result.year, timezone.localdate()) + 1)),
        "counties": _counties(user, result),
        "level_title": league.LEVEL_TITLES[result.level],
        "table": league_table(result),
        "trend_table": _trend_table(result),
        "chart": {
            "months": [_("Month %(month)s") % {"month": m} for m in trend["months"]],
            "units": trend["units"],
            "count": len(result.rows),
            "rank": _("rank"),
        },
    }
    return render(request, "monthly/league.html", context)
