"""Photos of the observations, through the one photo pipeline (``monthly.photos``): kept in their
own format, up to 2,560 pixels on the longest edge (an observation's photo is evidence of what was
seen, so it keeps more detail than a model site's card)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..photos import photo_check, photo_store, photos_delete

PHOTO_LONG_EDGE = 2560
FOLDER = "observations"


@dataclass
class StoredImage:
    stored_name: str
    thumb_name: str
    original_name: str
    content_type: str
    width: int
    height: int
    size: int


def image_store(upload, written: list[str], *, field: str = "photo") -> StoredImage:
    """Check ``upload`` and write the image and its thumbnail; every name written is appended to
    ``written`` first, so that the caller removes them when its transaction fails."""
    photo = photo_check(upload, field=field, long_edge=PHOTO_LONG_EDGE, keep_format=True)
    stored, thumb = photo_store(photo, FOLDER, written)
    return StoredImage(
        stored_name=stored,
        thumb_name=thumb,
        original_name=Path(getattr(upload, "name", "") or "photo").name[:255],
        content_type=photo.content_type,
        width=photo.width,
        height=photo.height,
        size=len(photo.content),
    )


images_delete = photos_delete
