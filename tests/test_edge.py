"""What the edge refuses before any view, and how: a NUL byte in any text (PostgreSQL refuses
it, so it was a 500 there), JSON nested 5,000 deep (a RecursionError), a body over the limit,
an unreadable form; and Django's own 400/403/500 under /api/ as JSON. Also the page forms that
took an id that is no number, and ``next`` that may only lead back to this site."""

from __future__ import annotations

import json

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, RequestFactory

from assessments import services
from assessments.models import Assessment, Event, Objection, State
from demo.drive import PDF, drive_to
from tests.helpers import api_client_for, login
from tests.hostile import DEEP_ARRAY, DEEP_OBJECT

NUL_MESSAGE = "空字符"


def assert_json_400(response, field: str | None = None) -> dict:
    assert response.status_code == 400, response.content[:200]
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert body["detail"]
    if field:
        assert body["detail"].startswith(f"{field}: ") and body[field]
    return body


def assert_page_400(response) -> str:
    assert response.status_code == 400 and response["Content-Type"].startswith("text/html")
    page = response.content.decode()
    assert "请求被拒绝" in page
    return page


@pytest.fixture
def noticed(world) -> Assessment:
    return drive_to(world.declare(), State.IN_NOTICE, cast=world.cast)


# ---------------------------------------------------------------------------------------------
# NUL bytes


def test_an_objection_with_a_nul_byte_is_refused_on_the_page_and_nothing_is_stored(noticed):
    response = Client().post(
        f"/notices/{noticed.pk}/objection/",
        {"content": "公示材料与实际\x00不符，请核查", "contact": "1390000"},
    )
    assert NUL_MESSAGE in assert_page_400(response)
    assert not Objection.objects.exists()


@pytest.mark.parametrize(
    "body",
    [
        {"content": "公示材料与实际\x00不符，请核查"},
        {"content": "公示材料与实际不符，请核查", "contact\x00": "x"},
        {"content": "公示材料与实际不符，请核查", "extra": [{"deep": ["\x00"]}]},
    ],
)
def test_an_objection_with_a_nul_byte_anywhere_in_the_json_is_refused(noticed, body):
    response = Client().post(
        f"/api/v1/notices/{noticed.pk}/objections/", json.dumps(body), content_type="application/json"
    )
    assert NUL_MESSAGE in assert_json_400(response)["detail"]
    assert not Objection.objects.exists()


def test_a_score_comment_with_a_nul_byte_is_refused_on_the_sheet_page_and_api(world):
    a = world.declare()
    indicator = a.indicator_set.indicators.order_by("pk").first()
    page = login(world.operator).post(
        f"/assessments/{a.pk}/sheet/self/",
        {"version": a.version, f"score-{indicator.pk}": "1", f"comment-{indicator.pk}": "见\x00台账"},
    )
    assert NUL_MESSAGE in assert_page_400(page)
    api = api_client_for(world.operator).put(
        f"/api/v1/assessments/{a.pk}/scores/self/",
        {
            "version": a.version,
            "scores": [{"indicator": indicator.pk, "score": "1", "comment": "见\x00台账"}],
        },
        format="json",
    )
    assert_json_400(api, "scores")
    assert not a.scores.exists()


def test_a_transition_reason_with_a_nul_byte_is_refused_on_pages_and_api(world):
    a = drive_to(world.declare(), State.REVIEWED, cast=world.cast)
    client = login(world.leader)
    for url, data in [
        (f"/assessments/{a.pk}/transition/", {"action": "accept", "reason": "材料\x00齐全"}),
        ("/assessments/bulk/", {"action": "accept", "ids": [a.pk], "reason": "材料\x00齐全"}),
    ]:
        assert NUL_MESSAGE in assert_page_400(client.post(url, data))
    api = api_client_for(world.leader)
    assert_json_400(
        api.post(
            f"/api/v1/assessments/{a.pk}/transitions/", {"action": "accept", "reason": "\x00"}, format="json"
        ),
        "reason",
    )
    assert_json_400(
        api.post(
            "/api/v1/assessments/bulk-transitions/", {"action": "accept", "ids": [a.pk], "reason": "\x00"}
        ),
        "reason",
    )
    assert Assessment.objects.get(pk=a.pk).state == State.REVIEWED
    assert not Event.objects.filter(action="accept").exists()


def test_an_objection_decision_with_a_nul_byte_is_refused(noticed, world):
    objection = services.objection_submit(
        assessment_id=noticed.pk, content="公示材料与实际不符", ip_address=None
    )
    page = login(world.leader).post(
        f"/objections/{objection.pk}/decide/", {"decision": "dismissed", "reason": "不属实\x00"}
    )
    assert NUL_MESSAGE in assert_page_400(page)
    api = api_client_for(world.leader).post(
        f"/api/v1/objections/{objection.pk}/decision/",
        {"decision": "dismissed", "reason": "不属实\x00"},
        format="json",
    )
    assert_json_400(api, "reason")
    assert Objection.objects.get(pk=objection.pk).status == "pending"


