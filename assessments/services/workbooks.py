"""A filled score workbook saved back: every worksheet through the score sheet service (the same
checks as the API and the sheet page), all in one transaction, so that one bad cell anywhere saves
nothing; every problem named with its worksheet, row and column."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction

from indicators.models import Indicator
from orgs.models import User
from yuxi_campaign.core.errors import (
    DomainError,
    InvalidInput,
    NotAllowed,
    OutOfScope,
    StaleVersion,
    WrongState,
)

from .. import workbooks
from ..models import Assessment, Score
from .sheets import scores_write

# The answer when worksheets fail for different reasons: the one a caller must act on first.
SEVERITY = [NotAllowed, OutOfScope, StaleVersion, WrongState, InvalidInput]
UNSAVED = workbooks.UNSAVED


@dataclass(frozen=True)
class SheetSaved:
    worksheet: str
    assessment: int
    stage: str
    saved: bool  # False: the worksheet was as downloaded, nothing to save
    version: int
    total: Decimal | None


@transaction.atomic(durable=True)
def workbook_save(*, actor: User, content: bytes, expected: workbooks.Expected) -> list[SheetSaved]:
    """Save every worksheet of the workbook that was filled in, or nothing (see the module)."""
    sheets = workbooks.read_workbook(content)
    problems: list[str] = []
    kinds: set[type[DomainError]] = set()
    for sheet in sheets:
        problems.extend(sheet.errors)
        if sheet.assessment_id not in expected.ids or sheet.stage != expected.stage:
            problems.append(
                f"工作表“{sheet.worksheet}”是“{sheet.unit}” {sheet.year} 年的"
                f"{workbooks.stage_zh(sheet.stage)}表，不是{expected.what}"
            )
    if problems:
        raise InvalidInput(UNSAVED + "；".join(problems), fields={"workbook": problems})

    codes = _indicator_ids({s.assessment_id for s in sheets})
    results: list[SheetSaved] = []
    for sheet in sheets:
        if sheet.unchanged:
            results.append(
                SheetSaved(sheet.worksheet, sheet.assessment_id, sheet.stage, False, sheet.version, None)
            )
            continue
        ids = codes.get(sheet.assessment_id, {})
        rows = [{**row, "indicator": ids.get(row["indicator"], row["indicator"])} for row in sheet.rows]
        try:
            with transaction.atomic():  # a savepoint: the next worksheet is still checked
                a = scores_write(
                    assessment_id=sheet.assessment_id,
                    stage=sheet.stage,
                    actor=actor,
                    version=sheet.version,
                    rows=rows,
                )
        except StaleVersion:
            kinds.add(StaleVersion)
            problems.append(_stale(sheet))
        except InvalidInput as exc:
            kinds.add(InvalidInput)
            problems.extend(_row_problems(sheet, exc))
        except DomainError as exc:
            kinds.add(type(exc))
            problems.append(f"{workbooks.where(sheet, None, None)}：{exc.detail}")
        else:
            total = getattr(a, f"{sheet.stage}_total")
            results.append(SheetSaved(sheet.worksheet, a.pk, sheet.stage, True, a.version, total))
    if problems:
        kind = next(k for k in SEVERITY if k in kinds)
        raise kind(UNSAVED + "；".join(problems), fields={"workbook": problems})
    return results


def _indicator_ids(assessment_ids: set[int]) -> dict[int, dict[str, int]]:
    """Indicator ids by code for each assessment's set (two queries)."""
    sets = dict(Assessment.objects.filter(pk__in=assessment_ids).values_list("pk", "indicator_set_id"))
    by_set: dict[int, dict[str, int]] = {}
    for set_id, code, pk in Indicator.objects.filter(indicator_set_id__in=set(sets.values())).values_list(
        "indicator_set_id", "code", "pk"
    ):
        by_set.setdefault(set_id, {})[code] = pk
    return {a: by_set.get(s, {}) for a, s in sets.items()}


def _row_problems(sheet: workbooks.SheetInput, exc: InvalidInput) -> list[str]:
    """The service's errors, one per cell: its row errors come in the order of the rows sent."""
    row_errors = exc.fields.get("scores")
    if not (isinstance(row_errors, list) and len(row_errors) == len(sheet.rows)):
        return [f"{workbooks.where(sheet, None, None)}：{exc.detail}"]
    return [
        f"{workbooks.where(sheet, index, field)}：{message}"
        for index, errors in enumerate(row_errors)
        for field, messages in errors.items()
        for message in messages
    ]


def _stale(sheet: workbooks.SheetInput) -> str:
    """What someone changed on the sheet since the workbook was downloaded, by indicator."""
    now = {
        s.indicator.code: ([f"{s.score.normalize():f}", s.comment, s.veto_passed], s.indicator.title)
        for s in Score.objects.filter(assessment_id=sheet.assessment_id, stage=sheet.stage).select_related(
            "indicator"
        )
    }
    changed = sorted(code for code, (values, _title) in now.items() if sheet.snapshot.get(code) != values)
    gone = sorted(code for code in sheet.snapshot if code not in now)
    names = [f"{code} {now[code][1]}" for code in changed] + gone
    head = f"工作表“{sheet.worksheet}”：下载后已有人保存过该评分表"
    if names:
        return f"{head}，改动了 {'、'.join(names)}；请重新下载后再填写"
    return f"{head}或办理了该评估；请重新下载后再填写"
