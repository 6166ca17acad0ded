"""`/api/v1/model-sites/`: the model sites (示范点). Anyone reads the public fields; officials whose
subtree holds a site also read its status and internal fields (null for everyone else). Leaders
and administrators of a county designate and edit its sites, those of the city every county's;
photos are uploaded as multipart to ``…/{id}/photos/``."""

from __future__ import annotations

from django.urls import reverse
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response

from orgs.models import Level
from yuxi_campaign.core.api import TextField, WholeNumberField
from yuxi_campaign.core.filters import IdFilter, choice_filter
from yuxi_campaign.core.schema import errors

from .. import policy, selectors, services
from ..models import ModelSite, SiteStatus

PUBLIC_ACTIONS = frozenset({"list", "retrieve"})


class SiteFilter(filters.FilterSet):
    county = IdFilter(field_name="county_id", label="sites of this county")
    kind = IdFilter(field_name="kind_id", label="sites of this kind")
    level = choice_filter([c for c in Level.choices if c[0] != "city"], field_name="org__level")

    class Meta:
        model = ModelSite
        fields: list[str] = []


class SiteKindSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    level = serializers.ChoiceField(choices=Level.choices)
    tagline = serializers.CharField()


class SiteUnitSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()
    level = serializers.ChoiceField(choices=Level.choices)
    kind = serializers.CharField()


class SiteCountySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()


class SitePhotoSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    caption = serializers.CharField()
    width = serializers.IntegerField()
    height = serializers.IntegerField()
    url = serializers.SerializerMethodField()
    thumbnail_url = serializers.SerializerMethodField()

    def get_url(self, photo) -> str:
        return reverse("showcase_photo", args=[photo.pk])

    def get_thumbnail_url(self, photo) -> str:
        return reverse("showcase_thumbnail", args=[photo.pk])


class SiteVisitSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    date = serializers.DateField()
    note = serializers.CharField()


class ModelSiteSerializer(serializers.Serializer):
    """A site: public fields for everyone; ``status``, ``internal_note`` and ``contact`` only for
    officials whose subtree holds the site (``null`` otherwise)."""

    id = serializers.IntegerField()
    org = SiteUnitSerializer()
    county = SiteCountySerializer()
    path = serializers.SerializerMethodField(help_text="county · township")
    kind = SiteKindSerializer()
    highlight = serializers.CharField()
    description = serializers.CharField()
    photos = SitePhotoSerializer(many=True)
    status = serializers.SerializerMethodField()
    internal_note = serializers.SerializerMethodField()
    contact = serializers.SerializerMethodField()

    def _internal(self, site) -> bool:
        viewer = self.context.get("viewer")
        return viewer is not None and policy.may_see_site_internals(viewer, site.org)

    def get_path(self, site) -> str:
        return selectors.site_path(site)

    @extend_schema_field(serializers.ChoiceField(choices=SiteStatus.choices, allow_null=True))
    def get_status(self, site):
        return site.status if self._internal(site) else None

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_internal_note(self, site):
        return site.internal_note if self._internal(site) else None

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_contact(self, site):
        return site.contact if self._internal(site) else None


class ModelSiteDetailSerializer(ModelSiteSerializer):
    visits = serializers.SerializerMethodField(help_text="recorded visits; null outside the caller's scope")

    @extend_schema_field(SiteVisitSerializer(many=True, allow_null=True))
    def get_visits(self, site):
        if not self._internal(site):
            return None
        return SiteVisitSerializer(site.visits.order_by("-date", "-pk"), many=True).data


class SiteCreateSerializer(serializers.Serializer):
    org = WholeNumberField(help_text="the unit designated (id)")
    kind = WholeNumberField(help_text="the kind of site (id)")
    highlight = TextField(allow_blank=True, help_text="its highlight, one line of at most 40 characters")
    description = TextField(required=False, allow_blank=True)
    status = serializers.ChoiceField(choices=SiteStatus.choices, required=False)
    internal_note = TextField(required=False, allow_blank=True)
    contact = TextField(required=False, allow_blank=True)


class SiteUpdateSerializer(serializers.Serializer):
    kind = WholeNumberField(required=False)
    highlight = TextField(required=False, allow_blank=True)
    description = TextField(required=False, allow_blank=True)
    status = serializers.ChoiceField(choices=SiteStatus.choices, required=False)
    internal_note = TextField(required=False, allow_blank=True)
    contact = TextField(required=False, allow_blank=True)


class SitePhotoUploadSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="a jpg, png or webp photo")
    caption = serializers.CharField(required=False, allow_blank=True)


class ModelSiteViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    serializer_class = ModelSiteSerializer
    filterset_class = SiteFilter
    queryset = ModelSite.objects.none()  # the model, for the schema; rows come from get_queryset

    @property
    def permission_classes(self):
        # Reads are public (internal fields only in scope); every write needs a login.
        return [AllowAny] if getattr(self, "action", None) in PUBLIC_ACTIONS else [IsAuthenticated]

    def get_queryset(self):
        # Queries: count + one page (unit, county, township and kind joined) + its photos.
        return selectors.showcase_sites()

    def get_serializer_context(self):
        context = super().get_serializer_context()
        user = self.request.user
        context["viewer"] = user if user.is_authenticated else None
        return context

    def _answer(self, pk, code=status.HTTP_200_OK):
        site = selectors.showcase_site(pk)
        return Response(
            ModelSiteDetailSerializer(site, context=self.get_serializer_context()).data, status=code
        )

    @extend_schema(responses=ModelSiteDetailSerializer)
    def retrieve(self, request, pk=None):
        return self._answer(pk)

    @extend_schema(request=SiteCreateSerializer, responses={201: ModelSiteDetailSerializer, **errors(409)})
    def create(self, request):
        data = SiteCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        site = services.site_create(
            actor=request.user,
            org_id=values["org"],
            kind=values["kind"],
            highlight=values["highlight"],
            description=values.get("description", ""),
            status=values.get("status", SiteStatus.BUILDING),
            internal_note=values.get("internal_note", ""),
            contact=values.get("contact", ""),
        )
        return self._answer(site.pk, status.HTTP_201_CREATED)

    @extend_schema(request=SiteUpdateSerializer, responses={200: ModelSiteDetailSerializer, **errors(404)})
    def partial_update(self, request, pk=None):
        data = SiteUpdateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        site = services.site_update(actor=request.user, site_id=pk, changes=dict(data.validated_data))
        return self._answer(site.pk)

    @extend_schema(
        request={"multipart/form-data": SitePhotoUploadSerializer},
        responses={201: SitePhotoSerializer, **errors(404)},
    )
    @action(detail=True, methods=["post"], parser_classes=[MultiPartParser, FormParser])
    def photos(self, request, pk=None):
        # The service checks the file by its content; a form without one gets its Chinese message.
        photo = services.site_photo_add(
            actor=request.user,
            site_id=pk,
            upload=request.FILES.get("file"),
            caption=request.data.get("caption", ""),
        )
        return Response(SitePhotoSerializer(photo).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses={204: None, **errors(404)})
    @action(detail=True, methods=["delete"], url_path=r"photos/(?P<photo_id>\d+)")
    def photo_delete(self, request, pk=None, photo_id=None):
        services.site_photo_delete(actor=request.user, site_id=pk, photo_id=photo_id)
        return Response(status=status.HTTP_204_NO_CONTENT)
