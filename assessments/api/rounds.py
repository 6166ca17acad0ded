"""`/api/v1/rounds/`: the campaign's yearly rounds; admins change their dates and notice days, and
extend a window for one unit or for all (`/rounds/{id}/extensions/`)."""

from __future__ import annotations

from django.db.models import Q
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from orgs.models import Organisation
from orgs.selectors import orgs_for_user
from yuxi_campaign.core.errors import OutOfScope

from .. import services
from ..models import Round, RoundExtension
from .filters import RoundFilter
from .serializers import (
    RoundExtendSerializer,
    RoundExtensionSerializer,
    RoundSerializer,
    RoundUpdateSerializer,
)


class RoundViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = RoundSerializer
    filterset_class = RoundFilter
    queryset = Round.objects.order_by("year")
    http_method_names = ["get", "post", "patch", "head", "options"]

    @extend_schema(request=RoundUpdateSerializer, responses=RoundSerializer)
    def partial_update(self, request, pk=None):
        round_ = self.get_object()
        data = RoundUpdateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        round_ = services.round_update(round=round_, actor=request.user, **data.validated_data)
        return Response(RoundSerializer(round_).data)

    @extend_schema(
        methods=["GET"],
        responses=RoundExtensionSerializer(many=True),
        description="The round's extensions: those for all units and those of units in the caller's scope.",
    )
    @extend_schema(
        methods=["POST"],
        request=RoundExtendSerializer,
        responses={201: RoundExtensionSerializer},
        description=(
            "Extend a window (declaration, self_assessment, review) for one unit (`org`) or for all "
            "(no `org`): admins only; the new close date must be later than the current one and a "
            "reason is required (it goes to the event log)."
        ),
    )
    @action(detail=True, methods=["get", "post"], filterset_class=None, pagination_class=None)
    def extensions(self, request, pk=None):
        round_ = self.get_object()
        if request.method == "POST":
            data = RoundExtendSerializer(data=request.data)
            data.is_valid(raise_exception=True)
            org = None
            if (org_id := data.validated_data.get("org")) is not None:
                org = Organisation.objects.filter(pk=org_id).first()
                if org is None:
                    raise OutOfScope("未找到该单位，或不在您的权限范围内")
            extension = services.round_extend(
                round=round_,
                actor=request.user,
                window=data.validated_data["window"],
                closes=data.validated_data["closes"],
                reason=data.validated_data.get("reason", ""),
                org=org,
            )
            return Response(RoundExtensionSerializer(extension).data, status=status.HTTP_201_CREATED)
        rows = (
            RoundExtension.objects.filter(round=round_)
            .filter(Q(org__isnull=True) | Q(org__in=orgs_for_user(request.user)))
            .select_related("org", "created_by", "round")
            .order_by("created_at", "pk")
        )
        return Response(RoundExtensionSerializer(rows, many=True).data)
