"""`/api/v1/rounds/`: the campaign's yearly rounds; admins change their dates and notice days."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, viewsets
from rest_framework.response import Response

from .. import services
from ..models import Round
from .filters import RoundFilter
from .serializers import RoundSerializer, RoundUpdateSerializer


class RoundViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = RoundSerializer
    filterset_class = RoundFilter
    queryset = Round.objects.order_by("year")
    http_method_names = ["get", "patch", "head", "options"]

    @extend_schema(request=RoundUpdateSerializer, responses=RoundSerializer)
    def partial_update(self, request, pk=None):
        round_ = self.get_object()
        data = RoundUpdateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        round_ = services.round_update(round=round_, actor=request.user, **data.validated_data)
        return Response(RoundSerializer(round_).data)
