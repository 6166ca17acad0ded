"""The one place for the names people read of states, stages, actions, events, targets and roles.

Every label is translatable (English source, Chinese in the catalogue); pages show them in the
reader's language. Domain messages (errors, notifications) are Chinese-only by design and take
the Chinese form through ``zh``."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from django.utils.translation import override, pgettext_lazy

from orgs.models import Role

from .models import Stage, State, Target

STATE_LABELS = dict(State.choices)
STAGE_LABELS = dict(Stage.choices)
TARGET_LABELS = dict(Target.choices)
ROLE_LABELS = dict(Role.choices)

ACTION_LABELS = {
    "submit": _("Submit"),
    "return": _("Return"),
    "review": _("Review"),
    "accept": _("Accept"),
    "fail": pgettext_lazy("action", "Fail"),  # the outcome "Fail" reads differently in Chinese
    "recheck": _("Recheck"),
    "publish": _("Publish for notice"),
    "close_notice": _("Close the notice"),
    "warn": _("Warn (circular)"),
    "rectify_order": _("Order rectification"),
    "rectified": _("Rectification done"),
    "revoke": _("Revoke the title"),
}
EVENT_LABELS = {
    **ACTION_LABELS,
    "declare": _("Declared"),
    "scores_save": _("Scores saved"),
    "evidence_add": _("Evidence uploaded"),
    "evidence_delete": _("Evidence deleted"),
    "objection": _("Objection received"),
    "objection_decision": _("Objection decided"),
    "title_grant": _("Title granted"),
    "rectify_overdue": _("Rectification overdue"),
    "window_extend": _("Window extended"),
}


def zh(label) -> str:
    """The Chinese text of a label (or of a key of one of the tables above), whatever language
    the request is in."""
    with override("zh-hans"):
        return str(label)


def state_zh(state: str) -> str:
    return zh(STATE_LABELS.get(state, state))


def action_zh(action: str) -> str:
    return zh(ACTION_LABELS.get(action, action))
