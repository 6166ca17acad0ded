"""One module per family of records, re-exported here for Django."""

from .log import MonthlyEvent
from .meetings import Meeting, MeetingAttachment, MeetingStatus

__all__ = ["Meeting", "MeetingAttachment", "MeetingStatus", "MonthlyEvent"]
