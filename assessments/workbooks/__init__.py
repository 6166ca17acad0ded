"""Score sheets as Excel workbooks, for officials who fill them in offline: one worksheet per
assessment (one sheet of one stage), pre-filled with the indicators, their maxima, guides and the
values saved so far, with data validation and locked cells except the ones to fill. A hidden,
signed worksheet carries what the upload needs: the assessment, the stage, its version at download
and the values the workbook was filled from (so a stale upload can name what changed since).

Reads only: ``workbook_for_sheet`` / ``workbook_for_groups`` build the file, ``read_workbook``
turns an upload back into rows for ``services.workbook_save``, which writes them through the
score sheet service (the same checks as the API)."""

from .build import (
    child_stages,
    file_name,
    group_assessments,
    groups_expected,
    sheet_expected,
    workbook_for_groups,
    workbook_for_sheet,
    workbook_response,
)
from .layout import (
    FIRST_ROW,
    MAX_BYTES,
    META_TITLE,
    SALT,
    TAMPERED,
    UNSAVED,
    XLSX,
    Expected,
    stage_zh,
)
from .read import SheetInput, read_workbook, where

__all__ = [
    "FIRST_ROW",
    "MAX_BYTES",
    "META_TITLE",
    "SALT",
    "TAMPERED",
    "UNSAVED",
    "XLSX",
    "Expected",
    "SheetInput",
    "child_stages",
    "file_name",
    "group_assessments",
    "groups_expected",
    "read_workbook",
    "sheet_expected",
    "stage_zh",
    "where",
    "workbook_for_groups",
    "workbook_for_sheet",
    "workbook_response",
]
