"""Writing the workbook: what goes in (one query each for the assessments, their indicators and
their saved scores, whatever their number) and how it looks."""

from __future__ import annotations

import datetime as dt
import io
import re
from dataclasses import dataclass
from urllib.parse import quote

from django.core import signing
from django.http import HttpResponse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.utils import get_column_letter
from openpyxl.workbook.protection import WorkbookProtection
from openpyxl.worksheet.datavalidation import DataValidation

from indicators.models import Indicator, applies
from orgs.models import Organisation
from yuxi_campaign.core.exports import LOCAL, text_width

from .. import policy
from ..labels import TARGET_LABELS, zh
from ..models import Assessment, Score, Stage
from .layout import (
    COLUMNS,
    FAIL,
    FIRST_ROW,
    MAX,
    META_TITLE,
    NOTE,
    PASS,
    SALT,
    SCORE,
    VETO,
    WORKSHEET_NAME,
    XLSX,
    Expected,
    stage_zh,
)


@dataclass
class Entry:
    """One worksheet to write: an assessment's sheet of one stage and the rows that apply."""

    assessment: Assessment
    stage: str
    indicators: list[Indicator]
    scores: dict[int, Score]


# ---------------------------------------------------------------------------------------------
# What goes in


def _entries(assessments: list[Assessment], stage: str) -> list[Entry]:
    """The applicable indicators (one query for every set involved) and the saved scores of the
    stage (one query) of each assessment, in the set's order."""
    set_ids = {a.indicator_set_id for a in assessments}
    indicators: dict[int, list[Indicator]] = {sid: [] for sid in set_ids}
    for i in (
        Indicator.objects.filter(indicator_set_id__in=set_ids)
        .select_related("dimension")
        .order_by("dimension__order", "order")
    ):
        indicators[i.indicator_set_id].append(i)
    scores: dict[int, dict[int, Score]] = {a.pk: {} for a in assessments}
    for s in Score.objects.filter(assessment__in=assessments, stage=stage):
        scores[s.assessment_id][s.indicator_id] = s
    return [
        Entry(
            assessment=a,
            stage=stage,
            indicators=[i for i in indicators[a.indicator_set_id] if applies(i.applies_to, a.org.area_type)],
            scores=scores[a.pk],
        )
        for a in assessments
    ]


def group_assessments(user, village: Organisation, year: int, stage: str) -> list[Assessment]:
    """The assessments of the unit's direct children in the round of ``year`` whose ``stage`` sheet
    the user may fill now (policy decides, per assessment), by unit code then target (one query)."""
    rows = (
        Assessment.objects.filter(org__parent=village, round__year=year)
        .select_related("org__parent", "round", "indicator_set")
        .order_by("org__code", "target")
    )
    return [a for a in rows if stage in policy.open_sheets(user, a)]


def child_stages(user, a: Assessment) -> list[str]:
    """The stages of which the user may fill, now, the sheet of some child of ``a``'s unit in the
    same round (one query): what the assessment page offers as a workbook of the groups."""
    if a.org.level != "village":
        return []
    children = Assessment.objects.filter(org__parent_id=a.org_id, round_id=a.round_id).select_related(
        "org__parent"
    )
    stages: set[str] = set()
    for child in children:
        stages.update(policy.open_sheets(user, child))
    return [s for s in Stage.values if s in stages]


def sheet_expected(a: Assessment, stage: str) -> Expected:
    what = f"本次要导入的“{a.org.name}” {a.round.year} 年{stage_zh(stage)}表"
    return Expected(ids=frozenset({a.pk}), stage=stage, what=what)


def groups_expected(org, year: int, stage: str) -> Expected:
    ids = Assessment.objects.filter(org__parent=org, round__year=year).values_list("pk", flat=True)
    what = f"“{org.name}”下属单位 {year} 年的{stage_zh(stage)}表"
    return Expected(ids=frozenset(ids), stage=stage, what=what)


# ---------------------------------------------------------------------------------------------
# Writing


