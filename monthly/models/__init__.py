"""One module per family of records, re-exported here for Django."""

from .observations import (
    Observation,
    ObservationEvent,
    ObservationMiss,
    ObservationPhoto,
    ObservationProblem,
    ObservationScore,
    RubricItem,
)

__all__ = [
    "Observation",
    "ObservationEvent",
    "ObservationMiss",
    "ObservationPhoto",
    "ObservationProblem",
    "ObservationScore",
    "RubricItem",
]
