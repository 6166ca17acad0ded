"""Photos of the observations: checked by content with Pillow (a real JPEG, PNG or WebP within the
size and pixel caps, whatever the file is called), turned upright by its EXIF orientation,
re-encoded without its metadata (no GPS position leaves with it), shrunk to a sensible size, with
a thumbnail beside it. Both go to the evidence storage (``assessments.storage``), which gives no
URL: a scope-checked view serves them."""

from __future__ import annotations

import io
import uuid
from dataclasses import dataclass
from pathlib import Path

from django.core.files.base import ContentFile
from PIL import Image, ImageOps, UnidentifiedImageError

from assessments.storage import evidence_storage
from yuxi_campaign.core.errors import InvalidInput

PHOTO_MAX_BYTES = 15 * 1024 * 1024
PHOTO_MAX_PIXELS = 50_000_000  # a 50-megapixel camera; more is refused before it is decoded
PHOTO_LONG_EDGE = 2560
THUMB_LONG_EDGE = 480
FOLDER = "observations"
# Pillow's format → extension and content type of the stored image.
FORMATS = {"JPEG": ("jpg", "image/jpeg"), "PNG": ("png", "image/png"), "WEBP": ("webp", "image/webp")}
NOT_AN_IMAGE = "文件不是有效的图片：只接受 jpg、png、webp 格式的照片"


@dataclass
class StoredImage:
    stored_name: str
    thumb_name: str
    original_name: str
    content_type: str
    width: int
    height: int
    size: int


def _refuse(message: str, field: str):
    raise InvalidInput(message, fields={field: [message]})


def _open(upload, field: str) -> tuple[Image.Image, str]:
    """The decoded image, upright, and its format; InvalidInput for anything that is not one."""
    if upload is None or not hasattr(upload, "read"):
        _refuse("请选择照片", field)
    if upload.size == 0:
        _refuse("照片文件是空的", field)
    if upload.size > PHOTO_MAX_BYTES:
        _refuse(
            f"照片过大（{upload.size / 1024 / 1024:.1f} MB）：不能超过 {PHOTO_MAX_BYTES // 1024 // 1024} MB",
            field,
        )
    try:
        upload.seek(0)
        with Image.open(upload) as probe:
            fmt = probe.format
            if fmt not in FORMATS:
                _refuse(NOT_AN_IMAGE, field)
            if probe.width * probe.height > PHOTO_MAX_PIXELS:
                _refuse(f"照片像素过多（{probe.width}×{probe.height}）：不能超过 5000 万像素", field)
            probe.verify()
        upload.seek(0)
        image = Image.open(upload)
        image.load()
        image = ImageOps.exif_transpose(image)
    except InvalidInput:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        _refuse(NOT_AN_IMAGE, field)
    finally:
        upload.seek(0)
    return image, fmt


def _encode(image: Image.Image, fmt: str) -> bytes:
    out = io.BytesIO()
    if fmt == "JPEG":
        image.convert("RGB").save(out, "JPEG", quality=85, optimize=True)
    elif fmt == "PNG":
        image.save(out, "PNG", optimize=True)
    else:
        image.save(out, "WEBP", quality=85)
    return out.getvalue()


def _flatten(image: Image.Image) -> Image.Image:
    """RGB on white, for the JPEG thumbnail of an image with transparency."""
    if image.mode in ("RGBA", "LA", "P"):
        rgba = image.convert("RGBA")
        background = Image.new("RGB", rgba.size, "white")
        background.paste(rgba, mask=rgba.getchannel("A"))
        return background
    return image.convert("RGB")


def image_store(upload, written: list[str], *, field: str = "photo") -> StoredImage:
    """Check ``upload`` and write the image and its thumbnail; every name written is appended to
    ``written`` first, so that the caller removes them when its transaction fails."""
    image, fmt = _open(upload, field)
    if image.mode not in ("RGB", "RGBA", "L", "LA", "P"):
        image = image.convert("RGB")
    image.thumbnail((PHOTO_LONG_EDGE, PHOTO_LONG_EDGE))
    body = _encode(image, fmt)
    thumb = _flatten(image)
    thumb.thumbnail((THUMB_LONG_EDGE, THUMB_LONG_EDGE))
    thumb_body = io.BytesIO()
    thumb.save(thumb_body, "JPEG", quality=80, optimize=True)
    extension, content_type = FORMATS[fmt]
    key = uuid.uuid4().hex
    storage = evidence_storage()
    names = []
    for name, content in (
        (f"{FOLDER}/{key}.{extension}", body),
        (f"{FOLDER}/{key}-thumb.jpg", thumb_body.getvalue()),
    ):
        written.append(name)  # before the write: a write that fails half-way is removed too
        saved = storage.save(name, ContentFile(content))
        if saved != name:
            written.append(saved)
        names.append(saved)
    return StoredImage(
        stored_name=names[0],
        thumb_name=names[1],
        original_name=Path(getattr(upload, "name", "") or "photo").name[:255],
        content_type=content_type,
        width=image.width,
        height=image.height,
        size=len(body),
    )


def images_delete(names: list[str]) -> None:
    storage = evidence_storage()
    for name in names:
        storage.delete(name)
