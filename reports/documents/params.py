"""The query string of a document page, read and checked once: ``org`` (the issuing unit, the
caller's own by default), ``year`` (the round, the current one by default), ``target`` (达标 or
示范), ``level`` (the level of the units listed, all by default), ``no`` (the serial of the
document number) and ``format`` (``docx`` for the Word file). A wrong value is refused with the
field and the reason (400); a unit outside the caller's scope is not found (404)."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import QueryDict
from django.utils import timezone

from assessments.models import Round, Target
from orgs import rules
from orgs.models import Organisation, User
from orgs.selectors import org_get_for_user
from yuxi_campaign.core.api import whole_number
from yuxi_campaign.core.errors import InvalidInput, OutOfScope

FORMATS = ("html", "docx")
MAX_SERIAL = 9999


@dataclass(frozen=True)
class DocumentParams:
    org: Organisation
    round: Round
    target: str | None  # None: both titles (the circular only)
    level: str | None  # None: every level below ``org``
    serial: int | None
    format: str


def _refuse(field: str, message: str):
    raise InvalidInput(message, fields={field: [message]})


def _number(query: QueryDict, field: str, label: str) -> int | None:
    raw = query.get(field, "").strip()
    if raw == "":
        return None
    try:
        return whole_number(raw)
    except ValueError:
        _refuse(field, f"{label}应为整数，收到“{raw[:20]}”")


def _choice(query: QueryDict, field: str, label: str, choices, default):
    raw = query.get(field, "").strip()
    if raw == "":
        return default
    if raw not in choices:
        _refuse(field, f"未知的{label}“{raw[:20]}”：可选 {'、'.join(choices)}")
    return raw


def _org(user: User, org_id: int | None) -> Organisation:
    if org_id is None:
        if user.org_id is not None:
            return user.org
        root = Organisation.objects.filter(parent=None, is_active=True).order_by("code").first()
        if root is None:
            raise OutOfScope("未找到单位")
        return root
    return org_get_for_user(user, org_id)


def _round(year: int | None) -> Round:
    """The round of ``year``; by default the current year's round, or the latest before it."""
    if year is not None:
        found = Round.objects.filter(year=year).first()
        if found is None:
            _refuse("year", f"没有 {year} 年度的评估轮次")
        return found
    today = timezone.localdate().year
    found = (
        Round.objects.filter(year__lte=today).order_by("-year").first()
        or Round.objects.order_by("year").first()
    )
    if found is None:
        _refuse("year", "尚未设立任何评估轮次")
    return found


def document_params(user: User, query: QueryDict, *, target_required: bool = True) -> DocumentParams:
    """Every parameter of a document page, checked: the text ones first, so that a wrong value is
    refused before anything is looked up."""
    org_id = _number(query, "org", "单位编号（org）")
    year = _number(query, "year", "年度（year）")
    targets = tuple(Target.values)
    target = _choice(query, "target", "称号（target）", targets, Target.STANDARD if target_required else None)
    level = _choice(query, "level", "层级（level）", rules.LEVELS[1:], None)
    serial = _number(query, "no", "文号序号（no）")
    if serial is not None and not 1 <= serial <= MAX_SERIAL:
        _refuse("no", f"文号序号（no）应在 1 到 {MAX_SERIAL} 之间")
    fmt = _choice(query, "format", "格式（format）", FORMATS, "html")
    org = _org(user, org_id)
    if level is not None and rules.LEVEL_DEPTH[level] <= rules.LEVEL_DEPTH[org.level]:
        _refuse("level", f"层级（level）应低于“{org.name}”所在的层级")
    return DocumentParams(org=org, round=_round(year), target=target, level=level, serial=serial, format=fmt)


def score_sheet_format(query: QueryDict) -> str:
    return _choice(query, "format", "格式（format）", FORMATS, "html")
