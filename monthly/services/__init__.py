"""Every write of the monthly records, one module per family. Callers import from here."""

from .meetings import (
    meeting_attachment_add,
    meeting_attachment_delete,
    meeting_schedule,
    meeting_update,
    record_event,
)

__all__ = [
    "meeting_attachment_add",
    "meeting_attachment_delete",
    "meeting_schedule",
    "meeting_update",
    "record_event",
]