def _title(a: Assessment, stage: str) -> str:
    return f"{a.org.name} · {a.round.year} 年 · {zh(TARGET_LABELS[a.target])} · {stage_zh(stage)}表"


def _worksheet_names(entries: list[Entry]) -> list[str]:
    """A unit's name per worksheet (31 characters at most, without what Excel refuses), the
    target added when a unit has two, and a number when two names still meet."""
    per_org: dict[int, int] = {}
    for e in entries:
        per_org[e.assessment.org_id] = per_org.get(e.assessment.org_id, 0) + 1
    names: list[str] = []
    for e in entries:
        name = WORKSHEET_NAME.sub("_", e.assessment.org.name).strip("'") or e.assessment.org.code
        if per_org[e.assessment.org_id] > 1:
            name = f"{name[:24]}·{zh(TARGET_LABELS[e.assessment.target])[:2]}"
        name = name[:31]
        base, n = name, 2
        while name in names or name == META_TITLE:
            name = f"{base[:27]}({n})"
            n += 1
        names.append(name)
    return names


def _snapshot(entry: Entry) -> dict[str, list]:
    return {
        i.code: [f"{s.score.normalize():f}", s.comment, s.veto_passed]
        for i in entry.indicators
        if (s := entry.scores.get(i.pk)) is not None
    }


def _token(entry: Entry, worksheet: str) -> str:
    a = entry.assessment
    payload = {
        "ws": worksheet,
        "a": a.pk,
        "s": entry.stage,
        "v": a.version,
        "u": a.org.name,
        "y": a.round.year,
        "snap": _snapshot(entry),
    }
    return signing.dumps(payload, salt=SALT, compress=True)


THIN = Side(style="thin", color="BFBFBF")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEAD_FILL = PatternFill("solid", fgColor="DDEBF7")
INPUT_FILL = PatternFill("solid", fgColor="FFF9E5")
WRAP = Alignment(wrap_text=True, vertical="top")
OPEN = Protection(locked=False)


