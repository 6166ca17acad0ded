"""Evidence files of the self sheet: only for indicators that apply to the unit, checked by
content, within the assessment's quota (size and count, checked under the assessment's lock so
that simultaneous uploads cannot pass it together), stored under a generated name outside any
public URL, in the evidence storage (local disk or an object store: storage.py), removed again
when the transaction that recorded them fails, and by the periodic clean-up when the process died
before it could."""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import uuid
import zipfile
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Sum
from django.utils import timezone

from indicators.models import AppliesTo, applies
from orgs.models import User
from yuxi_campaign.core.errors import InvalidInput, NotAllowed, OutOfScope, WrongState

from .. import policy, windows
from ..labels import state_zh
from ..models import Assessment, Evidence, Stage, Window
from ..storage import evidence_storage
from ._base import lock_assessment, on_behalf, record
from .sheets import applicable, proxy_hint, sheet_indicators

logger = logging.getLogger(__name__)

SIGNATURES = {
    "pdf": ("application/pdf", b"%PDF-"),
    "png": ("image/png", b"\x89PNG\r\n\x1a\n"),
    "jpg": ("image/jpeg", b"\xff\xd8\xff"),
    "jpeg": ("image/jpeg", b"\xff\xd8\xff"),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", b"PK\x03\x04"),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", b"PK\x03\x04"),
}
APPLIES_ONLY = {AppliesTo.RURAL: "仅适用于农村单位", AppliesTo.URBAN: "仅适用于城镇社区单位"}
OOXML_PART = {"docx": "word/document.xml", "xlsx": "xl/workbook.xml"}


def _sniff(upload, extension: str) -> str | None:
    """The problem with the file's content for its extension, or None when it is what it says."""
    content_type, magic = SIGNATURES[extension]
    upload.seek(0)
    head = upload.read(len(magic))
    upload.seek(0)
    if head != magic:
        return f"文件内容不是有效的 {extension} 文件"
    if extension in OOXML_PART:
        try:
            with zipfile.ZipFile(upload) as archive:
                if OOXML_PART[extension] not in archive.namelist():
                    return f"文件内容不是有效的 {extension} 文件"
        except zipfile.BadZipFile:
            return f"文件内容不是有效的 {extension} 文件"
        finally:
            upload.seek(0)
    return None


def upload_checked(upload) -> tuple[str, str]:
    """The file name (without folders) and extension of an uploaded file whose type and size are
    acceptable (pdf, jpg, png, docx, xlsx; not empty; at most EVIDENCE_MAX_BYTES); InvalidInput
    naming the field ``file`` otherwise. Its content is checked by ``content_checked``. Every
    upload of the project (evidence, meeting attachments) goes through the two."""
    if upload is None:
        raise InvalidInput("请选择文件", fields={"file": ["请选择文件"]})
    name = Path(upload.name or "").name[:255]
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if extension not in SIGNATURES:
        raise InvalidInput(
            f"不支持的文件类型“{extension or name}”：只接受 pdf、jpg、png、docx、xlsx",
            fields={"file": ["只接受 pdf、jpg、png、docx、xlsx"]},
        )
    limit = settings.EVIDENCE_MAX_BYTES
    if upload.size > limit:
        raise InvalidInput(
            f"文件过大（{upload.size / 1024 / 1024:.1f} MB）：不能超过 {limit // 1024 // 1024} MB",
            fields={"file": [f"不能超过 {limit // 1024 // 1024} MB"]},
        )
    if upload.size == 0:
        raise InvalidInput("文件是空的", fields={"file": ["文件是空的"]})
    return name, extension


def content_checked(upload, extension: str) -> None:
    """InvalidInput when the file's content is not what its extension says."""
    if problem := _sniff(upload, extension):
        raise InvalidInput(problem, fields={"file": [problem]})


def upload_digest(upload) -> str:
    """The SHA-256 of the file, in hex; the file is read from the start again afterwards."""
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest()


def evidence_add(*, assessment_id: int, indicator_id, upload, actor: User) -> Evidence:
    """Store an uploaded file for one indicator of the self sheet. The file is written under a
    generated name; if the transaction fails it is removed again."""
    written: list[str] = []
    try:
        with transaction.atomic(durable=True):
            return _evidence_add(assessment_id, indicator_id, upload, actor, written)
    except BaseException:
        for name in written:
            _delete_quietly(name)
        raise


def _delete_quietly(name: str) -> None:
    """Remove a file a failed upload may have written; a store that cannot answer must not hide
    the failure being raised (what it kept is an orphan that the clean-up job removes later)."""
    try:
        evidence_storage().delete(name)
    except Exception:  # noqa: BLE001 - logged; the upload's own failure is what the caller sees
        logger.warning("could not remove %s after a failed upload", name, exc_info=True)


