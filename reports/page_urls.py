from django.urls import include, path

urlpatterns: list = [
    path("", include("reports.documents.urls")),
]
