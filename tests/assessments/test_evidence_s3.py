"""Evidence in an S3-compatible object store, as two web hosts share it: an S3 server (moto's
server mode) listens on 127.0.0.1 for these tests, and the evidence storage is configured from
the same environment variables production uses. Upload (API and page), download, delete, the
quota and the clean-up of orphans go through it; nothing is written to the local disk."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

import boto3
import pytest
from botocore.exceptions import ClientError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import override_settings

from assessments.models import Evidence
from assessments.storage import PrivateFileSystemStorage, PrivateS3Storage, evidence_storage
from demo.drive import PDF
from tests.helpers import api_client_for, login
from yuxi_campaign.env import evidence_storage_from_env

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
KEY, SECRET, REGION = "test-key", "test-secret", "us-east-1"


@pytest.fixture(scope="session")
def s3_server():
    """An S3-compatible server on a free port of 127.0.0.1, for the whole run."""
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@dataclass
class Bucket:
    """The test's bucket, seen directly (not through the app)."""

    client: object
    name: str
    prefix: str = "evidence"

    def names(self) -> list[str]:
        listed = self.client.list_objects_v2(Bucket=self.name, Prefix=self.prefix + "/")
        return sorted(o["Key"].removeprefix(self.prefix + "/") for o in listed.get("Contents", []))

    def body(self, name: str) -> bytes:
        return self.client.get_object(Bucket=self.name, Key=f"{self.prefix}/{name}")["Body"].read()

    def put(self, name: str, content: bytes) -> None:
        self.client.put_object(Bucket=self.name, Key=f"{self.prefix}/{name}", Body=content)

    def age(self, name: str, seconds: int) -> None:
        """Make an object look ``seconds`` old, on the server itself."""
        from moto.s3.models import s3_backends

        partition, account = s3_backends.bucket_accounts[self.name]
        key = s3_backends[account][partition].get_object(self.name, f"{self.prefix}/{name}")
        key.last_modified = key.last_modified - dt.timedelta(seconds=seconds)


@pytest.fixture
def bucket(s3_server, settings, monkeypatch) -> Bucket:
    """A fresh bucket, and the evidence storage pointed at it through the environment variables
    production sets. Assigning STORAGES makes Django drop its cached storages (and again when the
    test ends), so the next test gets the local disk back."""
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    monkeypatch.setenv("no_proxy", "127.0.0.1")
    name = f"evidence-{uuid.uuid4().hex[:16]}"
    for var, value in {
        "EVIDENCE_STORAGE": "s3",
        "EVIDENCE_S3_BUCKET": name,
        "EVIDENCE_S3_ENDPOINT_URL": s3_server,
        "EVIDENCE_S3_ACCESS_KEY": KEY,
        "EVIDENCE_S3_SECRET_KEY": SECRET,
        "EVIDENCE_S3_REGION": REGION,
    }.items():
        monkeypatch.setenv(var, value)
    client = boto3.client(
        "s3",
        endpoint_url=s3_server,
        region_name=REGION,
        aws_access_key_id=KEY,
        aws_secret_access_key=SECRET,
    )
    client.create_bucket(Bucket=name)
    settings.STORAGES = {**settings.STORAGES, "evidence": evidence_storage_from_env()}
    assert isinstance(evidence_storage(), PrivateS3Storage)
    yield Bucket(client, name)
    for key in client.list_objects_v2(Bucket=name).get("Contents", []):
        client.delete_object(Bucket=name, Key=key["Key"])
    client.delete_bucket(Bucket=name)


@pytest.fixture
def no_local_files(private_media):
    yield
    assert not any(p.is_file() for p in private_media.rglob("*")), "a file was written to local disk"


def post(user, a, indicator=None, name="会议记录.pdf", content=PDF):
    indicator = indicator or a.indicator_set.indicators.filter(evidence_required=True).first()
    return api_client_for(user).post(
        f"/api/v1/assessments/{a.pk}/evidence/",
        {"indicator": indicator.pk, "file": SimpleUploadedFile(name, content)},
        format="multipart",
    )


