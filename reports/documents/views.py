"""The document pages: an A4 print page (no site navigation; the tools above the sheet are not
printed) or, with ``?format=docx``, the Word file. Every parameter is checked first (400 with the
reason), the unit through the caller's scope (404), then one query per list."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from assessments.models import Round
from assessments.views.common import get_assessment_for_user
from assessments.views.sheet import sheet_context
from orgs import rules
from yuxi_campaign.core.edge import refusal
from yuxi_campaign.core.errors import InvalidInput, OutOfScope

from . import content, policy, selectors
from .docx import DOCX_TYPE, build_docx
from .params import DocumentParams, document_params, score_sheet_format
from .score_sheet import score_sheet_document

# kind → what the document says, whom it lists, and under which argument the list goes
KINDS = {
    "notice": (content.notice_document, selectors.notice_units, "notices"),
    "naming": (content.naming_document, selectors.named_units, "units"),
    "circular": (content.circular_document, selectors.circular_units, "circular"),
}


def _document(request, kind: str, p: DocumentParams) -> content.Document:
    build, listed, argument = KINDS[kind]
    extra = {}
    if kind == "notice":  # the public notice says where citizens raise an objection
        extra["objection_url"] = request.build_absolute_uri(reverse("notice_list"))
    return build(
        org=p.org,
        round_=p.round,
        target=p.target,
        level=p.level,
        issuer=selectors.issuer_for(p.org),
        serial=p.serial,
        today=timezone.localdate(),
        **{argument: listed(p.org, p.round, p.target, p.level)},
        **extra,
    )


def _respond(request, document: content.Document, fmt: str, context: dict) -> HttpResponse:
    if fmt == "docx":
        response = HttpResponse(build_docx(document), content_type=DOCX_TYPE)
        response["Content-Disposition"] = content_disposition_header(True, document.filename)
        response["Cache-Control"] = "private, no-store"
        return response
    query = request.GET.copy()
    query["format"] = "docx"
    return render(
        request,
        "reports/documents/print.html",
        {"document": document, "docx_url": f"{request.path}?{query.urlencode()}", **context},
    )


def _issued(request, kind: str) -> HttpResponse:
    if not policy.may_issue_documents(request.user):
        return refusal(request, _("Only leaders and administrators may print the documents of a unit."), 403)
    try:
        p = document_params(request.user, request.GET, target_required=kind != "circular")
    except InvalidInput as exc:
        return refusal(request, exc.detail, 400, exc.fields)
    except OutOfScope:
        raise Http404(_("Not found, or outside your scope")) from None
    document = _document(request, kind, p)
    context = {
        "form": {
            "kind": kind,
            "org": p.org,
            "year": p.round.year,
            "target": p.target or "",
            "level": p.level or "",
            "serial": p.serial or "",
            "years": Round.objects.order_by("year").values_list("year", flat=True),
            "targets": list(content.TITLE_ZH.items()),
            "levels": [
                (lvl, content.LEVEL_NOUN[lvl]) for lvl in rules.LEVELS[rules.LEVEL_DEPTH[p.org.level] + 1 :]
            ],
        },
    }
    return _respond(request, document, p.format, context)


@login_required
@require_safe
def issued(request, kind: str):
    """公示, 命名 or 通报 (``kind`` from the URL)."""
    return _issued(request, kind)


@login_required
@require_safe
def score_sheet(request, pk: int):
    try:
        fmt = score_sheet_format(request.GET)
    except InvalidInput as exc:
        return refusal(request, exc.detail, 400, exc.fields)
    a = get_assessment_for_user(request.user, pk)
    dimensions, applicable, factor, scores = sheet_context(a)
    document = score_sheet_document(
        a=a, dimensions=dimensions, factor=factor, scores=scores, applicable=applicable
    )
    return _respond(request, document, fmt, {"assessment": a})
