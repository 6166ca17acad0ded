"""The monthly records' API, one module per resource."""

from .meetings import MeetingViewSet

__all__ = ["MeetingViewSet"]
