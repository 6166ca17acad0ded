"""`/api/v1/assessments/`: declare, list and read assessments; their score sheets, evidence,
transitions (one or many) and event log. Each write is one service call."""

from __future__ import annotations

import functools

from django.utils import timezone
from django.utils.functional import empty
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from orgs.selectors import org_get_for_user
from yuxi_campaign.core.errors import InvalidInput, OutOfScope
from yuxi_campaign.core.renderers import JsonRows
from yuxi_campaign.core.schema import errors

from .. import listing, selectors, services
from ..filters import AssessmentFilter
from ..models import Assessment, Event, Round, Stage
from . import workbooks as workbook_api
from .serializers import (
    AssessmentRowWriter,
    AssessmentSerializer,
    BulkResultSerializer,
    BulkTransitionSerializer,
    DeclareSerializer,
    EventSerializer,
    EvidenceSerializer,
    EvidenceUploadSerializer,
    ScoreSerializer,
    SheetSavedSerializer,
    SheetSaveSerializer,
    TransitionSerializer,
)


def _resolved(user):
    """The user behind a lazy ``request.user``, so that rows do not go through the proxy."""
    wrapped = getattr(user, "_wrapped", None)
    return user if wrapped is None or wrapped is empty else wrapped


EVIDENCE_TYPES = sorted({content_type for content_type, _magic in services.SIGNATURES.values()})


class AssessmentViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    serializer_class = AssessmentSerializer
    filterset_class = AssessmentFilter
    queryset = Assessment.objects.none()  # the model, for the schema; rows come from get_queryset

    def get_queryset(self):
        return selectors.assessments_for_user(self.request.user)

    def get_renderers(self):
        """A score sheet's GET also answers an Excel workbook (``?format=xlsx`` or ``Accept``);
        every other action and method keeps the default renderers (and DRF's answer to an unknown
        format)."""
        renderers = super().get_renderers()
        if self.request.method == "GET" and getattr(self, "action", None) in workbook_api.WORKBOOK_ACTIONS:
            renderers.append(workbook_api.WorkbookRenderer())
        return renderers

    def handle_exception(self, exc):
        if isinstance(getattr(self.request, "accepted_renderer", None), workbook_api.WorkbookRenderer):
            # errors are JSON, whatever format was asked for
            workbook_api.json_answer(self.request)
        return super().handle_exception(exc)

    def list(self, request):
        # Queries: the counts per round (kept briefly for a big scope) + one page per round it spans
        # (usually one: unit, parent and round joined; pending objections as EXISTS), in index order.
        # The database writes each row's JSON; the answer splices the rows in as they are.
        now = timezone.now()
        rows = listing.RoundFirstRows(
            self.filter_queryset(self.get_queryset()),
            rows=functools.partial(listing.json_rows, now=now),
            fields=listing.JSON_ROW_FIELDS,
        )
        page = self.paginate_queryset(rows)
        write = AssessmentRowWriter(user=_resolved(request.user), now=now)
        return self.get_paginated_response(JsonRows([write(row) for row in page]))

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "user": self.request.user, "now": timezone.now()}

    def _assessment(self, pk) -> Assessment:
        return selectors.assessment_get_for_user(self.request.user, pk)

    def _answer(self, pk, status_code=status.HTTP_200_OK) -> Response:
        """The assessment as it is now (re-read after a write), for the caller."""
        return Response(self.get_serializer(self._assessment(pk)).data, status=status_code)

    def retrieve(self, request, pk=None):
        return self._answer(pk)

    @extend_schema(request=DeclareSerializer, responses={201: AssessmentSerializer, **errors(404, 409)})
    def create(self, request):
        data = DeclareSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        org = org_get_for_user(request.user, data.validated_data["org"])
        round_ = Round.objects.filter(pk=data.validated_data["round"]).first()
        if round_ is None:
            raise InvalidInput("评估轮次不存在", fields={"round": ["评估轮次不存在"]})
        a = services.assessment_declare(
            org=org, round=round_, target=data.validated_data["target"], actor=request.user
        )
        return self._answer(a.pk, status.HTTP_201_CREATED)

    @workbook_api.scores_get_schema(ScoreSerializer(many=True))
    @extend_schema(
        methods=["PUT"], request=SheetSaveSerializer, responses={200: SheetSavedSerializer, **errors(409)}
    )
    @action(detail=True, methods=["get", "put"], url_path=r"scores/(?P<stage>[a-z]+)")
    def scores(self, request, pk=None, stage=None):
        a = self._assessment(pk)
        if stage not in Stage.values:
            raise OutOfScope(f"没有“{stage}”评分表：可选 self、review、recheck")
        if workbook_api.wants_workbook(request):  # a GET only (get_renderers)
            return workbook_api.sheet_download(request, a, stage)
        if request.method == "PUT":
            body = request.data if isinstance(request.data, dict) else {}
            a = services.scores_save(
                assessment_id=a.pk,
                stage=stage,
                actor=request.user,
                version=body.get("version"),
                rows=body.get("scores"),
            )
            saved = {
                "version": a.version,
                "stage": stage,
                "total": getattr(a, f"{stage}_total"),
                "final_score": a.final_score,
                "outcome": a.outcome,
            }
            return Response(SheetSavedSerializer(saved).data)
        rows = (
            a.scores.filter(stage=stage)
            .order_by("indicator__order")
            .values("indicator_id", "score", "comment", "veto_passed")
        )
        return Response(ScoreSerializer(rows, many=True).data)

    @workbook_api.sheet_workbook_schema
    @action(
        detail=True,
        methods=["get", "put"],
        url_path=r"scores/(?P<stage>[a-z]+)/workbook",
        parser_classes=[workbook_api.WorkbookParser],
    )
    def scores_workbook(self, request, pk=None, stage=None):
        """The sheet as an Excel workbook (GET), or a filled one saved back (PUT, the file as the body)."""
        a = self._assessment(pk)
        if stage not in Stage.values:
            raise OutOfScope(f"没有“{stage}”评分表：可选 self、review、recheck")
        if request.method == "GET":
            return workbook_api.sheet_download(request, a, stage)
        return workbook_api.sheet_upload(request, a, stage)

    @workbook_api.groups_workbook_schema
    @action(
        detail=False,
        methods=["get", "put"],
        url_path="group-workbook",
        parser_classes=[workbook_api.WorkbookParser],
        metadata_class=None,  # OPTIONS would describe PUT through get_object, which needs an id
    )
    def group_workbook(self, request):
        """The sheets of a unit's groups the caller may fill now, one worksheet each (GET), or the
        filled workbook saved back for all of them at once (PUT)."""
        if request.method == "GET":
            return workbook_api.groups_download(request)
        return workbook_api.groups_upload(request)

    @extend_schema(methods=["GET"], responses=EvidenceSerializer(many=True))
    @extend_schema(
        methods=["POST"],
        request={"multipart/form-data": EvidenceUploadSerializer},
        responses={201: EvidenceSerializer, **errors(409)},
    )
    # A file comes as multipart (a form without a file is answered by the service); JSON is 415.
    @action(
        detail=True,
        methods=["get", "post"],
        url_path="evidence",
        parser_classes=[MultiPartParser, FormParser],
    )
    def evidence(self, request, pk=None):
        a = self._assessment(pk)
        if request.method == "POST":
            e = services.evidence_add(
                assessment_id=a.pk,
                indicator_id=request.data.get("indicator"),
                upload=request.FILES.get("file"),
                actor=request.user,
            )
            return Response(EvidenceSerializer(e).data, status=status.HTTP_201_CREATED)
        return Response(EvidenceSerializer(a.evidence.all(), many=True).data)

    @extend_schema(responses={204: None, **errors(409)})
    @action(detail=True, methods=["delete"], url_path=r"evidence/(?P<eid>\d+)")
    def evidence_delete(self, request, pk=None, eid=None):
        a = self._assessment(pk)
        services.evidence_delete(assessment_id=a.pk, evidence_id=eid, actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(responses={(200, content_type): OpenApiTypes.BINARY for content_type in EVIDENCE_TYPES})
    @action(detail=True, methods=["get"], url_path=r"evidence/(?P<eid>\d+)/download")
    def evidence_download(self, request, pk=None, eid=None):
        return selectors.evidence_file_response(self._assessment(pk), eid)

    @extend_schema(request=TransitionSerializer, responses={200: AssessmentSerializer, **errors(409)})
    @action(detail=True, methods=["post"])
    def transitions(self, request, pk=None):
        a = self._assessment(pk)
        data = TransitionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.assessment_transition(assessment_id=a.pk, actor=request.user, **data.validated_data)
        return self._answer(a.pk)

    @extend_schema(request=BulkTransitionSerializer, responses=BulkResultSerializer)
    @action(detail=False, methods=["post"], url_path="bulk-transitions")
    def bulk_transitions(self, request):
        data = BulkTransitionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        results = services.assessment_bulk_transition(
            ids=values["ids"],
            action=values["action"],
            actor=request.user,
            reason=values.get("reason", ""),
            deadline=values.get("deadline"),
            versions=values.get("versions"),
        )
        return Response(BulkResultSerializer({"results": results}).data)

    @extend_schema(responses=EventSerializer(many=True))
    @action(detail=True, methods=["get"])
    def events(self, request, pk=None):
        a = self._assessment(pk)
        rows = Event.objects.filter(assessment=a).select_related("actor").order_by("at", "pk")
        return Response(EventSerializer(rows, many=True).data)
