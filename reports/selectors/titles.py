"""The register of titles under dynamic management: every title of the scope with its status
(active, warned, under rectification, revoked) and the reasons from the event log: one page of
titles plus one read of their events."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db.models import Case, CharField, Count, QuerySet, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _

from assessments.labels import TARGET_LABELS
from assessments.models import Event, State, Title, TitleStatus
from yuxi_campaign.core.tables import Column, Table

from .scope import Scope

ACTIVE, WARNED, RECTIFYING, REVOKED = "active", "warned", "rectifying", "revoked"
TITLE_STATUSES = (ACTIVE, WARNED, RECTIFYING, REVOKED)
TITLE_STATUS_LABELS = {
    ACTIVE: _("Active"),
    WARNED: _("Warned (通报批评)"),
    RECTIFYING: _("Under rectification (限期整改)"),
    REVOKED: _("Revoked (摘牌)"),
}
# The events of dynamic management, written by the title actions of the transition table.
MANAGEMENT_ACTIONS = ("warn", "rectify_order", "rectified", "revoke")
TITLE_FIELDS = (
    "id",
    "org__id",
    "org__code",
    "org__name",
    "org__level",
    "org__county__name",
    "kind",
    "round_id",
    "round__year",
    "register_status",
    "granted_at",
    "revoked_at",
    "warnings",
    "assessment_id",
    "assessment__rectify_deadline",
)


def _register_status():
    """Revoked (摘牌), else under rectification while the assessment is, else warned once it
    was criticised (通报批评) at least once, else active."""
    return Case(
        When(status=TitleStatus.REVOKED, then=Value(REVOKED)),
        When(assessment__state=State.RECTIFYING, then=Value(RECTIFYING)),
        When(warnings__gt=0, then=Value(WARNED)),
        default=Value(ACTIVE),
        output_field=CharField(),
    )


def title_rows(scope: Scope, *, year: int | None = None, status: str | None = None) -> QuerySet:
    """Titles in ``scope`` granted in the round of ``year`` (every round when None), with their
    register status (``status`` keeps one of ``TITLE_STATUSES``), newest round first, then in
    tree order. ``.values()`` rows; one query a page."""
    qs = Title.objects.filter(**scope.filters("org__")).annotate(register_status=_register_status())
    if year is not None:
        qs = qs.filter(round__year=year)
    if status is not None:
        qs = qs.filter(register_status=status)
    return qs.values(*TITLE_FIELDS).order_by("-round__year", "org__tree_id", "org__lft", "kind")


def title_status_counts(scope: Scope, *, year: int | None = None) -> dict[str, int]:
    """How many titles of ``scope`` (granted in ``year``; every round when None) are in each
    register status: one grouped query."""
    qs = Title.objects.filter(**scope.filters("org__"))
    if year is not None:
        qs = qs.filter(round__year=year)
    grouped = (
        qs.annotate(register_status=_register_status()).values("register_status").annotate(n=Count("pk"))
    )
    counts = dict.fromkeys(TITLE_STATUSES, 0)
    for row in grouped.order_by():
        counts[row["register_status"]] = row["n"]
    return counts


def title_details(rows: list[dict]) -> list[dict]:
    """``rows`` (a page of ``title_rows``) with their dynamic management from the event log,
    read in one query: ``reasons`` (action, time, reason, deadline, oldest first), the last
    warning's time and the deadline of a rectification under way."""
    events: dict[int, list[dict]] = defaultdict(list)
    ids = [r["id"] for r in rows]
    if ids:
        for e in (
            Event.objects.filter(title_id__in=ids, action__in=MANAGEMENT_ACTIONS)
            .order_by("at", "pk")
            .values("title_id", "action", "at", "reason", "data")
        ):
            events[e["title_id"]].append(
                {
                    "action": e["action"],
                    "at": e["at"],
                    "reason": e["reason"],
                    "deadline": (e["data"] or {}).get("deadline"),
                }
            )
    out = []
    for r in rows:
        reasons = events.get(r["id"], [])
        warned = [e["at"] for e in reasons if e["action"] == "warn"]
        rectifying = r["register_status"] == RECTIFYING
        out.append(
            {
                **r,
                "reasons": reasons,
                "last_warned_at": warned[-1] if warned else None,
                "deadline": r["assessment__rectify_deadline"] if rectifying else None,
            }
        )
    return out


ACTION_WORDS = {
    "warn": _("warned"),
    "rectify_order": _("rectification ordered"),
    "rectified": _("rectified"),
    "revoke": _("revoked"),
}


def _local_date(instant: dt.datetime | None) -> dt.date | None:
    return timezone.localdate(instant) if instant is not None else None


def reasons_text(reasons: list[dict]) -> str:
    parts = []
    for e in reasons:
        line = f"{_local_date(e['at']):%Y-%m-%d} {ACTION_WORDS[e['action']]}"
        if e["reason"]:
            line += f"：{e['reason']}"
        parts.append(line)
    return "；".join(parts)


def register_columns() -> list[Column]:
    return [
        Column("unit_code", _t("Unit code")),
        Column("unit_name", _t("Unit")),
        Column("county", _t("County")),
        Column("kind", _t("Title")),
        Column("year", _t("Year"), "int"),
        Column("status", _t("Status")),
        Column("granted", _t("Granted"), "date"),
        Column("warnings", _t("Warnings"), "int"),
        Column("last_warned", _t("Last warned"), "date"),
        Column("deadline", _t("Rectify by"), "date"),
        Column("revoked", _t("Revoked"), "date"),
        Column("reasons", _t("Reasons"), width=60),
    ]


def register_table(scope: Scope, rows: list[dict], year: int | None = None) -> Table:
    """A Table of ``title_details`` rows."""
    return Table(
        name="titles",
        title=_t("Register of titles"),
        columns=register_columns(),
        rows=[
            [
                r["org__code"],
                r["org__name"],
                r["org__county__name"] or "",
                str(TARGET_LABELS[r["kind"]]),
                r["round__year"],
                str(TITLE_STATUS_LABELS[r["register_status"]]),
                _local_date(r["granted_at"]),
                r["warnings"],
                _local_date(r["last_warned_at"]),
                r["deadline"],
                _local_date(r["revoked_at"]),
                reasons_text(r["reasons"]),
            ]
            for r in rows
        ],
        scope=scope.name,
        year=year,
    )
