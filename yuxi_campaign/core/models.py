"""Background exports: who asked for which source with which parameters, how far it got, and the
file it wrote (in the "exports" storage)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class ExportStatus(models.TextChoices):
    QUEUED = "queued", pgettext_lazy("export", "queued")
    RUNNING = "running", pgettext_lazy("export", "running")
    DONE = "done", pgettext_lazy("export", "done")
    FAILED = "failed", pgettext_lazy("export", "failed")


class ExportJob(models.Model):
    """One export too big for a request. ``source`` names a registered export source and
    ``params`` its parameters (plain text, as the list's query string gave them)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    source = models.CharField(_("source"), max_length=40)
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    format = models.CharField(_("format"), max_length=4, choices=[("xlsx", "xlsx"), ("csv", "csv")])
    status = models.CharField(
        _("status"), max_length=8, choices=ExportStatus.choices, default=ExportStatus.QUEUED
    )
    rows_total = models.PositiveIntegerField(_("rows"), null=True, blank=True)
    rows_done = models.PositiveIntegerField(_("rows written"), default=0)
    # The file's name in the "exports" storage (read at each use through ``export_storage()``,
    # so that a changed STORAGES applies: a FileField would keep the storage of import time).
    stored_name = models.CharField(_("file"), max_length=200, blank=True)
    filename = models.CharField(_("file name"), max_length=200, blank=True)  # the name it downloads as
    error = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        verbose_name = _("export")
        verbose_name_plural = _("exports")
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["queued", "running", "done", "failed"]), name="export_status_known"
            ),
        ]
        indexes = [models.Index(fields=["created_at"], name="export_created")]

    def __str__(self) -> str:
        return f"{self.source} {self.format} #{self.pk}"

    @property
    def percent(self) -> int:
        if self.status == ExportStatus.DONE:
            return 100
        if not self.rows_total:
            return 0
        return min(100, self.rows_done * 100 // self.rows_total)


class DataStamp(models.Model):
    """One row (id 1) whose value grows after every committed write of the campaign's data
    (``core.stamps``): the key under which cached pages are kept."""

    id = models.PositiveSmallIntegerField(primary_key=True)
    value = models.BigIntegerField(default=0)

    class Meta:
        db_table = "core_datastamp"

    def __str__(self) -> str:
        return f"data stamp {self.value}"
