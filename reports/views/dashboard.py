"""The dashboard: pace against the campaign's targets for one scope (a unit in the user's subtree)
and one year, with its charts, each beside the table of its numbers. The URL holds the scope
(``?org=``), the year (``?year=``) and the level the bars chart (``?level=``), so a drilled view
can be bookmarked and sent."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.exceptions import BadRequest, PermissionDenied
from django.http import Http404
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from assessments import policy
from monthly.league import monthly_board
from yuxi_campaign.core.errors import InvalidInput, OutOfScope
from yuxi_campaign.core.exports import export_response
from yuxi_campaign.core.stamps import stamp_cached

from .. import selectors
from ..selectors import LEVEL_LABELS
from .registers import calibration_summary, late_summary, register_summary


def _charts(bars: dict | None, trend: dict, workflow: dict) -> dict:
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
    # and its path; pace: the round, its targets, the units and their rollups (one), the children's
    # own titles; trend: the targets of each campaign year, the unit and title rollups; workflow:
    # the title rollup of the year; the late list: its counts per kind (2), its first rows (1)
    # and their officials (1, when there are rows); the register: its counts per status (1), its
    # first rows (1) and their events (1, when there are rows); the calibration (1). None of them
    # grows with the number of units.
    user = request.user
    if not policy.may_see_dashboard(user):
        raise PermissionDenied(_("The dashboard is for the organisation department and unit leaders."))
    if "export" in request.GET:
        return _export(request)
    # The page as built for the same scope, query, language and day, unless the data has changed
    # since (core.stamps); what it shows depends on the user's unit only (scope and breadcrumb).
    query = "&".join(f"{k}={request.GET.get(k, '')}" for k in ("org", "year", "level"))
    key = f"dashboard:{user.org_id}:{user.is_superuser}:{query}:{get_language()}:{timezone.localdate()}"
    scope_name, body = stamp_cached(key, lambda: _body(request))
    return render(request, "reports/dashboard.html", {"scope_name": scope_name, "body": body})


def _board(request):
    user = request.user
    try:
        scope = selectors.report_scope(user, request.GET.get("org"), path=True)
    except OutOfScope:
        raise Http404(_("Not found, or outside your scope")) from None
    rounds = selectors.campaign_rounds()
    try:
        round_ = selectors.report_round(request.GET.get("year"), rounds)
    except InvalidInput:
        raise Http404(_("There is no round for this year.")) from None
    years = [r.year for r in rounds]
    return scope, round_, years, selectors.dashboard(scope, round_.year, years, request.GET.get("level"))


def _export(request):
    """?export=xlsx|csv&table=<name>: that table of the page as a file (never cached)."""
    board = _board(request)[-1]
    for table in board.tables().values():
        if (response := export_response(request, table)) is not None:
            return response
    raise BadRequest(_("There is no table of that name on this page."))


def _body(request) -> tuple[str, str]:
    scope, round_, years, board = _board(request)
    tables = board.tables()
    year = round_.year
    context = {
        "scope": scope,
        "year": year,
        "years": years,
        "pace": board.pace,
        "level_labels": LEVEL_LABELS,
        "chart_level": board.bars["level"] if board.bars else None,
        "chart_levels": [(lvl, LEVEL_LABELS[lvl]) for lvl in board.pace["child_levels"]],
        "pace_table": tables["pace"],
        "bars_table": tables.get("titled"),
        "trend": board.trend,
        "trend_table": tables["trend"],
        "workflow_table": tables["workflow"],
        "charts": _charts(board.bars, board.trend, board.workflow),
        "monthly": monthly_board(scope.org, round_years=years),  # observation coverage, league ends
        # The registers in short (counts, the first rows, a link to the whole page and its files)
        "registers": [
            ("late", _("Late list"), late_summary(scope, round_)),
            ("register", _("Register of titles and dynamic management"), register_summary(scope, round_)),
            ("calibration", _("Reviewer calibration"), calibration_summary(scope, round_)),
        ],
        "documents": _documents(scope, year),
    }
    body = render_to_string("reports/_dashboard_body.html", context, request=request)
    return str(scope.name), mark_safe(body)  # noqa: S308 - our own template's output


def _documents(scope, year: int) -> list[tuple[str, str]]:
    """The printed documents of the scope's unit for the year: (label, URL)."""
    base = {"year": year} if scope.org is None else {"org": scope.org.pk, "year": year}
    links = []
    for name, label in (("document_notice", _("Notice")), ("document_naming", _("Naming decision"))):
        for target, title in (("standard", _("standard")), ("demonstration", _("model"))):
            url = f"{reverse(name)}?{urlencode({**base, 'target': target})}"
            links.append((f"{label} · {title}", url))
    links.append((str(_("Circular")), f"{reverse('document_circular')}?{urlencode(base)}"))
    return links
