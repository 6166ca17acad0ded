"""`/api/v1/meetings/`: the progress meeting rota (工作推进会). Lists and reads the meetings of the
rotas the caller may read (their own subtree's and the city's above them); a host is confirmed or
overridden with POST, a meeting's record, status or host changed with PATCH; ``proposal`` says
which unit the rota proposes for a month and why. Each write is one service call."""

from __future__ import annotations

from django.utils import timezone
from django_filters import rest_framework as filters
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from yuxi_campaign.core.api import TextField, WholeNumberField
from yuxi_campaign.core.errors import InvalidInput
from yuxi_campaign.core.filters import IdFilter
from yuxi_campaign.core.schema import errors

from .. import selectors, services
from ..models import Meeting, MeetingStatus

RULE = (
    "least often hosted in the meeting's calendar year, then longest ago (never hosted counts as "
    "longest), then the lowest code; meetings scheduled count, and so do the rota's own proposals "
    "for the months from now on before the one asked"
)


class MeetingFilter(filters.FilterSet):
    organiser = IdFilter(label="the organising unit (the city, or a county for its townships)")
    host = IdFilter()
    year = IdFilter()
    month = IdFilter()

    class Meta:
        model = Meeting
        fields: list[str] = []


class MeetingUnitSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()


class AttachmentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField(source="original_name")
    content_type = serializers.CharField()
    size = serializers.IntegerField()


class MeetingSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    organiser = MeetingUnitSerializer()
    year = serializers.IntegerField()
    month = serializers.IntegerField()
    host = MeetingUnitSerializer()
    proposed_host = MeetingUnitSerializer(
        allow_null=True, help_text="what the rota proposed when the host was chosen"
    )
    override_reason = serializers.CharField(
        help_text="why the host is not the rota's proposal; empty if it is"
    )
    status = serializers.ChoiceField(choices=MeetingStatus.choices)
    date = serializers.DateField(allow_null=True)
    place = serializers.CharField()
    sites = serializers.CharField(help_text="the sites visited")
    topic = serializers.CharField()
    attendance_count = serializers.IntegerField(allow_null=True)
    attendees = serializers.CharField()
    minutes = serializers.CharField()
    attachments = AttachmentSerializer(many=True, read_only=True)


class _RecordFields(serializers.Serializer):
    date = serializers.DateField(required=False, allow_null=True, help_text="a day of the meeting's month")
    place = TextField(required=False, allow_blank=True, max_length=200)
    sites = TextField(required=False, allow_blank=True, max_length=20000)
    topic = TextField(required=False, allow_blank=True, max_length=200)
    attendance_count = WholeNumberField(required=False, allow_null=True, max_value=100000)
    attendees = TextField(required=False, allow_blank=True, max_length=20000)
    minutes = TextField(required=False, allow_blank=True, max_length=20000)
    reason = TextField(
        required=False,
        allow_blank=True,
        max_length=1000,
        help_text="required when the host is not the rota's proposal (an override)",
    )


class MeetingCreateSerializer(_RecordFields):
    organiser = WholeNumberField(required=False, help_text="default: the city of the caller's tree")
    year = WholeNumberField(min_value=2000, max_value=2100)
    month = WholeNumberField(min_value=1, max_value=12)
    host = WholeNumberField(help_text="a direct child of the organiser")


class MeetingUpdateSerializer(_RecordFields):
    host = WholeNumberField(required=False, help_text="another direct child of the organiser")
    status = serializers.ChoiceField(choices=MeetingStatus.choices, required=False)


class StandingSerializer(serializers.Serializer):
    unit = MeetingUnitSerializer()
    hosted_this_year = serializers.IntegerField(source="count")
    last_hosted = serializers.SerializerMethodField(help_text="`YYYY-MM` of the last meeting hosted, or null")

    def get_last_hosted(self, standing) -> str | None:
        last = standing.last_year_month
        return None if last is None else f"{last[0]}-{last[1]:02d}"


