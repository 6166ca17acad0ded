"""One assessment: its sheets side by side, the decisions the caller may take, evidence,
objections and the event log."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone

from indicators.models import applies
from orgs.models import Level, Role

from .. import policy, workbooks
from ..labels import ACTION_LABELS, EVENT_LABELS, STATE_LABELS
from ..models import Event, Evidence, Objection, Stage, State
from .common import get_assessment_for_user
from .sheet import sheet_context


@login_required
def assessment_detail(request, pk):
    a = get_assessment_for_user(request.user, pk)
    dimensions, applicable, factor, scores = sheet_context(a)
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
                if name not in policy.SHEET_ACTIONS
            ],
            "sheet_actions": sheets,
            "group_stages": [(s, Stage(s).label) for s in workbooks.child_stages(request.user, a)],
            "events": events,
            "evidence": Evidence.objects.filter(assessment=a).select_related("indicator"),
            "objections": Objection.objects.filter(assessment=a).order_by("created_at"),
            "may_decide_objections": policy.may_decide_objection(request.user, a)
            and a.state == State.IN_NOTICE,
            "state_label": STATE_LABELS[a.state],
            "event_labels": EVENT_LABELS,
            "role_labels": dict(Role.choices),
            "groups_page": a.org.level == Level.GROUP,
            "state_labels": STATE_LABELS,
        },
    )
