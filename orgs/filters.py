"""The units list's filters: one FilterSet for `/api/v1/orgs/` and the `/units/` page."""

from __future__ import annotations

from django.db.models import Q
from django_filters import rest_framework as filters

from yuxi_campaign.core.filters import IdFilter, StrictBooleanFilter, choice_filter

from .models import Level, Organisation
from .selectors import within_filter


class OrgFilter(filters.FilterSet):
    level = choice_filter(Level.choices)
    parent = IdFilter(field_name="parent_id", label="direct children of this unit")
    within = IdFilter(method="filter_within", label="this unit and everything below it")
    code = filters.CharFilter()
    search = filters.CharFilter(method="filter_search", label="name contains, or code starts with")
    is_active = StrictBooleanFilter()

    class Meta:
        model = Organisation
        fields: list[str] = []  # all declared above

    def filter_within(self, queryset, name, value):
        return queryset.filter(**within_filter(value))

    def filter_search(self, queryset, name, value):
        return queryset.filter(Q(name__contains=value) | Q(code__startswith=value))
