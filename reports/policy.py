"""Who may read the department's pages: one rule, used by every page of ``reports``. It is the
dashboard's rule, written once in ``assessments.policy`` (whose menu needs it too)."""

from __future__ import annotations

from assessments.policy import may_see_dashboard as may_read_reports

__all__ = ["may_read_reports"]
