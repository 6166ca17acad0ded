"""Where evidence files live: the storage named "evidence" in STORAGES. By default a folder under
PRIVATE_MEDIA_ROOT on the web host; with EVIDENCE_STORAGE=s3 a bucket of an S3-compatible object
store that every web host and worker shares. Either way no file has a URL: every read goes through
the download view, which checks the caller's scope and streams the file from the storage."""

from __future__ import annotations

import os
from pathlib import Path

from django.conf import settings
from django.core.files.storage import FileSystemStorage, Storage, storages
from storages.backends.s3 import S3Storage

NO_URL = "evidence files have no URL: they are served by the scope-checked download view"


def evidence_storage() -> Storage:
    """The evidence storage as configured now (Django caches it until STORAGES changes)."""
    return storages["evidence"]


class PrivateFileSystemStorage(FileSystemStorage):
    """Files under PRIVATE_MEDIA_ROOT/evidence unless a location is given. The folder is read from
    the settings at each use (not once), so that a changed PRIVATE_MEDIA_ROOT applies at once."""

    @property
    def base_location(self) -> str:
        return self._value_or_setting(self._location, str(Path(settings.PRIVATE_MEDIA_ROOT) / "evidence"))

    @property
    def location(self) -> str:
        return os.path.abspath(self.base_location)

    def url(self, name):
        raise NotImplementedError(NO_URL)


class PrivateS3Storage(S3Storage):
    """A bucket of an S3-compatible object store, objects written without an ACL (so they stay as
    private as the bucket) and never handed out as links, signed or not."""

    def url(self, name, parameters=None, expire=None, http_method=None):
        raise NotImplementedError(NO_URL)
