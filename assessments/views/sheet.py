"""Score entry, one page per sheet: the indicators by dimension with live totals, the draft kept
on the server as the user types (autosave), and each indicator's evidence in place. With scripts,
files are uploaded and deleted next to their indicator without leaving the page (htmx answers the
indicator's evidence part); without them, the sheet's own form does it all in one post: scores
saved, chosen files uploaded, a file deleted, so nothing typed is ever lost."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from indicators.models import Dimension, Indicator, applies, for_unit
from indicators.scoring import scale_factor, scaled_max
from yuxi_campaign.core.errors import DomainError, InvalidInput, NotAllowed, OutOfScope, StaleVersion

from .. import policy, selectors, services
from ..labels import ACTION_LABELS
from ..models import Assessment, Evidence, Score, Stage
from .common import get_assessment_for_user, posted_version

FILE_FIELD = "file-{}"  # the sheet form's file field of one indicator
DELETE_PREFIX = "delete-"  # ``do=delete-<evidence id>``: the sheet form's delete buttons
UPLOAD_PREFIX = "upload-"  # ``do=upload-<indicator id>``: the sheet form's upload buttons (no scripts)


def sheet_context(a: Assessment):
    """The set's dimensions with their indicators, those that apply to the unit (in the unit's
    rural or urban wording), the scale factor, and the saved scores by stage and indicator (three
    queries)."""
    dimensions = list(
        Dimension.objects.filter(indicator_set_id=a.indicator_set_id)
        .order_by("order")
        .prefetch_related(Prefetch("indicators", queryset=Indicator.objects.order_by("order")))
    )
    applicable = for_unit((i for d in dimensions for i in d.indicators.all()), a.org.area_type)
    factor = scale_factor(applicable, a.org.area_type, a.indicator_set.total_score)
    scores: dict[str, dict[int, Score]] = {s: {} for s in Stage.values}
    for score in Score.objects.filter(assessment=a):
        scores[score.stage][score.indicator_id] = score
    return dimensions, applicable, factor, scores


def evidence_by_indicator(a: Assessment) -> dict[int, list[Evidence]]:
    """The assessment's files by indicator, oldest first (one query)."""
    files: dict[int, list[Evidence]] = {}
    for e in Evidence.objects.filter(assessment=a).order_by("uploaded_at", "pk"):
        files.setdefault(e.indicator_id, []).append(e)
    return files


def _rows_from_post(post, applicable: list[Indicator]) -> tuple[list[dict], list[Indicator]]:
    rows, order = [], []
    for i in applicable:
        raw = post.get(f"score-{i.pk}", "").strip()
        veto = post.get(f"veto-{i.pk}", "") if i.is_veto else ""
        if raw == "" and veto == "":
            continue  # a veto item without points has no score field: its answer is the row
        row: dict = {"indicator": i.pk, "comment": post.get(f"comment-{i.pk}", "")}
        if raw != "":
            row["score"] = raw
        if i.is_veto:
            row["veto_passed"] = {"pass": True, "fail": False}.get(veto)
        rows.append(row)
        order.append(i)
    return rows, order


def _row_errors(exc: InvalidInput, order: list[Indicator]) -> dict[int, list[str]]:
    """The service's errors of each refused row, by indicator id."""
    errors: dict[int, list[str]] = {}
    row_errors = exc.fields.get("scores")
    if isinstance(row_errors, list) and row_errors and isinstance(row_errors[0], dict):
        for indicator, errs in zip(order, row_errors, strict=False):
            if errs:
                errors[indicator.pk] = [m for msgs in errs.values() for m in msgs]
    return errors


