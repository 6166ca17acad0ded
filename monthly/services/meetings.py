"""Writes of the progress meeting rota (工作推进会): a host confirmed as the rota proposed or chosen
over it with a reason, the meeting's record kept, the meeting marked held, files attached. Each
write locks its row (the organising unit's for a new month, the meeting's after), checks the
actor with ``monthly.policy``, and appends a ``MonthlyEvent`` in the same transaction."""

from __future__ import annotations

import datetime as dt
import uuid

from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction
from django.utils import timezone

from assessments.services import SIGNATURES, content_checked, upload_checked, upload_digest
from assessments.storage import evidence_storage
from orgs.models import Organisation, User
from yuxi_campaign.core.errors import (
    DATE_FORMAT,
    InvalidInput,
    NotAllowed,
    OutOfScope,
    WrongState,
    date_input,
)

from .. import policy, selectors
from ..models import Meeting, MeetingAttachment, MeetingStatus, MonthlyEvent

MAX_REASON = 1000
MAX_TEXT = 20000
MAX_ATTACHMENTS = 20
NOT_ALLOWED = "只有组织部管理员或组织单位的负责人可以安排推进会、修改推进会记录"
SHORT_FIELDS = {"place": ("地点", 200), "topic": ("主题", 200)}
LONG_FIELDS = {
    "sites": ("观摩点位", MAX_TEXT),
    "attendees": ("参会人员", MAX_TEXT),
    "minutes": ("会议纪要", MAX_TEXT),
}
RECORD_FIELDS = ("date", "place", "sites", "topic", "attendance_count", "attendees", "minutes")


def record_event(
    action: str,
    actor: User | None,
    *,
    target=None,
    org: Organisation | None = None,
    year: int | None = None,
    month: int | None = None,
    reason: str = "",
    data: dict | None = None,
) -> MonthlyEvent:
    """Append one row to the monthly event log."""
    return MonthlyEvent.objects.create(
        actor=actor,
        action=action,
        content_type=ContentType.objects.get_for_model(target) if target is not None else None,
        object_id=target.pk if target is not None else None,
        org=org,
        year=year,
        month=month,
        reason=reason,
        data=data or {},
    )


def _month_label(year: int, month: int) -> str:
    return f"{year} 年 {month} 月"


