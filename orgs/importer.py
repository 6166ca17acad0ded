"""Import of an organisation tree from .csv or .xlsx, all or nothing.

Columns (header row required, the same as the shipped division lists):
``code, name, level, kind, parent_code`` and optionally ``official_name`` (ignored).
Every bad row is reported with its row number (the header is row 1) and a Chinese message; a file
with any bad row imports nothing. Importing the same file again changes nothing."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from yuxi_campaign.core.errors import InvalidInput

from . import rules
from .models import Organisation
from .services import CODE_RE, BulkLoadResult, NewOrg, kind_error, level_error, orgs_bulk_load

REQUIRED_COLUMNS = ("code", "name", "level", "kind", "parent_code")
MAX_ROWS = 200_000


@dataclass(frozen=True)
class RowError:
    row: int
    message: str

    def __str__(self) -> str:
        return f"第 {self.row} 行：{self.message}"


@dataclass
class ImportReport:
    errors: list[RowError] = field(default_factory=list)
    result: BulkLoadResult | None = None
    rows: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors


def read_table(data: bytes, filename: str) -> list[dict[str, str]]:
    """Rows of a .csv (UTF-8, with or without BOM, or GB18030) or .xlsx file as dicts."""
    suffix = Path(filename).suffix.lower()
    if suffix == ".xlsx":
        return _read_xlsx(data)
    if suffix == ".csv":
        return _read_csv(data)
    raise InvalidInput(f"不支持的文件类型“{suffix or filename}”：请上传 .xlsx 或 .csv 文件")


def _read_csv(data: bytes) -> list[dict[str, str]]:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise InvalidInput("无法识别文件编码：请保存为 UTF-8 或 GB18030 编码的 CSV")
    reader = csv.reader(io.StringIO(text))
    return _rows_from_matrix(list(reader))


def _read_xlsx(data: bytes) -> list[dict[str, str]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds on a damaged file
        raise InvalidInput(f"无法读取 Excel 文件：{exc.__class__.__name__}") from None
    sheet = workbook.worksheets[0]
    matrix = [
        ["" if cell is None else str(cell) for cell in row] for row in sheet.iter_rows(values_only=True)
    ]
    workbook.close()
    return _rows_from_matrix(matrix)


def _rows_from_matrix(matrix: list[list[str]]) -> list[dict[str, str]]:
    if not matrix:
        raise InvalidInput("文件是空的：第 1 行应为表头 code, name, level, kind, parent_code")
    header = [str(h).strip().lower() for h in matrix[0]]
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if missing:
        raise InvalidInput(f"第 1 行表头缺少列：{', '.join(missing)}（应有 {', '.join(REQUIRED_COLUMNS)}）")
    if len(matrix) - 1 > MAX_ROWS:
        raise InvalidInput(f"文件行数超过上限 {MAX_ROWS}")
    rows = []
    for values in matrix[1:]:
        values = [str(v).strip() for v in values]
        if not any(values):
            rows.append({})  # keep numbering; blank lines are skipped later
            continue
        rows.append({name: (values[i] if i < len(values) else "") for i, name in enumerate(header)})
    return rows


def validate_rows(
    rows: list[dict[str, str]], within: Organisation | None = None
) -> tuple[list[NewOrg], list[RowError]]:
    """Check every row against the file and the database; return the rows ordered parents first.
    With ``within`` (a county's administrator imports), every row must lie in that unit's subtree:
    under it, or the unit itself unchanged."""
    errors: list[RowError] = []
    codes_in_file: dict[str, int] = {}
    parsed: list[tuple[int, NewOrg]] = []
    for index, raw in enumerate(rows, start=2):
        if not raw:
            continue
        code = raw.get("code", "").removesuffix(".0")
        name = raw.get("name", "")
        level = raw.get("level", "").lower()
        kind = raw.get("kind", "")
        parent_code = raw.get("parent_code", "").removesuffix(".0") or None
        problems = []
        if not code:
            problems.append("编码不能为空")
        elif not CODE_RE.match(code):
            problems.append(f"编码“{code}”应为 6–15 位数字")
        elif code in codes_in_file:
            problems.append(f"编码“{code}”重复（第 {codes_in_file[code]} 行已出现）")
        if not name:
            problems.append("名称不能为空")
        elif len(name) > 100:
            problems.append("名称不能超过 100 个字")
        if level not in rules.LEVEL_DEPTH:
            problems.append(f"未知层级“{level}”：可选 {', '.join(rules.LEVELS)}")
        elif msg := kind_error(kind=kind, level=level):
            problems.append(msg)
        if code and code not in codes_in_file:
            codes_in_file[code] = index
        if problems:
            errors.extend(RowError(index, p) for p in problems)
            continue
        parsed.append((index, NewOrg(code=code, name=name, level=level, kind=kind, parent_code=parent_code)))

    in_file = {row.code: row for _, row in parsed}
    wanted = {row.code for _, row in parsed} | {row.parent_code for _, row in parsed if row.parent_code}
    in_db = {
        code: (level, parent_code)
        for code, level, parent_code in Organisation.objects.filter(code__in=wanted).values_list(
            "code", "level", "parent__code"
        )
    }
    in_scope: set[str] = set()
    if within is not None:
        in_scope = set(
            Organisation.objects.filter(
                code__in=wanted, tree_id=within.tree_id, lft__gte=within.lft, rght__lte=within.rght
            ).values_list("code", flat=True)
        )
    for index, row in parsed:
        if within is not None and (problem := _outside(row, within, in_file, in_db, in_scope)):
            errors.append(RowError(index, problem))
            continue
        if row.parent_code is None:
            parent_lvl = None
        elif row.parent_code in in_file:
            parent_lvl = in_file[row.parent_code].level
        elif row.parent_code in in_db:
            parent_lvl = in_db[row.parent_code][0]
        else:
            errors.append(RowError(index, f"上级编码“{row.parent_code}”不存在（既不在文件中，也不在系统中）"))
            continue
        if msg := level_error(parent_level=parent_lvl, level=row.level):
            errors.append(RowError(index, msg))
            continue
        if row.code in in_db:
            db_level, db_parent = in_db[row.code]
            if db_level != row.level or db_parent != row.parent_code:
                errors.append(
                    RowError(
                        index,
                        f"编码“{row.code}”已存在于系统中，但层级或上级与文件不同（系统中上级为“{db_parent}”）",
                    )
                )
    errors.sort(key=lambda e: e.row)
    ordered = sorted((row for _, row in parsed), key=lambda r: rules.LEVEL_DEPTH[r.level])
    return ordered, errors


def _outside(row: NewOrg, within: Organisation, in_file: dict, in_db: dict, in_scope: set[str]) -> str:
    """Why ``row`` falls outside ``within``'s subtree, or ""."""
    where = f"您管理的{within.name}"
    if row.code in in_db and row.code not in in_scope:
        return f"编码“{row.code}”是{where}以外的单位，不能在此导入"
    if row.code == within.code:
        return ""  # the unit itself, checked against the system as any existing row
    if row.parent_code is None:
        return f"“{row.name}”没有上级编码：只能导入{where}下属的单位"
    if row.parent_code in in_file or row.parent_code in in_scope:
        return ""  # a parent row of the file is checked in its own turn
    if row.parent_code in in_db:
        return f"上级编码“{row.parent_code}”不在{where}范围内"
    return ""  # an unknown parent: reported as such


def import_orgs(fileobj: BinaryIO | bytes, filename: str, within: Organisation | None = None) -> ImportReport:
    """Import the file, all or nothing; ``within``: only into that unit's subtree (a county's
    administrator)."""
    data = fileobj if isinstance(fileobj, bytes) else fileobj.read()
    report = ImportReport()
    try:
        rows = read_table(data, filename)
    except InvalidInput as exc:
        report.errors.append(RowError(1, exc.detail))
        return report
    ordered, errors = validate_rows(rows, within)
    report.rows = len(ordered)
    if errors:
        report.errors = errors
        return report
    if not ordered:
        report.errors.append(RowError(2, "文件中没有数据行"))
        return report
    report.result = orgs_bulk_load(rows=ordered)
    return report
