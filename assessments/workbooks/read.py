"""Reading an upload back: the file checked to be a workbook (and no zip bomb), each worksheet's
signed identity, and its filled rows as the score service takes them, with the cell each came
from."""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core import signing
from openpyxl import load_workbook

from yuxi_campaign.core.errors import InvalidInput

from .layout import (
    CODE,
    FAIL,
    FIELD_COLUMNS,
    FIRST_ROW,
    MAX_BYTES,
    MAX_UNPACKED,
    META_TITLE,
    NOT_A_WORKBOOK,
    NOT_OURS,
    NOTE,
    PASS,
    SALT,
    SCORE,
    TAMPERED,
    UNSAVED,
    VETO,
)


@dataclass
class SheetInput:
    """One worksheet of an upload, read back: whose sheet, as of which version, and its rows with
    the cell each came from."""

    worksheet: str
    assessment_id: int
    stage: str
    version: int
    unit: str
    year: int
    snapshot: dict[str, list]  # indicator code -> [score, comment, veto] at download
    rows: list[dict] = field(default_factory=list)
    cells: list[int] = field(default_factory=list)  # the worksheet row of each of ``rows``
    errors: list[str] = field(default_factory=list)  # problems found while reading
    unchanged: bool = True


# ---------------------------------------------------------------------------------------------
# Reading an upload back


def _open(content: bytes):
    """The workbook, or InvalidInput when the bytes are not one (empty, text, any other zip, too
    big once unpacked)."""
    if not content:
        raise InvalidInput("上传的文件是空的：" + NOT_A_WORKBOOK, fields={"file": [NOT_A_WORKBOOK]})
    if len(content) > MAX_BYTES:
        message = f"工作簿不能超过 {MAX_BYTES // (1024 * 1024)} MB"
        raise InvalidInput(message, fields={"file": [message]})
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            if sum(info.file_size for info in archive.infolist()) > MAX_UNPACKED:
                raise InvalidInput(NOT_A_WORKBOOK, fields={"file": [NOT_A_WORKBOOK]})
            if "xl/workbook.xml" not in archive.namelist():
                raise InvalidInput(NOT_A_WORKBOOK, fields={"file": [NOT_A_WORKBOOK]})
        return load_workbook(io.BytesIO(content), data_only=True)
    except InvalidInput:
        raise
    # What openpyxl raises on a damaged or foreign file varies with the damage.
    except (zipfile.BadZipFile, KeyError, ValueError, TypeError, IndexError, AttributeError, OSError):
        raise InvalidInput(NOT_A_WORKBOOK, fields={"file": [NOT_A_WORKBOOK]}) from None
    except Exception as exc:  # noqa: BLE001 - an XML parser error of a damaged part, whatever its class
        if exc.__class__.__module__.startswith(("xml.", "openpyxl", "zipfile", "lxml")):
            raise InvalidInput(NOT_A_WORKBOOK, fields={"file": [NOT_A_WORKBOOK]}) from None
        raise


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return f"{int(value)}"
    return str(value).strip()


def _same_score(value, saved: str | None) -> bool:
    if value is None or value == "":
        return saved is None
    if saved is None or isinstance(value, bool) or not isinstance(value, int | float):
        return False
    try:
        return Decimal(repr(value)) == Decimal(saved)
    except InvalidOperation:
        return False


def _read_sheet(ws, sheet: SheetInput) -> None:
    """The filled rows of one worksheet, as the score service takes them (``indicator`` is the
    code until the caller maps it), with the row each came from."""
    seen_codes: set[str] = set()
    for row in range(FIRST_ROW, ws.max_row + 1):
        code = _text(ws[f"{CODE}{row}"].value)
        score = ws[f"{SCORE}{row}"].value
        if isinstance(score, str):
            score = score.strip()
        veto_text = _text(ws[f"{VETO}{row}"].value)
        comment = _text(ws[f"{NOTE}{row}"].value)
        if not code:
            if score not in (None, "") or comment:
                sheet.errors.append(
                    f"工作表“{sheet.worksheet}”第 {row} 行 {CODE} 列：缺少指标编号，请勿改动编号列"
                )
            continue
        seen_codes.add(code)
        veto: bool | None
        if veto_text in ("", "—"):
            veto = None
        elif veto_text in (PASS, FAIL):
            veto = veto_text == PASS
        else:
            sheet.errors.append(f"工作表“{sheet.worksheet}”第 {row} 行 {VETO} 列：请选择“{PASS}”或“{FAIL}”")
            continue
        if score in (None, "") and not comment and veto is None:
            if code in sheet.snapshot:
                sheet.unchanged = False  # an emptied score: the service says a score is needed
                sheet.rows.append({"indicator": code, "score": None, "comment": ""})
                sheet.cells.append(row)
            continue
        saved = sheet.snapshot.get(code)
        if not (
            saved is not None
            and _same_score(score, saved[0])
            and comment == (saved[1] or "")
            and veto == saved[2]
        ):
            sheet.unchanged = False
        entry: dict = {"indicator": code, "score": score, "comment": comment}
        if veto is not None:
            entry["veto_passed"] = veto
        if isinstance(entry["score"], float) and entry["score"].is_integer():
            entry["score"] = int(entry["score"])
        sheet.rows.append(entry)
        sheet.cells.append(row)
    if set(sheet.snapshot) - seen_codes:
        sheet.unchanged = False


def read_workbook(content: bytes) -> list[SheetInput]:
    """Every worksheet of an upload with its signed identity and its filled rows; InvalidInput
    naming every worksheet whose identity is missing or altered."""
    wb = _open(content)
    if META_TITLE not in wb.sheetnames:
        raise InvalidInput(NOT_OURS, fields={"workbook": [NOT_OURS]})
    tokens: dict[str, str] = {}
    for name, token in wb[META_TITLE].iter_rows(min_row=2, max_col=2, values_only=True):
        if name is not None:
            tokens[str(name)] = str(token or "")
    sheets: list[SheetInput] = []
    problems: list[str] = []
    for ws in wb.worksheets:
        if ws.title == META_TITLE:
            continue
        token = tokens.get(ws.title)
        if token is None:
            problems.append(f"工作表“{ws.title}”不是下载的评分表（可能被改名或新增），请勿改动工作表")
            continue
        try:
            data = signing.loads(token, salt=SALT)
        except signing.BadSignature:
            problems.append(TAMPERED.format(ws=ws.title))
            continue
        if not isinstance(data, dict) or data.get("ws") != ws.title:
            problems.append(TAMPERED.format(ws=ws.title))
            continue
        sheet = SheetInput(
            worksheet=ws.title,
            assessment_id=data["a"],
            stage=data["s"],
            version=data["v"],
            unit=data["u"],
            year=data["y"],
            snapshot=data["snap"],
        )
        _read_sheet(ws, sheet)
        sheets.append(sheet)
    if problems:
        raise InvalidInput(UNSAVED + "；".join(problems), fields={"workbook": problems})
    if not sheets:
        raise InvalidInput(NOT_OURS, fields={"workbook": [NOT_OURS]})
    return sheets


def where(sheet: SheetInput, index: int | None, field_name: str | None) -> str:
    """``工作表“一组”第 7 行 F 列`` for a row of ``sheet`` (by its place in ``rows``), or the worksheet."""
    if index is None or index >= len(sheet.cells):
        return f"工作表“{sheet.worksheet}”"
    column = FIELD_COLUMNS.get(field_name or "", CODE)
    return f"工作表“{sheet.worksheet}”第 {sheet.cells[index]} 行 {column} 列"
