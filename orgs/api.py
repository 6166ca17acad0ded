"""`/api/v1/orgs/`: read the units in scope; admins add, rename and deactivate units."""

from __future__ import annotations

from django.db.models import Q
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.response import Response

from yuxi_campaign.core.errors import NotAllowed

from . import rules, selectors, services
from .models import Level, Organisation

ORG_FIELDS = ("id", "code", "name", "level", "kind", "area_type", "parent", "is_active")
ORG_VALUES = ("id", "code", "name", "level", "kind", "area_type", "parent_id", "is_active")


def org_row(values: dict) -> dict:
    row = dict(values)
    row["parent"] = row.pop("parent_id")
    return row


class OrgSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    code = serializers.CharField()
    name = serializers.CharField()
    level = serializers.ChoiceField(choices=Level.choices)
    kind = serializers.ChoiceField(choices=[(k, k) for k in rules.ALL_KINDS])
    area_type = serializers.CharField(read_only=True)
    parent = serializers.IntegerField(allow_null=True)
    is_active = serializers.BooleanField()


class PathItemSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()
    level = serializers.CharField()


class OrgDetailSerializer(OrgSerializer):
    path = PathItemSerializer(many=True, read_only=True)


class OrgCreateSerializer(serializers.Serializer):
    parent = serializers.IntegerField()
    code = serializers.CharField(max_length=20)
    name = serializers.CharField(max_length=100)
    kind = serializers.CharField(max_length=10)
    level = serializers.ChoiceField(choices=Level.choices, required=False)


class OrgUpdateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=100, required=False)
    is_active = serializers.BooleanField(required=False)
    parent = serializers.IntegerField(
        required=False, help_text="move the unit under another parent of the same level"
    )


class IsCampaignAdminForWrites(BasePermission):
    def has_permission(self, request, view):
        if request.method in ("GET", "HEAD", "OPTIONS"):
            return True
        if not request.user.is_campaign_admin:
            raise NotAllowed("只有组织部管理员可以新增或修改单位")
        return True


class OrgViewSet(viewsets.ViewSet):
    permission_classes = [IsAuthenticated, IsCampaignAdminForWrites]
    serializer_class = OrgSerializer
    queryset = Organisation.objects.none()  # for the schema only; every read goes through the selector

    @extend_schema(
        parameters=[
            OpenApiParameter("level", str, enum=Level.values),
            OpenApiParameter("parent", int, description="direct children of this unit"),
            OpenApiParameter("within", int, description="this unit and everything below it"),
            OpenApiParameter("code", str),
            OpenApiParameter("search", str, description="name contains, or code starts with"),
            OpenApiParameter("is_active", bool),
            OpenApiParameter("page", int),
            OpenApiParameter("page_size", int),
        ],
        responses=OrgSerializer(many=True),
    )
    def list(self, request):
        # Queries: count + one page of rows (+ one for `within`), whatever the number of units.
        qs = selectors.orgs_for_user(request.user)
        params = request.query_params
        errors: dict[str, list[str]] = {}
        if level := params.get("level"):
            if level not in Level.values:
                errors["level"] = [f"未知层级“{level}”：可选 {', '.join(Level.values)}"]
            qs = qs.filter(level=level)
        for name in ("parent", "within"):
            if (raw := params.get(name)) is not None and not raw.isdigit():
                errors[name] = [f"{name} 应为单位 id（整数）"]
        if errors:
            raise serializers.ValidationError(errors)
        if parent := params.get("parent"):
            qs = qs.filter(parent_id=int(parent))
        if within := params.get("within"):
            qs = qs.filter(**selectors.within_filter(int(within)))
        if code := params.get("code"):
            qs = qs.filter(code=code)
        if search := params.get("search", "").strip():
            qs = qs.filter(Q(name__contains=search) | Q(code__startswith=search))
        if (active := params.get("is_active")) is not None:
            qs = qs.filter(is_active=active.lower() in {"1", "true", "yes"})
        qs = qs.order_by("tree_id", "lft").values(*ORG_VALUES)
        paginator = self.paginator
        page = paginator.paginate_queryset(qs, request, view=self)
        return paginator.get_paginated_response([org_row(v) for v in page])

    @property
    def paginator(self):
        if not hasattr(self, "_paginator"):
            from yuxi_campaign.core.api import Pagination

            self._paginator = Pagination()
        return self._paginator

    @extend_schema(responses=OrgDetailSerializer)
    def retrieve(self, request, pk=None):
        org = selectors.org_get_for_user(request.user, pk)
        return Response(self._detail(org))

    @extend_schema(request=OrgCreateSerializer, responses={201: OrgDetailSerializer})
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
        return Response(self._detail(org), status=status.HTTP_201_CREATED)

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
        return Response(self._detail(org))

    def _detail(self, org: Organisation) -> dict:
        row = {field: getattr(org, field) for field in ORG_VALUES}
        row = org_row(row)
        row["path"] = selectors.org_path(org)
        return row