def test_an_upload_through_the_api_lands_in_the_bucket_and_downloads_from_it(world, bucket, no_local_files):
    a = world.declare()
    response = post(world.operator, a)
    assert response.status_code == 201, response.json()
    body = response.json()
    stored = Evidence.objects.get(pk=body["id"]).stored_name
    assert bucket.names() == [stored] and bucket.body(stored) == PDF
    assert "会议记录" not in stored  # a generated name, not the user's

    download = api_client_for(world.leader).get(body["download"])
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Length"] == str(len(PDF))
    assert download["Content-Disposition"].startswith("attachment")
    assert download["X-Content-Type-Options"] == "nosniff"
    assert download["Cache-Control"] == "private, no-store"
    # the scope check still decides: a colleague elsewhere sees nothing, a stranger must log in
    assert api_client_for(world.colleague).get(body["download"]).status_code == 404
    assert api_client_for(None).get(body["download"]).status_code == 403


def test_objects_are_private_and_the_storage_hands_out_no_link(world, bucket):
    a = world.declare()
    stored = Evidence.objects.get(pk=post(world.operator, a).json()["id"]).stored_name
    grants = bucket.client.get_object_acl(Bucket=bucket.name, Key=f"evidence/{stored}")["Grants"]
    assert [g["Grantee"].get("URI") for g in grants if g["Grantee"].get("URI")] == []  # no AllUsers
    with pytest.raises(NotImplementedError, match="no URL"):
        evidence_storage().url(stored)


def test_upload_download_and_delete_on_the_sheet_page(world, bucket, no_local_files):
    a = world.declare()
    client = login(world.operator)
    indicator = a.indicator_set.indicators.filter(evidence_required=True).first()
    client.post(
        f"/assessments/{a.pk}/evidence/",
        {"indicator": indicator.pk, "file": SimpleUploadedFile("现场.png", PNG)},
    )
    e = Evidence.objects.get(assessment=a)
    assert bucket.body(e.stored_name) == PNG
    download = client.get(f"/assessments/{a.pk}/evidence/{e.pk}/")
    assert download.status_code == 200 and b"".join(download.streaming_content) == PNG
    assert download["Content-Type"] == "image/png"
    assert login(world.colleague).get(f"/assessments/{a.pk}/evidence/{e.pk}/").status_code == 404
    bad = client.post(
        f"/assessments/{a.pk}/evidence/",
        {"indicator": indicator.pk, "file": SimpleUploadedFile("b.pdf", b"not a pdf")},
        follow=True,
    )
    assert "不是有效的 pdf" in bad.content.decode() and bucket.names() == [e.stored_name]
    deleted = client.post(f"/assessments/{a.pk}/evidence/{e.pk}/delete/")
    assert deleted.status_code == 302
    assert not Evidence.objects.filter(assessment=a).exists()


def test_a_deleted_file_leaves_the_bucket(world, bucket, django_capture_on_commit_callbacks):
    a = world.declare()
    eid = post(world.operator, a).json()["id"]
    assert len(bucket.names()) == 1
    with django_capture_on_commit_callbacks(execute=True):
        response = api_client_for(world.operator).delete(f"/api/v1/assessments/{a.pk}/evidence/{eid}/")
    assert response.status_code == 204 and bucket.names() == []
    # a row whose object is gone (another host removed it) answers 404, not 500
    eid = post(world.operator, a).json()["id"]
    bucket.client.delete_object(
        Bucket=bucket.name, Key=f"evidence/{Evidence.objects.get(pk=eid).stored_name}"
    )
    gone = api_client_for(world.operator).get(f"/api/v1/assessments/{a.pk}/evidence/{eid}/download/")
    assert gone.status_code == 404 and "未找到" in gone.json()["detail"]


def test_the_quota_holds_with_the_bucket(world, bucket, settings):
    settings.EVIDENCE_MAX_FILES = 2
    a = world.declare()
    assert post(world.operator, a).status_code == 201
    assert post(world.operator, a).status_code == 201
    refused = post(world.operator, a)
    assert refused.status_code == 400 and refused.json()["code"] == "quota"
    assert len(bucket.names()) == 2  # the refused file was never written


