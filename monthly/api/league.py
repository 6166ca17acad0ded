"""`/api/v1/league/`: the league table (擂台比武) of one month, paginated like every list, and
``?format=xlsx|csv`` (the whole table as a file, from the ``league`` export source). The rows are
computed by ``monthly.league``; the parameters are checked there (Chinese messages)."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import get_language
from rest_framework import serializers, viewsets
from rest_framework.response import Response

from orgs.models import Organisation
from yuxi_campaign.core.export_api import ExportMixin, export_schema
from yuxi_campaign.core.schema import errors
from yuxi_campaign.core.stamps import stamp_cached

from .. import league


class LeagueQuerySerializer(serializers.Serializer):
    """The query parameters (for the schema; ``monthly.league.league_query`` checks them)."""

    level = serializers.ChoiceField(
        choices=list(league.LEVELS),
        required=False,
        help_text="county: the counties of a city; township: the townships of a county. Default: county "
        "(for a township's officials, their county's township league)",
    )
    year = serializers.IntegerField(
        required=False, help_text="from the campaign's first round to this year; default: this year"
    )
    month = serializers.IntegerField(
        required=False, min_value=1, max_value=12, help_text="1–12, not after this month; default: this month"
    )
    within = serializers.IntegerField(
        required=False,
        help_text="the unit the league is held in: a city (county league; default: the caller's city) "
        "or a county (township league; default: the caller's county, required for the city)",
    )


class LeagueUnitSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()


class LeagueWeightsSerializer(serializers.Serializer):
    """The weights applied this month, in percent; 0 for a part nobody had a value for (the
    others are then scaled to make 100)."""

    observation = serializers.DecimalField(max_digits=5, decimal_places=2)
    pace = serializers.DecimalField(max_digits=5, decimal_places=2)
    assessment = serializers.DecimalField(max_digits=5, decimal_places=2)


class LeagueRowSerializer(serializers.Serializer):
    rank = serializers.IntegerField(help_text="1, 2, 2, 4… by composite score")
    rank_change = serializers.IntegerField(
        allow_null=True,
        help_text="places gained since the month before (negative: lost, 0: unchanged); "
        "null: not ranked then (new)",
    )
    previous_rank = serializers.IntegerField(allow_null=True)
    unit = LeagueUnitSerializer()
    level = serializers.CharField(source="level_code")
    year = serializers.IntegerField()
    month = serializers.IntegerField()
    composite_score = serializers.DecimalField(max_digits=6, decimal_places=2, source="composite")
    observation_score = serializers.DecimalField(
        max_digits=6, decimal_places=2, help_text="the month's on-site observation total, 0–100"
    )
    pace_score = serializers.DecimalField(
        max_digits=6, decimal_places=2, help_text="titles held against the year's cumulative targets, 0–100"
    )
    assessment_score = serializers.DecimalField(
        max_digits=6, decimal_places=2, help_text="mean final score of the assessments below, 0–100"
    )
    weights = LeagueWeightsSerializer()
    observed = serializers.BooleanField(help_text="observed this month")
    missing_parts = serializers.ListField(
        child=serializers.ChoiceField(choices=list(league.PARTS)),
        source="missing",
        help_text="the parts the unit has no value for (scored 0)",
    )
    leader = serializers.BooleanField(help_text="among the first three")
    trailing = serializers.BooleanField(help_text="among the last three")


class LeagueRowView:
    """A row with the month's facts it is answered with."""

    def __init__(self, row: league.LeagueRow, result: league.League):
        self._row = row
        self.level_code, self.year, self.month = result.level, result.year, result.month
        self.weights = result.table.weights

    def __getattr__(self, name):
        return getattr(self._row, name)


@export_schema(
    LeagueRowSerializer(many=True), parameters=[LeagueQuerySerializer], responses=errors(400, 403, 404)
)
class LeagueViewSet(ExportMixin, viewsets.GenericViewSet):
    """The league table of one month: every unit of the league, best first."""

    serializer_class = LeagueRowSerializer
    queryset = Organisation.objects.none()  # for the schema; the rows are computed
    filter_backends: list = []
    export_source = "league"

    def list(self, request):
        if self.export_format():
            return self.export(request)
        # Queries: the round years, the parent unit (a default or ``within``); the weights; pace
        # (children, unit rollups, title rollups) for this year and the previous month's; the
        # observations of both months; the assessment means. None grows with the units.
        # The answer as given for the same unit, role, query, language and day, unless the data
        # has changed since (core.stamps).
        user = request.user
        key = (
            f"league:{user.org_id}:{user.is_superuser}:{user.role}:{request.build_absolute_uri()}:"
            f"{get_language()}:{timezone.localdate()}"
        )
        return Response(stamp_cached(key, lambda: self._answer(request)))

    def _answer(self, request) -> dict:
        result, _query = league.league_for_user(request.user, request.query_params, trend=False)
        page = self.paginate_queryset([LeagueRowView(r, result) for r in result.rows])
        return self.get_paginated_response(self.get_serializer(page, many=True).data).data
