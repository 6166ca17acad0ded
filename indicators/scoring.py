"""Out-of-100 scaling: the max scores of the indicators that apply to a unit are scaled so that
every unit is scored out of its set's total, whatever mix of rural/urban items it sees."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import ROUND_HALF_UP, Decimal

from .models import applies

TWO_PLACES = Decimal("0.01")


def applicable_max(indicators: Iterable, area_type: str) -> Decimal:
    """Sum of the raw max scores of the indicators that apply to ``area_type``."""
    return sum((i.max_score for i in indicators if applies(i.applies_to, area_type)), Decimal(0))


def scale_factor(indicators: Iterable, area_type: str, total_score: Decimal) -> Decimal:
    raw = applicable_max(indicators, area_type)
    if raw == 0:
        return Decimal(0)
    return Decimal(total_score) / raw


def to_cents(value: Decimal) -> Decimal:
    """The one rounding rule of scaled scores, maxima and totals alike: to the cent, half up."""
    return value.quantize(TWO_PLACES, rounding=ROUND_HALF_UP)


def scaled_max(indicator, factor: Decimal) -> Decimal:
    """An indicator's max as the unit sees it, with the unit's ``scale_factor``."""
    return to_cents(indicator.max_score * factor)


def scaled_total(
    scores: Mapping[int, Decimal], indicators: Iterable, area_type: str, total_score: Decimal
) -> Decimal:
    """The unit's total out of ``total_score`` from raw scores keyed by indicator id; scores of
    indicators that do not apply to the unit are ignored."""
    indicators = list(indicators)
    raw = sum(
        (scores[i.pk] for i in indicators if i.pk in scores and applies(i.applies_to, area_type)),
        Decimal(0),
    )
    return to_cents(raw * scale_factor(indicators, area_type, total_score))
