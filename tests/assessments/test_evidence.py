import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from assessments.models import Evidence, State
from demo.drive import PDF, drive_to
from tests.assessments.helpers import evidence_dir
from tests.helpers import api_client_for

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
JPG = b"\xff\xd8\xff\xe0" + b"\x00" * 64


def ooxml(part: str) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(part, "<x/>")
    return buf.getvalue()


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    return settings.PRIVATE_MEDIA_ROOT


def upload(user, a, name, content, indicator=None):
    indicator = indicator or a.indicator_set.indicators.filter(evidence_required=True).first()
    return api_client_for(user).post(
        f"/api/v1/assessments/{a.pk}/evidence/",
        {"indicator": indicator.pk, "file": SimpleUploadedFile(name, content)},
        format="multipart",
    )


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("会议记录.pdf", PDF),
        ("现场.png", PNG),
        ("现场.JPG", JPG),
        ("台账.docx", ooxml("word/document.xml")),
        ("收入.xlsx", ooxml("xl/workbook.xml")),
    ],
)
def test_the_operator_uploads_each_accepted_type(world, name, content):
    a = world.declare()
    response = upload(world.operator, a, name, content)
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["original_name"] == name and body["size"] == len(content)
    stored = Evidence.objects.get(pk=body["id"]).stored_name
    assert name not in stored and (evidence_dir() / stored).read_bytes() == content


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("伪装.pdf", PNG, "不是有效的 pdf"),
        ("伪装.docx", ooxml("xl/workbook.xml"), "不是有效的 docx"),
        ("伪装.xlsx", b"PK\x03\x04broken", "不是有效的 xlsx"),
        ("脚本.exe", b"MZ\x90\x00", "不支持的文件类型"),
        ("网页.html", b"<html>", "不支持的文件类型"),
        ("空.pdf", b"", "空"),
    ],
)
def test_a_file_is_checked_by_content_not_only_by_name(world, private_media, name, content, message):
    a = world.declare()
    response = upload(world.operator, a, name, content)
    assert response.status_code == 400 and message in response.json()["detail"]
    assert not Evidence.objects.exists()
    assert not any(private_media.rglob("*.*"))


def test_a_file_over_the_size_limit_is_refused(world, settings):
    settings.EVIDENCE_MAX_BYTES = 1024
    a = world.declare()
    response = upload(world.operator, a, "大文件.pdf", PDF + b"0" * 2048)
    assert response.status_code == 400 and "不能超过" in response.json()["detail"]
    assert not Evidence.objects.exists()


def test_the_default_limit_is_20_mb(settings):
    assert settings.EVIDENCE_MAX_BYTES == 20 * 1024 * 1024


def test_download_is_scoped_and_there_is_no_public_url(world, client):
    a = world.declare()
    body = upload(world.operator, a, "会议记录.pdf", PDF).json()
    ok = api_client_for(world.leader).get(body["download"])
    assert ok.status_code == 200 and b"".join(ok.streaming_content) == PDF
    assert "attachment" in ok["Content-Disposition"]
    assert api_client_for(world.colleague).get(body["download"]).status_code == 404
    assert api_client_for(None).get(body["download"]).status_code == 403
    stored = Evidence.objects.get(pk=body["id"]).stored_name
    for prefix in ("/media/", "/private-media/", "/static/"):
        assert client.get(prefix + stored).status_code == 404


@pytest.mark.parametrize(
    ("persona", "status"), [("reviewer", 403), ("village_leader", 403), ("colleague", 404)]
)
def test_only_the_units_operator_uploads(world, persona, status):
    a = world.declare()
    assert upload(getattr(world, persona), a, "会议记录.pdf", PDF).status_code == status
    assert not Evidence.objects.exists()


def test_files_cannot_be_added_or_removed_once_submitted(world):
    a = world.declare()
    eid = upload(world.operator, a, "会议记录.pdf", PDF).json()["id"]
    a = drive_to(a, State.SUBMITTED, cast=world.cast)
    assert upload(world.operator, a, "会议记录.pdf", PDF).status_code == 409
    response = api_client_for(world.operator).delete(f"/api/v1/assessments/{a.pk}/evidence/{eid}/")
    assert response.status_code == 409 and Evidence.objects.filter(pk=eid).exists()


def test_the_operator_deletes_a_file_and_it_is_gone(world, django_capture_on_commit_callbacks):
    a = world.declare()
    eid = upload(world.operator, a, "会议记录.pdf", PDF).json()["id"]
    path = evidence_dir() / Evidence.objects.get(pk=eid).stored_name
    with django_capture_on_commit_callbacks(execute=True):
        response = api_client_for(world.operator).delete(f"/api/v1/assessments/{a.pk}/evidence/{eid}/")
    assert response.status_code == 204
    assert not Evidence.objects.filter(pk=eid).exists() and not path.exists()
    listed = api_client_for(world.operator).get(f"/api/v1/assessments/{a.pk}/evidence/").json()
    assert listed == []
