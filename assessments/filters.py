"""The filters of the workflow's lists, one FilterSet per list, shared by the pages and the API.
Each filters a queryset that a selector has already scoped to the caller."""

from __future__ import annotations

from django_filters import rest_framework as filters

from orgs.models import Level
from orgs.selectors import within_filter
from yuxi_campaign.core.filters import IdFilter, StrictBooleanFilter, choice_filter

from .models import Assessment, Objection, ObjectionStatus, Outcome, State, Target


class AssessmentRowFilter(filters.FilterSet):
    """What every list of assessments filters by. ``within``: this unit and everything below it."""

    year = IdFilter(field_name="round__year")
    level = choice_filter(Level.choices, field_name="org__level")
    target = choice_filter(Target.choices)
    within = IdFilter(method="filter_within", label="this unit and everything below it")

    class Meta:
        model = Assessment
        fields: list[str] = []  # all declared

    def filter_within(self, queryset, name, value):
        return queryset.filter(**within_filter(value, prefix="org__"))


class AssessmentFilter(AssessmentRowFilter):
    round = IdFilter(field_name="round_id")
    state = choice_filter(State.choices)


class AssessmentPageFilter(AssessmentFilter):
    """The page's list adds ``mine``: the caller's own unit only."""

    mine = StrictBooleanFilter(method="filter_mine")

    def filter_mine(self, queryset, name, value):
        return queryset.filter(org_id=self.request.user.org_id) if value else queryset


class RankingFilter(AssessmentRowFilter):
    """Filters the rows of ``selectors.results_for_user``; the ranks are taken among the rows the
    filters keep. Rankings are by score, whatever the outcome."""


class ResultFilter(RankingFilter):
    outcome = choice_filter(Outcome.choices)


class ObjectionFilter(filters.FilterSet):
    status = choice_filter(ObjectionStatus.choices)

    class Meta:
        model = Objection
        fields: list[str] = []
