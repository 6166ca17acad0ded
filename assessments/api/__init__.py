"""The workflow's REST endpoints (SPEC §5), one module per resource. Each write is an input
serializer and one service call; each read goes through a selector that applies scope and goes
out through an output serializer."""

from .assessments import AssessmentViewSet
from .notices import NoticeViewSet
from .notifications import NotificationViewSet
from .objections import ObjectionViewSet
from .results import ProgressViewSet, RankingViewSet, ResultViewSet
from .rounds import RoundViewSet

__all__ = [
    "AssessmentViewSet",
    "NoticeViewSet",
    "NotificationViewSet",
    "ObjectionViewSet",
    "ProgressViewSet",
    "RankingViewSet",
    "ResultViewSet",
    "RoundViewSet",
]
