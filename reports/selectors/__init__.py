"""Every number the department's pages show, read in one place, one module per family: the scope
and the round (``scope``), the pace (``pace``), the late list (``late``), the register of titles
(``titles``) and the reviewers' calibration (``calibration``); query counts do not grow with the
number of units."""

from .calibration import MIN_PEERS, MIN_REVIEWS, Calibration, calibration, calibration_table
from .late import LATE_KINDS, LATE_LABELS, LateRows, late_details, late_rows, late_table
from .pace import (
    Dashboard,
    bars,
    bars_table,
    dashboard,
    pace,
    pace_table,
    summary_table,
    trend,
    trend_table,
    workflow,
    workflow_table,
)
from .scope import LEVEL_LABELS, Scope, campaign_rounds, campaign_years, report_round, report_scope
from .titles import (
    MANAGEMENT_ACTIONS,
    TITLE_STATUS_LABELS,
    TITLE_STATUSES,
    register_table,
    title_details,
    title_rows,
    title_status_counts,
)

__all__ = [
    "Calibration",
    "Dashboard",
    "LATE_KINDS",
    "LATE_LABELS",
    "LEVEL_LABELS",
    "LateRows",
    "MANAGEMENT_ACTIONS",
    "MIN_PEERS",
    "MIN_REVIEWS",
    "Scope",
    "TITLE_STATUSES",
    "TITLE_STATUS_LABELS",
    "bars",
    "bars_table",
    "calibration",
    "calibration_table",
    "campaign_rounds",
    "campaign_years",
    "dashboard",
    "late_details",
    "late_rows",
    "late_table",
    "pace",
    "pace_table",
    "register_table",
    "report_round",
    "report_scope",
    "summary_table",
    "title_details",
    "title_rows",
    "title_status_counts",
    "trend",
    "trend_table",
    "workflow",
    "workflow_table",
]
