"""Pages of the on-site observations (现场观摩): the month (who was observed, who is missing, the
scores and the overdue rectifications), the observation form (phone first), the observation with
its problems and answers, and its photos. Each write is one service call on POST; a refusal
shows as a message and the form keeps what was typed."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from orgs.models import Organisation
from orgs.selectors import orgs_for_user
from yuxi_campaign.core.api import whole_number
from yuxi_campaign.core.errors import DomainError, OutOfScope

from .. import policy, selectors, services
from ..models import Observation

PROBLEM_ROWS = 3  # blank problem rows the form offers each time


def get_observation_for_user(user, pk) -> Observation:
    try:
        return selectors.observation_get_for_user(user, pk)
    except OutOfScope:
        raise Http404(_("Not found, or outside your scope")) from None


def _number(value, default: int, low: int, high: int) -> int:
    try:
        number = whole_number(value) if value not in (None, "") else default
    except ValueError:
        return default
    return number if low <= number <= high else default


def _month_of(request) -> tuple[int, int]:
    today = timezone.localdate()
    year = _number(request.GET.get("year"), today.year, 2000, 2100)
    month = _number(request.GET.get("month"), today.month, 1, 12)
    return year, month


def _shift(year: int, month: int, by: int) -> tuple[int, int]:
    index = year * 12 + month - 1 + by
    return index // 12, index % 12 + 1


def _observer_unit(request) -> Organisation | None:
    """The unit whose children the month page lists: ``org`` when given and in scope, else the
    user's own unit (for a superuser without one, the first city)."""
    scope = orgs_for_user(request.user)
    wanted = request.GET.get("org")
    if wanted:
        try:
            return scope.get(pk=whole_number(wanted))
        except (ValueError, Organisation.DoesNotExist):
            raise Http404(_("Not found, or outside your scope")) from None
    if request.user.org_id:
        return request.user.org
    return scope.filter(level="city").order_by("code").first()


@login_required
def observation_month(request):
    year, month = _month_of(request)
    org = _observer_unit(request)
    today = timezone.localdate()
    coverage = selectors.observation_coverage(org, year, month) if org is not None else None
    own = []
    if org is not None and org.level in policy.OBSERVED_LEVELS:
        own = list(
            selectors.observations_for_user(request.user)
            .filter(unit=org)
            .order_by("-year", "-month")
            .values("pk", "year", "month", "date", "total")[:12]
        )
    can_observe = coverage is not None and any(
        policy.may_observe(request.user, r.unit) for r in coverage.rows[:1]
    )
    previous, following = _shift(year, month, -1), _shift(year, month, 1)
    return render(
        request,
        "monthly/observation_month.html",
        {
            "org": org,
            "year": year,
            "month": month,
            "coverage": coverage,
            "can_observe": can_observe,
            "own": own,
            "overdue": list(selectors.problems_overdue(request.user, today)[:50]),
            "previous": previous,
            "following": following,
            "is_future": (year, month) > (today.year, today.month),
            "months": range(1, 13),
        },
    )


def _form_rows(items, values: dict) -> list[dict]:
    return [{"item": i, "value": values.get(i.pk, "")} for i in items]


def _posted_scores(request, items) -> list[dict]:
    return [
        {"item": i.pk, "score": request.POST.get(f"score-{i.pk}", "").strip()}
        for i in items
        if request.POST.get(f"score-{i.pk}", "").strip() != ""
    ]


def _posted_problems(request) -> list[dict]:
    rows = []
    for n in range(PROBLEM_ROWS):
        description = request.POST.get(f"problem-{n}", "").strip()
        deadline = request.POST.get(f"deadline-{n}", "").strip()
        if description or deadline:
            rows.append({"description": description, "deadline": deadline})
    return rows


def _render_form(request, *, unit, year, month, observation=None, values=None, errors=None, status=200):
    items = selectors.rubric_items()
    values = values or {}
    posted_problems = values.get("problems", [])
    problems = [
        {
            "n": n,
            "description": posted_problems[n]["description"] if n < len(posted_problems) else "",
            "deadline": posted_problems[n]["deadline"] if n < len(posted_problems) else "",
        }
        for n in range(PROBLEM_ROWS)
    ]
    return render(
        request,
        "monthly/observation_form.html",
        {
            "unit": unit,
            "year": year,
            "month": month,
            "observation": observation,
            "rows": _form_rows(items, values.get("scores", {})),
            "max_total": sum(i.max_score for i in items),
            "values": values,
            "problems": problems,
            "errors": errors or {},
            "today": timezone.localdate(),
        },
        status=status,
    )


def _errors(exc: DomainError) -> dict:
    return {field: messages_[0] for field, messages_ in exc.fields.items() if messages_}


