"""Score entry, one page per sheet, and the self sheet's evidence files."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from indicators.models import Dimension, Indicator, applies
from indicators.scoring import scale_factor, scaled_max
from yuxi_campaign.core.errors import DomainError, InvalidInput, OutOfScope, StaleVersion

from .. import policy, selectors, services
from ..labels import ACTION_LABELS
from ..models import Assessment, Evidence, Score, Stage
from .common import get_assessment_for_user, posted_version


def sheet_context(a: Assessment):
    """The set's dimensions with their indicators, those that apply to the unit, the scale
    factor, and the saved scores by stage and indicator (three queries)."""
    dimensions = list(
        Dimension.objects.filter(indicator_set_id=a.indicator_set_id)
        .order_by("order")
        .prefetch_related(Prefetch("indicators", queryset=Indicator.objects.order_by("order")))
    )
    applicable = [i for d in dimensions for i in d.indicators.all() if applies(i.applies_to, a.org.area_type)]
    factor = scale_factor(applicable, a.org.area_type, a.indicator_set.total_score)
    scores: dict[str, dict[int, Score]] = {s: {} for s in Stage.values}
    for score in Score.objects.filter(assessment=a):
        scores[score.stage][score.indicator_id] = score
    return dimensions, applicable, factor, scores


def _rows_from_post(post, applicable: list[Indicator]) -> tuple[list[dict], list[Indicator]]:
    rows, order = [], []
    for i in applicable:
        raw = post.get(f"score-{i.pk}", "").strip()
        if raw == "":
            continue
        row: dict = {"indicator": i.pk, "score": raw, "comment": post.get(f"comment-{i.pk}", "")}
        if i.is_veto:
            veto = post.get(f"veto-{i.pk}", "")
            row["veto_passed"] = {"pass": True, "fail": False}.get(veto)
        rows.append(row)
        order.append(i)
    return rows, order


@login_required
def assessment_sheet(request, pk, stage):
    """Score entry for one sheet: indicators by dimension with the guide, live totals, evidence,
    save draft and finish (submit / review / recheck)."""
    if stage not in Stage.values:
        raise Http404
    a = get_assessment_for_user(request.user, pk)
    if not policy.may_score(request.user, stage, a):
        messages.error(request, _("You may not fill in this sheet."))
        return redirect("assessment_detail", pk=a.pk)
    dimensions, applicable, factor, scores = sheet_context(a)
    errors: dict[int, list[str]] = {}
    typed: dict[str, str] = {}
    stale = False
    status = 200
    if request.method == "POST":
        typed = {k: v for k, v in request.POST.items() if k.split("-")[0] in ("score", "comment", "veto")}
        rows, order = _rows_from_post(request.POST, applicable)
        version = posted_version(request.POST.get("version"))
        finish = request.POST.get("do") == "finish"
        try:
            if rows:
                a = services.scores_save(
                    assessment_id=a.pk, stage=stage, actor=request.user, version=version, rows=rows
                )
            if finish:
                finish_action = policy.SHEETS[stage].finish
                services.assessment_transition(
                    assessment_id=a.pk,
                    action=finish_action,
                    actor=request.user,
                    version=a.version if rows else version,
                )
                messages.success(request, _("Saved and handed on."))
                return redirect("assessment_detail", pk=a.pk)
            messages.success(request, _("Draft saved."))
            return redirect("assessment_sheet", pk=a.pk, stage=stage)
        except StaleVersion:
            stale = True
            status = 409
            a = get_assessment_for_user(request.user, pk)
            dimensions, applicable, factor, scores = sheet_context(a)
        except InvalidInput as exc:
            status = 400
            row_errors = exc.fields.get("scores")
            if isinstance(row_errors, list) and row_errors and isinstance(row_errors[0], dict):
                for indicator, errs in zip(order, row_errors, strict=False):
                    if errs:
                        errors[indicator.pk] = [m for msgs in errs.values() for m in msgs]
            messages.error(request, exc.detail)
            a = get_assessment_for_user(request.user, pk)
        except DomainError as exc:
            status = exc.status_code
            messages.error(request, exc.detail)
            a = get_assessment_for_user(request.user, pk)
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
                }
            )
        if rows:
            groups.append({"dimension": d, "rows": rows})
    evidence = (
        list(Evidence.objects.filter(assessment=a).select_related("indicator")) if stage == Stage.SELF else []
    )
    missing_evidence = services.lacking_evidence(applicable, {e.indicator_id for e in evidence})
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
            "evidence": evidence,
            "evidence_indicators": applicable,
            "missing_evidence": missing_evidence,
            "finish_label": ACTION_LABELS[policy.SHEETS[stage].finish],
            "open": a.state == policy.sheet_open_state(stage),
            "proxy_by": (
                request.user.get_full_name() or request.user.username
                if stage == Stage.SELF and policy.acts_by_proxy(request.user, a)
                else ""
            ),
        },
        status=status,
    )


@login_required
@require_POST
def evidence_upload(request, pk):
    a = get_assessment_for_user(request.user, pk)
    try:
        services.evidence_add(
            assessment_id=a.pk,
            indicator_id=request.POST.get("indicator"),
            upload=request.FILES.get("file"),
            actor=request.user,
        )
        messages.success(request, _("File uploaded."))
    except DomainError as exc:
        messages.error(request, exc.detail)
    return redirect("assessment_sheet", pk=a.pk, stage="self")


@login_required
@require_POST
def evidence_remove(request, pk, eid):
    a = get_assessment_for_user(request.user, pk)
    try:
        services.evidence_delete(assessment_id=a.pk, evidence_id=eid, actor=request.user)
        messages.success(request, _("File deleted."))
    except DomainError as exc:
        messages.error(request, exc.detail)
    return redirect("assessment_sheet", pk=a.pk, stage="self")


@login_required
def evidence_download(request, pk, eid):
    a = get_assessment_for_user(request.user, pk)
    try:
        return selectors.evidence_file_response(a, eid)
    except OutOfScope:
        raise Http404 from None
