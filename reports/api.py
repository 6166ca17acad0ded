"""`/api/v1/titles/` and `/api/v1/late/` (SPEC §5): the register of titles under dynamic
management and who is late, for the caller's subtree (``within`` narrows it; a unit outside it
answers 404). Like every list of the API they are open to every official, each for their own
subtree (SPEC §4): the pages of the dashboard are for the department and the leaders, but a
unit may read its own titles and deadlines. Both also answer ``?format=xlsx|csv``: the whole
filtered scope as a file (the export sources ``titles`` and ``late`` of ``reports.exports``; past
EXPORT_INLINE_MAX_ROWS rows a background job, 202)."""

from __future__ import annotations

from rest_framework import viewsets

from assessments.models import Title
from yuxi_campaign.core.export_api import ExportMixin, export_schema
from yuxi_campaign.core.schema import errors

from . import selectors
from .serializers import LateQuerySerializer, LateSerializer, TitleQuerySerializer, TitleRegisterSerializer


def _query(serializer_class, request) -> dict:
    query = serializer_class(data=request.query_params)
    query.is_valid(raise_exception=True)
    return query.validated_data


class TitleViewSet(ExportMixin, viewsets.GenericViewSet):
    serializer_class = TitleRegisterSerializer
    queryset = Title.objects.none()  # the model, for the schema; rows come from the selector
    filter_backends: list = []  # the query serializer reads the filters
    export_source = "titles"

    @export_schema(
        TitleRegisterSerializer(many=True), parameters=[TitleQuerySerializer], responses=errors(400, 404)
    )
    def list(self, request):
        if self.export_format():
            return self.export(request)
        # Queries: the round of ``year`` when given (1: 400 without one), ``within`` (1), count
        # (1), one page of titles (1), their events (1).
        q = _query(TitleQuerySerializer, request)
        if "year" in q:
            selectors.report_round(q["year"])
        scope = selectors.report_scope(request.user).narrow(q.get("within"))
        rows = selectors.title_rows(scope, year=q.get("year"), status=q.get("status"))
        page = self.paginate_queryset(rows)
        data = TitleRegisterSerializer(selectors.title_details(list(page)), many=True).data
        return self.get_paginated_response(data)


class LateViewSet(ExportMixin, viewsets.GenericViewSet):
    serializer_class = LateSerializer
    queryset = Title.objects.none()  # for the schema
    filter_backends: list = []
    export_source = "late"

    @export_schema(LateSerializer(many=True), parameters=[LateQuerySerializer], responses=errors(400, 404))
    def list(self, request):
        if self.export_format():
            return self.export(request)
        # Queries: ``within`` (1), the round (1), the counts per kind (2), one page (1), the
        # officials of the page's units (1).
        q = _query(LateQuerySerializer, request)
        scope = selectors.report_scope(request.user).narrow(q.get("within"))
        round_ = selectors.report_round(q.get("year"))
        rows = selectors.late_rows(scope, round_)
        page = self.paginate_queryset(rows)
        data = LateSerializer(selectors.late_details(scope, list(page), rows.today), many=True).data
        return self.get_paginated_response(data)
