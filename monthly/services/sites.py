"""Writes of model sites (示范点): designate a unit, edit a site, add and remove photos, record a
visit. Each locks the site's row (or, to designate, the unit's), checks ``policy``, validates,
writes, and appends a ``MonthlyEvent`` in the same transaction. Photo files are written before the
row and removed again if the transaction fails."""

from __future__ import annotations

import datetime as dt

from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction

from assessments.storage import evidence_storage
from orgs.models import Organisation, User
from yuxi_campaign.core.api import whole_number
from yuxi_campaign.core.errors import InvalidInput, NotAllowed, OutOfScope, WrongState

from .. import policy, selectors
from ..models import ModelSite, MonthlyEvent, SiteKind, SitePhoto, SiteStatus, SiteVisit
from ..models.sites import DESCRIPTION_MAX, HIGHLIGHT_MAX, NOTE_MAX
from ..photos import photo_check, photo_store, photos_delete
from ..site_kinds import default_kind_rows

MAX_PHOTOS = 20
PHOTO_FOLDER = "sites"
CAPTION_MAX = 100
CONTACT_MAX = 50
VISIT_NOTE_MAX = 200
NOT_MANAGER = "只有市、县（市、区）的负责人或组织部管理员可以指定和修改示范点"
EDITABLE = ("kind", "highlight", "description", "status", "internal_note", "contact")


def site_kinds_install_defaults() -> int:
    """The six default kinds, added where missing (by name); returns how many were added."""
    created = 0
    for row in default_kind_rows():
        _, made = SiteKind.objects.get_or_create(name=row["name"], defaults=row)
        created += made
    return created


def _invalid(field: str, message: str) -> InvalidInput:
    return InvalidInput(message, fields={field: [message]})


def _text(
    value, *, field: str, label: str, limit: int, required: bool = False, one_line: bool = False
) -> str:
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise _invalid(field, f"{label}应为文字")
    value = value.replace("\r\n", "\n").strip()
    if "\x00" in value:
        raise _invalid(field, f"{label}含有无效字符")
    if required and not value:
        raise _invalid(field, f"请填写{label}")
    if one_line and "\n" in value:
        raise _invalid(field, f"{label}只能写一行")
    if len(value) > limit:
        raise _invalid(field, f"{label}不能超过 {limit} 字（现有 {len(value)} 字）")
    return value


def _kind(kind) -> SiteKind:
    kind_id = kind.pk if isinstance(kind, SiteKind) else kind
    try:
        kind_id = (
            whole_number(kind_id) if not isinstance(kind_id, int) or isinstance(kind_id, bool) else kind_id
        )
    except ValueError:
        kind_id = None
    found = SiteKind.objects.filter(pk=kind_id, is_active=True).first() if kind_id is not None else None
    if found is None:
        raise _invalid("kind", "请选择有效的示范点类型")
    return found


def _status(value) -> str:
    if value not in SiteStatus.values:
        raise _invalid("status", "状态应为“建设中”或“已验收”")
    return value


def _check_fit(kind: SiteKind, org: Organisation) -> None:
    if not kind.fits(org):
        area = {"rural": "农村", "urban": "城镇"}.get(kind.area_type, "")
        message = (
            f"“{org.name}”是{org.kind}，不能指定为“{kind.name}”类示范点："
            f"该类型只适用于{area}{_LEVEL_ZH[kind.level]}级单位"
        )
        raise _invalid("kind", message)


_LEVEL_ZH = {
    "county": "县（市、区）",
    "township": "乡镇（街道）",
    "village": "村（社区）",
    "group": "小组（小区）",
}


def _county_of(org: Organisation) -> Organisation | None:
    if org.level == "county":
        return org
    return org.county


def _record(site: ModelSite, action: str, actor: User | None, *, data: dict | None = None, reason: str = ""):
    MonthlyEvent.objects.create(
        actor=actor,
        action=action,
        content_type=ContentType.objects.get_for_model(ModelSite),
        object_id=site.pk,
        org=site.org,
        reason=reason,
        data=data or {},
    )


@transaction.atomic(durable=True)
def site_create(
    *,
    actor: User,
    org_id,
    kind,
    highlight,
    description="",
    status=SiteStatus.BUILDING,
    internal_note="",
    contact="",
) -> ModelSite:
    """Designate the unit ``org_id`` as a model site of ``kind``. The unit's row is locked, so
    that two designations of one unit cannot both pass the duplicate check."""
    if not policy.may_manage_sites_somewhere(actor):
        raise NotAllowed(NOT_MANAGER)
    try:
        org = (
            Organisation.objects.select_for_update(of=("self",))
            .select_related("county")
            .get(pk=org_id, is_active=True)
        )
    except (Organisation.DoesNotExist, ValueError, TypeError):
        raise _invalid("org", "未找到该单位") from None
    county = _county_of(org)
    if county is None or not policy.may_manage_sites(actor, county):
        raise _invalid("org", f"“{org.name}”不在您可以指定示范点的县（市、区）范围内")
    kind = _kind(kind)
    _check_fit(kind, org)
    values = {
        "highlight": _text(
            highlight, field="highlight", label="亮点", limit=HIGHLIGHT_MAX, required=True, one_line=True
        ),
        "description": _text(description, field="description", label="简介", limit=DESCRIPTION_MAX),
        "status": _status(status),
        "internal_note": _text(internal_note, field="internal_note", label="内部备注", limit=NOTE_MAX),
        "contact": _text(contact, field="contact", label="联系人", limit=CONTACT_MAX, one_line=True),
    }
    if ModelSite.objects.filter(org=org).exists():
        raise WrongState(f"“{org.name}”已是示范点，不能重复指定", code="duplicate")
    try:
        with transaction.atomic():
            site = ModelSite.objects.create(org=org, county=county, kind=kind, created_by=actor, **values)
    except IntegrityError:
        raise WrongState(f"“{org.name}”已是示范点，不能重复指定", code="duplicate") from None
    _record(site, "site_create", actor, data={"kind": kind.name, "highlight": site.highlight})
    return site


