"""The API's contract as outside clients see it: every read answers as the OpenAPI schema says,
with real rows; lists are documented as the paginated object they are; decimals are strings;
an invalid filter is a JSON 400 naming the field, while the pages ignore it."""

from decimal import Decimal

import pytest
from rest_framework.authtoken.models import Token

from assessments.models import Assessment, Evidence, State
from demo.drive import drive_to, rows_at, save_sheet, sheet_rows
from tests.assessments.helpers import rounds_open, rounds_real_dates
from tests.helpers import api_client_for, login
from tests.openapi import CHECKS, schema

LISTS = [
    "/api/v1/orgs/",
    "/api/v1/indicator-sets/",
    "/api/v1/rounds/",
    "/api/v1/assessments/",
    "/api/v1/notices/",
    "/api/v1/objections/",
    "/api/v1/results/",
    "/api/v1/rankings/",
    "/api/v1/notifications/",
    "/api/v1/titles/",
    "/api/v1/late/",
    "/api/v1/observations/",
    "/api/v1/model-sites/",
    "/api/v1/meetings/",
    "/api/v1/league/",
]


@pytest.fixture
def rows(world, django_capture_on_commit_callbacks):
    """A named unit (its title in the results) and the same unit in notice for the next title,
    with an objection waiting: a row in every list."""
    from assessments import services

    with django_capture_on_commit_callbacks(execute=True):
        named = drive_to(world.declare(), State.NAMED, cast=world.cast)
        in_notice = drive_to(world.declare(target="demonstration"), State.IN_NOTICE, cast=world.cast)
        services.objection_submit(
            assessment_id=in_notice.pk, content="公开栏半年没有更新", ip_address="10.0.0.1"
        )
    from django.core.files.uploadedfile import SimpleUploadedFile

    from demo.sites import demo_photo
    from monthly import services as monthly_services
    from monthly.models import SiteKind

    monthly_services.site_kinds_install_defaults()
    site = monthly_services.site_create(
        actor=world.admin,
        org_id=world.tree.village.pk,
        kind=SiteKind.objects.get(name="村"),
        highlight="亮点",
    )
    photo = SimpleUploadedFile("p.jpg", demo_photo("村", "照片"), content_type="image/jpeg")
    monthly_services.site_photo_add(actor=world.admin, site_id=site.pk, upload=photo)
    world.model_site = site
    rounds_real_dates()  # the round's year has passed: the units that did not declare are late
    return named, in_notice


def observation_with_photo(world) -> tuple[int, int]:
    """The county's observation of the township last month (the leader's unit), with a photo."""
    import datetime as dt
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.utils import timezone
    from PIL import Image

    from monthly import services as monthly_services
    from monthly.models import RubricItem

    monthly_services.rubric_install_default()
    visit = timezone.localdate().replace(day=1) - dt.timedelta(days=1)
    o = monthly_services.observation_create(
        actor=world.county_leader,
        unit_id=world.tree.township.pk,
        date=visit,
        inspectors=["张明"],
        scores=[{"item": i.pk, "score": str(i.max_score)} for i in RubricItem.objects.filter(is_active=True)],
        problems=[{"description": "台账不全", "deadline": visit + dt.timedelta(days=30)}],
    )
    image = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(image, "PNG")
    photo = monthly_services.observation_photo_add(
        actor=world.county_leader,
        observation_id=o.pk,
        upload=SimpleUploadedFile("a.png", image.getvalue(), content_type="image/png"),
    )
    return o.pk, photo.pk


