"""The admin of the monthly rhythm. Observations are written through the pages and the API (the
services check scope, maxima and duplicates); the admin edits the rubric and reads the rest."""

from django.contrib import admin

from .models import (
    ModelSite,
    MonthlyEvent,
    Observation,
    ObservationEvent,
    ObservationMiss,
)


class RubricItemAdmin(admin.ModelAdmin):
    list_display = ["title", "max_score", "order", "is_active"]
    list_editable = ["max_score", "order", "is_active"]
    ordering = ["order", "pk"]


class ReadOnlyAdmin(admin.ModelAdmin):
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


class SiteKindAdmin(admin.ModelAdmin):
    """The kinds of model site are data: the department edits names, levels and taglines here."""

    list_display = ["name", "level", "area_type", "tagline", "order", "is_active"]
    list_editable = ["tagline", "order", "is_active"]


@admin.register(ModelSite)
class ModelSiteAdmin(admin.ModelAdmin):
    """Read-only: sites are designated and edited through the pages and the API (services)."""

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
class MonthlyEventAdmin(admin.ModelAdmin):
    list_display = ["created_at", "action", "actor", "org"]
    list_select_related = ["actor", "org"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
