from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.routers import DefaultRouter
from rest_framework.settings import api_settings

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
from orgs.api import OrgViewSet

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

urlpatterns = [
    path("accounts/login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("assessments.page_urls")),
    path("", include("assessments.public_urls")),
    path("admin/", admin.site.urls),
    # DRF's token view names its own parsers; it takes the project's (the safe JSON parser).
    path(
        "api/v1/auth/token/",
        ObtainAuthToken.as_view(parser_classes=api_settings.DEFAULT_PARSER_CLASSES),
        name="api-token",
    ),
    path("api/v1/", include(router.urls)),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="api-docs"),
]
handler400 = "yuxi_campaign.core.edge.bad_request"
handler403 = "yuxi_campaign.core.edge.permission_denied"
handler404 = "yuxi_campaign.core.api.not_found"
handler500 = "yuxi_campaign.core.edge.server_error"
