"""Pages of the progress meeting rota (工作推进会): the year at a glance, the proposal with confirm
and override, a meeting's record and its form. Each change is one service call on POST; a refusal
shows as a message."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from yuxi_campaign.core.api import whole_number
from yuxi_campaign.core.errors import DomainError, OutOfScope
from yuxi_campaign.core.filters import WholeNumberFormField

from .. import policy, selectors, services
from ..models import Meeting, MeetingStatus

EVENT_LABELS = {
    "meeting_confirm": gettext_lazy("Host confirmed as proposed"),
    "meeting_override": gettext_lazy("Host chosen over the proposal"),
    "meeting_host_change": gettext_lazy("Host changed"),
    "meeting_record": gettext_lazy("Record updated"),
    "meeting_held": gettext_lazy("Marked as held"),
    "meeting_reopen": gettext_lazy("Marked as not yet held"),
    "meeting_attachment_add": gettext_lazy("File attached"),
    "meeting_attachment_delete": gettext_lazy("File removed"),
}


def _number(value, low: int, high: int) -> int | None:
    try:
        number = whole_number(value) if value not in (None, "") else None
    except ValueError:
        return None
    return number if number is not None and low <= number <= high else None


def _organiser(request, value):
    """The rota asked for (``org``), or the user's default; 404 outside what the user reads."""
    if value in (None, ""):
        organiser = selectors.rota_default_organiser(request.user)
        if organiser is None:
            raise Http404(_("There is no rota to show."))
        value = organiser.pk
    try:
        return selectors.rota_organiser_get_for_user(request.user, value)
    except OutOfScope:
        raise Http404(_("Not found, or outside your scope")) from None


def get_meeting_for_user(user, pk) -> Meeting:
    try:
        return selectors.meeting_get_for_user(user, pk)
    except OutOfScope:
        raise Http404(_("Not found, or outside your scope")) from None


def _repeated(request) -> bool:
    """A form field sent more than once: refused, rather than one of its values picked."""
    return any(len(values) > 1 for _name, values in request.POST.lists())


@login_required
@require_GET
def meeting_year(request):
    # Queries: session/user, the organiser, then the rota's three (candidates, last meetings before
    # the year grouped by host, the year's meetings with their hosts) and the rotas to switch to.
    organiser = _organiser(request, request.GET.get("org"))
    today = timezone.localdate()
    year = _number(request.GET.get("year"), 2000, 2100) or today.year
    rota = selectors.rota_year(organiser, year, today=today)
    next_year, next_month = selectors.next_month(today)
    upcoming = next((m for m in rota.months if m.status == "proposed"), None)
    switch = list(selectors.rota_switch_for_user(request.user)[:20])
    return render(
        request,
        "monthly/meeting_year.html",
        {
            "organiser": organiser,
            "year": year,
            "rota": rota,
            "upcoming": upcoming,
            "may_schedule": policy.may_schedule_meetings(request.user, organiser),
            "switch": switch,
            "today": today,
            "next": (next_year, next_month),
        },
    )


