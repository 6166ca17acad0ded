from django.urls import include, path

from .views import dashboard, registers

urlpatterns: list = [
    path("dashboard/", dashboard.dashboard, name="dashboard"),
    path("dashboard/late/", registers.late, name="dashboard_late"),
    path("dashboard/titles/", registers.titles, name="dashboard_titles"),
    path("dashboard/calibration/", registers.calibration, name="dashboard_calibration"),
    path("", include("reports.documents.urls")),
]
