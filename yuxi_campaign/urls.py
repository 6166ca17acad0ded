from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.routers import DefaultRouter

from assessments.api import (
    AssessmentViewSet,
    NoticeViewSet,
    NotificationViewSet,
    ObjectionViewSet,
    ProgressViewSet,
    RankingViewSet,
    ResultViewSet,
    RoundViewSet,
)
from indicators.api import IndicatorSetViewSet
from monthly.api import MeetingViewSet
from monthly.api.league import LeagueViewSet
from monthly.api.observations import ObservationViewSet
from monthly.api.sites import ModelSiteViewSet
from orgs.api import OrgViewSet
from reports.api import LateViewSet, TitleViewSet
from yuxi_campaign.core.auth import TokenView
from yuxi_campaign.core.export_api import ExportJobViewSet

router = DefaultRouter(trailing_slash=True)
router.register("orgs", OrgViewSet, basename="org")
router.register("indicator-sets", IndicatorSetViewSet, basename="indicator-set")
router.register("rounds", RoundViewSet, basename="round")
router.register("assessments", AssessmentViewSet, basename="assessment")
router.register("notices", NoticeViewSet, basename="notice")
router.register("objections", ObjectionViewSet, basename="objection")
router.register("results", ResultViewSet, basename="result")
router.register("rankings", RankingViewSet, basename="ranking")
router.register("progress", ProgressViewSet, basename="progress")
router.register("notifications", NotificationViewSet, basename="notification")
router.register("exports", ExportJobViewSet, basename="export")
router.register("titles", TitleViewSet, basename="title")
router.register("late", LateViewSet, basename="late")
router.register("observations", ObservationViewSet, basename="observation")
router.register("model-sites", ModelSiteViewSet, basename="model-site")
router.register("meetings", MeetingViewSet, basename="meeting")
router.register("league", LeagueViewSet, basename="league")

urlpatterns = [
    path("accounts/login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("assessments.page_urls")),
    path("", include("assessments.public_urls")),
    path("", include("reports.page_urls")),
    path("", include("monthly.page_urls")),
    path("admin/", admin.site.urls),
    path("api/v1/auth/token/", TokenView.as_view(), name="api-token"),
    path("api/v1/", include(router.urls)),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="api-docs"),
    path("", include("yuxi_campaign.core.export_urls")),  # a background export's page and file
]
handler400 = "yuxi_campaign.core.edge.bad_request"
handler403 = "yuxi_campaign.core.edge.permission_denied"
handler404 = "yuxi_campaign.core.api.not_found"
handler500 = "yuxi_campaign.core.failures.server_error"