class ProposalSerializer(serializers.Serializer):
    organiser = MeetingUnitSerializer()
    year = serializers.IntegerField()
    month = serializers.IntegerField()
    host = MeetingUnitSerializer(allow_null=True, help_text="the proposed host; null without candidates")
    reason = serializers.CharField(help_text="why, in words")
    rule = serializers.SerializerMethodField()
    standings = StandingSerializer(many=True, help_text="every candidate in the rota's order")
    meeting = serializers.IntegerField(
        source="meeting.pk", allow_null=True, help_text="the month's meeting, if one is scheduled"
    )

    def get_rule(self, proposal) -> str:
        return RULE


class ProposalQuerySerializer(serializers.Serializer):
    year = WholeNumberField(min_value=2000, max_value=2100, required=False)
    month = WholeNumberField(min_value=1, max_value=12, required=False)
    organiser = WholeNumberField(required=False)


def _organiser(user, organiser_id):
    if organiser_id is None:
        organiser = selectors.rota_default_organiser(user)
        if organiser is None:
            raise InvalidInput("请指定组织单位", fields={"organiser": ["请指定组织单位"]})
        organiser_id = organiser.pk
    return selectors.rota_organiser_get_for_user(user, organiser_id)


class MeetingViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    serializer_class = MeetingSerializer
    filterset_class = MeetingFilter
    queryset = Meeting.objects.none()  # the model, for the schema; rows come from get_queryset
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        # Queries: count + one page (organiser, host and proposed host joined) + the page's
        # attachments (prefetched).
        return (
            selectors.meetings_for_user(self.request.user)
            .select_related("organiser", "host", "proposed_host")
            .prefetch_related("attachments")
            .order_by("-year", "-month", "organiser_id")
        )

    def _answer(self, pk, status_code=status.HTTP_200_OK) -> Response:
        meeting = self.get_queryset().get(pk=pk)
        return Response(MeetingSerializer(meeting).data, status=status_code)

    def retrieve(self, request, pk=None):
        meeting = selectors.meeting_get_for_user(request.user, pk)
        return self._answer(meeting.pk)

    @extend_schema(request=MeetingCreateSerializer, responses={201: MeetingSerializer, **errors(404, 409)})
    def create(self, request):
        data = MeetingCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        organiser = _organiser(request.user, values.pop("organiser", None))
        meeting = services.meeting_schedule(
            organiser_id=organiser.pk,
            year=values.pop("year"),
            month=values.pop("month"),
            host_id=values.pop("host"),
            actor=request.user,
            **values,
        )
        return self._answer(meeting.pk, status.HTTP_201_CREATED)

    @extend_schema(request=MeetingUpdateSerializer, responses={200: MeetingSerializer})
    def partial_update(self, request, pk=None):
        meeting = selectors.meeting_get_for_user(request.user, pk)
        data = MeetingUpdateSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        services.meeting_update(meeting_id=meeting.pk, actor=request.user, **data.validated_data)
        return self._answer(meeting.pk)

    @extend_schema(
        parameters=[
            OpenApiParameter("year", int, description="default: the year of next month"),
            OpenApiParameter("month", int, description="1 to 12; default: next month"),
            OpenApiParameter("organiser", int, description="default: the city of the caller's tree"),
        ],
        responses={200: ProposalSerializer, **errors(400, 404)},
    )
    @action(detail=False, methods=["get"])
    def proposal(self, request):
        """The host the rota proposes for a month, with every candidate's count this year and
        last meeting: the reasons of the choice."""
        query = ProposalQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        organiser = _organiser(request.user, query.validated_data.get("organiser"))
        year, month = selectors.next_month(timezone.localdate())
        proposal = selectors.meeting_proposal(
            organiser, query.validated_data.get("year", year), query.validated_data.get("month", month)
        )
        return Response(ProposalSerializer(proposal).data)
