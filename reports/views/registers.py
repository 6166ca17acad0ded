"""The dashboard's registers as pages of their own: who is late, the register of titles and the
reviewers' calibration. Each takes ``?org=`` (the unit whose subtree it shows: 404 outside the
caller's) and ``?year=``; an invalid value answers 400 with the reason. Asked by htmx (a filter
form), a page answers its section alone. ``?export=xlsx|csv`` answers the page's whole table (all
its pages, with its filters) as a file: the late list and the register through their export
sources (past EXPORT_INLINE_MAX_ROWS rows, the background job's page), the calibration at once.
The ``*_context`` functions build what a section's partial needs; the ``*_summary`` ones the
short version the dashboard shows (the counts and the first rows, with a link to the page)."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.exceptions import BadRequest, PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe

from orgs.models import Organisation
from yuxi_campaign.core.edge import refusal
from yuxi_campaign.core.errors import InvalidInput, OutOfScope
from yuxi_campaign.core.export_views import page_export
from yuxi_campaign.core.exports import FORMATS, table_response

from .. import policy, selectors
from ..serializers import LatePageQuerySerializer, TitlePageQuerySerializer

PAGE_SIZE = 50
SUMMARY_ROWS = 10  # rows of each register the dashboard shows


class Refused(Exception):
    """A query the page cannot answer: ``status`` and a readable ``detail``."""

    def __init__(self, status: int, detail: str):
        super().__init__(detail)
        self.status, self.detail = status, detail


def _validated(serializer_class, request) -> dict:
    """The page's query, validated as the API validates it; an empty value counts as not given."""
    data = {k: v for k, v in request.GET.items() if v != "" and k != "page"}
    query = serializer_class(data=data)
    if not query.is_valid():
        raise Refused(400, "；".join(f"{name}: {msg}" for name, msgs in query.errors.items() for msg in msgs))
    return query.validated_data


def _scope_and_round(request, q: dict, *, round_required: bool = True):
    try:
        scope = selectors.report_scope(request.user, q.get("org"))
        round_ = selectors.report_round(q.get("year")) if round_required or "year" in q else None
    except OutOfScope as exc:
        raise Refused(404, exc.detail) from None
    except InvalidInput as exc:
        raise Refused(400, exc.detail) from None
    return scope, round_


def _query_string(**params) -> str:
    return urlencode({k: v for k, v in params.items() if v not in (None, "")})


def _years() -> list[int]:
    """The years of the rounds, newest first, for a filter (one query)."""
    return selectors.campaign_years()[::-1]


def late_context(scope, round_, page_number=None) -> dict:
    # Queries: the counts per kind (2), one page of the union (1), the officials of its units (1).
    rows = selectors.late_rows(scope, round_)
    page = Paginator(rows, PAGE_SIZE).get_page(page_number)
    details = selectors.late_details(scope, list(page.object_list), rows.today)
    return {
        "table": selectors.late_table(scope, round_, details),
        "page": page,
        "counts": [(selectors.LATE_LABELS[k], rows.counts[k]) for k in selectors.LATE_KINDS],
        "today": rows.today,
        "round": round_,
        "years": _years(),
        "org": scope.org_id,
        "url": reverse("dashboard_late"),
        "query": _query_string(org=scope.org_id, year=round_.year),
    }


def register_context(scope, *, year=None, status=None, within=None, page_number=None) -> dict:
    # Queries: ``within`` (1), count (1), one page of titles (1), their events (1), the units the
    # filter offers (1).
    narrowed = scope.narrow(within)
    rows = selectors.title_rows(narrowed, year=year, status=status)
    page = Paginator(rows, PAGE_SIZE).get_page(page_number)
    details = selectors.title_details(list(page.object_list))
    parent = scope.org
    units = (
        Organisation.objects.filter(parent=parent, is_active=True).order_by("code").values_list("pk", "name")
        if parent is not None
        else Organisation.objects.filter(parent__isnull=True).order_by("code").values_list("pk", "name")
    )
    return {
        "table": selectors.register_table(narrowed, details, year),
        "page": page,
        "statuses": [(s, selectors.TITLE_STATUS_LABELS[s]) for s in selectors.TITLE_STATUSES],
        "units": list(units),
        "year": year,
        "status": status,
        "within": within,
        "years": _years(),
        "org": scope.org_id,
        "url": reverse("dashboard_titles"),
        "query": _query_string(org=scope.org_id, year=year, status=status, within=within),
    }


def calibration_context(scope, round_, page_number=None) -> dict:
    # Queries: one grouped query over the round's reviewed assessments.
    result = selectors.calibration(scope, round_)
    page = Paginator(result.rows, PAGE_SIZE).get_page(page_number)
    return {
        "table": selectors.calibration_table(scope, round_, list(page.object_list)),
        "page": page,
        "flagged": len(result.flagged),
        "round": round_,
        "min_reviews": selectors.MIN_REVIEWS,
        "min_peers": selectors.MIN_PEERS,
        "years": _years(),
        "org": scope.org_id,
        "url": reverse("dashboard_calibration"),
        "query": _query_string(org=scope.org_id, year=round_.year),
    }