@pytest.mark.parametrize("param", ["search", "code", "q", "level", "page", "any"])
def test_a_nul_byte_in_a_query_parameter_is_a_400_naming_it(world, param):
    assert_json_400(api_client_for(world.admin).get("/api/v1/orgs/", {param: "53\x00"}), param)
    assert NUL_MESSAGE in assert_page_400(login(world.admin).get("/units/", {param: "53\x00"}))


def test_a_nul_byte_in_a_cookie_or_the_token_header_is_refused_before_any_lookup(world):
    client = Client()
    client.cookies["sessionid"] = "abcdefgh\x00ijkl"
    assert NUL_MESSAGE in assert_page_400(client.get("/notices/"))
    api = Client(HTTP_AUTHORIZATION="Token abc\x00def")
    assert_json_400(api.get("/api/v1/orgs/"))


# ---------------------------------------------------------------------------------------------
# JSON nested too deep, bodies too big or unreadable


@pytest.mark.parametrize("body", [DEEP_OBJECT, DEEP_ARRAY], ids=["objects", "arrays"])
@pytest.mark.parametrize(
    "path", ["/api/v1/auth/token/", "/api/v1/notices/{id}/objections/", "/api/v1/objections/{oid}/decision/"]
)
def test_json_nested_5000_deep_is_a_json_400(noticed, world, body, path):
    objection = services.objection_submit(
        assessment_id=noticed.pk, content="公示材料与实际不符", ip_address=None
    )
    url = path.format(id=noticed.pk, oid=objection.pk)
    response = api_client_for(world.leader).post(url, body, content_type="application/json")
    assert "嵌套" in assert_json_400(response)["detail"]


def test_the_safe_parser_refuses_deep_json_where_the_edge_did_not_look():
    """DRF's parser is the project's safe one (the token view included): a deep document is a
    ParseError, not a RecursionError, even if it got past the edge."""
    import io

    from rest_framework.exceptions import ParseError

    from yuxi_campaign.core import edge

    with pytest.raises(ParseError):
        edge.SafeJSONParser().parse(io.BytesIO(DEEP_OBJECT.encode()))
    with pytest.raises(ParseError):
        edge.SafeJSONParser().parse(io.BytesIO(("[" * 40 + "]" * 40).encode()))  # deeper than 32
    from yuxi_campaign.urls import urlpatterns

    token_view = next(p for p in urlpatterns if getattr(p, "name", "") == "api-token").callback
    assert edge.SafeJSONParser in token_view.cls.parser_classes


def test_a_6_mb_body_to_the_api_is_a_json_400_and_to_a_page_a_400_page(world):
    big = b'{"content": "' + b"x" * (6 * 1024 * 1024) + b'"}'
    response = Client().post("/api/v1/auth/token/", big, content_type="application/json")
    assert "过大" in assert_json_400(response)["detail"]
    form = b"content=" + b"x" * (6 * 1024 * 1024)
    page = Client().generic(
        "POST", "/accounts/login/", form, content_type="application/x-www-form-urlencoded"
    )
    assert "过大" in assert_page_400(page)


def test_too_many_fields_or_broken_multipart_is_a_400(world):
    fields = "&".join(f"ids={i}" for i in range(2000)).encode()
    client = login(world.leader)
    response = client.generic(
        "POST", "/assessments/bulk/", fields, content_type="application/x-www-form-urlencoded"
    )
    assert "过多" in assert_page_400(response)
    response = client.generic("POST", "/assessments/bulk/", b"x", content_type="multipart/form-data")
    assert "无法读取" in assert_page_400(response)
    api = api_client_for(world.leader)
    response = api.generic(
        "POST", "/api/v1/assessments/bulk-transitions/", b"x", content_type="multipart/form-data"
    )
    assert_json_400(response)


@pytest.mark.parametrize("content_type", ["text/plain", "application/xml"])
def test_a_body_of_another_type_is_a_json_415(world, content_type):
    response = api_client_for(world.operator).generic(
        "POST", "/api/v1/assessments/", b"<a>1</a>", content_type=content_type
    )
    assert response.status_code == 415 and response.json()["detail"]


def test_an_evidence_file_over_the_form_limit_still_uploads_as_multipart(world):
    """DATA_UPLOAD_MAX_MEMORY_SIZE (5 MB) counts form fields, not files: a 6 MB file goes through
    the edge, which reads the form, and the API still sees the file."""
    a = world.declare()
    indicator = a.indicator_set.indicators.filter(evidence_required=True).first()
    response = api_client_for(world.operator).post(
        f"/api/v1/assessments/{a.pk}/evidence/",
        {"indicator": indicator.pk, "file": SimpleUploadedFile("台账.pdf", PDF + b"0" * (6 * 1024 * 1024))},
        format="multipart",
    )
    assert response.status_code == 201, response.content[:300]
    assert response.json()["size"] > 6 * 1024 * 1024
    json_body = api_client_for(world.operator).post(
        f"/api/v1/assessments/{a.pk}/evidence/", {"indicator": indicator.pk}, format="json"
    )
    assert json_body.status_code == 415


