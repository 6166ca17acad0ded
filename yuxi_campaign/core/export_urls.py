from django.urls import path

from . import export_views

urlpatterns = [
    path("exports/<int:pk>/", export_views.export_job, name="export_job"),
    path("exports/<int:pk>/progress/", export_views.export_job_progress, name="export_job_progress"),
    path("exports/<int:pk>/download/", export_views.export_job_download, name="export_job_download"),
]
