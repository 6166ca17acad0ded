"""The admin site of 系统管理 and the base of every ModelAdmin: permissions come from the role
(``orgs.permissions``), rows and foreign-key choices from the user's subtree (``orgs.selectors``)."""

from __future__ import annotations

from django.contrib import admin, messages
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _

from yuxi_campaign.core.errors import DomainError

from . import permissions
from .models import Organisation, User
from .selectors import orgs_for_user, scope_filter

NOT_IN_SCOPE = "该单位不存在，或不在您的管理范围内"


class CampaignAdminSite(admin.AdminSite):
    site_header = _("Administration")
    site_title = _("Administration")
    index_title = _("Administration")

    def has_permission(self, request) -> bool:
        return permissions.may_enter_admin(request.user)


def users_for(user):
    """Officials an administrator reads: those of its subtree, superusers only to superusers."""
    filters = scope_filter(user, "org__")
    if filters is None:
        return User.objects.none()
    queryset = User.objects.filter(**filters)
    return queryset if user.is_superuser else queryset.filter(is_superuser=False)


class ScopedAdmin(admin.ModelAdmin):
    """Actions from the role mapping; rows from the subtree. ``scope_prefix`` is the path from the
    model to its unit (``""`` for units themselves, ``"org__"``, ``"assessment__org__"``), or None
    for campaign-wide reference data (indicator sets, rounds) that every administrator reads."""

    scope_prefix: str | None = None

    def _may(self, request, action: str) -> bool:
        return permissions.may(request.user, self.model._meta.label_lower, action)

    def has_module_permission(self, request) -> bool:
        return permissions.may_use_app(request.user, self.model._meta.app_label)

    def has_view_permission(self, request, obj=None) -> bool:
        return self._may(request, permissions.VIEW) or self._may(request, permissions.CHANGE)

    def has_add_permission(self, request) -> bool:
        return self._may(request, permissions.ADD)

    def has_change_permission(self, request, obj=None) -> bool:
        return self._may(request, permissions.CHANGE)

    def has_delete_permission(self, request, obj=None) -> bool:
        return self._may(request, permissions.DELETE)

    def scope_queryset(self, request, queryset):
        if self.scope_prefix is None:
            return queryset
        if self.model is User:
            return queryset.filter(pk__in=users_for(request.user).values("pk"))
        filters = scope_filter(request.user, self.scope_prefix)
        return queryset.none() if filters is None else queryset.filter(**filters)

    def get_queryset(self, request):
        return self.scope_queryset(request, super().get_queryset(request))

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        """A unit or an official to choose comes from the user's subtree only."""
        if db_field.related_model is Organisation:
            kwargs.setdefault("queryset", orgs_for_user(request.user))
        elif db_field.related_model is User:
            kwargs.setdefault("queryset", users_for(request.user))
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if field is not None and db_field.related_model is Organisation:
            field.error_messages["invalid_choice"] = NOT_IN_SCOPE
        return field


class ScopedInline:
    """An inline takes its permissions from the role mapping too."""

    def _may(self, request, action: str) -> bool:
        return permissions.may(request.user, self.model._meta.label_lower, action)

    def has_view_permission(self, request, obj=None) -> bool:
        return self._may(request, permissions.VIEW) or self._may(request, permissions.CHANGE)

    def has_add_permission(self, request, obj=None) -> bool:
        return self._may(request, permissions.ADD)

    def has_change_permission(self, request, obj=None) -> bool:
        return self._may(request, permissions.CHANGE)

    def has_delete_permission(self, request, obj=None) -> bool:
        return self._may(request, permissions.DELETE)


class ServiceSaveMixin:
    """Admin saves that call a service: a refused write shows the service's Chinese message,
    writes nothing and logs nothing, and the form opens again."""

    def save_via_service(self, request, obj, form, change) -> None:
        raise NotImplementedError

    def save_model(self, request, obj, form, change):
        try:
            self.save_via_service(request, obj, form, change)
        except DomainError as exc:
            request._service_refusal = exc.detail

    def _refused(self, request):
        return getattr(request, "_service_refusal", None)

    def log_addition(self, request, obj, message):
        return None if self._refused(request) else super().log_addition(request, obj, message)

    def log_change(self, request, obj, message):
        return None if self._refused(request) else super().log_change(request, obj, message)

    def save_related(self, request, form, formsets, change):
        if not self._refused(request):
            super().save_related(request, form, formsets, change)

    def response_add(self, request, obj, post_url_continue=None):
        if refusal := self._refused(request):
            messages.error(request, refusal)
            return redirect(request.path)
        return super().response_add(request, obj, post_url_continue)

    def response_change(self, request, obj):
        if refusal := self._refused(request):
            messages.error(request, refusal)
            return redirect(request.path)
        return super().response_change(request, obj)
