"""The admin of the monthly rhythm. Observations are written through the pages and the API (the
services check scope, maxima and duplicates); the admin edits the rubric and reads the rest."""

from django.contrib import admin

from .models import Observation, ObservationEvent, ObservationMiss, RubricItem

# ---------------------------------------------------------------------------------------------
# On-site observation (现场观摩)


@admin.register(RubricItem)
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
