"""Where export files live: the storage named "exports" in STORAGES, beside the evidence. By
default a folder under PRIVATE_MEDIA_ROOT on this host (fine for one web host and an in-process
job); with EVIDENCE_STORAGE=s3 the same bucket under its own key prefix, so that a worker on
another host writes the file and any web host serves it. No file has a URL: the owner downloads it
through a view that checks who asks."""

from __future__ import annotations

import os
from pathlib import Path

from django.conf import settings
from django.core.files.storage import FileSystemStorage, Storage, storages

NO_URL = "export files have no URL: their owner downloads them through the export's view"


def export_storage() -> Storage:
    """The export storage as configured now (Django caches it until STORAGES changes)."""
    return storages["exports"]


class PrivateFolderStorage(FileSystemStorage):
    """Files under PRIVATE_MEDIA_ROOT/<folder>, the root read at each use (a changed
    PRIVATE_MEDIA_ROOT applies at once)."""

    def __init__(self, folder: str = "exports", **kwargs):
        self.folder = folder
        super().__init__(**kwargs)

    @property
    def base_location(self) -> str:
        return self._value_or_setting(self._location, str(Path(settings.PRIVATE_MEDIA_ROOT) / self.folder))

    @property
    def location(self) -> str:
        return os.path.abspath(self.base_location)

    def url(self, name):
        raise NotImplementedError(NO_URL)
