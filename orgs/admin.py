"""系统管理 of units and officials. Every structural write of the tree goes through
``orgs.services`` (one locked path); officials are written by its ``official_*`` services, which
check the subtree and the roles an administrator may grant (``orgs.permissions``)."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext_lazy as _

from . import permissions, rules, services
from .admin_base import ScopedAdmin, ServiceSaveMixin
from .importer import import_orgs
from .models import PHONE_MESSAGE, Organisation, User

SUPERUSER_REFUSED = "不能在系统管理中授予超级管理员权限"


# ---------------------------------------------------------------------------------------------
# Units


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
                if "parent" not in self.errors:
                    raise forms.ValidationError("请选择上级单位（新的市级根单位请用导入功能建立）")
                return data
            level = rules.child_level(parent.level)
            if level is None:
                raise forms.ValidationError(services.level_error(parent_level=parent.level, level="group"))
            if kind and (msg := services.kind_error(kind=kind, level=level)):
                self.add_error("kind", msg)
        elif parent is not None and parent.pk != self.instance.parent_id:
            if msg := services.level_error(parent_level=parent.level, level=self.instance.level):
                self.add_error("parent", msg)
        elif parent is None and self.instance.parent_id is not None and "parent" not in self.errors:
            self.add_error("parent", "请选择上级单位")
        return data


@admin.register(Organisation)
class OrganisationAdmin(ServiceSaveMixin, ScopedAdmin):
    """Units of the administrator's subtree: add under a parent, rename, move, deactivate — all
    through ``orgs.services`` (never the admin's own save of lft/rght). Units are never deleted."""

    scope_prefix = ""
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

    def has_change_permission(self, request, obj=None):
        # An administrator's own unit is its superior's to change.
        if obj is not None and obj.pk == request.user.org_id and not request.user.is_superuser:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False  # units are deactivated, never deleted

    def save_via_service(self, request, obj, form, change):
        if not change:
            created = services.org_create(
                parent=form.cleaned_data["parent"], code=obj.code, name=obj.name, kind=obj.kind
            )
            obj.pk = created.pk
            return
        if "parent" in form.changed_data:
            services.org_move(org=obj, new_parent=form.cleaned_data["parent"])
        services.org_update(org=obj, name=obj.name, is_active=obj.is_active)

    def changelist_view(self, request, extra_context=None):
        may_import = permissions.may(request.user, self.model._meta.label_lower, permissions.IMPORT)
        return super().changelist_view(request, {**(extra_context or {}), "may_import": may_import})

    def get_urls(self):
        return [
            path("import/", self.admin_site.admin_view(self.import_view), name="orgs_organisation_import"),
            *super().get_urls(),
        ]

    @staticmethod
    def _import_within(user):
        """The subtree an administrator imports into: a county's own (None: the whole tree)."""
        return user.org if permissions.admin_role(user) == permissions.COUNTY_ADMIN else None

    def import_view(self, request):
        if not permissions.may(request.user, self.model._meta.label_lower, permissions.IMPORT):
            raise PermissionDenied
        report = None
        if request.method == "POST" and request.FILES.get("file"):
            upload = request.FILES["file"]
            report = import_orgs(upload.read(), upload.name, within=self._import_within(request.user))
            if report.ok:
                result = report.result
                messages.success(
                    request,
                    f"导入完成：新增 {result.created} 个，更名 {result.renamed} 个，"
                    f"未变 {result.unchanged} 个",
                )
                return redirect("admin:orgs_organisation_changelist")
        within = self._import_within(request.user)
        context = {
            **self.admin_site.each_context(request),
            "title": "从 Excel / CSV 导入组织",
            "report": report,
            "within": within,
            "opts": self.model._meta,
        }
        return render(request, "admin/orgs/organisation/import.html", context)


# ---------------------------------------------------------------------------------------------
# Officials


class OfficialFormMixin:
    """The unit, role and superuser checks of an official's form, in Chinese, before any write
    (the services check the same again)."""

    actor: User | None = None  # set per request by the admin's get_form

    def _check_binding(self, data, *, official: User | None) -> None:
        if "is_superuser" in self.data or "is_superuser" in data:
            raise forms.ValidationError(SUPERUSER_REFUSED)
        org, role = data.get("org"), data.get("role")
        if org is None or not role or self.actor is None:
            return
        if official is not None and not permissions.may_manage_official(self.actor, official):
            raise forms.ValidationError("您不能修改该账号：它不在您的管理范围内，或其角色不是您可以授予的")
        if msg := permissions.grant_error(self.actor, org=org, role=role):
            self.add_error("org" if not permissions.in_scope(self.actor, org) else "role", msg)


class OfficialAddForm(OfficialFormMixin, AdminUserCreationForm):
    class Meta(AdminUserCreationForm.Meta):
        model = User
        fields = ["username", "name", "phone", "org", "role"]
        error_messages = {"phone": {"max_length": PHONE_MESSAGE}}

    def clean(self):
        data = super().clean()
        self._check_binding(data, official=None)
        return data


class OfficialChangeForm(OfficialFormMixin, UserChangeForm):
    class Meta(UserChangeForm.Meta):
        model = User
        fields = ["username", "password", "name", "phone", "org", "role", "is_active"]
        error_messages = {"phone": {"max_length": PHONE_MESSAGE}}

    def clean(self):
        data = super().clean()
        self._check_binding(data, official=self.instance)
        if self.instance.pk == getattr(self.actor, "pk", None) and data.get("is_active") is False:
            self.add_error("is_active", "不能停用自己的账号")
        return data


@admin.register(User)
class OfficialAdmin(ServiceSaveMixin, ScopedAdmin, UserAdmin):
    """Officials of the administrator's subtree: create (name, phone, unit, role, password), reset a
    password, change the role or unit, deactivate. Never deleted: deactivated."""

    scope_prefix = "org__"
    form = OfficialChangeForm
    add_form = OfficialAddForm
    list_display = ["username", "name", "phone", "org", "role", "is_active"]
    list_filter = ["role", "is_active"]
    list_select_related = ["org"]
    search_fields = ["username", "name", "phone", "org__name", "org__code"]
    raw_id_fields = ["org"]
    ordering = ["org__tree_id", "org__lft", "username"]
    show_full_result_count = False
    readonly_fields = ["last_login", "date_joined"]
    fieldsets = [
        (None, {"fields": ["username", "password"]}),
        (_("Official"), {"fields": ["name", "phone"]}),
        (_("Campaign"), {"fields": ["org", "role", "is_active"]}),
        (_("Important dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (None, {"fields": ["username", "usable_password", "password1", "password2"]}),
        (_("Official"), {"fields": ["name", "phone"]}),
        (_("Campaign"), {"fields": ["org", "role"]}),
    ]

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        form.actor = request.user  # a fresh class per request
        return form

    def has_change_permission(self, request, obj=None):
        if obj is not None and not permissions.may_manage_official(request.user, obj):
            return False
        return super().has_change_permission(request, obj)

    def save_via_service(self, request, obj, form, change):
        data = form.cleaned_data
        if not change:
            password = data.get("password1") if data.get("set_usable_password", True) else None
            created = services.official_create(
                actor=request.user,
                username=data["username"],
                org=data["org"],
                role=data["role"],
                password=password,
                name=data.get("name", ""),
                phone=data.get("phone", ""),
            )
            obj.pk = created.pk
            return
        services.official_update(
            actor=request.user,
            official=obj,
            org=data["org"],
            role=data["role"],
            name=data.get("name", ""),
            phone=data.get("phone", ""),
            is_active=data.get("is_active", obj.is_active),
        )