def test_a_file_whose_row_fails_is_removed_from_the_bucket(world, bucket, monkeypatch):
    from assessments import services

    a = world.declare()
    indicator = a.indicator_set.indicators.filter(evidence_required=True).first()
    monkeypatch.setattr(
        "assessments.services.evidence.Evidence.objects.create",
        lambda **kw: (_ for _ in ()).throw(RuntimeError("db gone")),
    )
    with pytest.raises(RuntimeError):
        services.evidence_add(
            assessment_id=a.pk,
            indicator_id=indicator.pk,
            upload=SimpleUploadedFile("台账.pdf", PDF),
            actor=world.operator,
        )
    assert bucket.names() == [] and not Evidence.objects.exists()


def test_the_clean_up_lists_the_bucket_removes_old_orphans_and_keeps_the_rest(
    world, bucket, settings, capsys
):
    settings.EVIDENCE_CLEANUP_GRACE_SECONDS = 600
    a = world.declare()
    kept_id = post(world.operator, a).json()["id"]
    kept = Evidence.objects.get(pk=kept_id).stored_name
    bucket.age(kept, 86400)  # an old file with its row
    old_orphan, young_orphan = f"{uuid.uuid4().hex}.pdf", f"{uuid.uuid4().hex}.pdf"
    bucket.put(old_orphan, PDF)
    bucket.age(old_orphan, 601)
    bucket.put(young_orphan, PDF)
    bucket.age(young_orphan, 590)
    # something else in the bucket, outside the prefix, is none of the job's business
    bucket.client.put_object(Bucket=bucket.name, Key="other/keep.txt", Body=b"x")
    bucket.client.put_object(Bucket=bucket.name, Key="other-" + old_orphan, Body=b"x")
    call_command("cleanup_evidence")
    assert "已清理遗留文件 1 个" in capsys.readouterr().out
    assert bucket.names() == sorted([kept, young_orphan])
    assert bucket.client.list_objects_v2(Bucket=bucket.name, Prefix="other")["KeyCount"] == 2
    download = api_client_for(world.operator).get(f"/api/v1/assessments/{a.pk}/evidence/{kept_id}/download/")
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF


def test_the_clean_up_of_an_empty_bucket_removes_nothing(db, bucket):
    from assessments.services import evidence_cleanup

    assert evidence_cleanup() == 0


def test_a_bucket_that_does_not_exist_is_an_error_not_silence(world, bucket, settings):
    """A wrong bucket name must not pass for "no files": the upload fails loudly and leaves no row."""
    options = {**settings.STORAGES["evidence"]["OPTIONS"], "bucket_name": "no-such-bucket"}
    settings.STORAGES = {
        **settings.STORAGES,
        "evidence": {**settings.STORAGES["evidence"], "OPTIONS": options},
    }
    a = world.declare()
    with pytest.raises(ClientError):
        post(world.operator, a)
    assert not Evidence.objects.exists()


def test_changing_storages_resets_the_cached_evidence_storage(db, s3_server, settings):
    """Django caches each storage until STORAGES changes: switching to the bucket and back gives
    the right backend each time, never a stale one."""
    assert isinstance(evidence_storage(), PrivateFileSystemStorage)
    s3 = {
        "BACKEND": "assessments.storage.PrivateS3Storage",
        "OPTIONS": {"bucket_name": "b", "endpoint_url": s3_server},
    }
    with override_settings(STORAGES={**settings.STORAGES, "evidence": s3}):
        assert isinstance(evidence_storage(), PrivateS3Storage)
        assert evidence_storage().bucket_name == "b"
    assert isinstance(evidence_storage(), PrivateFileSystemStorage)


@pytest.mark.parametrize("shared", [True, False], ids=["bucket", "local-disk"])
def test_a_file_uploaded_on_one_host_downloads_on_the_other_only_from_the_bucket(
    world, request, settings, tmp_path, shared
):
    """Two web hosts behind one proxy: each has its own disk. With the bucket, the second host
    serves what the first stored; with local disk it cannot (which is why two hosts need s3)."""
    if shared:
        request.getfixturevalue("bucket")
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "host-a"
    a = world.declare()
    body = post(world.operator, a).json()
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "host-b"
    download = api_client_for(world.leader).get(body["download"])
    assert download.status_code == (200 if shared else 404)


# ---------------------------------------------------------------------------------------------
# The store cannot be reached


@pytest.fixture
def store_down(bucket, settings):
    """The evidence storage pointed at a port of 127.0.0.1 where nothing listens."""
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    options = {**settings.STORAGES["evidence"]["OPTIONS"], "endpoint_url": f"http://127.0.0.1:{port}"}
    settings.STORAGES = {
        **settings.STORAGES,
        "evidence": {**settings.STORAGES["evidence"], "OPTIONS": options},
    }
    return port


