"""Baseline views for the benchmark, mounted only by ``devtools.bench.urls`` (never by the shipped
URLconf): a no-op endpoint and trivial ``.values()`` views of the rows the real endpoints return,
behind the same middleware and API authentication."""

from __future__ import annotations

from rest_framework.response import Response
from rest_framework.views import APIView

from assessments import listing
from assessments.selectors import assessments_for_user
from orgs.models import Organisation

LIST_FIELDS = ("id", "org_id", "round_id", "target", "state", "version", "final_score", "outcome")


class Noop(APIView):
    """Authentication and an empty JSON answer: the floor of every API request."""

    def get(self, request):
        return Response({})


class AssessmentValues(APIView):
    """The first ``page_size`` assessments of the user's scope as ``.values()``, by id."""

    def get(self, request):
        size = int(request.query_params.get("page_size", 1000))
        rows = list(assessments_for_user(request.user).order_by("pk").values(*LIST_FIELDS)[:size])
        return Response({"results": rows})


class AssessmentRowValues(APIView):
    """The very page ``/api/v1/assessments/`` lists (same query, same order, same columns), as the
    ``.values()`` rows themselves: what the endpoint costs beyond fetching its rows."""

    def get(self, request):
        size = int(request.query_params.get("page_size", 1000))
        return Response({"results": listing.RoundFirstRows(assessments_for_user(request.user))[0:size]})


class ChildrenValues(APIView):
    """The children of one unit as ``.values()``: the rows a progress answer reports on."""

    def get(self, request):
        org = request.query_params.get("org") or request.user.org_id
        rows = list(
            Organisation.objects.filter(parent_id=org).order_by("code").values("id", "code", "name", "level")
        )
        return Response({"children": rows})
