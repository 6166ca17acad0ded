from django.contrib import admin

from orgs.admin_base import ScopedAdmin

from .models import DocumentSettings


@admin.register(DocumentSettings)
class DocumentSettingsAdmin(ScopedAdmin):
    """Issuing body, contact line and document number prefix of a unit's printed documents; a
    unit without a row prints the defaults (中共玉溪市委组织部, 玉组通 for the city)."""

    scope_prefix = "org__"
    list_display = ["org", "issuing_body", "number_prefix", "contact_line"]
    list_select_related = ["org"]
    search_fields = ["org__name", "org__code", "issuing_body"]
    raw_id_fields = ["org"]  # no tree-wide select: a prefecture has thousands of units
