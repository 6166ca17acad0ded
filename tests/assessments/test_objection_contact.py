"""The citizen's contact details of an objection reach only who decides it: the parent unit's leader
and the organisation department (admin). The unit objected to, the parent's reviewer and the
recheck unit's leader see the objection without them (the API keeps the field, as null)."""

import pytest

from assessments import policy
from assessments.models import Objection, State
from demo.drive import drive_to
from tests.helpers import api_client_for, login

CONTACT = "139 1234 5678"
SEES = {"leader": True, "admin": True, "operator": False, "village_leader": False, "reviewer": False}
SEES |= {"county_leader": False}


@pytest.fixture
def objected(world):
    a = drive_to(world.declare(), State.IN_NOTICE, cast=world.cast)
    response = api_client_for(None).post(
        f"/api/v1/notices/{a.pk}/objections/",
        {"content": "该村公开栏长期未更新，群众反映较多", "contact": CONTACT},
        format="json",
        REMOTE_ADDR="10.3.3.3",
    )
    assert response.status_code == 201
    return Objection.objects.select_related("assessment__org").get()


@pytest.mark.parametrize(("persona", "sees"), SEES.items())
def test_the_policy_shows_the_contact_only_to_who_decides(world, objected, persona, sees):
    assert policy.may_see_objection_contact(getattr(world, persona), objected.assessment) is sees


@pytest.mark.parametrize(("persona", "sees"), SEES.items())
def test_the_api_list_gives_the_contact_only_to_who_decides(world, objected, persona, sees):
    body = api_client_for(getattr(world, persona)).get("/api/v1/objections/").json()
    assert body["count"] == 1  # every persona sees the objection itself
    row = body["results"][0]
    assert "contact" in row and row["contact"] == (CONTACT if sees else None)
    assert row["content"] == "该村公开栏长期未更新，群众反映较多"


@pytest.mark.parametrize(("persona", "sees"), SEES.items())
def test_the_objections_page_shows_the_contact_only_to_who_decides(world, objected, persona, sees):
    page = login(getattr(world, persona)).get("/objections/").content.decode()
    assert "该村公开栏长期未更新" in page
    assert (CONTACT in page) is sees


def test_the_decision_answer_gives_the_contact_to_the_deciding_leader(world, objected):
    response = api_client_for(world.leader).post(
        f"/api/v1/objections/{objected.pk}/decision/", {"decision": "dismissed", "reason": "经核实不属实"}
    )
    assert response.status_code == 200 and response.json()["contact"] == CONTACT


def test_the_unit_never_sees_the_contact_anywhere_it_looks(world, objected):
    client = login(world.operator)
    for url in ("/objections/", f"/assessments/{objected.assessment_id}/", "/"):
        assert CONTACT not in client.get(url).content.decode(), url
    api = api_client_for(world.operator)
    for url in (
        "/api/v1/objections/",
        "/api/v1/objections/?status=pending",
        f"/api/v1/assessments/{objected.assessment_id}/",
    ):
        assert CONTACT not in api.get(url).content.decode(), url


def test_the_schema_says_who_sees_the_contact(world):
    schema = api_client_for(None).get("/api/schema/?format=json").json()
    contact = schema["components"]["schemas"]["Objection"]["properties"]["contact"]
    assert contact["nullable"] is True and "null for everyone else" in contact["description"]


def test_the_api_list_costs_the_same_queries_for_many_objections(world, objected, django_assert_num_queries):
    for n in range(4):
        Objection.objects.create(
            assessment=objected.assessment, content=f"第 {n} 条异议内容", contact=CONTACT
        )
    # Queries: the scope's count + one page (assessment, unit and round joined); no query per row.
    with django_assert_num_queries(2):
        body = api_client_for(world.leader).get("/api/v1/objections/").json()
    assert [r["contact"] for r in body["results"]] == [CONTACT] * 5
