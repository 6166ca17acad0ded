from django.urls import include, path

urlpatterns: list = [
    path("", include("monthly.meeting_urls")),
]
