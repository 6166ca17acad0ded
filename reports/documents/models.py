"""The settings of the printed documents an administrator edits in the admin: one row per unit
that issues documents (the city, a county, a township). A unit without a row uses the defaults
of ``settings_for``."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class DocumentSettings(models.Model):
    org = models.OneToOneField(
        "orgs.Organisation",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("issuing unit"),
        help_text=_("The unit whose documents these settings head (the city, a county, a township)."),
    )
    issuing_body = models.CharField(
        _("issuing body"),
        max_length=100,
        help_text=_("Printed at the foot of every document, e.g. 中共玉溪市委组织部."),
    )
    contact_line = models.CharField(
        _("contact line for objections"),
        max_length=300,
        blank=True,
        help_text=_("Telephone and address where objections to a public notice go."),
    )
    number_prefix = models.CharField(
        _("document number prefix"),
        max_length=20,
        blank=True,
        help_text=_(
            "The prefix of the document number, e.g. 玉组通 for 玉组通〔2024〕N号; empty: no number."
        ),
    )

    class Meta:
        app_label = "reports"
        verbose_name = _("document settings")
        verbose_name_plural = _("document settings")
        constraints = [
            models.CheckConstraint(condition=~Q(issuing_body=""), name="document_settings_issuing_body"),
        ]

    def __str__(self) -> str:
        return self.issuing_body
