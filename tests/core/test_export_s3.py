"""Background exports where the evidence is, in an S3-compatible object store: the worker writes
the file there (under the exports prefix, not on the local disk), any web host streams it to
its owner, and the clean-up removes it from the bucket."""

from __future__ import annotations

import datetime as dt

from django.core.files.base import ContentFile
from django.utils import timezone

from tests.assessments.test_evidence_s3 import Bucket, bucket, no_local_files, s3_server  # noqa: F401
from tests.core.helpers import csv_rows, result_line
from tests.helpers import api_client_for
from yuxi_campaign.core.export_jobs import export_job_run, export_jobs_cleanup
from yuxi_campaign.core.files import export_storage
from yuxi_campaign.core.models import ExportJob
from yuxi_campaign.env import exports_storage_from_env


def test_an_export_goes_to_the_bucket_beside_the_evidence(world, bucket, settings, no_local_files):  # noqa: F811
    settings.STORAGES = {**settings.STORAGES, "exports": exports_storage_from_env()}
    assert type(export_storage()).__name__ == "PrivateS3Storage"
    job = ExportJob.objects.create(user=world.leader, source="results", params={}, format="csv")
    assert export_job_run(job_id=job.pk) == "done"
    job.refresh_from_db()
    exports = Bucket(bucket.client, bucket.name, prefix="exports")
    assert exports.names() == [job.stored_name] and bucket.names() == []  # beside the evidence, apart
    client = api_client_for(world.leader)
    download = client.get(f"/api/v1/exports/{job.pk}/download/")
    _header, rows = csv_rows(b"".join(download.streaming_content))
    expected = client.get("/api/v1/results/", {"page_size": 1000}).json()["results"]
    assert rows == [["" if v is None else str(v) for v in result_line(r)] for r in expected]
    ExportJob.objects.filter(pk=job.pk).update(created_at=timezone.now() - dt.timedelta(days=2))
    assert export_jobs_cleanup() == 1
    assert exports.names() == []


def test_without_an_object_store_exports_stay_under_the_private_folder(monkeypatch, settings, private_media):
    monkeypatch.delenv("EVIDENCE_STORAGE", raising=False)
    settings.STORAGES = {**settings.STORAGES, "exports": exports_storage_from_env()}
    storage = export_storage()
    assert storage.location == str((private_media / "exports").resolve())
    name = storage.save("2026/11/a.csv", ContentFile(b"x"))
    assert (private_media / "exports" / name).read_bytes() == b"x"
