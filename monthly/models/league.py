"""The league table (擂台比武): the weights of its three parts are data the admin edits. The
table itself is computed from the observations, the pace rollups and the assessments whenever
it is read (``monthly.league``), so a change of weights applies to every month shown."""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

DEFAULT_WEIGHTS = {"observation": 50, "pace": 30, "assessment": 20}


class LeagueWeights(models.Model):
    """One row: the percent each part weighs in the composite score, summing to 100."""

    singleton = models.BooleanField(default=True, unique=True, editable=False)
    observation = models.PositiveSmallIntegerField(
        _("on-site observation (%)"), default=DEFAULT_WEIGHTS["observation"]
    )
    pace = models.PositiveSmallIntegerField(_("pace completion (%)"), default=DEFAULT_WEIGHTS["pace"])
    assessment = models.PositiveSmallIntegerField(
        _("mean final assessment score (%)"), default=DEFAULT_WEIGHTS["assessment"]
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("league weights")
        verbose_name_plural = _("league weights")
        constraints = [
            models.CheckConstraint(condition=Q(singleton=True), name="league_weights_one_row"),
            models.CheckConstraint(
                condition=Q(observation__lte=100) & Q(pace__lte=100) & Q(assessment__lte=100),
                name="league_weights_each_0_100",
            ),
            models.CheckConstraint(
                condition=Q(observation=100 - F("pace") - F("assessment")),
                name="league_weights_sum_100",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.observation}/{self.pace}/{self.assessment}"

    def as_dict(self) -> dict[str, int]:
        return {"observation": self.observation, "pace": self.pace, "assessment": self.assessment}
