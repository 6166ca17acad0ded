"""Photos checked by their content, not their name: what Pillow can open as a JPEG, PNG or WebP,
within a size and pixel cap, re-encoded without its metadata (no GPS position leaves the
building) and with a thumbnail. Written for model sites; any record with photos can use it."""

from __future__ import annotations

import io
from dataclasses import dataclass

from django.conf import settings
from PIL import Image, ImageOps, UnidentifiedImageError

from yuxi_campaign.core.errors import InvalidInput

FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}
MAX_BYTES = 10 * 1024 * 1024
MAX_PIXELS = 40_000_000  # a 40-megapixel camera; more is a decompression bomb, not a photo
DISPLAY_EDGE = 1600  # the longest edge of the stored photo
THUMB_EDGE = 480  # the longest edge of the thumbnail (a phone card at 2× density)


@dataclass(frozen=True)
class Photo:
    """A checked photo, ready to store: the re-encoded image and its thumbnail (both JPEG)."""

    content: bytes
    thumbnail: bytes
    width: int
    height: int
    source_format: str  # what the upload was: jpg, png or webp

    content_type = "image/jpeg"
    extension = "jpg"


def _refuse(message: str) -> InvalidInput:
    return InvalidInput(message, fields={"file": [message]})


def max_photo_bytes() -> int:
    return int(getattr(settings, "PHOTO_MAX_BYTES", MAX_BYTES))


def photo_check(upload) -> Photo:
    """The photo in ``upload`` (an uploaded file), or InvalidInput with a Chinese message: no
    file, empty, too large, not an image, not JPEG/PNG/WebP, too many pixels, damaged."""
    if upload is None:
        raise _refuse("请选择照片")
    limit = max_photo_bytes()
    if upload.size == 0:
        raise _refuse("照片文件是空的")
    if upload.size > limit:
        raise _refuse(f"照片过大（{upload.size / 1024 / 1024:.1f} MB）：不能超过 {limit // 1024 // 1024} MB")
    upload.seek(0)
    data = upload.read()
    upload.seek(0)
    try:
        with Image.open(io.BytesIO(data)) as probe:
            fmt = probe.format
            width, height = probe.size
            if fmt not in FORMATS:
                raise _refuse(f"不支持的图片格式（{fmt}）：只接受 jpg、png、webp 照片")
            if width * height > MAX_PIXELS:
                raise _refuse(
                    f"照片像素过多（{width}×{height}）：不能超过 {MAX_PIXELS // 1_000_000} 百万像素"
                )
            probe.verify()
        with Image.open(io.BytesIO(data)) as image:
            image.load()
            image = ImageOps.exif_transpose(image)
            display = _jpeg(image, DISPLAY_EDGE)
            thumb = _jpeg(image, THUMB_EDGE)
    except InvalidInput:
        raise
    except (UnidentifiedImageError, Image.DecompressionBombError):
        raise _refuse("文件内容不是图片：只接受 jpg、png、webp 照片") from None
    except (OSError, SyntaxError, ValueError):  # truncated or damaged data that Pillow found out
        raise _refuse("图片文件已损坏，无法读取") from None
    with Image.open(io.BytesIO(display)) as stored:
        size = stored.size
    return Photo(content=display, thumbnail=thumb, width=size[0], height=size[1], source_format=FORMATS[fmt])


def _jpeg(image: Image.Image, edge: int) -> bytes:
    """``image`` shrunk to fit ``edge`` × ``edge`` (never enlarged), as a JPEG without metadata.
    Transparency is laid on white."""
    copy = image.copy()
    copy.thumbnail((edge, edge), Image.Resampling.LANCZOS)
    if copy.mode in ("RGBA", "LA") or (copy.mode == "P" and "transparency" in copy.info):
        rgba = copy.convert("RGBA")
        copy = Image.new("RGB", rgba.size, (255, 255, 255))
        copy.paste(rgba, mask=rgba.getchannel("A"))
    elif copy.mode != "RGB":
        copy = copy.convert("RGB")
    out = io.BytesIO()
    copy.save(out, format="JPEG", quality=85, optimize=True, progressive=True)
    return out.getvalue()