@login_required
def observation_new(request):
    source = request.POST if request.method == "POST" else request.GET
    try:
        unit = (
            orgs_for_user(request.user).select_related("parent").get(pk=whole_number(source.get("unit", "")))
        )
    except (ValueError, Organisation.DoesNotExist):
        raise Http404(_("Not found, or outside your scope")) from None
    if not policy.may_observe(request.user, unit):
        raise Http404(_("Not found, or outside your scope"))
    year, month = (
        _month_of(request)
        if request.method == "GET"
        else (
            _number(source.get("year"), 0, 2000, 2100),
            _number(source.get("month"), 0, 1, 12),
        )
    )
    items = selectors.rubric_items()
    if request.method == "GET":
        existing = (
            Observation.objects.filter(unit=unit, year=year, month=month).values_list("pk", flat=True).first()
        )
        if existing:
            messages.info(request, _("This unit already has an observation this month; change it here."))
            return redirect("observation_edit", pk=existing)
        today = timezone.localdate()
        default = today if (today.year, today.month) == (year, month) else None
        return _render_form(request, unit=unit, year=year, month=month, values={"date": default})
    values = {
        "date": request.POST.get("date", ""),
        "inspectors": request.POST.get("inspectors", ""),
        "comments": request.POST.get("comments", ""),
        "sites_visited": request.POST.get("sites_visited", ""),
        "scores": {i.pk: request.POST.get(f"score-{i.pk}", "") for i in items},
        "problems": _posted_problems(request),
    }
    try:
        observation = services.observation_create(
            actor=request.user,
            unit_id=unit.pk,
            year=year or None,
            month=month or None,
            date=values["date"],
            inspectors=values["inspectors"],
            scores=_posted_scores(request, items),
            comments=values["comments"],
            sites_visited=values["sites_visited"],
            problems=values["problems"],
        )
    except DomainError as exc:
        messages.error(request, exc.detail)
        return _render_form(
            request,
            unit=unit,
            year=year,
            month=month,
            values=values,
            errors=_errors(exc),
            status=exc.status_code,
        )
    messages.success(request, _("Observation saved. You can add photos of the visit below."))
    return redirect("observation_detail", pk=observation.pk)


@login_required
def observation_edit(request, pk):
    observation = get_observation_for_user(request.user, pk)
    if not policy.may_edit_observation(request.user, observation):
        raise Http404(_("Not found, or outside your scope"))
    items = selectors.rubric_items()
    if request.method != "POST":
        values = {
            "date": observation.date,
            "inspectors": "、".join(observation.inspectors),
            "comments": observation.comments,
            "sites_visited": observation.sites_visited,
            "scores": {s.item_id: format(s.score.normalize(), "f") for s in observation.scores.all()},
        }
        return _render_form(
            request,
            unit=observation.unit,
            year=observation.year,
            month=observation.month,
            observation=observation,
            values=values,
        )
    values = {
        "date": request.POST.get("date", ""),
        "inspectors": request.POST.get("inspectors", ""),
        "comments": request.POST.get("comments", ""),
        "sites_visited": request.POST.get("sites_visited", ""),
        "scores": {i.pk: request.POST.get(f"score-{i.pk}", "") for i in items},
        "problems": _posted_problems(request),
    }
    changes = {k: values[k] for k in ("date", "inspectors", "comments", "sites_visited", "problems")}
    changes["scores"] = _posted_scores(request, items)
    try:
        services.observation_update(actor=request.user, observation_id=observation.pk, changes=changes)
    except DomainError as exc:
        messages.error(request, exc.detail)
        return _render_form(
            request,
            unit=observation.unit,
            year=observation.year,
            month=observation.month,
            observation=observation,
            values=values,
            errors=_errors(exc),
            status=exc.status_code,
        )
    messages.success(request, _("Observation saved."))
    return redirect("observation_detail", pk=observation.pk)


@login_required
def observation_detail(request, pk):
    observation = get_observation_for_user(request.user, pk)
    today = timezone.localdate()
    problems = [
        {"problem": p, "status": selectors.problem_status(p, today)} for p in observation.problems.all()
    ]
    return render(
        request,
        "monthly/observation_detail.html",
        {
            "o": observation,
            "problems": problems,
            "can_edit": policy.may_edit_observation(request.user, observation),
            "can_answer": policy.may_answer_problem(request.user, observation),
            "month_url": reverse("observation_month")
            + f"?org={observation.observer_id}&year={observation.year}&month={observation.month}",
        },
    )


@login_required
@require_POST
def observation_photo_upload(request, pk):
    observation = get_observation_for_user(request.user, pk)
    try:
        services.observation_photo_add(
            actor=request.user,
            observation_id=observation.pk,
            upload=request.FILES.get("photo"),
            caption=request.POST.get("caption", ""),
        )
    except DomainError as exc:
        messages.error(request, exc.detail)
    else:
        messages.success(request, _("Photo added."))
    return redirect(reverse("observation_detail", args=[observation.pk]) + "#photos")


@login_required
@require_POST
def observation_problem_answer(request, pk, problem_id):
    observation = get_observation_for_user(request.user, pk)
    try:
        services.problem_answer(
            actor=request.user,
            observation_id=observation.pk,
            problem_id=problem_id,
            note=request.POST.get("note", ""),
            upload=request.FILES.get("photo"),
        )
    except DomainError as exc:
        messages.error(request, exc.detail)
    else:
        messages.success(request, _("Rectification answered."))
    return redirect(reverse("observation_detail", args=[observation.pk]) + f"#problem-{problem_id}")


@login_required
def observation_photo(request, pk, photo_id, kind):
    if kind not in ("image", "thumb"):
        raise Http404(_("Not found, or outside your scope"))
    observation = get_observation_for_user(request.user, pk)
    try:
        return selectors.photo_file_response(observation, photo_id, thumb=kind == "thumb")
    except OutOfScope:
        raise Http404(_("Not found, or outside your scope")) from None
