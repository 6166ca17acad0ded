"""Every number the department's pages show, read in one place (one module per family: pace,
registers), with query counts that do not grow with the number of units."""

from .pace import (
    Dashboard,
    Scope,
    bars,
    bars_table,
    campaign_years,
    chosen_year,
    dashboard,
    dashboard_scope,
    pace,
    pace_table,
    summary_table,
    trend,
    trend_table,
    workflow,
    workflow_table,
)

__all__ = [
    "Dashboard",
    "Scope",
    "bars",
    "bars_table",
    "campaign_years",
    "chosen_year",
    "dashboard",
    "dashboard_scope",
    "pace",
    "pace_table",
    "summary_table",
    "trend",
    "trend_table",
    "workflow",
    "workflow_table",
]
