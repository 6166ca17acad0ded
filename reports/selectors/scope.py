"""What every page and list of the department reads first: the scope (a unit and its subtree, or
every tree for a superuser without a unit) and the round of a year. One ``Scope`` and one round
helper for the dashboard, the registers, their API lists and their exports."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext as _t

from assessments.models import Round
from orgs.models import Level, Organisation, User
from orgs.selectors import org_get_for_user, org_path, scope_filter, subtree_filter
from yuxi_campaign.core.api import whole_number
from yuxi_campaign.core.errors import InvalidInput, OutOfScope

LEVEL_LABELS = dict(Level.choices)


@dataclass(frozen=True)
class Scope:
    """The subtree a read covers: ``org`` and everything below it, or, with no ``org``, every
    tree the ``user`` sees (every root for a superuser without a unit; every root too when no
    user is given, as a command or a test reads). ``path`` runs from the user's own unit down to
    ``org``, for the breadcrumb (empty unless asked for)."""

    org: Organisation | None
    path: list[dict] = field(default_factory=list)
    user: User | None = None

    @property
    def name(self) -> str:
        return self.org.name if self.org is not None else _t("All units")

    @property
    def level(self) -> str | None:
        return self.org.level if self.org is not None else None

    @property
    def org_id(self) -> int | None:
        return self.org.pk if self.org is not None else None

    def filters(self, prefix: str = "") -> dict:
        """The subtree filter of the scope (``prefix`` for a related unit: ``org__``)."""
        if self.org is not None:
            return subtree_filter(self.org, prefix)
        if self.user is None:
            return {}
        filters = scope_filter(self.user, prefix)
        return {f"{prefix}pk__in": []} if filters is None else filters

    def narrow(self, unit_id: int | None) -> Scope:
        """The subtree of ``unit_id`` (``within``), which must lie in this one: 404 otherwise.
        Queries: the unit (none without ``unit_id``)."""
        if unit_id is None:
            return self
        unit = org_get_for_user(self.user, unit_id)
        if self.org is not None and not (
            unit.tree_id == self.org.tree_id and self.org.lft <= unit.lft <= self.org.rght
        ):
            raise OutOfScope("未找到该单位，或不在所选范围内")
        return Scope(org=unit, user=self.user)


def report_scope(user: User, org_id=None, *, path: bool = False) -> Scope:
    """The caller's own unit, or ``org_id`` in their subtree (OutOfScope outside it, or for a value
    that is no unit's id). A superuser without a unit reads every tree; anyone else without a unit
    nothing (OutOfScope). With ``path``, the breadcrumb from the user's own unit down.
    Queries: the unit when ``org_id`` is given (the own unit is already loaded), the path (one)."""
    if org_id in (None, ""):
        if user.org_id is None:
            if scope_filter(user) != {}:
                raise OutOfScope("没有可查看的单位")
            return Scope(org=None, user=user)
        org = user.org
    else:
        org = org_get_for_user(user, org_id)
    if not path:
        return Scope(org=org, user=user)
    trail = org_path(org)
    own = next((i for i, unit in enumerate(trail) if unit["id"] == user.org_id), 0)
    return Scope(org=org, path=trail[own:], user=user)


def campaign_rounds() -> list[Round]:
    """The rounds, oldest first (one query)."""
    return list(Round.objects.order_by("year"))


def campaign_years() -> list[int]:
    """The years of the rounds, oldest first (one query)."""
    return list(Round.objects.order_by("year").values_list("year", flat=True))


def report_round(year=None, rounds: list[Round] | None = None) -> Round:
    """The round of ``year`` (an int, or its text as a query string gives it), or the latest round
    when no year is given: InvalidInput (400) when there is none. From ``rounds`` when given (no
    query), else one query."""
    if isinstance(year, str):
        if year.strip() == "":
            year = None
        else:
            try:
                year = whole_number(year)
            except ValueError:
                raise InvalidInput(
                    f"年度（year）应为整数，收到“{year[:20]}”", fields={"year": ["应为整数"]}
                ) from None
    if rounds is None:
        ordered = Round.objects.order_by("-year")
        found = ordered.filter(year=year).first() if year is not None else ordered.first()
    else:
        found = next((r for r in rounds if r.year == year), None) if year is not None else None
        if year is None and rounds:
            found = rounds[-1]
    if found is None:
        raise InvalidInput(f"没有 {year or ''} 年度的评估轮次", fields={"year": ["没有该年度的评估轮次"]})
    return found
