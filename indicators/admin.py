"""系统管理 of the indicator catalogue: draft sets are edited (through ``indicators.services``),
frozen ones are read-only with a message that says why, and any set is copied to a new year."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.contrib import admin, messages
from django.shortcuts import redirect

from orgs.admin_base import ScopedAdmin, ScopedInline, ServiceSaveMixin
from yuxi_campaign.core.errors import DomainError

from .models import Dimension, Indicator, IndicatorSet
from .services import frozen_message, indicator_set_copy, indicator_set_update, indicator_update


class FrozenReadOnly:
    """A frozen set, its dimensions and indicators are read-only in the admin; a change posted to
    one anyway is refused with the frozen message and changes nothing."""

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
            if request.method == "POST":
                messages.error(request, frozen_message(self._set_of(obj)))
                return redirect(request.path)
            messages.warning(request, frozen_message(self._set_of(obj)))
        return super().change_view(request, object_id, form_url, extra_context)


class DimensionInline(ScopedInline, admin.TabularInline):
    model = Dimension
    extra = 0
    fields = ["order", "name"]

    def has_change_permission(self, request, obj=None):
        return not (obj and obj.is_frozen) and super().has_change_permission(request, obj)

    def has_add_permission(self, request, obj=None):
        return not (obj and obj.is_frozen) and super().has_add_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not (obj and obj.is_frozen) and super().has_delete_permission(request, obj)


class IndicatorSetForm(forms.ModelForm):
    class Meta:
        model = IndicatorSet
        fields = [
            "level",
            "year",
            "name",
            "note",
            "total_score",
            "standard_threshold",
            "demonstration_threshold",
        ]

    def clean(self):
        data = super().clean()
        total, standard, demonstration = (
            data.get("total_score"),
            data.get("standard_threshold"),
            data.get("demonstration_threshold"),
        )
        if total is not None and total <= 0:
            self.add_error("total_score", "总分应大于 0")
        if standard is not None and standard <= 0:
            self.add_error("standard_threshold", "达标分数线应大于 0")
        if None not in (standard, demonstration) and standard > demonstration:
            self.add_error("standard_threshold", "达标分数线不能高于示范分数线")
        if None not in (demonstration, total) and demonstration > total:
            self.add_error("demonstration_threshold", "示范分数线不能高于总分")
        return data


@admin.register(IndicatorSet)
class IndicatorSetAdmin(FrozenReadOnly, ServiceSaveMixin, ScopedAdmin):
    form = IndicatorSetForm
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

    def get_readonly_fields(self, request, obj=None):
        # A set's level and year are its identity: a new year is a copy.
        return ["level", "year", "is_frozen"] if obj else ["is_frozen"]

    def save_via_service(self, request, obj, form, change):
        if not change:
            obj.save()
            return
        fields = {"name", "note", "total_score", "standard_threshold", "demonstration_threshold"}
        indicator_set_update(
            indicator_set=IndicatorSet.objects.get(pk=obj.pk),
            **{name: form.cleaned_data[name] for name in form.changed_data if name in fields},
        )

    @admin.action(description="复制为下一年度的新版本", permissions=["add"])
    def copy_to_next_year(self, request, queryset):
        for indicator_set in queryset:
            try:
                copy = indicator_set_copy(source=indicator_set, year=indicator_set.year + 1)
                messages.success(request, f"已复制为 {copy}")
            except DomainError as exc:
                messages.error(request, exc.detail)


class IndicatorForm(forms.ModelForm):
    class Meta:
        model = Indicator
        fields = [
            "indicator_set",
            "dimension",
            "code",
            "title",
            "guide",
            "max_score",
            "applies_to",
            "is_veto",
            "evidence_required",
            "order",
        ]

    def clean(self):
        data = super().clean()
        score = data.get("max_score")
        if score is not None and (score <= 0 or (score * 2) % 1):
            self.add_error("max_score", "满分应大于 0 且为 0.5 的整数倍")
        indicator_set, dimension = data.get("indicator_set"), data.get("dimension")
        if indicator_set is not None and indicator_set.is_frozen:
            self.add_error("indicator_set", frozen_message(indicator_set))
        if (
            indicator_set is not None
            and dimension is not None
            and dimension.indicator_set_id != indicator_set.pk
        ):
            self.add_error("dimension", f"该维度不属于指标体系“{indicator_set}”")
        return data


@admin.register(Indicator)
class IndicatorAdmin(FrozenReadOnly, ServiceSaveMixin, ScopedAdmin):
    form = IndicatorForm
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

    def get_readonly_fields(self, request, obj=None):
        return ["indicator_set", "dimension", "code", "order"] if obj else []

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "indicator_set":
            kwargs["queryset"] = IndicatorSet.objects.filter(is_frozen=False)
        elif db_field.name == "dimension":
            kwargs["queryset"] = Dimension.objects.filter(indicator_set__is_frozen=False).select_related(
                "indicator_set"
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_via_service(self, request, obj, form, change):
        if not change:
            obj.save()
            return
        fields = {"title", "guide", "max_score", "applies_to", "is_veto", "evidence_required"}
        changes = {name: form.cleaned_data[name] for name in form.changed_data if name in fields}
        if "max_score" in changes:
            changes["max_score"] = Decimal(changes["max_score"])
        indicator_update(
            indicator=Indicator.objects.select_related("indicator_set").get(pk=obj.pk), **changes
        )
