"""The public notice page and objection form, at the site root (no login)."""

from django.urls import path

from . import public_views

urlpatterns = [
    path("notices/", public_views.notice_list, name="notice_list"),
    path("notices/thanks/", public_views.objection_thanks, name="objection_thanks"),
    path("notices/<int:assessment_id>/objection/", public_views.objection_form, name="objection_form"),
]
