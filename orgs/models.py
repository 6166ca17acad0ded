from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from mptt.models import MPTTModel, TreeForeignKey

from . import rules


class Level(models.TextChoices):
    CITY = "city", _("City")
    COUNTY = "county", _("County")
    TOWNSHIP = "township", _("Township")
    VILLAGE = "village", _("Village / community")
    GROUP = "group", _("Group / residential compound")


class AreaType(models.TextChoices):
    RURAL = "rural", _("Rural")
    URBAN = "urban", _("Urban")
    MIXED = "mixed", _("Mixed")


KIND_CHOICES = [(kind, kind) for kind in rules.ALL_KINDS]


def _level_rules() -> Q:
    """A row's kind fits its level, and its tree depth is its level's (so a child is exactly one
    level below its parent: MPTT's depth is the parent's plus one)."""
    q = Q()
    for level, kinds in rules.KINDS_BY_LEVEL.items():
        q |= Q(level=level, kind__in=kinds, depth=rules.LEVEL_DEPTH[level])
    return q


def _area_rules() -> Q:
    return (
        Q(kind__in=sorted(rules.URBAN_KINDS), area_type="urban")
        | Q(kind__in=sorted(rules.RURAL_KINDS), area_type="rural")
        | (~Q(kind__in=sorted(rules.URBAN_KINDS | rules.RURAL_KINDS)) & Q(area_type="mixed"))
    )


class Organisation(MPTTModel):
    """A grassroots party organisation: one node of a prefecture's tree (the city is the root)."""

    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=100)
    level = models.CharField(_("level"), max_length=10, choices=Level.choices)
    kind = models.CharField(_("kind"), max_length=10, choices=KIND_CHOICES)
    area_type = models.CharField(_("area type"), max_length=5, choices=AreaType.choices)
    parent = TreeForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent"),
    )
    is_active = models.BooleanField(_("active"), default=True)
    # Denormalised ancestors, kept by the service: rollups group by them in one query instead of
    # walking the tree.
    county = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    township = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    village = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    class MPTTMeta:
        level_attr = "depth"
        order_insertion_by = ["code"]

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        indexes = [
            models.Index(fields=["tree_id", "lft"], name="org_tree_lft"),
            models.Index(fields=["level", "tree_id", "lft"], name="org_level_tree_lft"),
        ]
        constraints = [
            models.CheckConstraint(condition=_level_rules(), name="org_kind_and_depth_fit_level"),
            models.CheckConstraint(condition=_area_rules(), name="org_area_type_follows_kind"),
            models.CheckConstraint(
                condition=Q(parent__isnull=True, level="city") | Q(parent__isnull=False) & ~Q(level="city"),
                name="org_only_cities_are_roots",
            ),
            models.CheckConstraint(condition=~Q(name=""), name="org_name_not_empty"),
            models.CheckConstraint(condition=~Q(code=""), name="org_code_not_empty"),
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.code}）"


class TreeWriteLock(models.Model):
    """One row, locked (SELECT … FOR UPDATE) by every structural write of the organisation tree,
    so that django-mptt's bookkeeping never runs twice at once."""

    name = models.CharField(max_length=20, unique=True)

    class Meta:
        verbose_name = _("tree write lock")

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    OPERATOR = "operator", _("Operator")
    REVIEWER = "reviewer", _("Reviewer")
    LEADER = "leader", _("Leader")
    ADMIN = "admin", _("Administrator")


PHONE_RE = r"^1[3-9]\d{9}$"
PHONE_MESSAGE = "手机号应为 11 位中国大陆手机号码，例如 13812345678"
phone_validator = RegexValidator(PHONE_RE, PHONE_MESSAGE)


class User(AbstractUser):
    """An official, bound to one unit with one role. Superusers may have no unit: they see all.
    Pages show the official's real name (``display_name``), not the login."""

    name = models.CharField(_("real name"), max_length=50, blank=True)
    phone = models.CharField(
        _("mobile phone"),
        max_length=11,
        blank=True,
        validators=[phone_validator],
        help_text=_("Optional: an 11-digit mainland mobile number."),
    )

    org = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="officials",
        verbose_name=_("organisation"),
    )
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, blank=True)

    class Meta:
        verbose_name = _("official")
        verbose_name_plural = _("officials")
        constraints = [
            models.CheckConstraint(
                condition=Q(org__isnull=True, role="") | Q(org__isnull=False) & ~Q(role=""),
                name="user_org_and_role_together",
            ),
        ]

    def __str__(self) -> str:
        return self.name_with_login

    @property
    def display_name(self) -> str:
        """The official's name for pages and logs: the real name, else the login."""
        return self.name or self.full_name_zh or self.username

    def get_short_name(self) -> str:
        """What the admin's greeting shows: the real name."""
        return self.display_name

    @property
    def full_name_zh(self) -> str:
        return f"{self.last_name}{self.first_name}".strip()

    @property
    def name_with_login(self) -> str:
        """姓名（登录名） where a real name is known, else the login."""
        name = self.name or self.full_name_zh
        return f"{name}（{self.username}）" if name else self.username

    @property
    def is_campaign_admin(self) -> bool:
        return self.is_superuser or self.role == Role.ADMIN


class UnitRollup(models.Model):
    """Units kept counted at write time (``orgs.rollups``): below ``org`` (itself included),
    ``parents`` units each have exactly ``fanout`` active children of ``level``. The units of a
    level are the sum of fanout × parents; pace targets, rounded per parent, follow from the same
    rows. Only active units count, and only active units have rows."""

    org = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    level = models.CharField(max_length=10, choices=Level.choices)
    fanout = models.PositiveIntegerField()
    parents = models.IntegerField(default=0)

    class Meta:
        verbose_name = _("unit rollup")
        constraints = [
            models.UniqueConstraint(fields=["org", "level", "fanout"], name="unit_rollup_key"),
        ]

    def __str__(self) -> str:
        return f"{self.org_id} {self.level} ×{self.fanout}: {self.parents}"
