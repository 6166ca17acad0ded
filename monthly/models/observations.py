"""On-site observation (现场观摩): each month a parent unit (the city, or a county for its
townships) visits each child, scores it against the observation rubric, lists the problems found
with a rectification deadline, and takes photos; the child answers each problem. 必查必评: a county
the city has not observed by the month's end is flagged (``ObservationMiss``)."""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _


class RubricItem(models.Model):
    """One item of the observation rubric (观摩评分细则); the admin edits them. An observation keeps
    the maximum each score was given against, so that a later edit does not change past totals."""

    title = models.CharField(_("title"), max_length=100)
    guide = models.CharField(_("how to score"), max_length=300, blank=True)
    max_score = models.DecimalField(_("maximum score"), max_digits=5, decimal_places=1)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("in use"), default=True)

    class Meta:
        verbose_name = _("observation rubric item")
        verbose_name_plural = _("observation rubric items")
        ordering = ["order", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(max_score__gt=0) & Q(max_score__lte=100), name="rubric_item_max_0_to_100"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title}（{format(self.max_score.normalize(), 'f')}）"


class Observation(models.Model):
    """One month's on-site observation of ``unit`` by its parent ``observer``."""

    observer = models.ForeignKey(
        "orgs.Organisation", on_delete=models.PROTECT, related_name="+", verbose_name=_("observer")
    )
    unit = models.ForeignKey(
        "orgs.Organisation",
        on_delete=models.PROTECT,
        related_name="observations",
        verbose_name=_("observed unit"),
    )
    year = models.PositiveSmallIntegerField(_("year"))
    month = models.PositiveSmallIntegerField(_("month"))
    date = models.DateField(_("date of the visit"))
    inspectors = models.JSONField(_("inspectors"), default=list, blank=True)
    total = models.DecimalField(_("total"), max_digits=5, decimal_places=1, default=0)
    comments = models.TextField(_("comments"), blank=True)
    # What the visit saw, as written by the inspectors; model sites link themselves from their side.
    sites_visited = models.TextField(_("sites visited"), blank=True)
    created_by = models.ForeignKey(
        "orgs.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("on-site observation")
        verbose_name_plural = _("on-site observations")
        ordering = ["-year", "-month", "unit__code"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "year", "month"], name="observation_one_per_unit_month"),
            models.CheckConstraint(
                condition=Q(month__gte=1) & Q(month__lte=12), name="observation_month_1_12"
            ),
            models.CheckConstraint(
                condition=Q(total__gte=0) & Q(total__lte=100), name="observation_total_0_100"
            ),
            models.CheckConstraint(condition=~Q(unit=F("observer")), name="observation_not_of_itself"),
        ]
        indexes = [models.Index(fields=["year", "month", "observer"], name="observation_month_observer")]

    def __str__(self) -> str:
        return f"{self.year}-{self.month:02d} {self.unit_id}"


class ObservationScore(models.Model):
    observation = models.ForeignKey(Observation, on_delete=models.CASCADE, related_name="scores")
    item = models.ForeignKey(RubricItem, on_delete=models.PROTECT, related_name="+", verbose_name=_("item"))
    max_score = models.DecimalField(_("maximum score"), max_digits=5, decimal_places=1)
    score = models.DecimalField(_("score"), max_digits=5, decimal_places=1)

    class Meta:
        verbose_name = _("observation score")
        verbose_name_plural = _("observation scores")
        ordering = ["item__order", "item_id"]
        constraints = [
            models.UniqueConstraint(fields=["observation", "item"], name="observation_score_one_per_item"),
            models.CheckConstraint(
                condition=Q(score__gte=0) & Q(score__lte=F("max_score")), name="observation_score_within_max"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.item_id}: {self.score}"


class ObservationPhoto(models.Model):
    """A photo of the visit (``problem`` empty) or of a problem's rectification. The image and its
    thumbnail are re-encoded by the service (orientation applied, metadata dropped) and kept in the
    evidence storage; they are served only through the scope-checked view."""

    observation = models.ForeignKey(Observation, on_delete=models.CASCADE, related_name="photos")
    problem = models.ForeignKey(
        "ObservationProblem", on_delete=models.CASCADE, null=True, blank=True, related_name="photos"
    )
    stored_name = models.CharField(max_length=100, unique=True)
    thumb_name = models.CharField(max_length=100, unique=True)
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=30)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    size = models.PositiveIntegerField()
    caption = models.CharField(_("caption"), max_length=200, blank=True)
    uploaded_by = models.ForeignKey("orgs.User", on_delete=models.SET_NULL, null=True, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("observation photo")
        verbose_name_plural = _("observation photos")
        ordering = ["uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.original_name


class ObservationProblem(models.Model):
    """A problem found on the visit, to be rectified by ``deadline``; the observed unit answers
    it once (a note and a photo). An answer after the deadline stays marked late."""

    observation = models.ForeignKey(Observation, on_delete=models.CASCADE, related_name="problems")
    description = models.TextField(_("problem"))
    deadline = models.DateField(_("rectification deadline"))
    answer_note = models.TextField(_("rectification note"), blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    answered_by = models.ForeignKey(
        "orgs.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    answered_late = models.BooleanField(_("answered after the deadline"), default=False)

    class Meta:
        verbose_name = _("problem found")
        verbose_name_plural = _("problems found")
        ordering = ["pk"]
        indexes = [
            models.Index(fields=["deadline"], name="observation_problem_open", condition=Q(answered_at=None)),
        ]

    def __str__(self) -> str:
        return self.description[:40]


class ObservationMiss(models.Model):
    """必查必评: ``unit`` had no observation by its ``observer`` in that month (flagged once, by the
    periodic job on the first of the next month)."""

    observer = models.ForeignKey("orgs.Organisation", on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey("orgs.Organisation", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField()
    month = models.PositiveSmallIntegerField()
    flagged_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("missed observation")
        verbose_name_plural = _("missed observations")
        ordering = ["-year", "-month", "unit_id"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "year", "month"], name="observation_miss_once"),
        ]

    def __str__(self) -> str:
        return f"{self.year}-{self.month:02d} {self.unit_id}"


class ObservationEvent(models.Model):
    """The log of the observations: every write, append-only."""

    at = models.DateTimeField(auto_now_add=True)
    actor = models.ForeignKey("orgs.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    action = models.CharField(max_length=30)
    unit = models.ForeignKey("orgs.Organisation", on_delete=models.PROTECT, related_name="+")
    observation = models.ForeignKey(
        Observation, on_delete=models.PROTECT, null=True, blank=True, related_name="events"
    )
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("observation event")
        verbose_name_plural = _("observation events")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action}"
