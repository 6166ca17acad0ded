from django.urls import path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("declare/", views.declare, name="declare"),
    path("assessments/", views.assessment_list, name="assessment_list"),
    path("assessments/bulk/", views.bulk_transition, name="bulk_transition"),
    path("assessments/<int:pk>/", views.assessment_detail, name="assessment_detail"),
    path("assessments/<int:pk>/sheet/<str:stage>/", views.assessment_sheet, name="assessment_sheet"),
    path("assessments/<int:pk>/transition/", views.transition, name="assessment_transition"),
    path("assessments/<int:pk>/evidence/", views.evidence_upload, name="evidence_upload"),
    path("assessments/<int:pk>/evidence/<int:eid>/delete/", views.evidence_remove, name="evidence_remove"),
    path("assessments/<int:pk>/evidence/<int:eid>/", views.evidence_download, name="evidence_download"),
    path("units/", views.unit_list, name="unit_list"),
    path("objections/", views.objection_list, name="objection_list"),
    path("objections/<int:oid>/decide/", views.objection_decide, name="objection_decide"),
]