def _evidence_add(assessment_id, indicator_id, upload, actor, written: list[str]) -> Evidence:
    assessment = _lock_for_evidence(assessment_id, actor, "上传")
    indicators = sheet_indicators(assessment)
    try:
        indicator = indicators[int(indicator_id)]
    except (KeyError, ValueError, TypeError):
        raise InvalidInput(
            "指标不属于本单位的指标体系", fields={"indicator": ["指标不属于本单位的指标体系"]}
        ) from None
    if not applies(indicator.applies_to, assessment.org.area_type):
        only = APPLIES_ONLY.get(indicator.applies_to, "")
        message = f"指标“{indicator.code} {indicator.title}”{only}，不适用于本单位，不能上传佐证材料"
        raise InvalidInput(message, fields={"indicator": [message]})
    name, extension = upload_checked(upload)
    _check_quota(assessment, upload.size)
    content_checked(upload, extension)
    digest = upload_digest(upload)
    stored_name = f"{uuid.uuid4().hex}.{extension}"
    written.append(stored_name)  # before the write: a write that fails half-way is removed too
    saved = evidence_storage().save(stored_name, upload)
    if saved != stored_name:  # a storage may pick another name; the row keeps the one it chose
        written.append(saved)
        stored_name = saved
    evidence = Evidence.objects.create(
        assessment=assessment,
        indicator=indicator,
        stored_name=stored_name,
        original_name=name,
        content_type=SIGNATURES[extension][0],
        size=upload.size,
        sha256=digest,
        uploaded_by=actor,
    )
    record(
        assessment,
        "evidence_add",
        actor,
        from_state=assessment.state,
        to_state=assessment.state,
        data={
            "indicator": indicator.code,
            "file": name,
            "evidence": evidence.pk,
            **on_behalf(actor, assessment),
        },
    )
    return evidence


@transaction.atomic(durable=True)
def evidence_delete(*, assessment_id: int, evidence_id, actor: User) -> None:
    assessment = _lock_for_evidence(assessment_id, actor, "删除")
    try:
        evidence = Evidence.objects.get(pk=evidence_id, assessment=assessment)
    except (Evidence.DoesNotExist, ValueError, TypeError):
        raise OutOfScope("未找到该佐证材料") from None
    stored_name = evidence.stored_name
    evidence.delete()
    record(
        assessment,
        "evidence_delete",
        actor,
        from_state=assessment.state,
        to_state=assessment.state,
        data={
            "indicator": evidence.indicator.code,
            "file": evidence.original_name,
            **on_behalf(actor, assessment),
        },
    )
    transaction.on_commit(lambda: evidence_storage().delete(stored_name))


def _lock_for_evidence(assessment_id, actor: User, verb: str) -> Assessment:
    assessment = lock_assessment(assessment_id, actor)
    if not policy.may_handle_evidence(actor, assessment):
        raise NotAllowed(f"只有本单位的填报员可以{verb}佐证材料{proxy_hint(Stage.SELF, assessment)}")
    open_state = policy.sheet_open_state(Stage.SELF)
    if assessment.state != open_state:
        raise WrongState(f"当前状态为“{state_zh(assessment.state)}”，自评表已关闭，不能{verb}佐证材料")
    windows.refuse_if_closed(
        assessment.round, Window.SELF_ASSESSMENT, assessment.org_id, doing=f"{verb}佐证材料"
    )
    return assessment


def lacking_evidence(indicators, with_files: set[int]) -> list:
    """Of ``indicators`` (those that apply to the unit), the ones that need a file and have none."""
    return [i for i in indicators if i.evidence_required and i.pk not in with_files]


def missing_evidence(assessment: Assessment) -> list[str]:
    """Codes of the applicable indicators that need a file and have none."""
    have = set(Evidence.objects.filter(assessment=assessment).values_list("indicator_id", flat=True))
    return sorted(
        i.code for i in lacking_evidence(applicable(assessment, sheet_indicators(assessment)), have)
    )


def _mb(size: int) -> str:
    return f"{size / 1024 / 1024:.1f} MB"


def _check_quota(assessment: Assessment, size: int) -> None:
    """Refuse a file that would take the assessment past its quota of files or bytes. Called with
    the assessment's row locked: simultaneous uploads are counted one after the other."""
    used = Evidence.objects.filter(assessment=assessment).aggregate(files=Count("pk"), bytes=Sum("size"))
    files, used_bytes = used["files"], used["bytes"] or 0
    max_files, quota = settings.EVIDENCE_MAX_FILES, settings.EVIDENCE_QUOTA_BYTES
    if files + 1 > max_files:
        message = f"本评估已有 {files} 个佐证文件，最多 {max_files} 个：请先删除不需要的文件"
        raise InvalidInput(message, fields={"file": [message]}, code="quota")
    if used_bytes + size > quota:
        message = (
            f"本评估的佐证材料已用 {_mb(used_bytes)}，上限 {_mb(quota)}；"
            f"该文件 {_mb(size)}，上传后将超出上限：请先删除不需要的文件"
        )
        raise InvalidInput(message, fields={"file": [message]}, code="quota")


def evidence_cleanup() -> int:
    """Remove stored files that no row refers to: left by an upload whose process died before its
    transaction ended, or by a deletion whose process died before it removed the file. Files
    younger than ``EVIDENCE_CLEANUP_GRACE_SECONDS`` are kept: an upload may still be under way.
    Only the storage's listing and the age of the files without a row are asked for (one request
    each on an object store), so the job works the same on local disk and on a shared bucket."""
    storage = evidence_storage()
    cutoff = timezone.now() - dt.timedelta(seconds=settings.EVIDENCE_CLEANUP_GRACE_SECONDS)
    known = set(Evidence.objects.values_list("stored_name", flat=True))
    try:
        _, names = storage.listdir("")
    except FileNotFoundError:  # local disk before the first upload
        return 0
    removed = 0
    for name in names:
        if name in known:
            continue
        try:
            if storage.get_modified_time(name) >= cutoff:
                continue
        except FileNotFoundError:  # removed meanwhile
            continue
        storage.delete(name)
        removed += 1
    return removed