def test_an_upload_while_the_store_is_unreachable_answers_503_and_writes_nothing(
    world, bucket, store_down, no_local_files
):
    from rest_framework.test import APIClient

    a = world.declare()
    indicator = a.indicator_set.indicators.filter(evidence_required=True).first()
    client = APIClient(raise_request_exception=False)
    client.force_authenticate(world.operator)
    response = client.post(
        f"/api/v1/assessments/{a.pk}/evidence/",
        {"indicator": indicator.pk, "file": SimpleUploadedFile("会议记录.pdf", PDF)},
        format="multipart",
    )
    assert response.status_code == 503
    assert response["Retry-After"] == "30" and response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "文件存储暂时无法连接，文件没有保存，请稍后再试"}
    assert str(store_down) not in response.content.decode()
    assert not Evidence.objects.exists() and bucket.names() == []
    a.refresh_from_db()
    assert a.version == 1  # the sheet is as it was


def test_an_upload_on_the_sheet_page_while_the_store_is_unreachable_shows_the_503_page(
    world, bucket, store_down, no_local_files
):
    from django.test import Client

    a = world.declare()
    client = Client(raise_request_exception=False)
    client.force_login(world.operator)
    indicator = a.indicator_set.indicators.filter(evidence_required=True).first()
    response = client.post(
        f"/assessments/{a.pk}/evidence/",
        {"indicator": indicator.pk, "file": SimpleUploadedFile("现场.png", PNG)},
    )
    assert response.status_code == 503 and response["Retry-After"] == "30"
    body = response.content.decode()
    assert "文件存储暂时无法连接" in body and str(store_down) not in body and "Traceback" not in body
    assert not Evidence.objects.exists() and bucket.names() == []


def test_a_failed_upload_whose_clean_up_cannot_reach_the_store_raises_the_upload_failure(
    world, bucket, monkeypatch
):
    """The row fails after the file was written, and the store is gone before the clean-up: the
    caller sees the row's failure, not the clean-up's, and no row is left."""
    from botocore.exceptions import EndpointConnectionError

    from assessments import services

    a = world.declare()
    indicator = a.indicator_set.indicators.filter(evidence_required=True).first()
    monkeypatch.setattr(
        "assessments.services.evidence.Evidence.objects.create",
        lambda **kw: (_ for _ in ()).throw(RuntimeError("db gone")),
    )

    def unreachable(self, name):
        raise EndpointConnectionError(endpoint_url="http://127.0.0.1:9")

    monkeypatch.setattr(PrivateS3Storage, "delete", unreachable)
    with pytest.raises(RuntimeError, match="db gone"):
        services.evidence_add(
            assessment_id=a.pk,
            indicator_id=indicator.pk,
            upload=SimpleUploadedFile("台账.pdf", PDF),
            actor=world.operator,
        )
    assert not Evidence.objects.exists() and len(bucket.names()) == 1  # an orphan for the clean-up job


def test_only_an_unreachable_or_failing_store_counts_as_unavailable():
    from botocore.exceptions import ConnectTimeoutError, EndpointConnectionError, ReadTimeoutError

    from yuxi_campaign.core.failures import store_unavailable

    def client_error(status: int) -> ClientError:
        return ClientError(
            {"Error": {"Code": "X"}, "ResponseMetadata": {"HTTPStatusCode": status}}, "PutObject"
        )

    wrapped = RuntimeError("upload failed")
    wrapped.__cause__ = EndpointConnectionError(endpoint_url="http://127.0.0.1:9")
    assert store_unavailable(EndpointConnectionError(endpoint_url="http://127.0.0.1:9"))
    assert store_unavailable(ConnectTimeoutError(endpoint_url="http://127.0.0.1:9"))
    assert store_unavailable(ReadTimeoutError(endpoint_url="http://127.0.0.1:9"))
    assert store_unavailable(client_error(503)) and store_unavailable(wrapped)
    assert not store_unavailable(client_error(404)) and not store_unavailable(client_error(403))
    assert not store_unavailable(RuntimeError("a bug")) and not store_unavailable(None)
