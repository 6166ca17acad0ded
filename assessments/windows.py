"""The round's calendar: when each window (declaration, self-assessment, review) closes for a unit,
counting the extensions for that unit and for all, and the refusal of what comes too late.

A window closes at the end of its close date (local time). The latest of the round's date, an
extension for all and an extension for the unit is the one that counts. Services ask
``refuse_if_closed`` before they write, so pages, the API and the Excel upload all follow it; the
late list and the reminders read the same closes through ``round_closes``."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Q
from django.utils import timezone

from yuxi_campaign.core.errors import WrongState

from .models import Round, RoundExtension, Window

ROUND_FIELDS = {
    Window.DECLARATION: "declaration_closes",
    Window.SELF_ASSESSMENT: "self_assessment_closes",
    Window.REVIEW: "review_closes",
}
WINDOW_ZH = {Window.DECLARATION: "申报", Window.SELF_ASSESSMENT: "自评", Window.REVIEW: "评审"}


def today() -> dt.date:
    """The local date: every window check reads the clock here (tests set ``timezone.now``)."""
    return timezone.localdate()


def date_zh(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


@dataclass
class Closes:
    """The closes of one round's windows: for all (the round's date or a later extension for all)
    and, per window, the units whose own extension closes later still."""

    round: Round
    everyone: dict[str, dt.date]
    units: dict[str, dict[int, dt.date]] = field(default_factory=dict)

    def close(self, window: str, org_id: int | None) -> dt.date:
        return self.units.get(window, {}).get(org_id, self.everyone[window])

    def later_units(self, window: str) -> dict[int, dt.date]:
        """Units whose window closes after everyone's: org id → close."""
        return self.units.get(window, {})


def _closes(round_: Round, extensions) -> Closes:
    everyone = {w: getattr(round_, f) for w, f in ROUND_FIELDS.items()}
    per_unit: dict[str, dict[int, dt.date]] = {}
    rows = list(extensions)
    for window, org_id, closes in rows:
        if org_id is None and closes > everyone[window]:
            everyone[window] = closes
    for window, org_id, closes in rows:
        if org_id is not None and closes > everyone[window]:
            units = per_unit.setdefault(window, {})
            units[org_id] = max(closes, units.get(org_id, closes))
    return Closes(round_, everyone, per_unit)


class AllCloses:
    """The closes of every round, from one query of all extensions: for a list whose rows span
    rounds and units (the to-do)."""

    def __init__(self) -> None:
        self.rows: dict[int, list] = {}
        fields = ("round_id", "window", "org_id", "closes")
        for round_id, *row in RoundExtension.objects.values_list(*fields):
            self.rows.setdefault(round_id, []).append(row)
        self._closes: dict[int, Closes] = {}

    def close(self, round_: Round, window: str, org_id: int | None) -> dt.date:
        if round_.pk not in self._closes:
            self._closes[round_.pk] = _closes(round_, self.rows.get(round_.pk, []))
        return self._closes[round_.pk].close(window, org_id)


def round_closes(round_: Round) -> Closes:
    """Every close of the round (one query)."""
    return _closes(
        round_, RoundExtension.objects.filter(round=round_).values_list("window", "org_id", "closes")
    )


def unit_closes(round_: Round, org_id: int | None) -> Closes:
    """The closes of the round for one unit (one query)."""
    extensions = RoundExtension.objects.filter(round=round_).filter(Q(org__isnull=True) | Q(org_id=org_id))
    return _closes(round_, extensions.values_list("window", "org_id", "closes"))


def close_for(round_: Round, window: str, org_id: int | None) -> dt.date:
    return unit_closes(round_, org_id).close(window, org_id)


def refuse_if_closed(round_: Round, window: str, org_id: int, *, doing: str) -> None:
    """409 when ``window`` of the round has closed for the unit (or, for the declaration, has
    not opened yet), naming the date; ``doing`` is what was refused (保存, 提交, 申报…)."""
    day = today()
    if window == Window.DECLARATION and day < round_.declaration_opens:
        raise WrongState(
            f"本轮申报将于 {date_zh(round_.declaration_opens)} 开始，现在还不能{doing}",
            code="window_not_open",
        )
    closes = close_for(round_, window, org_id)
    if day > closes:
        raise WrongState(
            f"本轮{WINDOW_ZH[window]}已于 {date_zh(closes)} 截止，不能再{doing}", code="window_closed"
        )


def is_open(round_: Round, window: str, org_id: int | None) -> bool:
    day = today()
    if window == Window.DECLARATION and day < round_.declaration_opens:
        return False
    return day <= close_for(round_, window, org_id)
