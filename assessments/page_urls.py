from django.urls import path

from .views import actions, detail, groups, lists, rounds, sheet, workbook

urlpatterns = [
    path("", lists.home, name="home"),
    path("todo/", lists.home, name="todo"),
    path("start/", lists.landing, name="landing"),
    path("declare/", actions.declare, name="declare"),
    path("calendar/", rounds.round_calendar, name="round_calendar"),
    path("assessments/", lists.assessment_list, name="assessment_list"),
    path("assessments/bulk/", actions.bulk_transition, name="bulk_transition"),
    path("assessments/<int:pk>/", detail.assessment_detail, name="assessment_detail"),
    path("assessments/<int:pk>/sheet/<str:stage>/", sheet.assessment_sheet, name="assessment_sheet"),
    path(
        "assessments/<int:pk>/sheet/<str:stage>/autosave/",
        sheet.sheet_autosave,
        name="assessment_sheet_autosave",
    ),
    path("assessments/<int:pk>/sheet/<str:stage>/workbook/", workbook.sheet_workbook, name="sheet_workbook"),
    path(
        "units/<int:org_pk>/groups-workbook/<int:year>/<str:stage>/",
        workbook.groups_workbook,
        name="groups_workbook",
    ),
    path("assessments/<int:pk>/transition/", actions.transition, name="assessment_transition"),
    path("assessments/<int:pk>/evidence/", sheet.evidence_upload, name="evidence_upload"),
    path("assessments/<int:pk>/evidence/<int:eid>/delete/", sheet.evidence_remove, name="evidence_remove"),
    path("assessments/<int:pk>/evidence/<int:eid>/", sheet.evidence_download, name="evidence_download"),
    path("units/", lists.unit_list, name="unit_list"),
    path("units/<int:pk>/groups/", groups.village_groups, name="village_groups"),
    path("units/<int:pk>/groups/bulk/", groups.village_groups_bulk, name="village_groups_bulk"),
    path("objections/", lists.objection_list, name="objection_list"),
    path("objections/<int:oid>/decide/", actions.objection_decide, name="objection_decide"),
]
