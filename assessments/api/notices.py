"""`/api/v1/notices/`: the public notice (no login) and objections to it, throttled per address.
The public page counts its objections with the same throttle."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle

from yuxi_campaign.core.auth import client_ip
from yuxi_campaign.core.schema import errors

from .. import selectors, services
from ..models import Assessment
from .serializers import NoticeSerializer, ObjectionInSerializer, ObjectionReceivedSerializer

RECEIVED = "异议已收到，上级党组织将在公示期内核实处理"


class ObjectionThrottle(ScopedRateThrottle):
    """Counts the objections (POST) per address; reading the notices is not throttled."""

    scope_attr = "throttle_scope"

    def allow_request(self, request, view):
        if request.method != "POST":
            return True
        return super().allow_request(request, view)


class NoticeViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    permission_classes = [AllowAny]
    authentication_classes: list = []
    throttle_classes = [ObjectionThrottle]
    throttle_scope = "objection"
    serializer_class = NoticeSerializer
    queryset = Assessment.objects.none()  # the model, for the schema; rows come from get_queryset

    def get_queryset(self):
        # Queries: count + one page (unit, its county, township and village, and the round joined).
        return selectors.notices()

    @extend_schema(
        request=ObjectionInSerializer,
        responses={201: ObjectionReceivedSerializer, **errors(404, 409, 429)},
    )
    @action(detail=True, methods=["post"])
    def objections(self, request, pk=None):
        data = ObjectionInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        objection = services.objection_submit(
            assessment_id=pk,
            content=data.validated_data["content"],
            contact=data.validated_data.get("contact", ""),
            ip_address=client_ip(request),
        )
        received = ObjectionReceivedSerializer({"id": objection.pk, "detail": RECEIVED})
        return Response(received.data, status=status.HTTP_201_CREATED)