def _lock_site(site_id, actor: User) -> ModelSite:
    """The site's row, locked, if the actor may see it (else 404) and manage it (else 403)."""
    try:
        site = selectors.sites_for_user(actor).select_for_update(of=("self",)).get(pk=site_id)
    except (ModelSite.DoesNotExist, ValueError, TypeError):
        raise OutOfScope(selectors.SITE_NOT_FOUND) from None
    if not policy.may_manage_sites(actor, site.county):
        raise NotAllowed(NOT_MANAGER + "（本县的示范点由本县指定）")
    return site


@transaction.atomic(durable=True)
def site_update(*, actor: User, site_id, changes: dict) -> ModelSite:
    """Change any of ``EDITABLE`` on one site; the event records the old and new values."""
    site = _lock_site(site_id, actor)
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise InvalidInput(f"不能修改：{'、'.join(sorted(unknown))}")
    new: dict = {}
    if "kind" in changes:
        kind = _kind(changes["kind"])
        _check_fit(kind, site.org)
        new["kind"] = kind
    if "highlight" in changes:
        new["highlight"] = _text(
            changes["highlight"],
            field="highlight",
            label="亮点",
            limit=HIGHLIGHT_MAX,
            required=True,
            one_line=True,
        )
    if "description" in changes:
        new["description"] = _text(
            changes["description"], field="description", label="简介", limit=DESCRIPTION_MAX
        )
    if "status" in changes:
        new["status"] = _status(changes["status"])
    if "internal_note" in changes:
        new["internal_note"] = _text(
            changes["internal_note"], field="internal_note", label="内部备注", limit=NOTE_MAX
        )
    if "contact" in changes:
        new["contact"] = _text(
            changes["contact"], field="contact", label="联系人", limit=CONTACT_MAX, one_line=True
        )
    diff = {}
    for field, value in new.items():
        old = getattr(site, field)
        if old != value:
            label = (lambda v: v.name) if field == "kind" else (lambda v: v)
            diff[field] = {"old": label(old), "new": label(value)}
            setattr(site, field, value)
    if diff:
        site.save(update_fields=[*diff, "updated_at"])
        _record(site, "site_update", actor, data=diff)
    return site


def site_photo_add(*, actor: User, site_id, upload, caption="") -> SitePhoto:
    """Check the upload by its content (``photos.photo_check``), store the photo and its thumbnail
    under generated names and record them. Files written for a refused or failed write are
    removed."""
    written: list[str] = []
    try:
        with transaction.atomic(durable=True):
            return _site_photo_add(actor, site_id, upload, caption, written)
    except BaseException:
        photos_delete(written)
        raise


def _site_photo_add(actor, site_id, upload, caption, written: list[str]) -> SitePhoto:
    site = _lock_site(site_id, actor)
    caption = _text(caption, field="caption", label="照片说明", limit=CAPTION_MAX, one_line=True)
    count = SitePhoto.objects.filter(site=site).count()
    if count >= MAX_PHOTOS:
        raise _invalid("file", f"每个示范点最多 {MAX_PHOTOS} 张照片：请先删除不需要的照片")
    photo = photo_check(upload)
    names = photo_store(photo, PHOTO_FOLDER, written)
    row = SitePhoto.objects.create(
        site=site,
        stored_name=names[0],
        thumb_name=names[1],
        content_type=photo.content_type,
        width=photo.width,
        height=photo.height,
        size=len(photo.content),
        caption=caption,
        order=count,
        uploaded_by=actor,
    )
    _record(site, "site_photo_add", actor, data={"photo": row.pk, "caption": caption})
    return row


@transaction.atomic(durable=True)
def site_photo_delete(*, actor: User, site_id, photo_id) -> None:
    site = _lock_site(site_id, actor)
    try:
        photo = SitePhoto.objects.get(pk=photo_id, site=site)
    except (SitePhoto.DoesNotExist, ValueError, TypeError):
        raise OutOfScope("未找到该照片") from None
    names = [photo.stored_name, photo.thumb_name]
    photo.delete()
    _record(site, "site_photo_delete", actor, data={"photo": photo_id, "caption": photo.caption})

    def remove():
        storage = evidence_storage()
        for name in names:
            storage.delete(name)

    transaction.on_commit(remove)


@transaction.atomic(durable=True)
def site_visit_add(*, actor: User, site_id, date, note) -> SiteVisit:
    """Record a visit (an observation, a meeting's tour) with its date and a note."""
    site = _lock_site(site_id, actor)
    if not isinstance(date, dt.date):
        try:
            date = dt.date.fromisoformat(str(date))
        except ValueError:
            raise _invalid("date", "请填写有效的日期（如 2024-05-20）") from None
    note = _text(note, field="note", label="观摩说明", limit=VISIT_NOTE_MAX, required=True, one_line=True)
    visit = SiteVisit.objects.create(site=site, date=date, note=note, recorded_by=actor)
    _record(site, "site_visit_add", actor, data={"date": date.isoformat(), "note": note})
    return visit
