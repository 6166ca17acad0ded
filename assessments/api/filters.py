"""Filters of the lists only the API has. The lists that pages show too filter through
``assessments.filters``."""

from __future__ import annotations

from django_filters import rest_framework as filters

from yuxi_campaign.core.filters import IdFilter, StrictBooleanFilter

from ..models import Campaign, Notification, Round


class NotificationFilter(filters.FilterSet):
    unread = StrictBooleanFilter(method="filter_unread", label="true: only the unread ones")

    class Meta:
        model = Notification
        fields: list[str] = []

    def filter_unread(self, queryset, name, value):
        return queryset.filter(read_at__isnull=True) if value else queryset


class RoundFilter(filters.FilterSet):
    year = IdFilter()
    campaign = filters.ModelChoiceFilter(queryset=Campaign.objects.all())

    class Meta:
        model = Round
        fields: list[str] = []
