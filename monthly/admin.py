from django.contrib import admin

from .models import ModelSite, MonthlyEvent, SiteKind

# --- Model sites (示范点) -----------------------------------------------------------------------


@admin.register(SiteKind)
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
