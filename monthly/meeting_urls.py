from django.urls import path

from .views import meetings

urlpatterns = [
    path("meetings/", meetings.meeting_year, name="meeting_year"),
    path("meetings/proposal/", meetings.meeting_proposal, name="meeting_proposal"),
    path("meetings/schedule/", meetings.meeting_schedule, name="meeting_schedule"),
    path("meetings/<int:pk>/", meetings.meeting_detail, name="meeting_detail"),
    path("meetings/<int:pk>/edit/", meetings.meeting_edit, name="meeting_edit"),
    path("meetings/<int:pk>/host/", meetings.meeting_host, name="meeting_host"),
    path("meetings/<int:pk>/attachments/", meetings.attachment_upload, name="meeting_attachment_upload"),
    path(
        "meetings/<int:pk>/attachments/<int:aid>/",
        meetings.attachment_download,
        name="meeting_attachment_download",
    ),
    path(
        "meetings/<int:pk>/attachments/<int:aid>/delete/",
        meetings.attachment_delete,
        name="meeting_attachment_delete",
    ),
]
