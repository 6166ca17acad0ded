"""Decisions taken from the pages: declare, one transition, one transition on many, an objection
decided. Each is one service call on POST; a refusal shows as a message."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from orgs.models import Organisation
from orgs.selectors import orgs_for_user
from yuxi_campaign.core.api import whole_number
from yuxi_campaign.core.errors import DomainError, OutOfScope

from .. import policy, selectors, services
from ..labels import ACTION_LABELS, STATE_LABELS
from ..models import Round
from .common import get_assessment_for_user, next_url, posted_version


@login_required
@require_POST
def declare(request):
    """Declare the user's unit (or ``org``, one of the units below it) for ``round`` and
    ``target``. An id that is not a whole number is a message, like an unknown round."""
    round_id = _whole_number_or_none(request.POST.get("round"))
    round_ = Round.objects.filter(pk=round_id).first() if round_id is not None else None
    if round_ is None:
        messages.error(request, _("Choose a round."))
        return redirect("home")
    org_id = request.POST.get("org") or request.user.org_id
    if _whole_number_or_none(org_id) is None:
        messages.error(request, _("Choose one of your units."))
        return redirect("home")
    try:
        org = orgs_for_user(request.user).get(pk=whole_number(org_id))
    except Organisation.DoesNotExist:
        raise Http404 from None
    try:
        a = services.assessment_declare(
            org=org, round=round_, target=request.POST.get("target", "standard"), actor=request.user
        )
    except DomainError as exc:
        messages.error(request, exc.detail)
        return redirect("home")
    messages.success(request, _("Declared. Fill in the self-assessment sheet."))
    return redirect("assessment_sheet", pk=a.pk, stage="self")


def _whole_number_or_none(value) -> int | None:
    try:
        return whole_number(value) if value is not None else None
    except ValueError:
        return None


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
            version=posted_version(request.POST.get("version")),
        )
        messages.success(request, _("Done: %(action)s.") % {"action": ACTION_LABELS[action]})
    except DomainError as exc:
        messages.error(request, exc.detail)
    return redirect("assessment_detail", pk=a.pk)


@login_required
@require_POST
def bulk_transition(request):
    action = request.POST.get("action", "")
    ids = [i for i in map(_whole_number_or_none, request.POST.getlist("ids")) if i is not None]
    if action not in policy.RULES or not ids:
        messages.error(request, _("Choose an action and at least one row."))
        return redirect(next_url(request, "assessment_list"))
    outcomes = services.assessment_bulk_transition(
        ids=ids,
        action=action,
        actor=request.user,
        reason=request.POST.get("reason", ""),
        deadline=request.POST.get("deadline") or None,
        versions={i: posted_version(request.POST.get(f"version-{i}")) for i in ids},
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
            "next": next_url(request, "assessment_list"),
            "ok": sum(r["ok"] for r in results),
        },
    )


@login_required
@require_POST
def objection_decide(request, oid):
    try:
        objection = selectors.objection_get_for_user(request.user, oid)
    except OutOfScope:
        raise Http404 from None
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
    return redirect(next_url(request, "objection_list"))
