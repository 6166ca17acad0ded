"""The dashboard: pace against the campaign's targets for one scope (a unit in the user's subtree)
and one year, with its charts, each beside the table of its numbers. The URL holds the scope
(``?org=``), the year (``?year=``) and the level the bars chart (``?level=``), so a drilled view
can be bookmarked and sent."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from assessments import policy
from yuxi_campaign.core.errors import OutOfScope

from .. import selectors
from ..selectors.pace import LEVEL_LABELS


def _charts(data: dict, bars: dict | None, trend: dict, workflow: dict) -> dict:
    """What dashboard.js draws, with the words it shows (in the reader's language)."""
    return {
        "labels": {
            "standard": _("standard held"),
            "standard_target": _("standard target"),
            "demonstration": _("model held"),
            "demonstration_target": _("model target"),
            "standard_rate": _("standard rate"),
            "demonstration_rate": _("model rate"),
            "assessments": _("number of assessments"),
        },
        "bars": bars,
        "trend": {
            "years": trend["years"],
            "standard_percent": trend["standard_percent"],
            "demonstration_percent": trend["demonstration_percent"],
            "levels": [
                {
                    "label": lvl["level_label"],
                    "standard": [p["standard_rate"] for p in lvl["points"]],
                    "demonstration": [p["demonstration_rate"] for p in lvl["points"]],
                }
                for lvl in trend["levels"]
            ],
        },
        "workflow": {  # where assessments wait, step by step (those that ended are in the table)
            "labels": [s["label"] for s in workflow["states"] if s["waiting"]],
            "counts": [s["count"] for s in workflow["states"] if s["waiting"]],
        },
    }


@require_safe
@login_required
def dashboard(request):
    # Queries: session, user, the user's unit; the rounds; the scope's unit (when asked for by id)
    # and its path; pace: the children, the targets, the unit and title rollups, the children's
    # own titles; trend: the targets of each campaign year, the unit and title rollups; workflow:
    # the title rollup of the year. None of them grows with the number of units.
    user = request.user
    if not policy.may_see_dashboard(user):
        raise PermissionDenied(_("The dashboard is for the organisation department and unit leaders."))
    try:
        scope = selectors.dashboard_scope(user, request.GET.get("org"))
    except OutOfScope:
        raise Http404(_("Not found, or outside your scope")) from None
    years = selectors.campaign_years()
    year = selectors.chosen_year(years, request.GET.get("year"))
    if year is None:
        raise Http404(_("There is no round for this year."))

    data = selectors.pace(scope, year)
    chart_levels = data["child_levels"]
    level = request.GET.get("level")
    if level not in chart_levels:
        level = chart_levels[0] if chart_levels else None
    bars = selectors.bars(data, level)
    trend = selectors.trend(scope, years)
    workflow = selectors.workflow(scope, year)
    context = {
        "scope": scope,
        "year": year,
        "years": years,
        "pace": data,
        "level_labels": LEVEL_LABELS,
        "chart_level": level,
        "chart_levels": [(lvl, LEVEL_LABELS[lvl]) for lvl in chart_levels],
        "pace_table": selectors.pace_table(scope, data),
        "summary_table": selectors.summary_table(scope, data),
        "bars_table": selectors.bars_table(scope, data, bars) if bars else None,
        "trend": trend,
        "trend_table": selectors.trend_table(scope, trend),
        "workflow": workflow,
        "workflow_table": selectors.workflow_table(scope, workflow),
        "charts": _charts(data, bars, trend, workflow),
        # The registers (late list, title register, reviewer calibration) add their tables here:
        # late_table, register_table, calibration_table; the template shows each one it is given.
    }
    return render(request, "reports/dashboard.html", context)
