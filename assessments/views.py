"""Pages for officials. Every page fetches through the same selectors as the API and every
state change is one service call on POST followed by a redirect."""

from __future__ import annotations

from decimal import Decimal
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from indicators.models import Dimension, Indicator, applies
from indicators.scoring import scale_factor
from orgs.models import Level, Organisation
from orgs.selectors import orgs_for_user
from yuxi_campaign.core.errors import DomainError, InvalidInput, OutOfScope, StaleVersion

from . import policy, selectors, services
from .labels import ACTION_LABELS, EVENT_LABELS, STATE_LABELS
from .models import (
    Assessment,
    Event,
    Evidence,
    Notification,
    Objection,
    ObjectionStatus,
    Round,
    Score,
    Stage,
    State,
)
from .todo import todo_for

PAGE_SIZE = 25


def get_assessment_for_user(user, pk) -> Assessment:
    try:
        return selectors.assessment_get_for_user(user, pk)
    except OutOfScope:
        raise Http404(_("Not found, or outside your scope")) from None


@login_required
def home(request):
    todo = todo_for(request.user)
    notes = list(
        Notification.objects.filter(user=request.user, read_at__isnull=True).order_by("-created_at")[:10]
    )
    return render(request, "assessments/home.html", {"todo": todo, "notifications": notes})


@login_required
@require_POST
def declare(request):
    round_ = Round.objects.filter(pk=request.POST.get("round")).first()
    org_id = request.POST.get("org") or request.user.org_id
    try:
        org = orgs_for_user(request.user).get(pk=org_id)
    except (Organisation.DoesNotExist, ValueError):
        raise Http404 from None
    if round_ is None:
        messages.error(request, _("Choose a round."))
        return redirect("home")
    try:
        a = services.assessment_declare(
            org=org, round=round_, target=request.POST.get("target", "standard"), actor=request.user
        )
    except DomainError as exc:
        messages.error(request, exc.detail)
        return redirect("home")
    messages.success(request, _("Declared. Fill in the self-assessment sheet."))
    return redirect("assessment_sheet", pk=a.pk, stage="self")


# ---------------------------------------------------------------------------------------------
# Lists


def _filters(request):
    params = request.GET
    clean: dict[str, str] = {}
    for name in ("year", "within"):
        if params.get(name, "").isdigit():
            clean[name] = params[name]
    for name, choices in (
        ("state", State.values),
        ("level", Level.values),
        ("target", ["standard", "demonstration"]),
    ):
        if params.get(name) in choices:
            clean[name] = params[name]
    if params.get("mine") == "1":
        clean["mine"] = "1"
    return clean


@login_required
def assessment_list(request):
    # Queries: session/user, rounds, count, one page (org, parent, round, set joined, objections as EXISTS).
    f = _filters(request)
    qs = selectors.assessments_for_user(request.user)
    if "year" in f:
        qs = qs.filter(round__year=int(f["year"]))
    if "state" in f:
        qs = qs.filter(state=f["state"])
    if "level" in f:
        qs = qs.filter(org__level=f["level"])
    if "target" in f:
        qs = qs.filter(target=f["target"])
    if "within" in f:
        qs = qs.filter(**selectors.within_filter(int(f["within"])))
    if "mine" in f:
        qs = qs.filter(org_id=request.user.org_id)
    qs = selectors.with_detail(qs).order_by("-round__year", "org__tree_id", "org__lft", "target")
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    now = timezone.now()
    rows = [
        (a, policy.allowed_actions(request.user, a, now=now, has_pending_objection=a.has_pending_objection))
        for a in page
    ]
    bulk_actions = sorted({act for _a, acts in rows for act in acts if act not in ("submit",)})
    return render(
        request,
        "assessments/list.html",
        {
            "page": page,
            "rows": rows,
            "filters": f,
            "query": urlencode(f),
            "states": State.choices,
            "levels": Level.choices,
            "years": list(Round.objects.order_by("-year").values_list("year", flat=True)),
            "bulk_actions": [(a, ACTION_LABELS[a]) for a in bulk_actions],
        },
    )


@login_required
def unit_list(request):
    # Queries: session/user, count, one page with the parent joined.
    qs = orgs_for_user(request.user).select_related("parent")
    level = request.GET.get("level")
    if level in Level.values:
        qs = qs.filter(level=level)
    search = request.GET.get("q", "").strip()
    if search:
        qs = qs.filter(name__contains=search) | qs.filter(code__startswith=search)
    page = Paginator(qs.order_by("tree_id", "lft"), 50).get_page(request.GET.get("page"))
    query = urlencode({k: v for k, v in (("level", level), ("q", search)) if v})
    return render(
        request,
        "assessments/units.html",
        {"page": page, "levels": Level.choices, "level": level, "q": search, "query": query},
    )


# ---------------------------------------------------------------------------------------------
# One assessment


def _sheet_context(a: Assessment):
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