def _whole(value, name: str, label: str, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise InvalidInput(f"{label}应为整数", fields={name: [f"{label}应为整数"]})
    text = str(value).strip()
    if not (text.isascii() and text.isdigit()) or not low <= int(text) <= high:
        message = f"{label}应为 {low} 到 {high} 之间的整数"
        raise InvalidInput(message, fields={name: [message]})
    return int(text)


def _reason(value) -> str:
    reason = value.strip() if isinstance(value, str) else ""
    if "\x00" in reason:
        raise InvalidInput("理由含有不允许的字符", fields={"reason": ["理由含有不允许的字符"]})
    if len(reason) > MAX_REASON:
        message = f"理由不能超过 {MAX_REASON} 字"
        raise InvalidInput(message, fields={"reason": [message]})
    return reason


def _text(value, name: str) -> str:
    label, limit = {**SHORT_FIELDS, **LONG_FIELDS}[name]
    if value is None:
        return ""
    if not isinstance(value, str):
        raise InvalidInput(f"{label}应为文字", fields={name: [f"{label}应为文字"]})
    value = value.strip()
    if "\x00" in value:
        raise InvalidInput(f"{label}含有不允许的字符", fields={name: [f"{label}含有不允许的字符"]})
    if len(value) > limit:
        message = f"{label}不能超过 {limit} 字"
        raise InvalidInput(message, fields={name: [message]})
    return value


def _date(value, year: int, month: int) -> dt.date | None:
    if value in (None, ""):
        return None
    value = date_input(value, field="date", what="日期", missing=DATE_FORMAT)
    if (value.year, value.month) != (year, month):
        message = f"会议日期 {value.isoformat()} 不在 {_month_label(year, month)}内"
        raise InvalidInput(message, fields={"date": [message]})
    return value


def _attendance(value) -> int | None:
    if value in (None, ""):
        return None
    return _whole(value, "attendance_count", "参会人数", 0, 100000)


def _record(changes: dict, year: int, month: int) -> dict:
    """The meeting record's fields of ``changes``, checked and cleaned."""
    cleaned = {}
    for name, value in changes.items():
        if name == "date":
            cleaned[name] = _date(value, year, month)
        elif name == "attendance_count":
            cleaned[name] = _attendance(value)
        else:
            cleaned[name] = _text(value, name)
    return cleaned


def _host(organiser: Organisation, host_id) -> Organisation:
    message = f"承办单位必须是“{organiser.name}”的直属下级单位（且未停用）"
    try:
        return Organisation.objects.get(pk=int(host_id), parent=organiser, is_active=True)
    except (Organisation.DoesNotExist, ValueError, TypeError, OverflowError):
        raise InvalidInput(message, fields={"host": [message]}) from None


def _choice(organiser: Organisation, year: int, month: int, host: Organisation, reason) -> tuple:
    """The rota's proposal for the month, and the reason kept: required when ``host`` is not the
    proposal (an override), dropped when it is."""
    proposal = selectors.meeting_proposal(organiser, year, month)
    reason = _reason(reason)
    proposed = proposal.host
    overridden = proposed is not None and host.pk != proposed.pk
    if overridden and not reason:
        message = (
            f"轮值建议由“{proposed.name}”承办{_month_label(year, month)}的推进会；"
            f"改由“{host.name}”承办需要填写理由"
        )
        raise InvalidInput(message, fields={"reason": ["改换承办单位需要填写理由"]})
    return proposed, overridden, reason if overridden else ""


def _lock_organiser(organiser_id, actor: User) -> Organisation:
    try:
        organiser = Organisation.objects.select_for_update().get(pk=int(organiser_id))
    except (Organisation.DoesNotExist, ValueError, TypeError, OverflowError):
        raise OutOfScope(selectors.ROTA_NOT_FOUND) from None
    if organiser.level not in selectors.ORGANISER_LEVELS or not policy.may_view_rota(actor, organiser):
        raise OutOfScope(selectors.ROTA_NOT_FOUND)
    if not policy.may_schedule_meetings(actor, organiser):
        raise NotAllowed(NOT_ALLOWED)
    return organiser


@transaction.atomic(durable=True)
def meeting_schedule(
    *, organiser_id, year, month, host_id, actor: User, reason: str = "", **record
) -> Meeting:
    """Confirm the host of one month of ``organiser``'s rota (the rota's proposal, or another of
    its units with a reason), with whatever of the record is known already. The organiser's row
    is locked, so two admins scheduling at once are served one after the other."""
    organiser = _lock_organiser(organiser_id, actor)
    year = _whole(year, "year", "年份", 2000, 2100)
    month = _whole(month, "month", "月份", 1, 12)
    unknown = set(record) - set(RECORD_FIELDS)
    if unknown:
        raise InvalidInput(f"未知字段：{'、'.join(sorted(unknown))}")
    existing = (
        Meeting.objects.filter(organiser=organiser, year=year, month=month).select_related("host").first()
    )
    if existing is not None:
        raise WrongState(
            f"{organiser.name}{_month_label(year, month)}已安排推进会（承办单位：{existing.host.name}），"
            "一个月只开一次；如需更换承办单位，请修改该推进会",
            fields={"month": ["该月已有推进会"]},
            code="duplicate",
        )
    host = _host(organiser, host_id)
    proposed, overridden, reason = _choice(organiser, year, month, host, reason)
    fields = _record(record, year, month)
    try:
        with transaction.atomic():
            meeting = Meeting.objects.create(
                organiser=organiser,
                year=year,
                month=month,
                host=host,
                proposed_host=proposed,
                override_reason=reason,
                created_by=actor,
                **fields,
            )
    except IntegrityError:  # the same month written meanwhile (the constraint, as a last guard)
        raise WrongState(
            f"{organiser.name}{_month_label(year, month)}已安排推进会，一个月只开一次",
            fields={"month": ["该月已有推进会"]},
            code="duplicate",
        ) from None
    record_event(
        "meeting_override" if overridden else "meeting_confirm",
        actor,
        target=meeting,
        org=organiser,
        year=year,
        month=month,
        reason=reason,
        data={"host": host.code, "proposed": proposed.code if proposed else None},
    )
    return meeting


def _lock_meeting(meeting_id, actor: User) -> Meeting:
    try:
        meeting = (
            selectors.meetings_for_user(actor)
            .select_for_update(of=("self",))
            .select_related("organiser", "host")
            .get(pk=meeting_id)
        )
    except (Meeting.DoesNotExist, ValueError, TypeError, OverflowError):
        raise OutOfScope(selectors.MEETING_NOT_FOUND) from None
    if not policy.may_schedule_meetings(actor, meeting.organiser):
        raise NotAllowed(NOT_ALLOWED)
    return meeting


def _shown(value):
    return value.isoformat() if isinstance(value, dt.date) else value


@transaction.atomic(durable=True)
def meeting_update(*, meeting_id, actor: User, **changes) -> Meeting:
    """Change a meeting: its record (date, place, sites, topic, attendance, minutes), its status
    (``held`` needs a date that has come), or its host (another of the organiser's units; a host
    other than the rota's proposal needs a ``reason``). Only what changed is written and logged."""
    meeting = _lock_meeting(meeting_id, actor)
    unknown = set(changes) - {*RECORD_FIELDS, "status", "host", "reason"}
    if unknown:
        raise InvalidInput(f"未知字段：{'、'.join(sorted(unknown))}")
    reason = changes.pop("reason", "")
    host_id = changes.pop("host", None)
    status = changes.pop("status", None)
    fields = _record(changes, meeting.year, meeting.month)
    updates: dict = {}
    events: list[tuple[str, str, dict]] = []
    if host_id is not None and str(host_id) != str(meeting.host_id):
        host = _host(meeting.organiser, host_id)
        proposed, overridden, kept = _choice(meeting.organiser, meeting.year, meeting.month, host, reason)
        events.append(
            (
                "meeting_override" if overridden else "meeting_host_change",
                kept or _reason(reason),
                {
                    "from": meeting.host.code,
                    "host": host.code,
                    "proposed": proposed.code if proposed else None,
                },
            )
        )
        updates.update(host=host, proposed_host=proposed, override_reason=kept)
    changed = {name: value for name, value in fields.items() if getattr(meeting, name) != value}
    updates.update(changed)
    if changed:
        events.append(
            (
                "meeting_record",
                "",
                {name: [_shown(getattr(meeting, name)), _shown(value)] for name, value in changed.items()},
            )
        )
    if status is not None and status != meeting.status:
        if status not in MeetingStatus.values:
            message = "状态只能是 confirmed（已确定）或 held（已召开）"
            raise InvalidInput(message, fields={"status": [message]})
        date = updates.get("date", meeting.date)
        if status == MeetingStatus.HELD:
            if date is None:
                message = "请先填写会议日期，再标记为已召开"
                raise InvalidInput(message, fields={"date": [message]})
            if date > timezone.localdate():
                message = f"会议日期 {date.isoformat()} 还没到，不能标记为已召开"
                raise InvalidInput(message, fields={"status": [message]})
        updates["status"] = status
        events.append(("meeting_held" if status == MeetingStatus.HELD else "meeting_reopen", "", {}))
    elif meeting.status == MeetingStatus.HELD and "date" in changed and changed["date"] is None:
        message = "已召开的推进会必须有会议日期"
        raise InvalidInput(message, fields={"date": [message]})
    if not updates:
        return meeting
    for name, value in updates.items():
        setattr(meeting, name, value)
    meeting.save(update_fields=[*updates, "updated_at"])
    for action, why, data in events:
        record_event(
            action,
            actor,
            target=meeting,
            org=meeting.organiser,
            year=meeting.year,
            month=meeting.month,
            reason=why,
            data=data,
        )
    return meeting


def meeting_attachment_add(*, meeting_id, upload, actor: User) -> MeetingAttachment:
    """Store a file of a meeting (pdf, jpg, png, docx, xlsx, checked by content as evidence is),
    under a generated name in the private storage; removed again if the transaction fails."""
    written: list[str] = []
    try:
        with transaction.atomic(durable=True):
            return _attachment_add(meeting_id, upload, actor, written)
    except BaseException:
        for name in written:
            evidence_storage().delete(name)
        raise


def _attachment_add(meeting_id, upload, actor: User, written: list[str]) -> MeetingAttachment:
    meeting = _lock_meeting(meeting_id, actor)
    name, extension = upload_checked(upload)
    if MeetingAttachment.objects.filter(meeting=meeting).count() >= MAX_ATTACHMENTS:
        message = f"每次推进会最多 {MAX_ATTACHMENTS} 个附件：请先删除不需要的文件"
        raise InvalidInput(message, fields={"file": [message]})
    content_checked(upload, extension)
    digest = upload_digest(upload)
    stored_name = f"meetings/{uuid.uuid4().hex}.{extension}"
    written.append(stored_name)
    saved = evidence_storage().save(stored_name, upload)
    if saved != stored_name:
        written.append(saved)

    attachment = MeetingAttachment.objects.create(
        meeting=meeting,
        stored_name=saved,
        original_name=name,
        content_type=SIGNATURES[extension][0],
        size=upload.size,
        sha256=digest,
        uploaded_by=actor,
    )
    record_event(
        "meeting_attachment_add",
        actor,
        target=meeting,
        org=meeting.organiser,
        year=meeting.year,
        month=meeting.month,
        data={"file": name, "attachment": attachment.pk},
    )
    return attachment


@transaction.atomic(durable=True)
def meeting_attachment_delete(*, meeting_id, attachment_id, actor: User) -> None:
    meeting = _lock_meeting(meeting_id, actor)
    try:
        attachment = MeetingAttachment.objects.get(pk=int(attachment_id), meeting=meeting)
    except (MeetingAttachment.DoesNotExist, ValueError, TypeError, OverflowError):
        raise OutOfScope("未找到该附件") from None
    stored_name = attachment.stored_name
    attachment.delete()
    record_event(
        "meeting_attachment_delete",
        actor,
        target=meeting,
        org=meeting.organiser,
        year=meeting.year,
        month=meeting.month,
        data={"file": attachment.original_name},
    )
    transaction.on_commit(lambda: evidence_storage().delete(stored_name))
