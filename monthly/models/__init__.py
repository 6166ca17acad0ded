"""One module per family of records, re-exported here for Django."""

from .log import MonthlyEvent
from .sites import KindArea, ModelSite, SiteKind, SitePhoto, SiteStatus, SiteVisit

__all__ = ["KindArea", "ModelSite", "MonthlyEvent", "SiteKind", "SitePhoto", "SiteStatus", "SiteVisit"]