def _files_from_post(request, a: Assessment, applicable: list[Indicator]) -> tuple[int, dict[int, list[str]]]:
    """Upload the files chosen in the sheet form (no scripts: they come with the form); the
    number stored and the refusals by indicator id. Each file is its own upload: a refused file
    keeps none of itself and does not stop the others."""
    stored, errors = 0, {}
    for i in applicable:
        upload = request.FILES.get(FILE_FIELD.format(i.pk))
        if upload is None:
            continue
        try:
            services.evidence_add(assessment_id=a.pk, indicator_id=i.pk, upload=upload, actor=request.user)
            stored += 1
        except DomainError as exc:
            errors[i.pk] = [exc.detail]
    return stored, errors


def _delete_from_post(request, a: Assessment, do: str) -> bool:
    """Delete the file named by ``do=delete-<id>`` (the sheet form's delete buttons); whether one
    was asked for. A refusal is shown as a message."""
    raw = do.removeprefix(DELETE_PREFIX)
    if not do.startswith(DELETE_PREFIX):
        return False
    try:
        services.evidence_delete(assessment_id=a.pk, evidence_id=int(raw), actor=request.user)
        messages.success(request, _("File deleted."))
    except ValueError:
        messages.error(request, _("No such file."))
    except DomainError as exc:
        messages.error(request, exc.detail)
    return True


@login_required
def assessment_sheet(request, pk, stage):
    """Score entry for one sheet: indicators by dimension with the guide, live totals, evidence
    in place, save draft and finish (submit / review / recheck)."""
    if stage not in Stage.values:
        raise Http404
    a = get_assessment_for_user(request.user, pk)
    if not policy.may_score(request.user, stage, a):
        messages.error(request, _("You may not fill in this sheet."))
        return redirect("assessment_detail", pk=a.pk)
    dimensions, applicable, factor, scores = sheet_context(a)
    errors: dict[int, list[str]] = {}
    file_errors: dict[int, list[str]] = {}
    typed: dict[str, str] = {}
    stale = False
    status = 200
    if request.method == "POST":
        typed = {k: v for k, v in request.POST.items() if k.split("-")[0] in ("score", "comment", "veto")}
        do = request.POST.get("do", "save")
        stored, file_errors = _files_from_post(request, a, applicable)
        if stored:
            messages.success(request, _("File uploaded.") if stored == 1 else _("Files uploaded."))
        deleted = _delete_from_post(request, a, do)
        rows, order = _rows_from_post(request.POST, applicable)
        version = posted_version(request.POST.get("version"))
        finish = do == "finish" and not file_errors
        try:
            if rows:
                a = services.scores_save(
                    assessment_id=a.pk, stage=stage, actor=request.user, version=version, rows=rows
                )
            if finish:
                services.assessment_transition(
                    assessment_id=a.pk,
                    action=policy.SHEETS[stage].finish,
                    actor=request.user,
                    version=a.version if rows else version,
                )
                messages.success(request, _("Saved and handed on."))
                return redirect("assessment_detail", pk=a.pk)
            if not file_errors:
                if rows or not (stored or deleted):
                    messages.success(request, _("Draft saved."))
                return redirect(_sheet_url(a, stage, do))
            status = 400
            messages.error(request, _("A file was not uploaded: the reason is shown by its indicator."))
            a = get_assessment_for_user(request.user, pk)
            typed = {}  # the scores are saved: show what the database holds
            dimensions, applicable, factor, scores = sheet_context(a)
        except StaleVersion:
            stale = True
            status = 409
            a = get_assessment_for_user(request.user, pk)
            dimensions, applicable, factor, scores = sheet_context(a)
        except InvalidInput as exc:
            status = 400
            errors = _row_errors(exc, order)
            messages.error(request, exc.detail)
            a = get_assessment_for_user(request.user, pk)
        except DomainError as exc:
            status = exc.status_code
            messages.error(request, exc.detail)
            a = get_assessment_for_user(request.user, pk)
    open_ = a.state == policy.sheet_open_state(stage)
    files = evidence_by_indicator(a)
    may_file = stage == Stage.SELF and open_ and policy.may_handle_evidence(request.user, a)
    missing_evidence = services.lacking_evidence(applicable, set(files))
    groups = []
    for d in dimensions:
        rows = []
        for i in d.indicators.all():
            if not applies(i.applies_to, a.org.area_type):
                continue
            saved = scores[stage].get(i.pk)
            self_score = scores[Stage.SELF].get(i.pk) if stage != Stage.SELF else None
            value = typed.get(f"score-{i.pk}", f"{saved.score.normalize():f}" if saved else "")
            veto = typed.get(
                f"veto-{i.pk}",
                "" if not saved or saved.veto_passed is None else ("pass" if saved.veto_passed else "fail"),
            )
            rows.append(
                {
                    "indicator": i,
                    "value": value,
                    "comment": typed.get(f"comment-{i.pk}", saved.comment if saved else ""),
                    "veto": veto,
                    "saved": saved,
                    "self": self_score,
                    "errors": errors.get(i.pk, []),
                    "scaled_max": scaled_max(i, factor),
                    "changed_by_other": stale
                    and saved is not None
                    and typed.get(f"score-{i.pk}") not in (None, f"{saved.score.normalize():f}"),
                    "gap_limit": (i.max_score * services.GAP_SHARE),
                    "files": files.get(i.pk, []),
                    "file_errors": file_errors.get(i.pk, []),
                }
            )
        if rows:
            filled = sum(1 for r in rows if r["value"] != "")
            groups.append(
                {
                    "dimension": d,
                    "rows": rows,
                    "filled": filled,
                    # open while something is left to do in it (or to read: an error)
                    "open": filled < len(rows)
                    or any(r["errors"] or r["file_errors"] for r in rows)
                    or (may_file and any(r["indicator"] in missing_evidence for r in rows)),
                }
            )
    return render(
        request,
        "assessments/sheet.html",
        {
            "a": a,
            "stage": stage,
            "stage_label": Stage(stage).label,
            "groups": groups,
            "factor": factor,
            "total_score": a.indicator_set.total_score,
            "stale": stale,
            "may_file": may_file,
            "missing_evidence": missing_evidence if stage == Stage.SELF else [],
            "finish_label": ACTION_LABELS[policy.SHEETS[stage].finish],
            "open": open_,
            "proxy_by": (
                request.user.display_name
                if stage == Stage.SELF and policy.acts_by_proxy(request.user, a)
                else ""
            ),
        },
        status=status,
    )


