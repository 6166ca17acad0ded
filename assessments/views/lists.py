"""The officials' lists: the to-do page, assessments, units and objections. Each list filters
through the FilterSet the API uses; a value it does not accept is left out."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone

from orgs.filters import OrgFilter
from orgs.models import Level
from orgs.selectors import orgs_for_user
from yuxi_campaign.core.filters import applied

from .. import listing, policy, selectors
from ..filters import AssessmentPageFilter, ObjectionFilter
from ..labels import ACTION_LABELS, STATE_LABELS, TARGET_LABELS
from ..models import Notification, Round, State
from ..todo import todo_for
from .common import PAGE_SIZE


@login_required
def landing(request):
    """Where a login lands (``LOGIN_REDIRECT_URL``): the dashboard for the organisation department
    and the leaders of the city and the counties, the to-do list for everyone else. The to-do list
    keeps its address (``/``, and ``/todo/``), one click away in the menu."""
    if policy.lands_on_dashboard(request.user):
        return redirect("dashboard")
    return redirect("home")


@login_required
def home(request):
    todo = todo_for(request.user)
    notes = list(
        Notification.objects.filter(user=request.user, read_at__isnull=True).order_by("-created_at")[:10]
    )
    return render(request, "assessments/home.html", {"todo": todo, "notifications": notes})


@login_required
def assessment_list(request):
    # Queries: session/user, rounds, the counts per round (kept briefly for a big scope), one page
    # per round it spans (usually one), in index order (+ one for `within`).
    filterset = AssessmentPageFilter(
        request.GET, queryset=selectors.assessments_for_user(request.user), request=request
    )
    f = applied(filterset)
    page = Paginator(listing.RoundFirstRows(filterset.qs), PAGE_SIZE).get_page(request.GET.get("page"))
    actions = listing.Actions(request.user, timezone.now())
    rows = [
        (
            {**row, "state_label": STATE_LABELS[row["state"]], "target_label": TARGET_LABELS[row["target"]]},
            actions(row),
        )
        for row in page
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
    qs = orgs_for_user(request.user).select_related("parent").order_by("tree_id", "lft")
    data = {"level": request.GET.get("level", ""), "search": request.GET.get("q", "").strip()}
    filterset = OrgFilter(data, queryset=qs)
    f = applied(filterset)
    page = Paginator(filterset.qs, 50).get_page(request.GET.get("page"))
    level, search = f.get("level"), f.get("search", "")
    query = urlencode({k: v for k, v in (("level", level), ("q", search)) if v})
    return render(
        request,
        "assessments/units.html",
        {"page": page, "levels": Level.choices, "level": level, "q": search, "query": query},
    )


@login_required
def objection_list(request):
    qs = selectors.objections_for_user(request.user).order_by("status", "-created_at")
    filterset = ObjectionFilter(request.GET, queryset=qs)
    query = urlencode(applied(filterset))
    page = Paginator(filterset.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    for o in page:
        o.shown_contact = o.contact if policy.may_see_objection_contact(request.user, o.assessment) else ""
    return render(request, "assessments/objections.html", {"page": page, "query": query})
