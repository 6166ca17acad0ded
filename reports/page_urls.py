from django.urls import path

from .views import registers

urlpatterns = [
    path("dashboard/late/", registers.late, name="dashboard_late"),
    path("dashboard/titles/", registers.titles, name="dashboard_titles"),
    path("dashboard/calibration/", registers.calibration, name="dashboard_calibration"),
]
