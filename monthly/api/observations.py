"""`/api/v1/observations/`: the monthly on-site observations (现场观摩) in the caller's scope;
record one, change it, add photos, answer a problem, fetch a photo. Each write is one service
call; the answers are written by the output serializer."""

from __future__ import annotations

from django.utils import timezone
from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from orgs.selectors import within_filter
from yuxi_campaign.core.api import TextField, UtcDateTimeField, WholeNumberField
from yuxi_campaign.core.export_api import ExportMixin, export_schema
from yuxi_campaign.core.filters import IdFilter
from yuxi_campaign.core.schema import errors

from .. import selectors, services
from ..models import Observation

# ---------------------------------------------------------------------------------------------
# Filters


class ObservationFilter(filters.FilterSet):
    year = IdFilter()
    month = IdFilter()
    unit = IdFilter(field_name="unit_id")
    within = IdFilter(method="filter_within", label="this unit and everything below it")

    class Meta:
        model = Observation
        fields: list[str] = []

    def filter_within(self, queryset, name, value):
        return queryset.filter(**within_filter(value, prefix="unit__"))


# ---------------------------------------------------------------------------------------------
# Answers


class ObservedUnitSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()


class ObservationScoreSerializer(serializers.Serializer):
    item = serializers.IntegerField(source="item_id")
    title = serializers.CharField(source="item.title")
    max_score = serializers.DecimalField(max_digits=5, decimal_places=1)
    score = serializers.DecimalField(max_digits=5, decimal_places=1)


class ObservationPhotoSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    caption = serializers.CharField()
    original_name = serializers.CharField()
    content_type = serializers.CharField()
    width = serializers.IntegerField()
    height = serializers.IntegerField()
    size = serializers.IntegerField()
    uploaded_at = UtcDateTimeField()
    url = serializers.SerializerMethodField()
    thumbnail_url = serializers.SerializerMethodField()

    def _url(self, photo, kind: str) -> str:
        return f"/api/v1/observations/{photo.observation_id}/photos/{photo.pk}/{kind}/"

    def get_url(self, photo) -> str:
        return self._url(photo, "file")

    def get_thumbnail_url(self, photo) -> str:
        return self._url(photo, "thumbnail")


class ObservationProblemSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    description = serializers.CharField()
    deadline = serializers.DateField()
    status = serializers.SerializerMethodField(
        help_text="open (deadline to come), overdue (deadline passed, no answer), answered, "
        "late (answered after the deadline)"
    )
    answer_note = serializers.CharField()
    answered_at = UtcDateTimeField(allow_null=True)
    answered_by = serializers.CharField(source="answered_by.username", allow_null=True, default=None)
    photos = ObservationPhotoSerializer(many=True)

    def get_status(self, problem) -> str:
        return selectors.problem_status(problem, self.context["today"])


class ObservationSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    unit = ObservedUnitSerializer()
    observer = ObservedUnitSerializer()
    year = serializers.IntegerField()
    month = serializers.IntegerField()
    date = serializers.DateField()
    inspectors = serializers.ListField(child=serializers.CharField())
    scores = ObservationScoreSerializer(many=True, source="scores.all")
    total = serializers.DecimalField(max_digits=5, decimal_places=1, help_text="out of 100")
    comments = serializers.CharField()
    sites_visited = serializers.CharField()
    problems = ObservationProblemSerializer(many=True, source="problems.all")
    photos = ObservationPhotoSerializer(many=True, source="visit_photos")
    created_at = UtcDateTimeField()
    updated_at = UtcDateTimeField()


# ---------------------------------------------------------------------------------------------
# Requests


@extend_schema_field({"oneOf": [{"type": "number"}, {"type": "string", "pattern": r"^\d{1,3}(\.\d)?$"}]})
class ObservationScoreValueField(serializers.Field):
    """A score as a JSON number or plain decimal text; the service checks notation and maximum."""

    def to_internal_value(self, data):
        return data

    def to_representation(self, value):
        return value


class ObservationScoreInSerializer(serializers.Serializer):
    item = WholeNumberField(help_text="a rubric item id")
    score = ObservationScoreValueField(help_text="0 … the item's max_score, one decimal at most")


class ObservationProblemInSerializer(serializers.Serializer):
    description = TextField(max_length=1000)
    deadline = serializers.DateField(help_text="rectification deadline, on or after the visit")


class ObservationWriteSerializer(serializers.Serializer):
    date = serializers.DateField(help_text="the day of the visit, within year/month")
    inspectors = serializers.ListField(child=TextField(max_length=30), max_length=30)
    scores = ObservationScoreInSerializer(many=True, help_text="every rubric item in use, once")
    comments = TextField(required=False, allow_blank=True, max_length=5000)
    sites_visited = TextField(required=False, allow_blank=True, max_length=2000)
    problems = ObservationProblemInSerializer(
        many=True, required=False, help_text="problems found, each with a deadline"
    )


