"""`/api/v1/results/`, `/api/v1/rankings/` and `/api/v1/progress/`: what the assessments came to,
and the pace of titles against the campaign's targets. Each also answers ``?format=xlsx|csv``
(the whole filtered scope as a file, from the export sources in ``assessments.exports``)."""

from __future__ import annotations

from rest_framework import mixins, viewsets
from rest_framework.response import Response

from yuxi_campaign.core.export_api import ExportMixin, export_schema
from yuxi_campaign.core.schema import errors

from .. import listing, selectors
from ..filters import RankingFilter, ResultFilter
from ..models import Assessment
from .serializers import ProgressQuerySerializer, ProgressSerializer, ResultSerializer


@export_schema(ResultSerializer(many=True))
class ResultViewSet(ExportMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    serializer_class = ResultSerializer
    filterset_class = ResultFilter
    queryset = Assessment.objects.none()  # the model, for the schema; rows come from get_queryset
    export_source = "results"

    def get_queryset(self):
        # Queries: count + one page, ranks computed by a window function in the same query.
        return selectors.results_ordered(self.request.user)

    def counted(self):
        """The assessments the rows are made of, for the count (no window, no title)."""
        return selectors.assessments_for_user(self.request.user)

    def list(self, request):
        if self.export_format():
            return self.export(request)
        # Queries: the count per round of the plain rows (kept briefly for a big scope, as the
        # assessment list's) + one page, ranks computed by a window function in the same query.
        rows = self.filter_queryset(self.get_queryset())
        counted = self.filterset_class(request.query_params, queryset=self.counted(), request=request).qs
        page = self.paginate_queryset(listing.CountedRows(rows, counted))
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


@export_schema(ResultSerializer(many=True))
class RankingViewSet(ResultViewSet):
    filterset_class = RankingFilter
    export_source = "rankings"

    def get_queryset(self):
        return selectors.rankings_for_user(self.request.user)

    def counted(self):
        return super().counted().filter(final_score__isnull=False)


class ProgressViewSet(ExportMixin, viewsets.GenericViewSet):
    pagination_class = None
    queryset = Assessment.objects.none()  # for the schema
    export_source = "progress"

    @export_schema(ProgressSerializer, parameters=[ProgressQuerySerializer], responses=errors(400, 404))
    def list(self, request):
        # One query: the round, its pace, the units (the one asked for, its children and the
        # caller's unit for the scope check; or every root) and their rollups. The answer is
        # written as the selector builds it: ``ProgressSerializer`` documents it, and a test holds
        # the two equal.
        if self.export_format():
            return self.export(request)
        query = ProgressQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        progress = selectors.progress_for_user(
            request.user, org_id=query.validated_data.get("org"), year=query.validated_data.get("year")
        )
        return Response(progress)
