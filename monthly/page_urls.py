from django.urls import include, path

urlpatterns: list = [
    path("", include("monthly.observation_urls")),
    path("", include("monthly.meeting_urls")),
    path("", include("monthly.site_urls")),
    path("", include("monthly.league_urls")),
]