class ObservationCreateSerializer(ObservationWriteSerializer):
    unit = WholeNumberField(help_text="the observed unit: a direct child of the caller's unit")
    year = WholeNumberField(required=False, help_text="defaults to the year of date")
    month = WholeNumberField(
        required=False, min_value=1, max_value=12, help_text="defaults to the month of date"
    )


class ObservationPatchSerializer(ObservationWriteSerializer):
    """Every field optional; ``scores`` replaces the items given; ``problems`` adds new ones."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, partial=True, **kwargs)


class ObservationPhotoUploadSerializer(serializers.Serializer):
    photo = serializers.FileField(help_text="jpg, png or webp; at most 15 MB")
    caption = serializers.CharField(required=False, allow_blank=True, max_length=200)


class ObservationAnswerSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=2000, help_text="what was rectified")
    photo = serializers.FileField(help_text="a photo of the rectification: jpg, png or webp; at most 15 MB")


# ---------------------------------------------------------------------------------------------
# The viewset


@extend_schema_view(list=export_schema(ObservationSerializer(many=True)))
class ObservationViewSet(
    ExportMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """``?format=xlsx|csv`` on the list: every observation of the filtered scope as a file (the
    ``observations`` export source, one row an observation)."""

    export_source = "observations"
    serializer_class = ObservationSerializer

    def get_renderers(self):
        """The file formats belong to the list; the other actions keep DRF's own (an unknown
        ``?format=`` there is DRF's 404, as documented)."""
        if getattr(self, "action", None) == "list":
            return super().get_renderers()
        return super(ExportMixin, self).get_renderers()

    def get_content_negotiator(self):
        if getattr(self, "action", None) == "list":
            return super().get_content_negotiator()
        return DefaultContentNegotiation()

    filterset_class = ObservationFilter
    queryset = Observation.objects.none()  # the model, for the schema; rows come from get_queryset

    def get_queryset(self):
        # Queries of a page: count, the page (units joined), scores with items, problems with who
        # answered, their photos, the visit's photos: six, however many rows.
        qs = selectors.observations_for_user(self.request.user).order_by("-year", "-month", "unit__code")
        return selectors.observation_detail_queryset(qs)

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "today": timezone.localdate()}

    def _answer(self, pk, status_code=status.HTTP_200_OK) -> Response:
        observation = selectors.observation_get_for_user(self.request.user, pk)
        return Response(self.get_serializer(observation).data, status=status_code)

    def retrieve(self, request, pk=None):
        return self._answer(pk)

    @extend_schema(
        request=ObservationCreateSerializer, responses={201: ObservationSerializer, **errors(404, 409)}
    )
    def create(self, request):
        data = ObservationCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        observation = services.observation_create(
            actor=request.user, unit_id=data.validated_data.pop("unit"), **data.validated_data
        )
        return self._answer(observation.pk, status.HTTP_201_CREATED)

    @extend_schema(request=ObservationPatchSerializer, responses={200: ObservationSerializer})
    def partial_update(self, request, pk=None):
        data = ObservationPatchSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.observation_update(actor=request.user, observation_id=pk, changes=dict(data.validated_data))
        return self._answer(pk)

    @extend_schema(
        request={"multipart/form-data": ObservationPhotoUploadSerializer},
        responses={201: ObservationPhotoSerializer},
    )
    @action(detail=True, methods=["post"], parser_classes=[MultiPartParser, FormParser])
    def photos(self, request, pk=None):
        photo = services.observation_photo_add(
            actor=request.user,
            observation_id=pk,
            upload=request.FILES.get("photo"),
            caption=request.data.get("caption", ""),
        )
        return Response(ObservationPhotoSerializer(photo).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request={"multipart/form-data": ObservationAnswerSerializer},
        responses={200: ObservationSerializer, **errors(409)},
    )
    @action(
        detail=True,
        methods=["post"],
        url_path=r"problems/(?P<problem_id>[0-9]+)/answer",
        parser_classes=[MultiPartParser, FormParser],
    )
    def answer(self, request, pk=None, problem_id=None):
        services.problem_answer(
            actor=request.user,
            observation_id=pk,
            problem_id=problem_id,
            note=request.data.get("note"),
            upload=request.FILES.get("photo"),
        )
        return self._answer(pk)

    @extend_schema(
        responses={(200, "image/*"): OpenApiResponse(OpenApiTypes.BINARY, description="the image")},
    )
    @action(detail=True, methods=["get"], url_path=r"photos/(?P<photo_id>[0-9]+)/(?P<kind>file|thumbnail)")
    def photo_file(self, request, pk=None, photo_id=None, kind=None):
        observation = selectors.observation_get_for_user(request.user, pk)
        return selectors.photo_file_response(observation, photo_id, thumb=kind == "thumbnail")
