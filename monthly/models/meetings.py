"""The progress meeting rota (工作推进会): each month an organising unit (the city, or a county for
its townships) picks one of its direct children to host a meeting with site visits. The rota's
proposal is computed (``monthly.selectors``), never stored; a row exists once a host is confirmed
(or chosen over the proposal, with a reason) and is later marked held with its record."""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _


class MeetingStatus(models.TextChoices):
    # "proposed" is what the year view shows for a month without a row: it is never stored.
    CONFIRMED = "confirmed", _("Confirmed")
    HELD = "held", _("Held")


class Meeting(models.Model):
    organiser = models.ForeignKey(
        "orgs.Organisation", on_delete=models.PROTECT, related_name="+", verbose_name=_("organiser")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    month = models.PositiveSmallIntegerField(_("month"))
    host = models.ForeignKey(
        "orgs.Organisation", on_delete=models.PROTECT, related_name="hosted_meetings", verbose_name=_("host")
    )
    # What the rota proposed when the host was chosen; differs from ``host`` after an override.
    proposed_host = models.ForeignKey(
        "orgs.Organisation", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    override_reason = models.TextField(_("override reason"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=MeetingStatus.choices, default=MeetingStatus.CONFIRMED
    )
    date = models.DateField(_("date"), null=True, blank=True)
    place = models.CharField(_("place"), max_length=200, blank=True)
    sites = models.TextField(_("sites visited"), blank=True)
    topic = models.CharField(_("topic"), max_length=200, blank=True)
    attendance_count = models.PositiveIntegerField(_("attendance"), null=True, blank=True)
    attendees = models.TextField(_("attendees"), blank=True)
    minutes = models.TextField(_("minutes"), blank=True)
    created_by = models.ForeignKey("orgs.User", on_delete=models.PROTECT, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("progress meeting")
        verbose_name_plural = _("progress meetings")
        ordering = ["organiser_id", "year", "month"]
        constraints = [
            models.UniqueConstraint(fields=["organiser", "year", "month"], name="meeting_one_per_month"),
            models.CheckConstraint(condition=Q(month__gte=1, month__lte=12), name="meeting_month_range"),
            models.CheckConstraint(condition=Q(year__gte=2000, year__lte=2100), name="meeting_year_range"),
            models.CheckConstraint(condition=~Q(host=F("organiser")), name="meeting_host_not_organiser"),
            models.CheckConstraint(
                condition=~Q(status="held") | Q(date__isnull=False), name="meeting_held_has_date"
            ),
        ]
        indexes = [models.Index(fields=["organiser", "host", "year"], name="meeting_rota_host")]

    def __str__(self) -> str:
        return f"{self.year}-{self.month:02d} {self.host_id}"

    @property
    def key(self) -> int:
        """The month as one number (months since year 0), to compare and order months."""
        return self.year * 12 + self.month - 1


class MeetingAttachment(models.Model):
    """A file of a meeting (agenda, minutes scan, photos), kept in the private storage under a
    generated name and served only through the scope-checked download view."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attachments")
    stored_name = models.CharField(max_length=255, unique=True)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField(_("size"))
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey("orgs.User", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("meeting attachment")
        verbose_name_plural = _("meeting attachments")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.original_name
