"""The round's calendar: each window's dates for everyone and for the reader's unit, the
extensions made, and (for the organisation department) the form that extends a window for one
unit or for all."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from orgs.models import Organisation
from orgs.selectors import orgs_for_user
from yuxi_campaign.core.errors import DomainError, InvalidInput

from .. import policy, services, windows
from ..models import Round, RoundExtension, Window

MAX_EXTENSIONS = 200  # the page lists the latest; the admin lists them all


def _round_of(request) -> Round:
    year = request.POST.get("year") if request.method == "POST" else request.GET.get("year")
    rounds = Round.objects.order_by("-year")
    if year:
        round_ = rounds.filter(year=year).first() if year.isdigit() and len(year) == 4 else None
    else:
        round_ = rounds.first()
    if round_ is None:
        raise Http404(_("No such round."))
    return round_


@login_required
def round_calendar(request):
    round_ = _round_of(request)
    may_extend = request.user.is_campaign_admin  # for units of its subtree (policy.may_extend_window)
    values, errors, status = {"window": "", "org": "", "closes": "", "reason": ""}, {}, 200
    if request.method == "POST":
        if not may_extend:
            messages.error(request, _("Only the organisation department extends a window."))
            return render_page(request, round_, may_extend, values, errors, status=403)
        values = {k: request.POST.get(k, "").strip() for k in values}
        try:
            org = _posted_unit(request, values["org"])
            extension = services.round_extend(
                round=round_,
                actor=request.user,
                window=values["window"],
                closes=values["closes"],
                reason=request.POST.get("reason", ""),
                org=org,
            )
        except DomainError as exc:
            messages.error(request, exc.detail)
            errors = {k: "；".join(v) for k, v in exc.fields.items()} or {"form": exc.detail}
            return render_page(request, round_, may_extend, values, errors, status=exc.status_code)
        messages.success(
            request,
            _("Extended: %(window)s now closes on %(date)s.")
            % {"window": extension.get_window_display(), "date": extension.closes.isoformat()},
        )
        return redirect(f"{request.path}?year={round_.year}")
    return render_page(request, round_, may_extend, values, errors, status=status)


def _posted_unit(request, code: str) -> Organisation | None:
    """The unit whose code was typed, within the user's scope; blank: all units."""
    if not code:
        return None
    unit = (
        orgs_for_user(request.user).filter(code=code).first()
        if len(code) <= 20 and "\x00" not in code
        else None
    )
    if unit is None:
        message = f"未找到单位编码“{code[:20]}”，或不在您的权限范围内"
        raise InvalidInput(message, fields={"org": [message]})
    return unit


def render_page(request, round_, may_extend, values, errors, *, status=200):
    user = request.user
    closes = windows.unit_closes(round_, user.org_id)
    rows = [
        {
            "window": label,
            "opens": round_.declaration_opens if window == Window.DECLARATION else None,
            "closes": closes.everyone[window],
            "own": closes.close(window, user.org_id) if user.org_id else None,
        }
        for window, label in Window.choices
    ]
    extensions = (
        RoundExtension.objects.filter(round=round_)
        .filter(Q(org__isnull=True) | Q(org__in=orgs_for_user(user)))
        .select_related("org", "created_by")
        .order_by("-created_at", "-pk")[:MAX_EXTENSIONS]
    )
    return render(
        request,
        "assessments/calendar.html",
        {
            "round": round_,
            "rounds": Round.objects.order_by("-year").values_list("year", flat=True),
            "rows": rows,
            "extensions": extensions,
            "may_extend": may_extend,
            "may_extend_all": policy.may_extend_window(user, None),
            "windows": Window.choices,
            "values": values,
            "errors": errors,
            "today": windows.today(),
        },
        status=status,
    )
