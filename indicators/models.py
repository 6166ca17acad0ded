from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from orgs.models import Level


class AppliesTo(models.TextChoices):
    ALL = "all", _("All units")
    RURAL = "rural", _("Rural units only")
    URBAN = "urban", _("Urban units only")


class IndicatorSet(models.Model):
    """The indicators of one level for one year. Frozen once an assessment uses it."""

    level = models.CharField(_("level"), max_length=10, choices=Level.choices)
    year = models.PositiveSmallIntegerField(_("year"))
    name = models.CharField(_("name"), max_length=100)
    note = models.CharField(_("note"), max_length=200, blank=True)
    total_score = models.DecimalField(
        _("total score"), max_digits=6, decimal_places=2, default=Decimal("100")
    )
    standard_threshold = models.DecimalField(
        _("threshold for 达标"), max_digits=6, decimal_places=2, default=Decimal("80")
    )
    demonstration_threshold = models.DecimalField(
        _("threshold for 示范"), max_digits=6, decimal_places=2, default=Decimal("90")
    )
    is_frozen = models.BooleanField(_("frozen"), default=False)

    class Meta:
        verbose_name = _("indicator set")
        verbose_name_plural = _("indicator sets")
        ordering = ["-year", "level"]
        constraints = [
            models.UniqueConstraint(fields=["level", "year"], name="indicator_set_one_per_level_year"),
            models.CheckConstraint(condition=Q(total_score__gt=0), name="indicator_set_total_positive"),
            models.CheckConstraint(
                condition=Q(standard_threshold__lte=models.F("demonstration_threshold"))
                & Q(demonstration_threshold__lte=models.F("total_score"))
                & Q(standard_threshold__gt=0),
                name="indicator_set_thresholds_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.name}"


class Dimension(models.Model):
    indicator_set = models.ForeignKey(IndicatorSet, on_delete=models.CASCADE, related_name="dimensions")
    name = models.CharField(_("name"), max_length=50)
    order = models.PositiveSmallIntegerField(_("order"))

    class Meta:
        verbose_name = _("dimension")
        verbose_name_plural = _("dimensions")
        ordering = ["indicator_set", "order"]
        constraints = [
            models.UniqueConstraint(fields=["indicator_set", "order"], name="dimension_order_unique"),
        ]

    def __str__(self) -> str:
        return self.name


class Indicator(models.Model):
    indicator_set = models.ForeignKey(IndicatorSet, on_delete=models.CASCADE, related_name="indicators")
    dimension = models.ForeignKey(Dimension, on_delete=models.CASCADE, related_name="indicators")
    code = models.CharField(_("code"), max_length=10)
    title = models.CharField(pgettext_lazy("indicator", "title"), max_length=100)
    guide = models.TextField(_("scoring guide"))
    # A slot whose rural and urban work differ keeps one code and one max score, with the wording a
    # rural or an urban unit sees; blank means the plain title and guide (mixed units see those).
    title_rural = models.CharField(_("title for rural units"), max_length=100, blank=True)
    guide_rural = models.TextField(_("scoring guide for rural units"), blank=True)
    title_urban = models.CharField(_("title for urban units"), max_length=100, blank=True)
    guide_urban = models.TextField(_("scoring guide for urban units"), blank=True)
    max_score = models.DecimalField(_("max score"), max_digits=5, decimal_places=1)
    applies_to = models.CharField(
        _("applies to"), max_length=5, choices=AppliesTo.choices, default=AppliesTo.ALL
    )
    is_veto = models.BooleanField(_("veto item (一票否决)"), default=False)
    evidence_required = models.BooleanField(_("evidence required"), default=False)
    order = models.PositiveSmallIntegerField(_("order"))

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = ["indicator_set", "order"]
        constraints = [
            models.UniqueConstraint(fields=["indicator_set", "code"], name="indicator_code_unique_in_set"),
            # A veto item is pass/fail and may carry no points (max 0); sets frozen before that
            # rule keep veto items with points.
            models.CheckConstraint(
                condition=Q(max_score__gt=0) | Q(is_veto=True, max_score=0), name="indicator_max_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    def applies_to_area(self, area_type: str) -> bool:
        return applies(self.applies_to, area_type)

    def title_for(self, area_type: str) -> str:
        """The title a unit of ``area_type`` sees."""
        return wording(self.title, self.title_rural, self.title_urban, area_type)

    def guide_for(self, area_type: str) -> str:
        """The scoring guide a unit of ``area_type`` sees."""
        return wording(self.guide, self.guide_rural, self.guide_urban, area_type)


def wording(plain: str, rural: str, urban: str, area_type: str) -> str:
    """The rural or the urban wording of a slot where there is one, else the plain one."""
    return {"rural": rural, "urban": urban}.get(area_type) or plain


def for_unit(indicators: Iterable[Indicator], area_type: str) -> list[Indicator]:
    """The indicators that apply to a unit of ``area_type``, in the unit's wording: ``title`` and
    ``guide`` of each (in memory, never saved) are the ones the unit sees, so that every page,
    export and message that shows them shows the unit's words."""
    shown = []
    for indicator in indicators:
        if not applies(indicator.applies_to, area_type):
            continue
        # The plain wording is kept aside, so that a second call for another area starts from it.
        plain = indicator.__dict__.setdefault("_plain_wording", (indicator.title, indicator.guide))
        indicator.title = wording(plain[0], indicator.title_rural, indicator.title_urban, area_type)
        indicator.guide = wording(plain[1], indicator.guide_rural, indicator.guide_urban, area_type)
        shown.append(indicator)
    return shown


def applies(applies_to: str, area_type: str) -> bool:
    """Whether an indicator tagged ``applies_to`` is scored for a unit of ``area_type``; mixed
    units (counties, the city) see every indicator."""
    return applies_to == AppliesTo.ALL or area_type == "mixed" or applies_to == area_type
