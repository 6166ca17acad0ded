"""What the officials' pages share."""

from __future__ import annotations

from django.http import Http404
from django.utils.translation import gettext as _

from yuxi_campaign.core.errors import OutOfScope

from .. import selectors
from ..models import Assessment

PAGE_SIZE = 25


def get_assessment_for_user(user, pk) -> Assessment:
    try:
        return selectors.assessment_get_for_user(user, pk)
    except OutOfScope:
        raise Http404(_("Not found, or outside your scope")) from None