def _sheet_url(a: Assessment, stage: str, do: str) -> str:
    """The sheet again; after an upload button (``do=upload-<indicator id>``), at that indicator."""
    url = reverse("assessment_sheet", kwargs={"pk": a.pk, "stage": stage})
    at = do.removeprefix(UPLOAD_PREFIX)
    return f"{url}#ind-{at}" if do.startswith(UPLOAD_PREFIX) and at.isascii() and at.isdigit() else url


@login_required
@require_POST
def sheet_autosave(request, pk, stage):
    """The draft as the user types (the sheet page's own script posts it): the typed rows through
    the same service as the sheet's save, against the version the page holds. Answers the status
    line, with the new version, for the page's live region: 200 saved (or nothing to save), 400
    refused rows, 409 a stale version or a closed sheet, 403 not this user's sheet, 404 out of
    scope. A refusal saves nothing."""
    if stage not in Stage.values:
        raise Http404
    a = get_assessment_for_user(request.user, pk)
    rows, order = _rows_from_post(request.POST, _applicable(a))
    context: dict = {"version": a.version, "ok": False, "errors": {}}
    status = 200
    try:
        if not rows and not policy.may_score(request.user, stage, a):
            raise NotAllowed(_("You may not fill in this sheet."))
        if rows:
            a = services.scores_save(
                assessment_id=a.pk,
                stage=stage,
                actor=request.user,
                version=posted_version(request.POST.get("version")),
                rows=rows,
            )
            context.update(version=a.version, at=timezone.localtime())
        context["ok"] = True
    except InvalidInput as exc:
        status = 400
        context["errors"] = _row_errors(exc, order)
        context["message"] = "；".join(m for msgs in context["errors"].values() for m in msgs) or exc.detail
    except DomainError as exc:
        status = exc.status_code
        context.update(message=exc.detail, stale=isinstance(exc, StaleVersion))
    return render(request, "assessments/_autosave.html", context, status=status)


