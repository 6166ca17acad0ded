"""The shipped URLs plus the benchmark's baseline views (``devtools.bench.settings`` only)."""

from django.urls import path

from yuxi_campaign.urls import urlpatterns as shipped

from .views import AssessmentRowValues, AssessmentValues, ChildrenValues, Noop

urlpatterns = [
    path("__bench__/noop/", Noop.as_view()),
    path("__bench__/assessments/", AssessmentValues.as_view()),
    path("__bench__/assessment-rows/", AssessmentRowValues.as_view()),
    path("__bench__/children/", ChildrenValues.as_view()),
    *shipped,
]
