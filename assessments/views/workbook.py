"""Score sheets as Excel workbooks on the pages: download one sheet (or a village's groups' sheets,
one worksheet each) to fill in offline, and upload it back. The upload saves everything or nothing
and lists every problem with its worksheet, row and column."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from orgs.selectors import org_get_for_user
from yuxi_campaign.core.errors import DomainError, InvalidInput, OutOfScope

from .. import policy, services, workbooks
from ..models import Stage
from .common import get_assessment_for_user, next_url

UPLOAD_FIELD = "file"


def _upload(request) -> bytes:
    upload = request.FILES.get(UPLOAD_FIELD)
    if upload is None:
        raise InvalidInput("请选择要上传的评分工作簿（.xlsx）", fields={UPLOAD_FIELD: ["请选择文件"]})
    if upload.size > workbooks.MAX_BYTES:
        message = f"工作簿不能超过 {workbooks.MAX_BYTES // (1024 * 1024)} MB"
        raise InvalidInput(message, fields={UPLOAD_FIELD: [message]})
    return upload.read()


def _refused(request, exc: DomainError, back: str):
    problems = exc.fields.get("workbook") or [exc.detail]
    return render(
        request,
        "assessments/workbook_result.html",
        {"problems": problems, "back": back},
        status=exc.status_code,
    )


def _saved_message(request, saved: list[services.SheetSaved]) -> None:
    done = sum(1 for s in saved if s.saved)
    if done:
        messages.success(request, _("Workbook imported: %(n)s sheet(s) saved.") % {"n": done})
    else:
        messages.info(request, _("The workbook holds no change: nothing was saved."))


@login_required
@require_http_methods(["GET", "POST"])
def sheet_workbook(request, pk, stage):
    """GET the sheet as a workbook; POST a filled one back (multipart ``file``)."""
    if stage not in Stage.values:
        raise Http404
    a = get_assessment_for_user(request.user, pk)
    back = reverse("assessment_sheet", args=[a.pk, stage])
    if request.method == "GET":
        if stage not in policy.open_sheets(request.user, a):
            messages.error(request, _("You may not fill in this sheet now."))
            return redirect("assessment_detail", pk=a.pk)
        name = workbooks.file_name(a.org.name, a.round.year, stage, f"-{a.get_target_display()}")
        return workbooks.workbook_response(workbooks.workbook_for_sheet(a, stage), name)
    try:
        saved = services.workbook_save(
            actor=request.user, content=_upload(request), expected=workbooks.sheet_expected(a, stage)
        )
    except DomainError as exc:
        return _refused(request, exc, back)
    _saved_message(request, saved)
    return redirect(back)


@login_required
@require_http_methods(["GET", "POST"])
def groups_workbook(request, org_pk, year, stage):
    """The sheets of a unit's groups (its direct children) that the user may fill now, one
    worksheet each; POST the filled workbook back."""
    if stage not in Stage.values:
        raise Http404
    try:
        org = org_get_for_user(request.user, org_pk)
    except OutOfScope:
        raise Http404 from None
    if request.method == "GET":
        rows = workbooks.group_assessments(request.user, org, year, stage)
        if not rows:
            messages.error(request, _("No sheet of this unit's groups is open for you to fill in."))
            return redirect("home")
        name = workbooks.file_name(org.name, year, stage, "-各小组")
        return workbooks.workbook_response(workbooks.workbook_for_groups(rows, stage), name)
    back = next_url(request, "home")
    try:
        saved = services.workbook_save(
            actor=request.user, content=_upload(request), expected=workbooks.groups_expected(org, year, stage)
        )
    except DomainError as exc:
        return _refused(request, exc, back)
    _saved_message(request, saved)
    return redirect(back)
