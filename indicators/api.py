"""`/api/v1/indicator-sets/`: the catalogue, nested dimensions and indicators, read-only."""

from __future__ import annotations

from django.db.models import Prefetch
from django_filters import rest_framework as filters
from rest_framework import serializers, viewsets

from orgs.models import Level
from yuxi_campaign.core.filters import IdFilter, choice_filter

from .models import Dimension, Indicator, IndicatorSet


class IndicatorSerializer(serializers.ModelSerializer):
    class Meta:
        model = Indicator
        fields = ["id", "code", "title", "guide", "max_score", "applies_to", "is_veto", "evidence_required"]


class DimensionSerializer(serializers.ModelSerializer):
    indicators = IndicatorSerializer(many=True, read_only=True)

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

    class Meta:
        model = IndicatorSet
        fields: list[str] = []


class IndicatorSetViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = IndicatorSetSerializer
    filterset_class = IndicatorSetFilter

    def get_queryset(self):
        # Queries: count, sets, dimensions, indicators, whatever the number of sets.
        return IndicatorSet.objects.order_by("-year", "level").prefetch_related(
            Prefetch("dimensions", queryset=Dimension.objects.order_by("order")),
            Prefetch("dimensions__indicators", queryset=Indicator.objects.order_by("order")),
        )
