from django.urls import include, path

from .views import dashboard

urlpatterns: list = [
    path("dashboard/", dashboard.dashboard, name="dashboard"),
    path("", include("reports.documents.urls")),
]
