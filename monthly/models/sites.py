"""Model sites (示范点): the kinds (data, edited in the admin), the sites each county designates,
their photos and the visits the county records."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from orgs.models import Level

HIGHLIGHT_MAX = 40  # one line on a phone card
DESCRIPTION_MAX = 5000
NOTE_MAX = 2000


class KindArea(models.TextChoices):
    ANY = "", _("Any")
    RURAL = "rural", _("Rural")
    URBAN = "urban", _("Urban")


class SiteKind(models.Model):
    """One of the kinds of model site (村民小组, 村, 社区, 居民小区, 乡镇（街道）, 县级示范片区): the level
    of unit it applies to, its area type (rural or urban units only, or any) and the tagline of
    that level (组有看点, 村有亮点, 乡有重点, 县有特点)."""

    name = models.CharField(_("name"), max_length=30, unique=True)
    level = models.CharField(_("level"), max_length=10, choices=Level.choices)
    area_type = models.CharField(_("area type"), max_length=5, choices=KindArea.choices, blank=True)
    tagline = models.CharField(_("tagline"), max_length=20)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("model site kind")
        verbose_name_plural = _("model site kinds")
        ordering = ["order", "pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(level="city"), name="site_kind_not_city"),
        ]

    def __str__(self) -> str:
        return self.name

    def fits(self, org) -> bool:
        """A unit of this kind's level, and of its area type when it names one."""
        return org.level == self.level and (not self.area_type or org.area_type == self.area_type)


class SiteStatus(models.TextChoices):
    BUILDING = "building", _("Under construction")
    ACCEPTED = "accepted", _("Accepted")


class ModelSite(models.Model):
    """A unit a county designates as a model site. ``county`` is the unit's county (the unit
    itself for a county-level site), kept by the service: scope and the showcase filter by it."""

    org = models.OneToOneField(
        "orgs.Organisation", on_delete=models.PROTECT, related_name="model_site", verbose_name=_("unit")
    )
    county = models.ForeignKey(
        "orgs.Organisation", on_delete=models.PROTECT, related_name="+", verbose_name=_("county")
    )
    kind = models.ForeignKey(SiteKind, on_delete=models.PROTECT, related_name="sites", verbose_name=_("kind"))
    highlight = models.CharField(_("highlight"), max_length=HIGHLIGHT_MAX)
    description = models.TextField(_("description"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=SiteStatus.choices, default=SiteStatus.BUILDING
    )
    # Internal: never on the public showcase or the anonymous API.
    internal_note = models.TextField(_("internal note"), blank=True)
    contact = models.CharField(_("contact person"), max_length=50, blank=True)
    created_by = models.ForeignKey(
        "orgs.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("model site")
        verbose_name_plural = _("model sites")
        indexes = [models.Index(fields=["county", "kind"], name="model_site_county_kind")]
        constraints = [
            models.CheckConstraint(condition=~Q(highlight=""), name="model_site_highlight_not_empty"),
        ]

    def __str__(self) -> str:
        return f"{self.org_id} {self.highlight}"


class SitePhoto(models.Model):
    """A photo of a site, stored re-encoded (metadata removed) with a thumbnail, both in the
    files storage under generated names; served by the showcase's photo view."""

    site = models.ForeignKey(ModelSite, on_delete=models.CASCADE, related_name="photos")
    stored_name = models.CharField(max_length=200)
    thumb_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=30)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    size = models.PositiveIntegerField()
    caption = models.CharField(_("caption"), max_length=100, blank=True)
    order = models.PositiveSmallIntegerField(default=0)
    uploaded_by = models.ForeignKey(
        "orgs.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("model site photo")
        verbose_name_plural = _("model site photos")
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return self.caption or self.stored_name


class SiteVisit(models.Model):
    """A visit the county records (an on-site observation, a meeting's tour): a date and a note.
    Internal; linked to the observation records once they exist."""

    site = models.ForeignKey(ModelSite, on_delete=models.CASCADE, related_name="visits")
    date = models.DateField(_("date"))
    note = models.CharField(_("note"), max_length=200)
    recorded_by = models.ForeignKey(
        "orgs.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("model site visit")
        verbose_name_plural = _("model site visits")
        ordering = ["-date", "-pk"]

    def __str__(self) -> str:
        return f"{self.date} {self.note}"