@login_required
def assessment_detail(request, pk):
    a = get_assessment_for_user(request.user, pk)
    dimensions, applicable, factor, scores = _sheet_context(a)
    groups = []
    for d in dimensions:
        rows = [
            {"indicator": i, **{s: scores[s].get(i.pk) for s in Stage.values}}
            for i in d.indicators.all()
            if applies(i.applies_to, a.org.area_type)
        ]
        if rows:
            groups.append({"dimension": d, "rows": rows})
    now = timezone.now()
    actions = policy.allowed_actions(request.user, a, now=now, has_pending_objection=a.has_pending_objection)
    events = Event.objects.filter(assessment=a).select_related("actor").order_by("-at", "-pk")
    sheets = policy.open_sheets(request.user, a)
    return render(
        request,
        "assessments/detail.html",
        {
            "a": a,
            "groups": groups,
            "factor": factor,
            "actions": [
                (name, policy.RULES[name], ACTION_LABELS[name])
                for name in actions
                if name not in ("submit", "review", "recheck")
            ],
            "sheet_actions": sheets,
            "events": events,
            "evidence": Evidence.objects.filter(assessment=a).select_related("indicator"),
            "objections": Objection.objects.filter(assessment=a).order_by("created_at"),
            "may_decide_objections": policy.may_decide_objection(request.user, a)
            and a.state == State.IN_NOTICE,
            "state_label": STATE_LABELS[a.state],
            "event_labels": EVENT_LABELS,
            "state_labels": STATE_LABELS,
        },
    )


FINISH = {Stage.SELF: "submit", Stage.REVIEW: "review", Stage.RECHECK: "recheck"}


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
    dimensions, applicable, factor, scores = _sheet_context(a)
    errors: dict[int, list[str]] = {}
    typed: dict[str, str] = {}
    stale = False
    status = 200
    if request.method == "POST":
        typed = {k: v for k, v in request.POST.items() if k.split("-")[0] in ("score", "comment", "veto")}
        rows, order = _rows_from_post(request.POST, applicable)
        try:
            version = int(request.POST.get("version", ""))
        except ValueError:
            version = None
        finish = request.POST.get("do") == "finish"
        try:
            if rows:
                a = services.scores_save(
                    assessment_id=a.pk, stage=stage, actor=request.user, version=version, rows=rows
                )
            if finish:
                services.assessment_transition(assessment_id=a.pk, action=FINISH[stage], actor=request.user)
                messages.success(request, _("Saved and handed on."))
                return redirect("assessment_detail", pk=a.pk)
            messages.success(request, _("Draft saved."))
            return redirect("assessment_sheet", pk=a.pk, stage=stage)
        except StaleVersion:
            stale = True
            status = 409
            a = get_assessment_for_user(request.user, pk)
            dimensions, applicable, factor, scores = _sheet_context(a)
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
                    "scaled_max": (i.max_score * factor).quantize(Decimal("0.01")),
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
    with_files = {e.indicator_id for e in evidence}
    missing_evidence = [i for i in applicable if i.evidence_required and i.pk not in with_files]
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
            "finish_label": ACTION_LABELS[FINISH[stage]],
            "open": a.state == policy.sheet_open_state(stage),
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


@login_required
def transition(request, pk):
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    a = get_assessment_for_user(request.user, pk)
    action = request.POST.get("action", "")
    try:
        services.assessment_transition(
            assessment_id=a.pk,
            action=action,
            actor=request.user,
            reason=request.POST.get("reason", ""),
            deadline=request.POST.get("deadline") or None,
        )
        messages.success(request, _("Done: %(action)s.") % {"action": ACTION_LABELS[action]})
    except DomainError as exc:
        messages.error(request, exc.detail)
    return redirect("assessment_detail", pk=a.pk)


@login_required
@require_POST
def bulk_transition(request):
    action = request.POST.get("action", "")
    ids = [int(i) for i in request.POST.getlist("ids") if i.isdigit()]
    if action not in policy.RULES or not ids:
        messages.error(request, _("Choose an action and at least one row."))
        return redirect(request.POST.get("next") or "assessment_list")
    outcomes = services.assessment_bulk_transition(
        ids=ids,
        action=action,
        actor=request.user,
        reason=request.POST.get("reason", ""),
        deadline=request.POST.get("deadline") or None,
    )
    names = dict(
        selectors.assessments_for_user(request.user).filter(pk__in=ids).values_list("pk", "org__name")
    )
    results = [
        {
            "id": r.id,
            "name": names.get(r.id, "—"),
            "ok": r.ok,
            "detail": STATE_LABELS[r.state] if r.ok else r.detail,
        }
        for r in outcomes
    ]
    return render(
        request,
        "assessments/bulk_result.html",
        {
            "results": results,
            "action_label": ACTION_LABELS[action],
            "next": request.POST.get("next") or "/assessments/",
            "ok": sum(r["ok"] for r in results),
        },
    )


@login_required
def objection_list(request):
    qs = (
        Objection.objects.filter(assessment__in=selectors.assessments_for_user(request.user))
        .select_related("assessment__org", "assessment__round")
        .order_by("status", "-created_at")
    )
    if request.GET.get("status") in ObjectionStatus.values:
        qs = qs.filter(status=request.GET["status"])
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "assessments/objections.html", {"page": page})


@login_required
@require_POST
def objection_decide(request, oid):
    objection = Objection.objects.filter(
        pk=oid, assessment__in=selectors.assessments_for_user(request.user)
    ).first()
    if objection is None:
        raise Http404
    try:
        services.objection_decide(
            objection_id=objection.pk,
            decision=request.POST.get("decision", ""),
            reason=request.POST.get("reason", ""),
            actor=request.user,
        )
        messages.success(request, _("Objection decided."))
    except DomainError as exc:
        messages.error(request, exc.detail)
    return redirect(request.POST.get("next") or "objection_list")
