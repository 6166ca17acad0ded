"""村评组 on one page: a village's (or community's) groups and their assessments for a round, with
the village filling the groups' self sheets on their behalf (代填), and bulk declaration, submission
and review. Every write is the services' own; the page only keeps each bulk action to the
village's own groups."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from orgs.models import Level, Organisation
from orgs.selectors import orgs_for_user
from yuxi_campaign.core.api import whole_number
from yuxi_campaign.core.errors import DomainError

from .. import services
from ..groups import village_groups_of
from ..labels import ACTION_LABELS, STATE_LABELS, TARGET_LABELS
from ..models import Assessment, Round, Target
from .common import posted_version

BULK_ACTIONS = ("submit", "review")  # on assessments; "declare" is on groups
NOT_OURS = "不是本村（社区）的小组，未处理"


def _village_for(user, pk) -> Organisation:
    """The village or community ``pk`` in the user's scope; 404 otherwise (also for a unit of
    another level: only villages and communities have groups)."""
    try:
        return orgs_for_user(user).select_related("parent").get(pk=pk, level=Level.VILLAGE)
    except Organisation.DoesNotExist:
        raise Http404(_("Not found, or outside your scope")) from None


def _round(value) -> Round | None:
    rounds = Round.objects.order_by("-year")
    try:
        year = whole_number(value) if value else None
    except ValueError:
        year = None
    return (rounds.filter(year=year).first() if year is not None else None) or rounds.first()


def _numbers(values: list[str]) -> list[int]:
    out = []
    for v in values:
        try:
            out.append(whole_number(v))
        except ValueError:
            continue
    return out


@login_required
@require_safe
def village_groups(request, pk):
    # Queries: session/user, the village, the rounds (two), then village_groups_of's seven.
    village = _village_for(request.user, pk)
    round_ = _round(request.GET.get("year"))
    rows = village_groups_of(request.user, village, round_) if round_ else []
    ready = {r.ready for r in rows} - {""}
    bulk = {
        "declare": any(r.declarable for r in rows),
        "submit": any("submit" in r.actions for r in rows),
        "review": any("review" in r.actions for r in rows),
    }
    return render(
        request,
        "assessments/groups.html",
        {
            "village": village,
            "round": round_,
            "years": list(Round.objects.order_by("-year").values_list("year", flat=True)),
            "rows": rows,
            "declared": sum(1 for r in rows if r.assessment),
            "groups": len({r.group.pk for r in rows}),
            "ready": ready,
            "bulk": bulk,
            "state_labels": STATE_LABELS,
            "target_labels": TARGET_LABELS,
            "targets": Target.choices,
        },
    )


@login_required
@require_POST
def village_groups_bulk(request, pk):
    """One action on the chosen rows: declare (groups, for the round and target), submit or review
    (assessments). A row that is not one of this village's groups is refused and left alone; the
    others go one by one through the services, each applied or refused on its own."""
    village = _village_for(request.user, pk)
    do = request.POST.get("do", "")
    round_ = _round(request.POST.get("year"))
    back = reverse("village_groups", args=[village.pk]) + (f"?year={round_.year}" if round_ else "")
    if do == "declare":
        chosen = _numbers(request.POST.getlist("orgs"))
        label = _("Declare")
    elif do in BULK_ACTIONS:
        chosen = _numbers(request.POST.getlist("ids"))
        label = ACTION_LABELS[do]
    else:
        messages.error(request, _("Choose an action."))
        return redirect(back)
    if not chosen or round_ is None:
        messages.error(request, _("Choose at least one group."))
        return redirect(back)
    results = (
        _declare(request, village, round_, chosen)
        if do == "declare"
        else _transition(request, village, do, chosen)
    )
    return render(
        request,
        "assessments/bulk_result.html",
        {"results": results, "action_label": label, "next": back, "ok": sum(r["ok"] for r in results)},
    )


def _declare(request, village, round_, org_ids: list[int]) -> list[dict]:
    target = request.POST.get("target", Target.STANDARD)
    ours = {
        g.pk: g
        for g in Organisation.objects.filter(
            parent=village, level=Level.GROUP, pk__in=org_ids
        ).select_related("parent")
    }
    results = []
    for org_id in dict.fromkeys(org_ids):
        group = ours.get(org_id)
        if group is None:
            results.append({"id": org_id, "name": "—", "ok": False, "detail": NOT_OURS})
            continue
        try:
            services.assessment_declare(org=group, round=round_, target=target, actor=request.user)
            results.append({"id": org_id, "name": group.name, "ok": True, "detail": STATE_LABELS["draft"]})
        except DomainError as exc:
            results.append({"id": org_id, "name": group.name, "ok": False, "detail": exc.detail})
    return results


def _transition(request, village, action: str, ids: list[int]) -> list[dict]:
    names = dict(
        Assessment.objects.filter(org__parent=village, org__level=Level.GROUP, pk__in=ids).values_list(
            "pk", "org__name"
        )
    )
    ours = [i for i in dict.fromkeys(ids) if i in names]
    outcomes = {
        r.id: r
        for r in services.assessment_bulk_transition(
            ids=ours,
            action=action,
            actor=request.user,
            versions={i: posted_version(request.POST.get(f"version-{i}")) for i in ours},
        )
    }
    results = []
    for i in dict.fromkeys(ids):
        r = outcomes.get(i)
        if r is None:
            results.append({"id": i, "name": "—", "ok": False, "detail": NOT_OURS})
        else:
            detail = STATE_LABELS[r.state] if r.ok else r.detail
            results.append({"id": i, "name": names[i], "ok": r.ok, "detail": detail})
    return results
