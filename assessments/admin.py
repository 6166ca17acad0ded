from django.contrib import admin

from .models import Assessment, Campaign, Event, Objection, PaceTarget, Reminder, Round, RoundExtension, Title


class PaceTargetInline(admin.TabularInline):
    model = PaceTarget
    extra = 0


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin):
    list_display = ["name", "start_year", "end_year"]
    inlines = [PaceTargetInline]


@admin.register(Round)
class RoundAdmin(admin.ModelAdmin):
    list_display = [
        "year",
        "campaign",
        "declaration_opens",
        "declaration_closes",
        "self_assessment_closes",
        "review_closes",
        "notice_days",
    ]


class ReadOnlyAdmin(admin.ModelAdmin):
    """The log and its derived rows are written by services only."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Event)
class EventAdmin(ReadOnlyAdmin):
    list_display = ["at", "action", "assessment", "actor", "from_state", "to_state", "reason"]
    list_filter = ["action"]
    list_select_related = ["assessment__org", "assessment__round", "actor"]
    raw_id_fields = ["assessment", "title", "actor"]
    show_full_result_count = False


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
    list_display = ["org", "kind", "round", "status", "warnings", "granted_at", "revoked_at"]
    list_filter = ["kind", "status", "round"]
    search_fields = ["org__code", "org__name"]
    list_select_related = ["org", "round"]


@admin.register(Objection)
class ObjectionAdmin(ReadOnlyAdmin):
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


@admin.register(Reminder)
class ReminderAdmin(ReadOnlyAdmin):
    list_display = ["sent_at", "round", "window", "org", "closes", "user"]
    list_filter = ["round", "window"]
    list_select_related = ["round", "org", "user"]
    show_full_result_count = False
