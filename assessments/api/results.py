"""`/api/v1/results/`, `/api/v1/rankings/` and `/api/v1/progress/`: what the assessments came to,
and the pace of titles against the campaign's targets."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, viewsets
from rest_framework.response import Response

from orgs.selectors import scope_filter
from yuxi_campaign.core.errors import InvalidInput
from yuxi_campaign.core.schema import errors

from .. import listing, selectors
from ..filters import RankingFilter, ResultFilter
from ..models import Assessment
from .serializers import ProgressQuerySerializer, ProgressSerializer, ResultSerializer


class ResultViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    serializer_class = ResultSerializer
    filterset_class = ResultFilter
    queryset = Assessment.objects.none()  # the model, for the schema; rows come from get_queryset

    def get_queryset(self):
        rows = selectors.results_for_user(self.request.user)
        return rows.order_by("-year", "org__tree_id", "org__lft", "target")

    def counted(self):
        """The assessments the rows are made of, for the count (no window, no title)."""
        return selectors.assessments_for_user(self.request.user)

    def list(self, request):
        # Queries: the count per round of the plain rows (kept briefly for a big scope, as the
        # assessment list's) + one page, ranks computed by a window function in the same query.
        rows = self.filter_queryset(self.get_queryset())
        counted = self.filterset_class(request.query_params, queryset=self.counted(), request=request).qs
        page = self.paginate_queryset(listing.CountedRows(rows, counted))
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


class RankingViewSet(ResultViewSet):
    filterset_class = RankingFilter

    def get_queryset(self):
        rows = selectors.results_for_user(self.request.user).filter(final_score__isnull=False)
        return rows.order_by("-year", "level", "target", "rank", "org_code")

    def counted(self):
        return super().counted().filter(final_score__isnull=False)


class ProgressViewSet(viewsets.GenericViewSet):
    pagination_class = None
    queryset = Assessment.objects.none()  # for the schema

    @extend_schema(
        parameters=[ProgressQuerySerializer], responses={200: ProgressSerializer, **errors(400, 404)}
    )
    def list(self, request):
        # One query: the round, its pace, the units (the one asked for, its children and the
        # caller's unit for the scope check; or every root) and their rollups. The answer is
        # written as the selector builds it: ``ProgressSerializer`` documents it, and a test holds
        # the two equal.
        query = ProgressQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        user = request.user
        org_id = query.validated_data.get("org") or user.org_id
        if org_id is None and scope_filter(user) != {}:
            raise InvalidInput("请指定 org", fields={"org": ["请指定单位 id"]})
        year = query.validated_data.get("year")
        progress = selectors.progress_for_user(user, org_id, year)
        if progress is None:
            raise InvalidInput(f"没有 {year} 年度的评估轮次", fields={"year": ["没有该年度的轮次"]})
        return Response(progress)
