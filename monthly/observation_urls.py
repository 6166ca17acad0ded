"""Pages of the on-site observations (现场观摩)."""

from django.urls import path

from .views import observations as views

urlpatterns = [
    path("observations/", views.observation_month, name="observation_month"),
    path("observations/new/", views.observation_new, name="observation_new"),
    path("observations/<int:pk>/", views.observation_detail, name="observation_detail"),
    path("observations/<int:pk>/edit/", views.observation_edit, name="observation_edit"),
    path("observations/<int:pk>/photos/", views.observation_photo_upload, name="observation_photo_upload"),
    path(
        "observations/<int:pk>/photos/<int:photo_id>/<str:kind>/",
        views.observation_photo,
        name="observation_photo",
    ),
    path(
        "observations/<int:pk>/problems/<int:problem_id>/answer/",
        views.observation_problem_answer,
        name="observation_problem_answer",
    ),
]
