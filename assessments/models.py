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


class Window(models.TextChoices):
    """The round's dated windows: each closes on a date of the round (inclusive), which an
    extension may move later for one unit or for all."""

    DECLARATION = "declaration", _("Declaration")
    SELF_ASSESSMENT = "self_assessment", _("Self-assessment")
    REVIEW = "review", _("Review")


class RoundExtension(models.Model):
    """A window of a round closing later than the round says: for one unit (``org``) or, with no
    unit, for all. The latest close of the round and of its extensions that concern a unit is the
    one that counts (``assessments.windows``)."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="extensions")
    org = models.ForeignKey(
        "orgs.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("unit (empty: all)"),
    )
    window = models.CharField(_("window"), max_length=15, choices=Window.choices)
    closes = models.DateField(_("new close date"))
    reason = models.TextField(_("reason"))
    created_by = models.ForeignKey(
        "orgs.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("window extension")
        verbose_name_plural = _("window extensions")
        ordering = ["round", "window", "closes", "pk"]
        indexes = [models.Index(fields=["round", "window", "org"], name="round_extension_lookup")]

    def __str__(self) -> str:
        return f"{self.round.year} {self.get_window_display()} → {self.closes}"


class Reminder(models.Model):
    """One reminder of a window's close sent to one official for one unit: the periodic job
    writes each once (the notification goes with it)."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="+")
    window = models.CharField(max_length=15, choices=Window.choices)
    org = models.ForeignKey("orgs.Organisation", on_delete=models.CASCADE, related_name="+")
    closes = models.DateField()
    user = models.ForeignKey("orgs.User", on_delete=models.CASCADE, related_name="+")
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("deadline reminder")
        verbose_name_plural = _("deadline reminders")
        constraints = [
            models.UniqueConstraint(
                fields=["round", "window", "org", "closes", "user"], name="reminder_once_per_window"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.round.year} {self.window} {self.org_id} {self.user_id}"


class State(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    REVIEWED = "reviewed", _("Reviewed")
    ACCEPTED = "accepted", _("Accepted")
    RECHECKED = "rechecked", _("Rechecked")
    FAILED = "failed", _("Failed")
    IN_NOTICE = "in_notice", _("In public notice")
    NAMED = "named", _("Named")
    REJECTED = "rejected", _("Rejected")
    RECTIFYING = "rectifying", _("Rectifying")
    REVOKED = "revoked", _("Revoked")


class Stage(models.TextChoices):
    SELF = "self", _("Self-assessment")
    REVIEW = "review", _("Review")
    RECHECK = "recheck", _("Recheck")


class Outcome(models.TextChoices):
    PASS = "pass", _("Pass")
    FAIL = "fail", _("Fail")

    @classmethod
    def of(cls, final_score, threshold, veto_failed: bool) -> Outcome:
        """Pass when the final score reaches the target's threshold and no veto item failed."""
        return cls.PASS if final_score >= threshold and not veto_failed else cls.FAIL


class Assessment(models.Model):
    """One unit, one round, one target; its three score sheets are rows of Score."""

    org = models.ForeignKey("orgs.Organisation", on_delete=models.PROTECT, related_name="assessments")
    round = models.ForeignKey(Round, on_delete=models.PROTECT, related_name="assessments")
    target = models.CharField(_("target"), max_length=15, choices=Target.choices)
    indicator_set = models.ForeignKey(
        "indicators.IndicatorSet", on_delete=models.PROTECT, related_name="assessments"
    )
    state = models.CharField(_("state"), max_length=12, choices=State.choices, default=State.DRAFT)
    version = models.PositiveIntegerField(_("version"), default=1)
    self_total = models.DecimalField(max_digits=6, decimal_places=2, null=True, blank=True)
    review_total = models.DecimalField(max_digits=6, decimal_places=2, null=True, blank=True)
    recheck_total = models.DecimalField(max_digits=6, decimal_places=2, null=True, blank=True)
    final_score = models.DecimalField(max_digits=6, decimal_places=2, null=True, blank=True)
    veto_failed = models.BooleanField(default=False)
    outcome = models.CharField(max_length=4, choices=Outcome.choices, blank=True)
    notice_started_at = models.DateTimeField(null=True, blank=True)
    notice_ends_at = models.DateTimeField(null=True, blank=True)
    rectify_deadline = models.DateField(null=True, blank=True)
    rectify_overdue_at = models.DateTimeField(null=True, blank=True)
    declared_by = models.ForeignKey(
        "orgs.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("assessment")
        verbose_name_plural = _("assessments")
        constraints = [
            models.UniqueConstraint(
                fields=["org", "round", "target"], name="assessment_one_per_unit_round_target"
            ),
            models.CheckConstraint(condition=Q(version__gte=1), name="assessment_version_positive"),
        ]
        indexes = [
            models.Index(fields=["round", "state"], name="assessment_round_state"),
            models.Index(
                fields=["notice_ends_at"], name="assessment_open_notices", condition=Q(state="in_notice")
            ),
            models.Index(
                fields=["rectify_deadline"], name="assessment_rectifying", condition=Q(state="rectifying")
            ),
        ]

    def __str__(self) -> str:
        return f"{self.org.name} {self.round.year} {self.get_target_display()}"

    @property
    def threshold(self):
        s = self.indicator_set
        return s.demonstration_threshold if self.target == Target.DEMONSTRATION else s.standard_threshold


class Score(models.Model):
    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="scores")
    stage = models.CharField(max_length=8, choices=Stage.choices)
    indicator = models.ForeignKey("indicators.Indicator", on_delete=models.PROTECT, related_name="+")
    score = models.DecimalField(max_digits=5, decimal_places=1)
    comment = models.TextField(blank=True)
    veto_passed = models.BooleanField(null=True, blank=True)
    updated_by = models.ForeignKey("orgs.User", on_delete=models.SET_NULL, null=True, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("score")
        verbose_name_plural = _("scores")
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "stage", "indicator"], name="score_one_per_sheet_indicator"
            ),
            models.CheckConstraint(condition=Q(score__gte=0), name="score_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.stage} {self.indicator_id}: {self.score}"


class Evidence(models.Model):
    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="evidence")
    indicator = models.ForeignKey("indicators.Indicator", on_delete=models.PROTECT, related_name="+")
    stored_name = models.CharField(max_length=64, unique=True)
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey("orgs.User", on_delete=models.SET_NULL, null=True, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("evidence file")
        verbose_name_plural = _("evidence files")
        ordering = ["uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.original_name


class TitleStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    REVOKED = "revoked", _("Revoked")


class Title(models.Model):
    org = models.ForeignKey("orgs.Organisation", on_delete=models.PROTECT, related_name="titles")
    kind = models.CharField(_("title"), max_length=15, choices=Target.choices)
    round = models.ForeignKey(Round, on_delete=models.PROTECT, related_name="titles")
    assessment = models.OneToOneField(Assessment, on_delete=models.PROTECT, related_name="title")
    status = models.CharField(max_length=8, choices=TitleStatus.choices, default=TitleStatus.ACTIVE)
    granted_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    warnings = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("title")
        verbose_name_plural = _("titles")
        constraints = [
            models.UniqueConstraint(
                fields=["org", "kind"], condition=Q(status="active"), name="title_one_active_per_unit_kind"
            ),
        ]
        indexes = [models.Index(fields=["kind", "status"], name="title_kind_status")]

    def __str__(self) -> str:
        return f"{self.org.name} {self.get_kind_display()} ({self.round.year})"


class Event(models.Model):
    """Append-only log: every transition, sheet save, title change and objection."""

    assessment = models.ForeignKey(Assessment, on_delete=models.PROTECT, related_name="events", null=True)
    title = models.ForeignKey(Title, on_delete=models.PROTECT, related_name="events", null=True, blank=True)
    actor = models.ForeignKey("orgs.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    at = models.DateTimeField(auto_now_add=True)
    action = models.CharField(max_length=30)
    from_state = models.CharField(max_length=12, blank=True)
    to_state = models.CharField(max_length=12, blank=True)
    reason = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action}"


class ObjectionStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    UPHELD = "upheld", _("Upheld")
    DISMISSED = "dismissed", _("Dismissed")


class Objection(models.Model):
    assessment = models.ForeignKey(Assessment, on_delete=models.PROTECT, related_name="objections")
    content = models.TextField()
    contact = models.CharField(max_length=100, blank=True)
    ip_address = models.GenericIPAddressField(null=True)
    created_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(max_length=10, choices=ObjectionStatus.choices, default=ObjectionStatus.PENDING)
    decided_by = models.ForeignKey(
        "orgs.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.TextField(blank=True)

    class Meta:
        verbose_name = _("objection")
        verbose_name_plural = _("objections")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"异议 #{self.pk}（{self.get_status_display()}）"


class Notification(models.Model):
    user = models.ForeignKey("orgs.User", on_delete=models.CASCADE, related_name="notifications")
    assessment = models.ForeignKey(
        Assessment, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    event = models.ForeignKey(Event, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    kind = models.CharField(max_length=30)
    message = models.CharField(max_length=300)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "event", "kind"], name="notification_once_per_user_event"
            ),
        ]
        indexes = [models.Index(fields=["user", "-created_at"], name="notification_user_recent")]

    def __str__(self) -> str:
        return self.message


class AssessmentRollup(models.Model):
    """Assessments and titles kept counted at write time (``assessments.rollups``), for the active
    units of ``level`` below ``org`` (``org`` itself included, at its own level):

    - one column per state: the assessments of the round of ``year`` in that state now;
    - ``standard`` / ``demonstration``: how many more units hold the title from ``year`` on than
      the year before (a title counts from its round's year until the calendar year it is revoked
      in); the units holding it in year Y are the sum of the rows up to Y.

    Only active units count, and only active units have rows."""

    org = models.ForeignKey("orgs.Organisation", on_delete=models.CASCADE, related_name="+")
    level = models.CharField(max_length=10)
    year = models.PositiveSmallIntegerField()
    standard = models.IntegerField(default=0)
    demonstration = models.IntegerField(default=0)
    draft = models.IntegerField(default=0)
    submitted = models.IntegerField(default=0)
    reviewed = models.IntegerField(default=0)
    accepted = models.IntegerField(default=0)
    rechecked = models.IntegerField(default=0)
    failed = models.IntegerField(default=0)
    in_notice = models.IntegerField(default=0)
    named = models.IntegerField(default=0)
    rejected = models.IntegerField(default=0)
    rectifying = models.IntegerField(default=0)
    revoked = models.IntegerField(default=0)

    class Meta:
        verbose_name = _("assessment rollup")
        constraints = [
            models.UniqueConstraint(fields=["org", "level", "year"], name="assessment_rollup_key"),
        ]

    def __str__(self) -> str:
        return f"{self.org_id} {self.level} {self.year}"
