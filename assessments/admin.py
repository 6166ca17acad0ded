from django.contrib import admin

from .models import Campaign, PaceTarget, Round


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
