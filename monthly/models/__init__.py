"""One module per family of records, re-exported here for Django."""

from .league import LeagueWeights
from .log import MonthlyEvent
from .meetings import Meeting, MeetingAttachment, MeetingStatus
from .observations import (
    Observation,
    ObservationEvent,
    ObservationMiss,
    ObservationPhoto,
    ObservationProblem,
    ObservationScore,
    RubricItem,
)
from .sites import KindArea, ModelSite, SiteKind, SitePhoto, SiteStatus, SiteVisit

__all__ = [
    "KindArea",
    "Meeting",
    "MeetingAttachment",
    "MeetingStatus",
    "ModelSite",
    "MonthlyEvent",
    "LeagueWeights",
    "Observation",
    "ObservationEvent",
    "ObservationMiss",
    "ObservationPhoto",
    "ObservationProblem",
    "ObservationScore",
    "RubricItem",
    "SiteKind",
    "SitePhoto",
    "SiteStatus",
    "SiteVisit",
]
