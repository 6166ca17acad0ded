"""The public notice page and objection form, at the site root (no login)."""

from django.urls import path

from .views import public

urlpatterns = [
    path("notices/", public.notice_list, name="notice_list"),
    path("notices/thanks/", public.objection_thanks, name="objection_thanks"),
    path("notices/<int:assessment_id>/objection/", public.objection_form, name="objection_form"),
]
