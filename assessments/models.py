from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Target(models.TextChoices):
    STANDARD = "standard", _("达标 (meets the bar)")
    DEMONSTRATION = "demonstration", _("示范 (model)")


class Campaign(models.Model):
    """The three-year campaign; its pace targets are rows of PaceTarget."""

    name = models.CharField(_("name"), max_length=100)
    start_year = models.PositiveSmallIntegerField(_("first year"))
    end_year = models.PositiveSmallIntegerField(_("last year"))

    class Meta:
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")
        constraints = [
            models.CheckConstraint(
                condition=Q(end_year__gte=models.F("start_year")), name="campaign_years_ordered"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class PaceTarget(models.Model):
    """Share of a parent's direct children of one level to be newly titled in a year (达标 30/40/30 %,
    示范 10 % a year); cumulative targets are the running sum."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="pace_targets")
    year = models.PositiveSmallIntegerField(_("year"))
    target = models.CharField(_("title"), max_length=15, choices=Target.choices)
    percent = models.PositiveSmallIntegerField(_("percent of units this year"))

    class Meta:
        verbose_name = _("pace target")
        verbose_name_plural = _("pace targets")
        ordering = ["campaign", "target", "year"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "year", "target"], name="pace_target_unique"),
            models.CheckConstraint(condition=Q(percent__lte=100), name="pace_target_percent_max_100"),
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.get_target_display()} {self.percent}%"


class Round(models.Model):
    """One year of the campaign: declaration, self-assessment and review windows, notice length."""

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="rounds")
    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    declaration_opens = models.DateField(_("declaration opens"))
    declaration_closes = models.DateField(_("declaration closes"))
    self_assessment_closes = models.DateField(_("self-assessment closes"))
    review_closes = models.DateField(_("review closes"))
    notice_days = models.PositiveSmallIntegerField(_("notice days"), default=5)

    class Meta:
        verbose_name = _("round")
        verbose_name_plural = _("rounds")
        ordering = ["year"]
        constraints = [
            models.CheckConstraint(
                condition=Q(declaration_closes__gte=models.F("declaration_opens"))
                & Q(self_assessment_closes__gte=models.F("declaration_closes"))
                & Q(review_closes__gte=models.F("self_assessment_closes")),
                name="round_dates_ordered",
            ),
            models.CheckConstraint(
                condition=Q(notice_days__gte=1) & Q(notice_days__lte=30), name="round_notice_days_1_to_30"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year} 年度"