def _write_sheet(ws, entry: Entry, now: dt.datetime) -> None:
    a = entry.assessment
    last = get_column_letter(len(COLUMNS))
    ws["A1"] = _title(a, entry.stage)
    ws["A1"].font = Font(bold=True, size=14)
    ws.merge_cells(f"A1:{last}1")
    ws["A2"] = (
        f"单位代码 {a.org.code}；{a.indicator_set.name}；满分按本单位适用的指标折算为 "
        f"{a.indicator_set.total_score.normalize():f} 分。只填写“得分”（0 到满分，0.5 的整数倍）、"
        f"“一票否决”（{PASS}/{FAIL}）和“说明”三列，不要改动其他单元格和工作表；"
        f"填好后在评分页上传。下载于 {now:%Y-%m-%d %H:%M}（版本 {a.version}）"
    )
    ws["A2"].alignment = Alignment(wrap_text=True, vertical="top")
    ws.merge_cells(f"A2:{last}2")
    ws.row_dimensions[2].height = 48
    for n, (label, width) in enumerate(COLUMNS, start=1):
        cell = ws.cell(row=3, column=n, value=label)
        cell.font, cell.fill, cell.border = Font(bold=True), HEAD_FILL, BOX
        cell.alignment = Alignment(horizontal="center", vertical="center")
        ws.column_dimensions[get_column_letter(n)].width = width
    ws.freeze_panes = f"A{FIRST_ROW}"

    row = FIRST_ROW
    for i in entry.indicators:
        saved = entry.scores.get(i.pk)
        values = [
            i.code,
            i.dimension.name,
            i.title,
            i.guide,
            float(i.max_score),
            float(saved.score) if saved else None,
            (PASS if saved.veto_passed else FAIL)
            if saved and i.is_veto and saved.veto_passed is not None
            else (None if i.is_veto else "—"),
            saved.comment if saved else None,
        ]
        for n, value in enumerate(values, start=1):
            cell = ws.cell(row=row, column=n, value=value)
            cell.border, cell.alignment = BOX, WRAP
        ws[f"{MAX}{row}"].number_format = "0.0"
        ws[f"{SCORE}{row}"].number_format = "0.0"
        open_cells = [SCORE, NOTE] + ([VETO] if i.is_veto else [])
        for column in open_cells:
            ws[f"{column}{row}"].protection = OPEN
            ws[f"{column}{row}"].fill = INPUT_FILL
        lines = max(text_width(i.guide) // (COLUMNS[3][1] - 2) + 1, text_width(i.title) // 24 + 1, 1)
        ws.row_dimensions[row].height = min(15 * lines + 4, 160)
        row += 1
    end = row - 1
    if end >= FIRST_ROW:
        _validations(ws, entry, end)
    ws.protection.sheet = True
    ws.protection.formatColumns = False  # people may widen a column to read
    ws.protection.formatRows = False
    ws.print_title_rows = "3:3"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True


def _validations(ws, entry: Entry, end: int) -> None:
    first = FIRST_ROW
    score = DataValidation(
        type="custom",
        formula1=f"AND(ISNUMBER({SCORE}{first}),{SCORE}{first}>=0,{SCORE}{first}<=${MAX}{first},"
        f"MOD({SCORE}{first}*2,1)=0)",
        allow_blank=True,
        showErrorMessage=True,
        errorTitle="得分不正确",
        error="得分应为 0 到该项满分之间的数字，且为 0.5 的整数倍（如 7 或 7.5）",
        showInputMessage=True,
        promptTitle="得分",
        prompt="0 到满分，0.5 的整数倍",
    )
    score.add(f"{SCORE}{first}:{SCORE}{end}")
    note = DataValidation(
        type="textLength",
        operator="lessThanOrEqual",
        formula1="1000",
        allow_blank=True,
        showErrorMessage=True,
        errorTitle="说明过长",
        error="说明不能超过 1000 字",
    )
    note.add(f"{NOTE}{first}:{NOTE}{end}")
    ws.add_data_validation(score)
    ws.add_data_validation(note)
    veto_cells = [f"{VETO}{first + n}" for n, i in enumerate(entry.indicators) if i.is_veto]
    if veto_cells:
        veto = DataValidation(
            type="list",
            formula1=f'"{PASS},{FAIL}"',
            allow_blank=True,
            showErrorMessage=True,
            errorTitle="一票否决",
            error=f"请选择“{PASS}”或“{FAIL}”",
        )
        for cell in veto_cells:
            veto.add(cell)
        ws.add_data_validation(veto)


def build_workbook(entries: list[Entry]) -> bytes:
    """The workbook of ``entries``, one worksheet each, and the hidden signed one."""
    now = timezone.now().astimezone(LOCAL).replace(tzinfo=None)
    wb = Workbook()
    wb.remove(wb.active)
    names = _worksheet_names(entries)
    for entry, name in zip(entries, names, strict=True):
        _write_sheet(wb.create_sheet(name), entry, now)
    meta = wb.create_sheet(META_TITLE)
    meta.append(["工作表", "校验码（请勿改动）"])
    for entry, name in zip(entries, names, strict=True):
        meta.append([name, _token(entry, name)])
    meta.sheet_state = "veryHidden"
    meta.protection.sheet = True
    wb.active = 0
    wb.security = WorkbookProtection(lockStructure=True)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def workbook_for_sheet(a: Assessment, stage: str) -> bytes:
    return build_workbook(_entries([a], stage))


def workbook_for_groups(assessments: list[Assessment], stage: str) -> bytes:
    return build_workbook(_entries(assessments, stage))


def file_name(unit: str, year: int, stage: str, suffix: str = "") -> str:
    name = f"{unit}-{year}年-{stage_zh(stage)}表{suffix}"
    return re.sub(r'[\\/:*?"<>|\x00-\x1f]+', "_", name) + ".xlsx"


def workbook_response(content: bytes, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    response["X-Content-Type-Options"] = "nosniff"
    return response
