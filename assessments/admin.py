"""系统管理 of the campaign: rounds and their dates (through ``round_update``), pace targets, and
the registers (assessments, titles, the event log, objections) read-only within the user's
subtree. Permissions come from the role mapping of ``orgs.permissions``."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.db.models import F, Sum, Window
from django.utils.translation import gettext_lazy as _

from orgs.admin_base import ScopedAdmin, ScopedInline, ServiceSaveMixin

from .models import Assessment, Campaign, Event, Objection, PaceTarget, Reminder, Round, RoundExtension, Title
from .services.campaign import ROUND_FIELDS, round_errors, round_update


class PaceTargetForm(forms.ModelForm):
    class Meta:
        model = PaceTarget
        fields = ["campaign", "year", "target", "percent"]

    def clean(self):
        data = super().clean()
        campaign, year, target, percent = (data.get(k) for k in ("campaign", "year", "target", "percent"))
        if percent is not None and percent > 100:
            self.add_error("percent", "年度目标不能超过 100%")
            return data
        if campaign is None or None in (year, target, percent):
            return data
        if not campaign.start_year <= year <= campaign.end_year:
            self.add_error("year", f"年度应在 {campaign.start_year}–{campaign.end_year} 年之间")
        others = (
            PaceTarget.objects.filter(campaign=campaign, target=target)
            .exclude(pk=self.instance.pk)
            .exclude(year=year)
            .aggregate(total=Sum("percent"))["total"]
            or 0
        )
        if others + percent > 100:
            self.add_error("percent", f"累计目标不能超过 100%：其他年度已有 {others}%")
        return data


class PaceTargetInline(ScopedInline, admin.TabularInline):
    model = PaceTarget
    form = PaceTargetForm
    extra = 0


@admin.register(Campaign)
class CampaignAdmin(ScopedAdmin):
    list_display = ["name", "start_year", "end_year"]
    inlines = [PaceTargetInline]

    def get_readonly_fields(self, request, obj=None):
        return ["start_year", "end_year"] if obj else []


@admin.register(PaceTarget)
class PaceTargetAdmin(ScopedAdmin):
    """年度推进目标: the share of a parent's children to be newly titled each year; the cumulative
    target (the running sum, at most 100 %) is what the dashboards compare against."""

    form = PaceTargetForm
    list_display = ["campaign", "target", "year", "percent", "cumulative"]
    list_filter = ["target"]
    list_select_related = ["campaign"]
    ordering = ["campaign", "target", "year"]

    def get_queryset(self, request):
        # The running sum in the same query (a window over the campaign's years); no filter on
        # the year, which would cut the sum short.
        running = Window(Sum("percent"), partition_by=[F("campaign"), F("target")], order_by=F("year").asc())
        return super().get_queryset(request).annotate(running=running)

    @admin.display(description=_("cumulative target"))
    def cumulative(self, obj):
        return f"{min(100, obj.running)}%"


class RoundForm(forms.ModelForm):
    class Meta:
        model = Round
        fields = ["campaign", "year", *ROUND_FIELDS]

    def clean(self):
        data = super().clean()
        if all(data.get(name) is not None for name in ROUND_FIELDS):
            candidate = Round(**{name: data[name] for name in ROUND_FIELDS})
            for field, problems in round_errors(candidate).items():
                for problem in problems:
                    self.add_error(field, problem)
        return data


@admin.register(Round)
class RoundAdmin(ServiceSaveMixin, ScopedAdmin):
    form = RoundForm
    list_display = [
        "year",
        "campaign",
        "declaration_opens",
        "declaration_closes",
        "self_assessment_closes",
        "review_closes",
        "notice_days",
    ]
    list_select_related = ["campaign"]

    def get_readonly_fields(self, request, obj=None):
        return ["campaign", "year"] if obj else []

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        # Not inside the admin's own transaction: round_update is a durable (top-level) one.
        return self._changeform_view(request, object_id, form_url, extra_context)

    def save_via_service(self, request, obj, form, change):
        if not change:
            obj.save()
            return
        round_update(
            round=obj,
            actor=request.user,
            **{name: form.cleaned_data[name] for name in form.changed_data if name in ROUND_FIELDS},
        )


class ReadOnlyAdmin(ScopedAdmin):
    """The log and its derived rows are written by services only; each is read in the user's
    subtree (``scope_prefix`` leads to the unit)."""

    scope_prefix = "org__"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Event)
class EventAdmin(ReadOnlyAdmin):
    scope_prefix = "assessment__org__"
    list_display = ["at", "action", "assessment", "actor_name", "from_state", "to_state", "reason"]
    list_filter = ["action"]
    list_select_related = ["assessment__org", "assessment__round", "actor"]
    raw_id_fields = ["assessment", "title", "actor"]
    show_full_result_count = False

    @admin.display(description=_("actor"), ordering="actor__name")
    def actor_name(self, obj):
        return obj.actor.name_with_login if obj.actor_id else "系统"


@admin.register(Assessment)
class AssessmentAdmin(ReadOnlyAdmin):
    list_display = ["org", "round", "target", "state", "final_score", "outcome"]
    list_filter = ["round", "target", "state", "outcome"]
    search_fields = ["org__code", "org__name"]
    list_select_related = ["org", "round"]
    raw_id_fields = ["org", "declared_by", "indicator_set"]
    show_full_result_count = False


@admin.register(Title)
class TitleAdmin(ReadOnlyAdmin):
    """称号台账: read-only; titles are granted and revoked by the services."""

    list_display = ["org", "kind", "round", "status", "warnings", "granted_at", "revoked_at"]
    list_filter = ["kind", "status", "round"]
    search_fields = ["org__code", "org__name"]
    list_select_related = ["org", "round"]
    show_full_result_count = False


@admin.register(Objection)
class ObjectionAdmin(ReadOnlyAdmin):
    scope_prefix = "assessment__org__"
    list_display = ["created_at", "assessment", "status", "ip_address"]
    list_filter = ["status"]
    list_select_related = ["assessment__org", "assessment__round"]


@admin.register(RoundExtension)
class RoundExtensionAdmin(ReadOnlyAdmin):
    """Extensions are made on the calendar page (or the API), through the service that checks the
    date and writes the event log; the admin lists them."""

    list_display = ["round", "window", "org", "closes", "reason", "created_by", "created_at"]
    list_filter = ["round", "window"]
    list_select_related = ["round", "org", "created_by"]
    raw_id_fields = ["org", "created_by"]

    def scope_queryset(self, request, queryset):
        """Those for units of the subtree, and those for all units (no unit)."""
        scoped = super().scope_queryset(request, queryset)
        return scoped | queryset.filter(org__isnull=True)


@admin.register(Reminder)
class ReminderAdmin(ReadOnlyAdmin):
    list_display = ["sent_at", "round", "window", "org", "closes", "user"]
    list_filter = ["round", "window"]
    list_select_related = ["round", "org", "user"]
    show_full_result_count = False
