"""Photos of model sites and observations, checked by their content, not their name: what Pillow
can open as a JPEG, PNG or WebP, within a size and pixel cap, turned upright by its EXIF
orientation, re-encoded without its metadata (no GPS position leaves the building), shrunk to a
sensible size, with a JPEG thumbnail beside it. ``photo_store`` writes both to the evidence storage
(``assessments.storage``), which gives no URL: scope-checked views serve them."""

from __future__ import annotations

import io
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.core.files.base import ContentFile
from PIL import Image, ImageOps, UnidentifiedImageError

from assessments.storage import evidence_storage
from yuxi_campaign.core.errors import InvalidInput

# Pillow's format → extension and content type of a photo kept in its own format.
FORMATS = {"JPEG": ("jpg", "image/jpeg"), "PNG": ("png", "image/png"), "WEBP": ("webp", "image/webp")}
MAX_BYTES = 15 * 1024 * 1024
MAX_PIXELS = 50_000_000  # a 50-megapixel camera; more is a decompression bomb, not a photo
DISPLAY_EDGE = 1600  # the longest edge of the stored photo, by default
THUMB_EDGE = 480  # the longest edge of the thumbnail (a phone card at 2× density)


@dataclass(frozen=True)
class Photo:
    """A checked photo, ready to store: the re-encoded image and its JPEG thumbnail."""

    content: bytes
    thumbnail: bytes
    width: int
    height: int
    source_format: str  # what the upload was: jpg, png or webp
    content_type: str
    extension: str


def _refuse(message: str, field: str) -> InvalidInput:
    return InvalidInput(message, fields={field: [message]})


def max_photo_bytes() -> int:
    return int(getattr(settings, "PHOTO_MAX_BYTES", MAX_BYTES))


def photo_check(
    upload, *, field: str = "file", long_edge: int = DISPLAY_EDGE, keep_format: bool = False
) -> Photo:
    """The photo in ``upload`` (an uploaded file), shrunk to fit ``long_edge``, as a JPEG or, with
    ``keep_format``, in its own format; or InvalidInput on ``field`` with a Chinese message: no file,
    empty, too large, not an image, not JPEG/PNG/WebP, too many pixels, damaged."""
    if upload is None or not hasattr(upload, "read"):
        raise _refuse("请选择照片", field)
    limit = max_photo_bytes()
    if upload.size == 0:
        raise _refuse("照片文件是空的", field)
    if upload.size > limit:
        megabytes = upload.size / 1024 / 1024
        raise _refuse(f"照片过大（{megabytes:.1f} MB）：不能超过 {limit // 1024 // 1024} MB", field)
    upload.seek(0)
    data = upload.read()
    upload.seek(0)
    try:
        with Image.open(io.BytesIO(data)) as probe:
            fmt = probe.format
            width, height = probe.size
            if fmt not in FORMATS:
                raise _refuse(f"不支持的图片格式（{fmt}）：只接受 jpg、png、webp 照片", field)
            if width * height > MAX_PIXELS:
                raise _refuse(
                    f"照片像素过多（{width}×{height}）：不能超过 {MAX_PIXELS // 1_000_000} 百万像素", field
                )
            probe.verify()
        with Image.open(io.BytesIO(data)) as image:
            image.load()
            image = ImageOps.exif_transpose(image)
            shrunk = image.copy()
            shrunk.thumbnail((long_edge, long_edge), Image.Resampling.LANCZOS)
            content = _encode(shrunk, fmt if keep_format else "JPEG")
            thumb = image.copy()
            thumb.thumbnail((THUMB_EDGE, THUMB_EDGE), Image.Resampling.LANCZOS)
            thumbnail = _encode(thumb, "JPEG")
    except InvalidInput:
        raise
    except (UnidentifiedImageError, Image.DecompressionBombError):
        raise _refuse("文件内容不是图片：只接受 jpg、png、webp 照片", field) from None
    except (OSError, SyntaxError, ValueError):  # truncated or damaged data that Pillow found out
        raise _refuse("图片文件已损坏，无法读取", field) from None
    extension, content_type = FORMATS[fmt if keep_format else "JPEG"]
    return Photo(
        content=content,
        thumbnail=thumbnail,
        width=shrunk.width,
        height=shrunk.height,
        source_format=FORMATS[fmt][0],
        content_type=content_type,
        extension=extension,
    )


def _encode(image: Image.Image, fmt: str) -> bytes:
    """``image`` in ``fmt``, without metadata; a JPEG has its transparency laid on white."""
    out = io.BytesIO()
    if fmt == "JPEG":
        if image.mode in ("RGBA", "LA") or (image.mode == "P" and "transparency" in image.info):
            rgba = image.convert("RGBA")
            image = Image.new("RGB", rgba.size, (255, 255, 255))
            image.paste(rgba, mask=rgba.getchannel("A"))
        elif image.mode != "RGB":
            image = image.convert("RGB")
        image.save(out, format="JPEG", quality=85, optimize=True, progressive=True)
    elif fmt == "PNG":
        image.save(out, format="PNG", optimize=True)
    else:
        image.save(out, format="WEBP", quality=85)
    return out.getvalue()


def photo_store(photo: Photo, folder: str, written: list[str]) -> tuple[str, str]:
    """Writes the photo and its thumbnail under generated names in ``folder``; returns the names.
    Every name is appended to ``written`` before its write, so that the caller removes them when
    its transaction fails (``photos_delete``)."""
    storage = evidence_storage()
    stem = f"{folder}/{uuid.uuid4().hex}"
    names = []
    for name, content in (
        (f"{stem}.{photo.extension}", photo.content),
        (f"{stem}-thumb.jpg", photo.thumbnail),
    ):
        written.append(name)  # before the write: a write that fails half-way is removed too
        saved = storage.save(name, ContentFile(content))
        if saved != name:
            written.append(saved)
        names.append(saved)
    return names[0], names[1]


def photos_delete(names: list[str]) -> None:
    storage = evidence_storage()
    for name in names:
        storage.delete(name)
