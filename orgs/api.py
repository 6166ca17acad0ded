"""`/api/v1/orgs/`: read the units in scope; admins add, rename and deactivate units."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.response import Response

from yuxi_campaign.core.api import TextField, WholeNumberField
from yuxi_campaign.core.errors import NotAllowed
from yuxi_campaign.core.schema import errors

from . import rules, selectors, services
from .filters import OrgFilter
from .models import Level, Organisation

ORG_VALUES = ("id", "code", "name", "level", "kind", "area_type", "parent_id", "is_active")


class OrgSerializer(serializers.Serializer):
    """A unit, from a model instance or a ``.values(*ORG_VALUES)`` row."""

    id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()
    level = serializers.ChoiceField(choices=Level.choices)
    kind = serializers.ChoiceField(choices=[(k, k) for k in rules.ALL_KINDS])
    area_type = serializers.CharField()
    parent = serializers.IntegerField(source="parent_id", allow_null=True)
    is_active = serializers.BooleanField()


class PathItemSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()
    level = serializers.ChoiceField(choices=Level.choices)


class OrgDetailSerializer(OrgSerializer):
    path = serializers.SerializerMethodField()

    @extend_schema_field(PathItemSerializer(many=True))
    def get_path(self, org: Organisation) -> list[dict]:
        return selectors.org_path(org)


class OrgCreateSerializer(serializers.Serializer):
    parent = WholeNumberField()
    code = TextField(max_length=20)
    name = TextField(max_length=100)
    kind = TextField(max_length=10)
    level = serializers.ChoiceField(choices=Level.choices, required=False)


class OrgUpdateSerializer(serializers.Serializer):
    name = TextField(max_length=100, required=False)
    is_active = serializers.BooleanField(required=False)
    parent = WholeNumberField(
        required=False, help_text="move the unit under another parent of the same level"
    )


class IsCampaignAdminForWrites(BasePermission):
    def has_permission(self, request, view):
        if request.method in ("GET", "HEAD", "OPTIONS"):
            return True
        if not request.user.is_campaign_admin:
            raise NotAllowed("只有组织部管理员可以新增或修改单位")
        return True


class OrgViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    permission_classes = [IsAuthenticated, IsCampaignAdminForWrites]
    serializer_class = OrgSerializer
    filterset_class = OrgFilter
    queryset = Organisation.objects.none()  # the model, for the schema; rows come from get_queryset

    def get_queryset(self):
        # Queries: count + one page of rows (+ one for `within`), whatever the number of units.
        return selectors.orgs_for_user(self.request.user).order_by("tree_id", "lft").values(*ORG_VALUES)

    @extend_schema(responses=OrgDetailSerializer)
    def retrieve(self, request, pk=None):
        org = selectors.org_get_for_user(request.user, pk)
        return Response(OrgDetailSerializer(org).data)

    @extend_schema(request=OrgCreateSerializer, responses={201: OrgDetailSerializer, **errors(404)})
    def create(self, request):
        data = OrgCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        parent = selectors.org_get_for_user(request.user, data.validated_data["parent"])
        org = services.org_create(
            parent=parent,
            code=data.validated_data["code"],
            name=data.validated_data["name"],
            kind=data.validated_data["kind"],
            level=data.validated_data.get("level"),
        )
        return Response(OrgDetailSerializer(org).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=OrgUpdateSerializer, responses=OrgDetailSerializer)
    def partial_update(self, request, pk=None):
        org = selectors.org_get_for_user(request.user, pk)
        data = OrgUpdateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        if "parent" in values:
            new_parent = selectors.org_get_for_user(request.user, values["parent"])
            if new_parent.pk != org.parent_id:
                org = services.org_move(org=org, new_parent=new_parent)
        if "name" in values or "is_active" in values:
            org = services.org_update(org=org, name=values.get("name"), is_active=values.get("is_active"))
        return Response(OrgDetailSerializer(org).data)
