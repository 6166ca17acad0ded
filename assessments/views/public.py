"""The public notice page and objection form (SPEC §7): no login. Reads the same rows as the
API's ``GET /notices/``; an objection is one call of ``services.objection_submit``, throttled by
the same counter as ``POST /api/v1/notices/{id}/objections/``."""

from __future__ import annotations

import logging
import math

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from yuxi_campaign.core.auth import client_ip
from yuxi_campaign.core.errors import InvalidInput, OutOfScope, WrongState

from .. import selectors, services
from ..api.notices import NoticeViewSet, ObjectionThrottle
from ..models import Assessment, Target

logger = logging.getLogger(__name__)

PAGE_SIZE = 50
THROTTLED = "提交过于频繁，请稍后再试"  # Chinese like the service's own errors


class PageObjectionThrottle(ObjectionThrottle):
    """The API's objection throttle (same scope, rate and cache key ``throttle_objection_<address>``),
    so the page and the API count one address together. The API endpoint authenticates nobody, so its
    key is always the address; here it must be too, even when an official is logged in."""

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


def _row(a: Assessment) -> dict:
    """What the notice partial shows of one assessment in notice."""
    return {
        "id": a.pk,
        "org_name": a.org.name,
        "path": selectors.notice_path(a),
        "year": a.round.year,
        "target_label": Target(a.target).label,
        "final_score": a.final_score,  # a stored decimal: two places, as the API writes it
        "notice_ends_at": a.notice_ends_at,
    }


@require_safe
def notice_list(request):
    # Queries: count + one page (unit, its county, township, village and the round joined).
    qs = selectors.notices()
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "public/notice_list.html", {"page": page, "rows": [_row(a) for a in page]})


@require_http_methods(["GET", "HEAD", "POST"])
def objection_form(request, assessment_id: int):
    a = selectors.notices().filter(pk=assessment_id).first()
    if a is None:
        raise Http404(_("This unit is not in public notice."))
    context = {
        "notice": _row(a),
        "content": request.POST.get("content", ""),
        "contact": request.POST.get("contact", ""),
        "errors": {},
        "error": "",
        "closed": False,
    }
    if request.method != "POST":
        context["closed"] = a.notice_ends_at is not None and timezone.now() >= a.notice_ends_at
        return render(request, "public/objection_form.html", context)

    throttle = PageObjectionThrottle()
    # The viewset only lends its scope ("objection"); every POST counts, as on the API.
    if not throttle.allow_request(request, NoticeViewSet):
        context["error"] = THROTTLED
        response = render(request, "public/objection_form.html", context, status=429)
        if (wait := throttle.wait()) is not None:
            response["Retry-After"] = str(math.ceil(wait))
        return response
    if request.POST.get("website", "").strip():
        logger.info("objection honeypot filled for assessment %s; nothing stored", a.pk)
        return redirect("objection_thanks")
    try:
        services.objection_submit(
            assessment_id=a.pk,
            # A textarea sends CRLF line breaks; count and store them as the API's clients send them.
            content=context["content"].replace("\r\n", "\n"),
            contact=context["contact"],
            ip_address=client_ip(request),
        )
    except OutOfScope:
        raise Http404(_("This unit is not in public notice.")) from None
    except WrongState as exc:
        context.update(error=exc.detail, closed=True)
        return render(request, "public/objection_form.html", context, status=409)
    except InvalidInput as exc:
        context.update(errors=exc.fields, error="" if exc.fields else exc.detail)
        return render(request, "public/objection_form.html", context, status=400)
    return redirect("objection_thanks")


@require_safe
def objection_thanks(request):
    return render(request, "public/objection_thanks.html")
