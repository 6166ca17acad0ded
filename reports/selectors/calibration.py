"""Reviewer calibration: how each reviewing unit's review totals differ from the units' own
totals, compared with its peers of the same level, in one GROUP BY over the round's assessments."""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, DecimalField, ExpressionWrapper, F, Sum
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _

from assessments.models import Assessment, Round, State
from yuxi_campaign.core.tables import Column, Table

from .scope import LEVEL_LABELS, Scope

MIN_REVIEWS = 3  # a reviewing unit with fewer reviews in the round is shown, never compared
MIN_PEERS = 3  # at least this many other reviewing units of the same level to compare with
MIN_DEVIATION = Decimal(1)  # points: a smaller difference from the peers is never flagged
SPREAD = 2  # flagged beyond this many standard deviations of the peers' means
LENIENT, HARSH = "lenient", "harsh"
FLAG_LABELS = {LENIENT: _("Too lenient"), HARSH: _("Too harsh")}
TWO = Decimal("0.01")


def _dec(value) -> Decimal | None:
    return None if value is None else Decimal(str(value)).quantize(TWO)


@dataclass
class Calibration:
    rows: list[dict] = field(default_factory=list)

    @property
    def flagged(self) -> list[dict]:
        return [r for r in self.rows if r["flag"]]


def calibration(scope: Scope, round_: Round) -> Calibration:
    """Per reviewing unit (the parent of the assessed units) in ``scope``: ``n`` reviewed
    assessments of the round, the mean gap (review total − self total, points out of 100) and its
    standard deviation, in one grouped query. A unit with at least ``MIN_REVIEWS`` reviews is
    compared with the other such units of its level (its peers, at least ``MIN_PEERS``): it is
    flagged too lenient (too harsh) when its mean gap lies more than ``SPREAD`` standard
    deviations of the peers' mean gaps above (below) their mean, and at least ``MIN_DEVIATION``
    points away. Flagged units come first."""
    qs = Assessment.objects.filter(
        **scope.filters("org__"), round=round_, self_total__isnull=False, review_total__isnull=False
    ).exclude(state__in=[State.DRAFT, State.SUBMITTED])
    if scope.org is not None:
        qs = qs.exclude(org_id=scope.org.pk)  # its own review is made above the scope
    gap = ExpressionWrapper(F("review_total") - F("self_total"), output_field=DecimalField())
    square = ExpressionWrapper(gap * gap, output_field=DecimalField())
    groups = list(
        qs.values(
            reviewer_id=F("org__parent_id"),
            reviewer_code=F("org__parent__code"),
            reviewer_name=F("org__parent__name"),
            reviewer_level=F("org__parent__level"),
        )
        .annotate(n=Count("pk"), total=Sum(gap), squares=Sum(square))
        .order_by("reviewer_code")
    )
    for g in groups:
        n, total, squares = g["n"], float(g["total"]), float(g["squares"])
        g["mean"] = total / n
        g["sd"] = math.sqrt(max(squares - n * g["mean"] ** 2, 0.0) / (n - 1)) if n > 1 else None
    # Sums of the comparable means per level, so each unit's peers are the rest (leave one out).
    sums: dict[str, list[float]] = defaultdict(lambda: [0, 0.0, 0.0])
    for g in groups:
        if g["n"] >= MIN_REVIEWS:
            s = sums[g["reviewer_level"]]
            s[0] += 1
            s[1] += g["mean"]
            s[2] += g["mean"] ** 2
    rows = []
    for g in groups:
        k, total, squares = sums[g["reviewer_level"]]
        own = g["n"] >= MIN_REVIEWS
        peers = k - 1 if own else k
        peer_sum = total - g["mean"] if own else total
        peer_squares = squares - g["mean"] ** 2 if own else squares
        peer_mean = peer_sd = deviation = None
        flag = ""
        if own and peers >= MIN_PEERS:
            peer_mean = peer_sum / peers
            peer_sd = math.sqrt(max(peer_squares - peers * peer_mean**2, 0.0) / (peers - 1))
            deviation = g["mean"] - peer_mean
            if abs(deviation) > SPREAD * peer_sd and abs(deviation) >= MIN_DEVIATION:
                flag = LENIENT if deviation > 0 else HARSH
        rows.append(
            {
                "reviewer_id": g["reviewer_id"],
                "reviewer_code": g["reviewer_code"],
                "reviewer_name": g["reviewer_name"],
                "reviewer_level": g["reviewer_level"],
                "n": g["n"],
                "mean_gap": _dec(g["mean"]),
                "sd": _dec(g["sd"]),
                "peers": peers if own else None,
                "peer_mean": _dec(peer_mean),
                "peer_sd": _dec(peer_sd),
                "deviation": _dec(deviation),
                "flag": flag,
            }
        )
    rows.sort(key=lambda r: (not r["flag"], r["reviewer_code"]))
    return Calibration(rows)


def calibration_columns() -> list[Column]:
    return [
        Column("reviewer_code", _t("Reviewing unit code")),
        Column("reviewer_name", _t("Reviewing unit")),
        Column("level", _t("Level")),
        Column("n", _t("Reviews"), "int"),
        Column("mean_gap", _t("Mean gap (review − self)"), "decimal"),
        Column("sd", _t("Standard deviation"), "decimal"),
        Column("peers", _t("Peers"), "int"),
        Column("peer_mean", _t("Peers' mean gap"), "decimal"),
        Column("peer_sd", _t("Peers' standard deviation"), "decimal"),
        Column("deviation", _t("Difference from peers"), "decimal"),
        Column("flag", _t("Flag")),
    ]


def calibration_table(scope: Scope, round_: Round, rows: list[dict]) -> Table:
    return Table(
        name="calibration",
        title=_t("Reviewer calibration"),
        columns=calibration_columns(),
        rows=[
            [
                r["reviewer_code"],
                r["reviewer_name"],
                str(LEVEL_LABELS.get(r["reviewer_level"], r["reviewer_level"])),
                r["n"],
                r["mean_gap"],
                r["sd"],
                r["peers"],
                r["peer_mean"],
                r["peer_sd"],
                r["deviation"],
                str(FLAG_LABELS[r["flag"]]) if r["flag"] else "",
            ]
            for r in rows
        ],
        scope=scope.name,
        year=round_.year,
    )
