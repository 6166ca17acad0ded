"""The admin of the monthly rhythm. Observations are written through the pages and the API (the
services check scope, maxima and duplicates); the admin edits the rubric and reads the rest."""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError

from orgs.admin_base import ScopedAdmin
from yuxi_campaign.core.errors import InvalidInput

from . import services
from .models import (
    LeagueWeights,
    ModelSite,
    MonthlyEvent,
    Observation,
    ObservationEvent,
    ObservationMiss,
    RubricItem,
    SiteKind,
)
from .services.league import PARTS as LEAGUE_PARTS


@admin.register(RubricItem)
class RubricItemAdmin(ScopedAdmin):
    list_display = ["title", "max_score", "order", "is_active"]
    list_editable = ["max_score", "order", "is_active"]
    ordering = ["order", "pk"]


class ReadOnlyAdmin(ScopedAdmin):
    """Read in the user's subtree (``scope_prefix`` leads to the unit); written by services."""

    scope_prefix = "unit__"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Observation)
class ObservationAdmin(ReadOnlyAdmin):
    list_display = ["unit", "year", "month", "date", "total"]
    list_filter = ["year", "month"]
    list_select_related = ["unit"]
    search_fields = ["unit__name", "unit__code"]
    raw_id_fields = ["unit", "observer", "created_by"]


@admin.register(ObservationMiss)
class ObservationMissAdmin(ReadOnlyAdmin):
    list_display = ["unit", "year", "month", "flagged_at"]
    list_select_related = ["unit"]


@admin.register(ObservationEvent)
class ObservationEventAdmin(ReadOnlyAdmin):
    list_display = ["at", "action", "unit", "actor"]
    list_select_related = ["unit", "actor"]


@admin.register(SiteKind)
class SiteKindAdmin(ScopedAdmin):
    """The kinds of model site are data: the department edits names, levels and taglines here."""

    list_display = ["name", "level", "area_type", "tagline", "order", "is_active"]
    list_editable = ["tagline", "order", "is_active"]


@admin.register(ModelSite)
class ModelSiteAdmin(ScopedAdmin):
    """Read-only: sites are designated and edited through the pages and the API (services)."""

    scope_prefix = "org__"
    list_display = ["org", "county", "kind", "highlight", "status"]
    list_select_related = ["org", "county", "kind"]
    list_filter = ["kind", "status"]
    raw_id_fields = ["org", "county"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


# --- The monthly rhythm's log ------------------------------------------------------------------


@admin.register(MonthlyEvent)
class MonthlyEventAdmin(ScopedAdmin):
    scope_prefix = "org__"
    list_display = ["created_at", "action", "actor", "org"]
    list_select_related = ["actor", "org"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


# ---------------------------------------------------------------------------------------------
# League table (擂台比武): its weights


class LeagueWeightsForm(forms.ModelForm):
    class Meta:
        model = LeagueWeights
        fields = ["observation", "pace", "assessment"]

    def clean(self):
        data = super().clean()
        values = {name: data.get(name) for name in LEAGUE_PARTS}
        if None not in values.values():
            try:
                services.league_weights_check(**values)
            except InvalidInput as exc:
                raise ValidationError(exc.detail) from None
        return data


@admin.register(LeagueWeights)
class LeagueWeightsAdmin(ScopedAdmin):
    """One row; saved through the service (which checks the sum and locks the row)."""

    form = LeagueWeightsForm
    list_display = ["__str__", "observation", "pace", "assessment", "updated_at"]

    def has_add_permission(self, request):
        return super().has_add_permission(request) and not LeagueWeights.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        saved = services.league_weights_save(**{name: form.cleaned_data[name] for name in LEAGUE_PARTS})
        obj.pk = saved.pk
