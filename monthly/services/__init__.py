"""Every write of the monthly rhythm, one module per family; callers import from here."""

from .league import league_weights_check, league_weights_save
from .meetings import (
    meeting_attachment_add,
    meeting_attachment_delete,
    meeting_schedule,
    meeting_update,
    record_event,
)
from .observations import (
    DEFAULT_RUBRIC,
    observation_create,
    observation_photo_add,
    observation_update,
    observations_flag_missing,
    problem_answer,
    rubric_install_default,
)
from .sites import (
    site_create,
    site_kinds_install_defaults,
    site_photo_add,
    site_photo_delete,
    site_update,
    site_visit_add,
)

__all__ = [
    "DEFAULT_RUBRIC",
    "meeting_attachment_add",
    "meeting_attachment_delete",
    "meeting_schedule",
    "meeting_update",
    "league_weights_check",
    "league_weights_save",
    "observation_create",
    "observation_photo_add",
    "observation_update",
    "observations_flag_missing",
    "problem_answer",
    "record_event",
    "rubric_install_default",
    "site_create",
    "site_kinds_install_defaults",
    "site_photo_add",
    "site_photo_delete",
    "site_update",
    "site_visit_add",
]
