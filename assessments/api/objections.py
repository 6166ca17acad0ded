"""`/api/v1/objections/`: objections on the units in scope, and the parent leader's decision."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from yuxi_campaign.core.schema import errors

from .. import selectors, services
from ..filters import ObjectionFilter
from ..models import Objection
from .serializers import ObjectionDecisionSerializer, ObjectionSerializer


class ObjectionViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    serializer_class = ObjectionSerializer
    filterset_class = ObjectionFilter
    queryset = Objection.objects.none()  # the model, for the schema; rows come from get_queryset

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "user": self.request.user}

    def get_queryset(self):
        # Queries: count + one page (assessment, unit and round joined).
        return selectors.objections_for_user(self.request.user).order_by("-created_at")

    @extend_schema(request=ObjectionDecisionSerializer, responses={200: ObjectionSerializer, **errors(409)})
    @action(detail=True, methods=["post"])
    def decision(self, request, pk=None):
        objection = selectors.objection_get_for_user(request.user, pk)
        data = ObjectionDecisionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.objection_decide(objection_id=objection.pk, actor=request.user, **data.validated_data)
        fresh = selectors.objection_get_for_user(request.user, pk)
        return Response(ObjectionSerializer(fresh, context=self.get_serializer_context()).data)
