"""Background exports on the pages: the job's page with a progress bar that htmx refreshes every
second until the file is ready, and the download. Only the user who started a job sees it."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import BadRequest
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from . import export_jobs, export_sources
from .errors import OutOfScope, WrongState
from .exports import FORMATS, table_response
from .models import ExportStatus

STOP_POLLING = 286  # htmx stops polling an element whose answer has this status


def page_export(request, source: str, params: dict[str, str]) -> HttpResponse | None:
    """For a page whose table comes from a registered export source: when the page URL asks
    ``?export=xlsx|csv``, the file (small) or a redirect to the background job's page (past
    EXPORT_INLINE_MAX_ROWS rows); None when no export is asked for."""
    fmt = request.GET.get("export")
    if fmt is None:
        return None
    if fmt not in FORMATS:
        raise BadRequest(_("Export as xlsx or csv"))
    rows = export_sources.open_source(source, request.user, params)
    if rows.total <= export_jobs.inline_max_rows():
        return table_response(rows.as_table(), fmt)
    job = export_jobs.export_job_start(user=request.user, source=source, params=params, fmt=fmt)
    return redirect("export_job", pk=job.pk)


def _job(request, pk):
    try:
        return export_jobs.export_job_get_for_user(request.user, pk)
    except OutOfScope:
        raise Http404(_("Not found, or outside your scope")) from None


@require_safe
@login_required
def export_job(request, pk: int):
    # Queries: session/user, the job.
    return render(request, "core/export_job.html", {"job": _job(request, pk)})


@require_safe
@login_required
def export_job_progress(request, pk: int):
    """The progress part alone, which the page polls every second; once the job is finished it
    answers 286, htmx's "stop polling" (after showing the part with the download link)."""
    job = _job(request, pk)
    finished = job.status in (ExportStatus.DONE, ExportStatus.FAILED)
    return render(
        request, "core/_export_progress.html", {"job": job}, status=STOP_POLLING if finished else 200
    )


@require_safe
@login_required
def export_job_download(request, pk: int):
    job = _job(request, pk)
    try:
        return export_jobs.export_job_file_response(job)
    except WrongState:
        return redirect("export_job", pk=job.pk)
