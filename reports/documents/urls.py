"""The document pages, included from ``reports.page_urls``. The 公示, 命名 and 通报 pages take
``?org=&year=&target=&level=&no=``; every page gives the Word file with ``?format=docx``."""

from django.urls import path

from . import views

urlpatterns = [
    path("documents/notice/", views.issued, {"kind": "notice"}, name="document_notice"),
    path("documents/naming/", views.issued, {"kind": "naming"}, name="document_naming"),
    path("documents/circular/", views.issued, {"kind": "circular"}, name="document_circular"),
    path("documents/score-sheet/<int:pk>/", views.score_sheet, name="document_score_sheet"),
]
