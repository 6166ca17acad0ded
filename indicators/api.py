"""`/api/v1/indicator-sets/`: the catalogue, nested dimensions and indicators, read-only. With
``?org=<id>`` (a unit in the caller's scope): the sets of the unit's level, with the indicators that
apply to it in its wording (a rural unit's ``title`` and ``guide`` are the rural ones)."""

from __future__ import annotations

from django.db.models import Prefetch
from django_filters import rest_framework as filters
from rest_framework import serializers, viewsets

from orgs.models import Level
from orgs.selectors import org_get_for_user
from yuxi_campaign.core.api import whole_number
from yuxi_campaign.core.filters import IdFilter, choice_filter

from .models import Dimension, Indicator, IndicatorSet, for_unit


class IndicatorSerializer(serializers.ModelSerializer):
    class Meta:
        model = Indicator
        fields = [
            "id",
            "code",
            "title",
            "guide",
            "max_score",
            "applies_to",
            "is_veto",
            "evidence_required",
            "title_rural",
            "guide_rural",
            "title_urban",
            "guide_urban",
        ]


class DimensionIndicatorsField(serializers.ListField):
    """A dimension's indicators: every one, or with ``?org=`` those that apply to the unit, in
    the unit's wording."""

    child = IndicatorSerializer()

    def get_attribute(self, dimension):
        indicators = dimension.indicators.all()
        area_type = self.context.get("area_type")
        return for_unit(indicators, area_type) if area_type else list(indicators)


class DimensionSerializer(serializers.ModelSerializer):
    indicators = DimensionIndicatorsField(read_only=True)

    class Meta:
        model = Dimension
        fields = ["id", "name", "order", "indicators"]


class IndicatorSetSerializer(serializers.ModelSerializer):
    dimensions = DimensionSerializer(many=True, read_only=True)

    class Meta:
        model = IndicatorSet
        fields = [
            "id",
            "level",
            "year",
            "name",
            "note",
            "total_score",
            "standard_threshold",
            "demonstration_threshold",
            "is_frozen",
            "dimensions",
        ]


class IndicatorSetFilter(filters.FilterSet):
    level = choice_filter(Level.choices)
    year = IdFilter()
    org = IdFilter(
        method="filter_org",
        label="a unit in scope: its level's sets, the indicators that apply to it in its wording",
    )

    def filter_org(self, queryset, name, value):
        return queryset.filter(level=org_get_for_user(self.request.user, value).level)

    class Meta:
        model = IndicatorSet
        fields: list[str] = []


class IndicatorSetViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = IndicatorSetSerializer
    filterset_class = IndicatorSetFilter

    def get_serializer_context(self):
        context = super().get_serializer_context()
        org_id = self.request.query_params.get("org")
        if org_id:
            try:
                context["area_type"] = org_get_for_user(self.request.user, whole_number(org_id)).area_type
            except ValueError:
                pass  # the filter answers a bad value with a 400
        return context

    def get_queryset(self):
        # Queries: count, sets, dimensions, indicators, whatever the number of sets.
        return IndicatorSet.objects.order_by("-year", "level").prefetch_related(
            Prefetch("dimensions", queryset=Dimension.objects.order_by("order")),
            Prefetch("dimensions__indicators", queryset=Indicator.objects.order_by("order")),
        )