class RecordForm(forms.Form):
    """The meeting's record as typed in; the service checks what it means (the date's month…)."""

    date = forms.DateField(
        label=gettext_lazy("Date"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    place = forms.CharField(label=gettext_lazy("Place"), required=False, max_length=200)
    topic = forms.CharField(label=gettext_lazy("Topic"), required=False, max_length=200)
    sites = forms.CharField(
        label=gettext_lazy("Sites visited"),
        required=False,
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    attendance_count = WholeNumberFormField(label=gettext_lazy("Number attending"), required=False)
    attendees = forms.CharField(
        label=gettext_lazy("Who attended"),
        required=False,
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    minutes = forms.CharField(
        label=gettext_lazy("Minutes"),
        required=False,
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 8}),
    )
    held = forms.BooleanField(label=gettext_lazy("The meeting has been held"), required=False)


@login_required
@require_GET
def meeting_proposal(request):
    # Queries: session/user, the organiser, the rota's three.
    organiser = _organiser(request, request.GET.get("org"))
    today = timezone.localdate()
    default_year, default_month = selectors.next_month(today)
    year = _number(request.GET.get("year"), 2000, 2100) or default_year
    month = _number(request.GET.get("month"), 1, 12) or default_month
    item = selectors.rota_year(organiser, year, today=today).month(month)
    return render(
        request,
        "monthly/meeting_proposal.html",
        {
            "organiser": organiser,
            "year": year,
            "month": month,
            "item": item,
            "proposal": item.proposal,
            "may_schedule": policy.may_schedule_meetings(request.user, organiser),
            "candidates": [s.unit for s in item.proposal.standings],
        },
    )


@login_required
@require_POST
def meeting_schedule(request):
    organiser = _organiser(request, request.POST.get("org"))
    year, month = request.POST.get("year"), request.POST.get("month")
    shown = {"year": _number(year, 2000, 2100), "month": _number(month, 1, 12)}
    back = (
        reverse("meeting_proposal")
        + "?"
        + urlencode({"org": organiser.pk, **{k: v for k, v in shown.items() if v is not None}})
    )
    if _repeated(request):
        messages.error(request, _("A field was sent more than once."))
        return redirect(back)
    try:
        meeting = services.meeting_schedule(
            organiser_id=organiser.pk,
            year=year,
            month=month,
            host_id=request.POST.get("host"),
            reason=request.POST.get("reason", ""),
            actor=request.user,
        )
    except DomainError as exc:
        messages.error(request, exc.detail)
        return redirect(back)
    messages.success(request, _("The host is confirmed. Add the meeting's record when it is known."))
    return redirect("meeting_detail", pk=meeting.pk)


@login_required
@require_GET
def meeting_detail(request, pk):
    # Queries: session/user, the meeting (organiser and hosts joined), attachments, events (actor
    # joined), the content type (cached after the first request).
    meeting = get_meeting_for_user(request.user, pk)
    may_edit = policy.may_schedule_meetings(request.user, meeting.organiser)
    hosts = []
    if may_edit:
        hosts = list(meeting.organiser.get_children().filter(is_active=True).order_by("code"))
    return render(
        request,
        "monthly/meeting_detail.html",
        {
            "meeting": meeting,
            "may_edit": may_edit,
            "hosts": hosts,
            "attachments": list(selectors.meeting_attachments(meeting)),
            "events": list(selectors.meeting_events(meeting)),
            "event_labels": EVENT_LABELS,
        },
    )


@login_required
def meeting_edit(request, pk):
    meeting = get_meeting_for_user(request.user, pk)
    if not policy.may_schedule_meetings(request.user, meeting.organiser):
        messages.error(request, services.meetings.NOT_ALLOWED)
        return redirect("meeting_detail", pk=meeting.pk)
    initial = {name: getattr(meeting, name) for name in services.meetings.RECORD_FIELDS}
    initial["held"] = meeting.status == MeetingStatus.HELD
    form = RecordForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        status = 400  # unless saved (then redirected)
        if _repeated(request):
            form.add_error(None, _("A field was sent more than once."))
        elif form.is_valid():
            values = dict(form.cleaned_data)
            held = values.pop("held")
            values["status"] = MeetingStatus.HELD if held else MeetingStatus.CONFIRMED
            try:
                services.meeting_update(meeting_id=meeting.pk, actor=request.user, **values)
            except DomainError as exc:
                for name, problems in exc.fields.items():
                    target = name if name in form.fields else None
                    for problem in problems:
                        form.add_error(target, problem)
                if not exc.fields:
                    form.add_error(None, exc.detail)
            else:
                messages.success(request, _("Saved."))
                return redirect("meeting_detail", pk=meeting.pk)
    return render(request, "monthly/meeting_form.html", {"meeting": meeting, "form": form}, status=status)


@login_required
@require_POST
def meeting_host(request, pk):
    meeting = get_meeting_for_user(request.user, pk)
    if _repeated(request) or not request.POST.get("host"):
        messages.error(request, _("Choose the host."))
        return redirect("meeting_detail", pk=meeting.pk)
    try:
        services.meeting_update(
            meeting_id=meeting.pk,
            actor=request.user,
            host=request.POST.get("host"),
            reason=request.POST.get("reason", ""),
        )
        messages.success(request, _("The host is changed."))
    except DomainError as exc:
        messages.error(request, exc.detail)
    return redirect("meeting_detail", pk=meeting.pk)


@login_required
@require_POST
def attachment_upload(request, pk):
    meeting = get_meeting_for_user(request.user, pk)
    try:
        services.meeting_attachment_add(
            meeting_id=meeting.pk, upload=request.FILES.get("file"), actor=request.user
        )
        messages.success(request, _("File uploaded."))
    except DomainError as exc:
        messages.error(request, exc.detail)
    return redirect("meeting_detail", pk=meeting.pk)


@login_required
@require_POST
def attachment_delete(request, pk, aid):
    meeting = get_meeting_for_user(request.user, pk)
    try:
        services.meeting_attachment_delete(meeting_id=meeting.pk, attachment_id=aid, actor=request.user)
        messages.success(request, _("File deleted."))
    except DomainError as exc:
        messages.error(request, exc.detail)
    return redirect("meeting_detail", pk=meeting.pk)


@login_required
@require_GET
def attachment_download(request, pk, aid):
    meeting = get_meeting_for_user(request.user, pk)
    try:
        return selectors.meeting_attachment_response(meeting, aid)
    except OutOfScope:
        raise Http404 from None