def test_every_read_answers_as_documented_with_real_rows(
    world, rows, keep_test_connection, django_capture_on_commit_callbacks
):
    from yuxi_campaign.core.export_jobs import export_job_start

    _named, a = rows
    with django_capture_on_commit_callbacks(execute=True):  # a finished export of the leader's
        job = export_job_start(user=world.leader, source="results", params={}, fmt="xlsx")
    from monthly.services import meeting_schedule

    meeting = meeting_schedule(  # the city's progress meeting, which the township reads
        organiser_id=world.tree.city.pk, year=2024, month=3, host_id=world.tree.county.pk, actor=world.admin
    )
    ids = {
        "id": a.pk,
        "stage": "review",
        "eid": Evidence.objects.filter(assessment=a).values_list("pk", flat=True).first(),
    }
    observation_id, photo_id = observation_with_photo(world)
    ids["photo_id"], ids["kind"] = photo_id, "thumbnail"
    detail_ids = {
        "/api/v1/observations/{id}/": observation_id,
        "/api/v1/observations/{id}/photos/{photo_id}/{kind}/": {"id": observation_id},
        "/api/v1/orgs/{id}/": world.tree.village.pk,
        "/api/v1/indicator-sets/{id}/": a.indicator_set_id,
        "/api/v1/rounds/{id}/": world.round.pk,
        "/api/v1/rounds/{id}/extensions/": world.round.pk,
        "/api/v1/exports/{id}/": job.pk,
        "/api/v1/exports/{id}/download/": job.pk,
        "/api/v1/model-sites/{id}/": world.model_site.pk,
        "/api/v1/meetings/{id}/": meeting.pk,
    }
    # A sibling village's sheet waiting for the leader's review: the workbooks' reads.
    from dataclasses import replace

    rounds_open()  # (filled while the round's windows were open)
    waiting = world.declare(org=world.tree.sibling_village, actor=world.sibling_operator)
    drive_to(waiting, State.SUBMITTED, cast=replace(world.cast, operator=world.sibling_operator))
    rounds_real_dates()
    detail_ids["/api/v1/assessments/{id}/scores/{stage}/workbook/"] = {"id": waiting.pk, "stage": "review"}
    headers = {"Authorization": f"Token {Token.objects.create(user=world.leader).key}"}
    seen = set()
    for result in schema.include(method="GET").get_all_operations():
        operation = result.ok()
        path = operation.path
        names = {p.name for p in operation.path_parameters}
        override = detail_ids.get(path)
        if not isinstance(override, dict):  # one id for the path's one parameter
            override = {} if override is None else dict.fromkeys(names, override)
        params = {n: override.get(n, ids[n]) for n in names}
        query = {
            "/api/v1/progress/": {"year": 2024},
            "/api/v1/meetings/proposal/": {"year": 2024, "month": 4},
            "/api/v1/assessments/group-workbook/": {
                "org": world.tree.township.pk,
                "year": 2024,
                "stage": "review",
            },
        }.get(path, {})
        case = operation.Case(path_parameters=params, query=query)
        response = case.call_and_validate(headers=headers, checks=CHECKS)
        assert response.status_code == 200, (path, response.text[:300])
        if path in LISTS:
            assert response.json()["count"] >= 1, path
        seen.add(path)
    assert set(LISTS) <= seen and len(seen) == 34


@pytest.mark.parametrize("path", LISTS)
def test_every_list_is_documented_as_the_paginated_object_it_answers(db, path):
    document = api_client_for(None).get("/api/schema/", {"format": "json"}).json()
    ok = document["paths"][path]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    component = document["components"]["schemas"][ok["$ref"].rsplit("/", 1)[-1]]
    assert component["type"] == "object" and set(component["properties"]) == {
        "count",
        "next",
        "previous",
        "results",
    }
    assert component["properties"]["results"]["type"] == "array"
    parameters = {p["name"]: p["schema"] for p in document["paths"][path]["get"]["parameters"]}
    assert parameters["page_size"] == {"type": "integer", "minimum": 1, "maximum": 1000}


def test_refusals_are_documented_with_the_error_body(db):
    document = api_client_for(None).get("/api/schema/", {"format": "json"}).json()
    transitions = document["paths"]["/api/v1/assessments/{id}/transitions/"]["post"]["responses"]
    assert set(transitions) == {"200", "400", "403", "404", "409", "415"}
    # every operation that reads a body says it may refuse a body of another media type
    photos = document["paths"]["/api/v1/model-sites/{id}/photos/"]["post"]["responses"]
    assert "415" in photos and "415" not in document["paths"]["/api/v1/progress/"]["get"]["responses"]
    # and every operation says the edge may refuse it (a NUL byte in its query, say) with 400
    operations = [op for path in document["paths"].values() for op in path.values() if "responses" in op]
    assert operations and all("400" in op["responses"] for op in operations)
    body = transitions["409"]["content"]["application/json"]["schema"]
    assert body == {"$ref": "#/components/schemas/Error"}
    assert document["components"]["schemas"]["Error"]["required"] == ["detail"]
    progress = document["paths"]["/api/v1/progress/"]["get"]["responses"]["200"]
    assert progress["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/Progress"}


# ---------------------------------------------------------------------------------------------
# Decimals are strings


def test_scores_go_out_as_decimal_strings(world):
    a = world.declare()
    row = next(r for r in sheet_rows(a) if "veto_passed" not in r)
    client = api_client_for(world.operator)
    saved = client.put(
        f"/api/v1/assessments/{a.pk}/scores/self/",
        {"version": a.version, "scores": [{**row, "score": "10"}]},
        format="json",
    ).json()
    assert saved["total"] == f"{saved_total(a):.2f}" and isinstance(saved["total"], str)
    assert saved["final_score"] is None and saved["outcome"] is None
    got = client.get(f"/api/v1/assessments/{a.pk}/scores/self/").json()
    assert got == [{"indicator": row["indicator"], "score": "10.0", "comment": "", "veto_passed": None}]


def saved_total(a) -> Decimal:
    from assessments.models import Assessment

    return Assessment.objects.get(pk=a.pk).self_total