def late_summary(scope, round_) -> dict:
    """The dashboard's late list: the counts per kind and the first rows, with the page's link.
    Queries: the counts per kind (2), the first rows of the union (1), their officials (1)."""
    rows = selectors.late_rows(scope, round_)
    details = selectors.late_details(scope, rows[:SUMMARY_ROWS], rows.today)
    return {
        "table": selectors.late_table(scope, round_, details),
        "counts": [(selectors.LATE_LABELS[k], rows.counts[k]) for k in selectors.LATE_KINDS],
        "total": rows.count(),
        "url": reverse("dashboard_late"),
        "query": _query_string(org=scope.org_id, year=round_.year),
    }


def register_summary(scope, round_) -> dict:
    """The dashboard's register: the titles granted in the round per status and the first rows.
    Queries: the counts per status (1), the first rows (1), their events (1)."""
    counts = selectors.title_status_counts(scope, year=round_.year)
    rows = list(selectors.title_rows(scope, year=round_.year)[:SUMMARY_ROWS])
    return {
        "table": selectors.register_table(scope, selectors.title_details(rows), round_.year),
        "counts": [(selectors.TITLE_STATUS_LABELS[s], counts[s]) for s in selectors.TITLE_STATUSES],
        "total": sum(counts.values()),
        "url": reverse("dashboard_titles"),
        "query": _query_string(org=scope.org_id, year=round_.year),
    }


def calibration_summary(scope, round_) -> dict:
    """The dashboard's calibration: the flagged reviewing units first, then the others.
    Queries: one grouped query over the round's reviewed assessments."""
    result = selectors.calibration(scope, round_)
    return {
        "table": selectors.calibration_table(scope, round_, result.rows[:SUMMARY_ROWS]),
        "counts": [(_("Flagged"), len(result.flagged)), (_("Reviewing units"), len(result.rows))],
        "total": len(result.rows),
        "url": reverse("dashboard_calibration"),
        "query": _query_string(org=scope.org_id, year=round_.year),
    }


def _page(request, template: str, title, build) -> HttpResponse:
    """Refuse who may not read the reports (403), then answer the page, or its section alone
    when htmx asks, or the file ``build`` answered; a refused query answers 400 or 404 with its
    reason."""
    if not policy.may_read_reports(request.user):
        raise PermissionDenied
    try:
        context = build()
    except Refused as exc:
        if exc.status == 404:
            raise Http404(exc.detail) from None
        return refusal(request, exc.detail, exc.status)
    except OutOfScope as exc:
        raise Http404(exc.detail) from None
    if isinstance(context, HttpResponse):
        return context
    context |= {"title": title, "partial": template}
    if request.headers.get("HX-Request"):
        return render(request, template, context)
    return render(request, "reports/register_page.html", context)


def _head(scope) -> dict:
    return {"scope": scope}


def _source_params(scope, **params) -> dict[str, str]:
    """The export source's parameters for what the page shows: its (narrowed) scope as
    ``within``, and its filters, as the API's query string has them."""
    return {k: str(v) for k, v in {"within": scope.org_id, **params}.items() if v is not None}


@require_safe
@login_required
def late(request):
    def build():
        q = _validated(LatePageQuerySerializer, request)
        scope, round_ = _scope_and_round(request, q)
        scope = _narrow(scope, q.get("within"))
        if (file := page_export(request, "late", _source_params(scope, year=round_.year))) is not None:
            return file
        return {"late": late_context(scope, round_, request.GET.get("page")), **_head(scope)}

    return _page(request, "reports/_late.html", _("Late list"), build)


@require_safe
@login_required
def titles(request):
    def build():
        q = _validated(TitlePageQuerySerializer, request)
        scope, _round = _scope_and_round(request, q, round_required=False)
        if "export" in request.GET:
            narrowed = _narrow(scope, q.get("within"))
            params = _source_params(narrowed, year=q.get("year"), status=q.get("status"))
            return page_export(request, "titles", params)
        register = register_context(
            scope,
            year=q.get("year"),
            status=q.get("status"),
            within=q.get("within"),
            page_number=request.GET.get("page"),
        )
        return {"register": register, **_head(scope)}

    return _page(request, "reports/_register.html", _("Register of titles"), build)


@require_safe
@login_required
def calibration(request):
    def build():
        q = _validated(LatePageQuerySerializer, request)
        scope, round_ = _scope_and_round(request, q)
        scope = _narrow(scope, q.get("within"))
        if (fmt := request.GET.get("export")) is not None:  # a row per reviewing unit: no job
            if fmt not in FORMATS:
                raise BadRequest(_("Export as xlsx or csv"))
            rows = selectors.calibration(scope, round_).rows
            return table_response(selectors.calibration_table(scope, round_, rows), fmt)
        return {"calibration": calibration_context(scope, round_, request.GET.get("page")), **_head(scope)}

    return _page(request, "reports/_calibration.html", _("Reviewer calibration"), build)


def _narrow(scope, within):
    try:
        return scope.narrow(within)
    except OutOfScope as exc:
        raise Refused(404, exc.detail) from None
