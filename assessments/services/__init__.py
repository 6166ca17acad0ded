"""Every write of the campaign and its assessments, one module per family (declaration, sheets,
evidence, transitions, objections, titles, jobs, campaign). Callers import from here."""

from .campaign import campaign_install_default, round_extend, round_update
from .declaration import assessment_declare
from .evidence import (
    SIGNATURES,
    content_checked,
    evidence_add,
    evidence_cleanup,
    evidence_delete,
    lacking_evidence,
    missing_evidence,
    upload_checked,
    upload_digest,
)
from .jobs import notices_close_due, rectifications_flag_overdue, windows_remind
from .objections import objection_decide, objection_submit
from .sheets import GAP_SHARE, missing_scores, scores_save, scores_write
from .transitions import BulkResult, assessment_bulk_transition, assessment_transition
from .workbooks import SheetSaved, workbook_save

__all__ = [
    "GAP_SHARE",
    "SheetSaved",
    "SIGNATURES",
    "BulkResult",
    "assessment_bulk_transition",
    "assessment_declare",
    "assessment_transition",
    "campaign_install_default",
    "content_checked",
    "evidence_add",
    "evidence_cleanup",
    "evidence_delete",
    "lacking_evidence",
    "missing_evidence",
    "missing_scores",
    "notices_close_due",
    "objection_decide",
    "objection_submit",
    "rectifications_flag_overdue",
    "round_extend",
    "round_update",
    "scores_save",
    "scores_write",
    "upload_checked",
    "upload_digest",
    "windows_remind",
    "workbook_save",
]