def _applicable(a: Assessment) -> list[Indicator]:
    """The indicators of the assessment's set that apply to its unit (one query)."""
    return [
        i
        for i in Indicator.objects.filter(indicator_set_id=a.indicator_set_id).order_by("order")
        if applies(i.applies_to, a.org.area_type)
    ]


def _evidence_part(request, a: Assessment, indicator_id, errors: list[str], status: int, **done):
    """One indicator's evidence on the sheet (its files, the refusal, the upload control) and the
    sheet's list of indicators still without a file, for htmx to swap in place."""
    indicators = {str(i.pk): i for i in _applicable(a)}
    indicator = indicators.get(str(indicator_id))
    if indicator is None:
        return render(request, "assessments/_evidence_refused.html", {"errors": errors}, status=status)
    files = evidence_by_indicator(a)
    return render(
        request,
        "assessments/_evidence_part.html",
        {
            "a": a,
            "i": indicator,
            "files": files.get(indicator.pk, []),
            "file_errors": errors,
            "may_file": a.state == policy.sheet_open_state(Stage.SELF)
            and policy.may_handle_evidence(request.user, a),
            "missing_evidence": services.lacking_evidence(list(indicators.values()), set(files)),
            **done,
        },
        status=status,
    )


def _evidence_answer(request, a, indicator_id, errors, status, done, success):
    """htmx gets the indicator's evidence part back (with the refusal and its status); a plain
    form post the sheet again, with the refusal or ``success`` as a message."""
    if request.headers.get("HX-Request"):
        return _evidence_part(request, a, indicator_id, errors, status, **done)
    if errors:
        messages.error(request, errors[0])
    else:
        messages.success(request, success)
    return redirect("assessment_sheet", pk=a.pk, stage="self")


@login_required
@require_POST
def evidence_upload(request, pk):
    """Upload one file for one indicator of the self sheet: htmx gets the indicator's evidence
    part back (a refusal in it, in Chinese, with 400/403/409), a plain form the sheet again."""
    a = get_assessment_for_user(request.user, pk)
    indicator_id = request.POST.get("indicator", "")
    upload = request.FILES.get("file") or request.FILES.get(FILE_FIELD.format(indicator_id))
    errors, status, done = [], 200, {}
    try:
        evidence = services.evidence_add(
            assessment_id=a.pk, indicator_id=indicator_id, upload=upload, actor=request.user
        )
        done["uploaded"] = evidence.original_name
    except DomainError as exc:
        errors, status = [exc.detail], exc.status_code
    return _evidence_answer(request, a, indicator_id, errors, status, done, _("File uploaded."))


@login_required
@require_POST
def evidence_remove(request, pk, eid):
    """Delete one file of the self sheet: htmx gets its indicator's evidence part back."""
    a = get_assessment_for_user(request.user, pk)
    indicator_id, name = (
        Evidence.objects.filter(pk=eid, assessment=a).values_list("indicator_id", "original_name").first()
    ) or (None, "")
    errors, status, done = [], 200, {}
    try:
        services.evidence_delete(assessment_id=a.pk, evidence_id=eid, actor=request.user)
        done["deleted"] = name
    except DomainError as exc:
        errors, status = [exc.detail], exc.status_code
    return _evidence_answer(request, a, indicator_id, errors, status, done, _("File deleted."))


@login_required
def evidence_download(request, pk, eid):
    a = get_assessment_for_user(request.user, pk)
    try:
        return selectors.evidence_file_response(a, eid)
    except OutOfScope:
        raise Http404 from None