# ---------------------------------------------------------------------------------------------
# Django's own error answers under /api/


def test_djangos_error_answers_are_json_under_the_api_and_pages_elsewhere():
    from yuxi_campaign.core import edge

    rf = RequestFactory()
    api, page = rf.get("/api/v1/orgs/"), rf.get("/units/")
    for response, status in [
        (edge.bad_request(api), 400),
        (edge.permission_denied(api, PermissionDenied()), 403),
    ]:
        assert response.status_code == status and json.loads(response.content)["detail"]
    assert edge.bad_request(page)["Content-Type"].startswith("text/html")
    assert edge.permission_denied(page, PermissionDenied()).status_code == 403


def test_a_crash_under_the_api_answers_json_500(world, monkeypatch):
    from orgs.api import OrgViewSet

    def boom(self, request, pk=None):
        raise RuntimeError("boom")

    monkeypatch.setattr(OrgViewSet, "retrieve", boom)
    client = Client(raise_request_exception=False)
    client.force_login(world.admin)
    response = client.get(f"/api/v1/orgs/{world.tree.village.pk}/")
    assert response.status_code == 500 and response.json()["detail"]


def test_a_suspicious_request_under_the_api_answers_json_400(world, monkeypatch):
    from django.core.exceptions import SuspiciousOperation

    from orgs.api import OrgViewSet

    def suspicious(self, request, pk=None):
        raise SuspiciousOperation("no")

    monkeypatch.setattr(OrgViewSet, "retrieve", suspicious)
    client = Client()
    client.force_login(world.admin)
    assert_json_400(client.get(f"/api/v1/orgs/{world.tree.village.pk}/"))


# ---------------------------------------------------------------------------------------------
# Page forms: ids that are no number


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"round": "abc"}, "请选择评估年度"),
        ({"round": "１"}, "请选择评估年度"),
        ({"round": "9" * 40}, "请选择评估年度"),
        ({"round": "-1"}, "请选择评估年度"),
        ({"round": "{round}", "org": "abc"}, "请选择本单位或下级单位"),
        ({"round": "{round}", "org": "1_0"}, "请选择本单位或下级单位"),
        ({"round": "{round}", "target": "planet"}, "未知的创建目标"),
    ],
)
def test_declaring_with_an_id_that_is_no_number_says_so_and_creates_nothing(world, data, message):
    data = {k: v.format(round=world.round.pk) for k, v in data.items()}
    client = login(world.operator)
    response = client.post("/declare/", data, follow=True)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Assessment.objects.exists()


def test_bulk_ids_in_other_scripts_or_too_big_are_left_out(world):
    a = drive_to(world.declare(), State.REVIEWED, cast=world.cast)
    response = login(world.leader).post(
        "/assessments/bulk/", {"action": "accept", "ids": ["²", "9" * 40, "１"], "reason": "齐全"}
    )
    assert response.status_code == 302  # nothing to act on: back to the list with a message
    assert Assessment.objects.get(pk=a.pk).state == State.REVIEWED


# ---------------------------------------------------------------------------------------------
# next: only back to this site


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/phish",
        "//evil.example/",
        "\\\\evil.example/",
        "/\\evil.example/",
        "/\t/evil.example/",
        "javascript:alert(1)",
        " javascript:alert(1)",
        "http://testserver/assessments/",
        "assessments/",
    ],
)
def test_next_never_leads_off_this_sites_paths_nor_renders_as_a_link(world, noticed, target):
    client = login(world.leader)
    result = client.post("/assessments/bulk/", {"action": "accept", "ids": [noticed.pk], "next": target})
    assert result.status_code == 200
    page = result.content.decode()
    assert 'href="/assessments/"' in page and "evil" not in page and "javascript:" not in page
    empty = client.post("/assessments/bulk/", {"action": "accept", "next": target})
    assert empty["Location"] == "/assessments/"
    objection = services.objection_submit(
        assessment_id=noticed.pk, content="公示材料与实际不符", ip_address=None
    )
    decided = client.post(
        f"/objections/{objection.pk}/decide/", {"decision": "dismissed", "reason": "不属实", "next": target}
    )
    assert decided["Location"] == "/objections/"


def test_next_to_a_page_of_this_site_is_followed(world):
    response = login(world.leader).post(
        "/assessments/bulk/", {"action": "accept", "next": "/assessments/?state=reviewed"}
    )
    assert response["Location"] == "/assessments/?state=reviewed"


@pytest.mark.parametrize("constant", ["NaN", "Infinity", "-Infinity"])
def test_nan_and_infinity_are_not_json(world, constant):
    """As DRF's own parser (strict JSON): a ParseError, and a 400 on any endpoint."""
    import io

    from rest_framework.exceptions import ParseError

    from yuxi_campaign.core import edge

    with pytest.raises(ParseError):
        edge.SafeJSONParser().parse(io.BytesIO(f'{{"reason": {constant}}}'.encode()))
    response = api_client_for(world.operator).post(
        "/api/v1/assessments/", f'{{"org": {constant}}}', content_type="application/json"
    )
    assert_json_400(response)
