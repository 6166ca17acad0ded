from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext_lazy as _

from yuxi_campaign.core.errors import DomainError

from . import rules, services
from .importer import import_orgs
from .models import Organisation, User


class OrganisationForm(forms.ModelForm):
    class Meta:
        model = Organisation
        fields = ["code", "name", "kind", "parent", "is_active"]

    def clean(self):
        data = super().clean()
        parent = data.get("parent")
        kind = data.get("kind")
        if self.instance.pk is None:
            if parent is None:
                raise forms.ValidationError("请选择上级单位（新的市级根单位请用导入功能建立）")
            level = rules.child_level(parent.level)
            if level is None:
                raise forms.ValidationError(services.level_error(parent_level=parent.level, level="group"))
            if kind and (msg := services.kind_error(kind=kind, level=level)):
                self.add_error("kind", msg)
        elif parent is not None and parent.pk != self.instance.parent_id:
            if msg := services.level_error(parent_level=parent.level, level=self.instance.level):
                self.add_error("parent", msg)
        return data


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    form = OrganisationForm
    list_display = ["code", "name", "level", "kind", "area_type", "parent_name", "is_active"]
    list_filter = ["level", "area_type", "is_active"]
    search_fields = ["=code", "code", "name"]
    raw_id_fields = ["parent"]
    list_per_page = 100
    show_full_result_count = False
    ordering = ["tree_id", "lft"]
    change_list_template = "admin/orgs/organisation/change_list.html"

    def get_queryset(self, request):
        # One query per page: the parent's name comes in the same row.
        return super().get_queryset(request).select_related("parent")

    @admin.display(description=_("parent"), ordering="parent__name")
    def parent_name(self, obj):
        return obj.parent.name if obj.parent_id else "—"

    def get_readonly_fields(self, request, obj=None):
        return ["code", "kind"] if obj else []

    def has_delete_permission(self, request, obj=None):
        return False  # units are deactivated, never deleted

    def save_model(self, request, obj, form, change):
        try:
            if not change:
                created = services.org_create(
                    parent=form.cleaned_data["parent"], code=obj.code, name=obj.name, kind=obj.kind
                )
                obj.pk = created.pk
                return
            if "parent" in form.changed_data:
                services.org_move(org=obj, new_parent=form.cleaned_data["parent"])
            services.org_update(org=obj, name=obj.name, is_active=obj.is_active)
        except DomainError as exc:
            messages.error(request, exc.detail)

    def get_urls(self):
        return [
            path("import/", self.admin_site.admin_view(self.import_view), name="orgs_organisation_import"),
            *super().get_urls(),
        ]

    def import_view(self, request):
        if not self.has_add_permission(request):
            return redirect("admin:index")
        report = None
        if request.method == "POST" and request.FILES.get("file"):
            upload = request.FILES["file"]
            report = import_orgs(upload.read(), upload.name)
            if report.ok:
                result = report.result
                messages.success(
                    request,
                    f"导入完成：新增 {result.created} 个，更名 {result.renamed} 个，"
                    f"未变 {result.unchanged} 个",
                )
                return redirect("admin:orgs_organisation_changelist")
        context = {
            **self.admin_site.each_context(request),
            "title": "从 Excel / CSV 导入组织",
            "report": report,
            "opts": self.model._meta,
        }
        return render(request, "admin/orgs/organisation/import.html", context)


@admin.register(User)
class OfficialAdmin(UserAdmin):
    list_display = ["username", "last_name", "first_name", "org", "role", "is_active"]
    list_filter = ["role", "is_active", "is_staff"]
    list_select_related = ["org"]
    search_fields = ["username", "first_name", "last_name", "org__name", "org__code"]
    raw_id_fields = ["org"]
    fieldsets = [
        *UserAdmin.fieldsets,
        (_("Campaign"), {"fields": ["org", "role"]}),
    ]
    add_fieldsets = [
        *UserAdmin.add_fieldsets,
        (_("Campaign"), {"fields": ["org", "role"]}),
    ]