def test_totals_and_final_scores_are_strings_with_two_places(world):
    a = drive_to(world.declare(), State.SUBMITTED, cast=world.cast)
    save_sheet(a, "review", world.reviewer, rows=rows_at(Decimal("0.5"), comment="现场核查"))
    body = api_client_for(world.leader).get(f"/api/v1/assessments/{a.pk}/").json()
    assert body["self_total"] == "100.00"
    assert body["final_score"] == body["review_total"] and body["review_total"].count(".") == 1
    assert len(body["review_total"].split(".")[1]) == 2


# ---------------------------------------------------------------------------------------------
# Filters: one FilterSet for the page and the API


@pytest.mark.parametrize(
    ("path", "params", "field"),
    [
        ("/api/v1/assessments/", {"level": "nonsense"}, "level"),
        ("/api/v1/assessments/", {"within": "abc"}, "within"),
        ("/api/v1/assessments/", {"state": "lost"}, "state"),
        ("/api/v1/assessments/", {"page_size": "5000"}, "page_size"),
        ("/api/v1/rankings/", {"year": "-1"}, "year"),
        ("/api/v1/objections/", {"status": "maybe"}, "status"),
        ("/api/v1/orgs/", {"is_active": "maybe"}, "is_active"),
        ("/api/v1/notifications/", {"unread": "maybe"}, "unread"),
        ("/api/v1/orgs/", {"code": "53\x00"}, "code"),
        ("/api/v1/orgs/", {"parent": "12.0"}, "parent"),
        ("/api/v1/indicator-sets/", {"year": "2024.0"}, "year"),
        ("/api/v1/progress/", {"year": "２０２４"}, "year"),
    ],
)
def test_an_invalid_filter_is_a_json_400_naming_the_field(world, path, params, field):
    response = api_client_for(world.admin).get(path, params)
    assert response.status_code == 400 and response["Content-Type"] == "application/json"
    body = response.json()
    assert body["detail"].startswith(f"{field}: ") and body[field]


def test_an_empty_filter_does_not_filter(world):
    world.declare()
    client = api_client_for(world.admin)
    assert client.get("/api/v1/assessments/", {"level": "", "within": "", "page": ""}).json()["count"] == 1


def test_the_level_error_names_the_levels_there_are(world):
    body = api_client_for(world.admin).get("/api/v1/assessments/", {"level": "nonsense"}).json()
    assert body["level"] == ["“nonsense”无效：可选 city、county、township、village、group"]


def test_within_keeps_the_assessments_of_a_subtree_on_the_api_and_the_page(world):
    mine = world.declare()
    other = world.declare(org=world.tree.far_village, actor=world.admin)
    rows = api_client_for(world.admin).get("/api/v1/assessments/", {"within": world.tree.township.pk}).json()
    assert [r["id"] for r in rows["results"]] == [mine.pk]
    page = login(world.admin).get("/assessments/", {"within": world.tree.township.pk}).content.decode()
    assert f"/assessments/{mine.pk}/" in page and f"/assessments/{other.pk}/" not in page


def test_the_page_ignores_a_bad_value_and_keeps_the_good_ones(world):
    draft = world.declare()
    far = world.declare(org=world.tree.far_village, actor=world.admin)
    response = login(world.admin).get(
        "/assessments/", {"level": "nonsense", "year": "soon", "within": world.tree.township.pk}
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert f"/assessments/{draft.pk}/" in page and f"/assessments/{far.pk}/" not in page
    assert f'name="within" value="{world.tree.township.pk}"' in page


def test_the_units_page_searches_by_name_or_code_through_the_same_filter(world):
    client = login(world.admin)
    page = client.get("/units/", {"q": " 530401001 ", "level": "village"}).content.decode()
    assert world.tree.village.name in page and world.tree.sibling_village.name in page
    assert f'<span class="row-title">{world.tree.township.name}</span>' not in page
    assert client.get("/units/", {"level": "planet"}).status_code == 200


def test_text_inputs_refuse_numbers_and_nothing_changes(world):
    a = drive_to(world.declare(), State.SUBMITTED, cast=world.cast)
    response = api_client_for(world.leader).post(
        f"/api/v1/assessments/{a.pk}/transitions/", {"action": "return", "reason": 0}, format="json"
    )
    assert response.status_code == 400 and "reason" in response.json()
    assert Assessment.objects.get(pk=a.pk).state == State.SUBMITTED


def test_an_objection_from_a_server_that_gives_no_address_is_kept_without_one(world):
    from django.test import Client

    a = drive_to(world.declare(), State.IN_NOTICE, cast=world.cast)
    client = Client(REMOTE_ADDR=None)  # as a WSGI server that passes no address
    response = client.post(
        f"/api/v1/notices/{a.pk}/objections/",
        {"content": "公示材料与实际不符"},
        content_type="application/json",
    )
    assert response.status_code == 201
    assert a.objections.get().ip_address is None
