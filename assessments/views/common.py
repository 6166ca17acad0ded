"""What the officials' pages share."""

from __future__ import annotations

from django.http import Http404
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from yuxi_campaign.core.api import whole_number
from yuxi_campaign.core.errors import OutOfScope

from .. import selectors
from ..models import Assessment

PAGE_SIZE = 25


def get_assessment_for_user(user, pk) -> Assessment:
    try:
        return selectors.assessment_get_for_user(user, pk)
    except OutOfScope:
        raise Http404(_("Not found, or outside your scope")) from None


def next_url(request, default: str) -> str:
    """Where a form asks to go back to (``next``), if it is a path of this site (``/…``, not
    ``//host``, ``/\\host``, ``javascript:`` or another site); else ``default`` (a URL name).
    Every ``next`` the pages follow or show as a link goes through here."""
    target = request.POST.get("next", "")
    if (
        target.startswith("/")
        and not target.startswith(("//", "/\\"))
        and url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
    ):
        return target
    return reverse(default)


def posted_version(value):
    """The assessment version a form was rendered with: None when the form sent none, a whole
    number, or the raw text (which the service refuses as invalid)."""
    if value is None:
        return None
    try:
        return whole_number(value)
    except ValueError:
        return value
