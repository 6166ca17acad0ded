from __future__ import annotations

from django.contrib import admin, messages

from .models import Dimension, Indicator, IndicatorSet
from .services import frozen_message, indicator_set_copy


class FrozenReadOnly:
    """A frozen set, its dimensions and indicators are read-only in the admin."""

    set_attr = ""  # "" when the object is the set itself

    def _set_of(self, obj):
        return getattr(obj, self.set_attr) if self.set_attr else obj

    def has_change_permission(self, request, obj=None):
        if obj is not None and self._set_of(obj).is_frozen:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and self._set_of(obj).is_frozen:
            return False
        return super().has_delete_permission(request, obj)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, object_id)
        if obj is not None and self._set_of(obj).is_frozen:
            messages.warning(request, frozen_message(self._set_of(obj)))
        return super().change_view(request, object_id, form_url, extra_context)


class DimensionInline(admin.TabularInline):
    model = Dimension
    extra = 0
    fields = ["order", "name"]

    def has_change_permission(self, request, obj=None):
        return not (obj and obj.is_frozen)

    has_add_permission = has_change_permission
    has_delete_permission = has_change_permission


@admin.register(IndicatorSet)
class IndicatorSetAdmin(FrozenReadOnly, admin.ModelAdmin):
    list_display = [
        "year",
        "level",
        "name",
        "total_score",
        "standard_threshold",
        "demonstration_threshold",
        "is_frozen",
    ]
    list_filter = ["year", "level", "is_frozen"]
    readonly_fields = ["is_frozen"]
    inlines = [DimensionInline]
    actions = ["copy_to_next_year"]

    @admin.action(description="复制为下一年度的新版本")
    def copy_to_next_year(self, request, queryset):
        for indicator_set in queryset:
            try:
                copy = indicator_set_copy(source=indicator_set, year=indicator_set.year + 1)
                messages.success(request, f"已复制为 {copy}")
            except Exception as exc:  # noqa: BLE001 - report each set's own error
                messages.error(request, getattr(exc, "detail", str(exc)))


@admin.register(Indicator)
class IndicatorAdmin(FrozenReadOnly, admin.ModelAdmin):
    list_display = [
        "code",
        "title",
        "indicator_set",
        "dimension",
        "max_score",
        "applies_to",
        "is_veto",
        "evidence_required",
    ]
    list_filter = [
        "indicator_set__year",
        "indicator_set__level",
        "applies_to",
        "is_veto",
        "evidence_required",
    ]
    search_fields = ["code", "title"]
    list_select_related = ["indicator_set", "dimension"]
    ordering = ["indicator_set", "order"]

    set_attr = "indicator_set"
