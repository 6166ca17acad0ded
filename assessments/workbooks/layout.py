"""What the workbook looks like and what the upload checks against: one place for the columns,
the rows, the hidden worksheet and the messages that both the writer and the reader use."""

from __future__ import annotations

import re
from dataclasses import dataclass

from openpyxl.utils import get_column_letter

from yuxi_campaign.core.exports import CONTENT_TYPES

from ..labels import STAGE_LABELS, zh

XLSX = CONTENT_TYPES["xlsx"]
SALT = "assessments.workbook"
META_TITLE = "校验信息"
MAX_BYTES = 5 * 1024 * 1024  # an upload: a filled sheet of 20 indicators is about 15 KB
MAX_UNPACKED = 50 * 1024 * 1024  # what its parts may unpack to (a zip bomb is refused before reading)
FIRST_ROW = 4  # rows 1–2 title and notes, 3 the headers
PASS, FAIL = "通过", "不通过"

# Columns: (header, width). Score, veto and note are the only cells left unlocked.
COLUMNS = [
    ("编号", 8),
    ("维度", 14),
    ("指标", 26),
    ("评分标准", 60),
    ("满分", 7),
    ("得分", 9),
    ("一票否决", 11),
    ("说明", 40),
]
CODE, DIMENSION, TITLE, GUIDE, MAX, SCORE, VETO, NOTE = (get_column_letter(n) for n in range(1, 9))
FIELD_COLUMNS = {"indicator": CODE, "score": SCORE, "veto_passed": VETO, "comment": NOTE}
WORKSHEET_NAME = re.compile(r"[\\/*?:\[\]]")

UNSAVED = "工作簿未导入，没有保存任何内容："
NOT_A_WORKBOOK = "上传的文件不是 Excel 工作簿（.xlsx），请上传从本系统下载并填写的评分工作簿"
NOT_OURS = "该工作簿不是从本系统下载的评分表（缺少校验信息），请先下载评分工作簿再填写"
TAMPERED = "工作表“{ws}”的校验信息（评估、版本号）被改动，无法确认它是哪一张评分表，请重新下载后填写"


@dataclass(frozen=True)
class Expected:
    """The sheets an upload may carry: those of ``ids`` at ``stage``; ``what`` names them."""

    ids: frozenset[int]
    stage: str
    what: str


def stage_zh(stage: str) -> str:
    return zh(STAGE_LABELS[stage])
