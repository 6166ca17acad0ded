"""Where evidence files live: under PRIVATE_MEDIA_ROOT, never behind a public URL."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings


def evidence_dir() -> Path:
    path = Path(settings.PRIVATE_MEDIA_ROOT) / "evidence"
    path.mkdir(parents=True, exist_ok=True)
    return path


def evidence_path(stored_name: str) -> Path:
    return evidence_dir() / stored_name
