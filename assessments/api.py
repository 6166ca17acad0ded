"""`/api/v1/rounds/` (the workflow's endpoints join this module in the workflow issue)."""

from __future__ import annotations

from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.response import Response

from yuxi_campaign.core.errors import NotAllowed

from . import services
from .models import Round


class RoundSerializer(serializers.ModelSerializer):
    class Meta:
        model = Round
        fields = [
            "id",
            "year",
            "campaign",
            "notice_days",
            "declaration_opens",
            "declaration_closes",
            "self_assessment_closes",
            "review_closes",
        ]
        read_only_fields = ["id", "year", "campaign"]


class RoundUpdateSerializer(serializers.Serializer):
    notice_days = serializers.IntegerField(required=False, min_value=1, max_value=30)
    declaration_opens = serializers.DateField(required=False)
    declaration_closes = serializers.DateField(required=False)
    self_assessment_closes = serializers.DateField(required=False)
    review_closes = serializers.DateField(required=False)


class RoundFilter(filters.FilterSet):
    class Meta:
        model = Round
        fields = ["year", "campaign"]


class RoundViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = RoundSerializer
    filterset_class = RoundFilter
    queryset = Round.objects.order_by("year")
    http_method_names = ["get", "patch", "head", "options"]

    @extend_schema(request=RoundUpdateSerializer, responses=RoundSerializer)
    def partial_update(self, request, pk=None):
        if not request.user.is_campaign_admin:
            raise NotAllowed("只有组织部管理员可以修改评估轮次")
        round_ = self.get_object()
        data = RoundUpdateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        round_ = services.round_update(round=round_, **data.validated_data)
        return Response(RoundSerializer(round_).data)
