"""Hostile inputs against every write endpoint of the API, enumerated from the OpenAPI schema (a
new endpoint is covered by being documented): NUL bytes in values and keys, JSON nested 5,000
deep, a 6 MB body, wrong content types, broken multipart, numbers in other scripts, huge and
negative numbers and ids, 100,000-character strings, non-UTF-8 bytes, arrays for objects and
null everywhere, as each persona. Every answer is below 500 and JSON; a refusal (4xx) changes
nothing in the database; a value the schema rules out, and every whole hostile body, is refused.
The same runs against PostgreSQL with ``DATABASE_URL`` (which, unlike SQLite, refuses NUL)."""

from __future__ import annotations

import json
import re

import jsonschema
import pytest
from drf_spectacular.generators import SchemaGenerator

from tests.helpers import api_client_for
from tests.hostile import (
    BODIES,
    PATH_IDS,
    QUERIES,
    SCRIPT_NUMBERS,
    VALUES,
    Scene,
    Watch,
    build_scene,
    snapshot,
)

WRITE_METHODS = ("post", "put", "patch", "delete")


def _schema() -> dict:
    return SchemaGenerator().get_schema(request=None, public=True)


SCHEMA = None


def schema() -> dict:
    global SCHEMA  # noqa: PLW0603 - built once per run
    if SCHEMA is None:
        SCHEMA = _schema()
    return SCHEMA


def write_operations() -> list[tuple[str, str]]:
    return [
        (method, path) for path, ops in schema()["paths"].items() for method in ops if method in WRITE_METHODS
    ]


def operations_with_bodies() -> list[tuple[str, str]]:
    """The write operations that take a body (a DELETE takes none): the field-level cases."""
    return [(method, path) for method, path in write_operations() if body_schema(method, path) is not None]


def _resolve(node: dict) -> dict:
    while "$ref" in node:
        node = schema()["components"]["schemas"][node["$ref"].rsplit("/", 1)[1]]
    return node


def body_schema(method: str, path: str) -> dict | None:
    """The operation's JSON body schema (the object), or None when it takes no JSON body."""
    content = schema()["paths"][path][method].get("requestBody", {}).get("content", {})
    for media, spec in content.items():
        if media in ("application/json", "multipart/form-data"):
            return _resolve(spec["schema"])
    return None


def fill(path: str, scene: Scene, ids: dict[str, str] | None = None) -> str:
    """The path with the scene's object for each parameter (``ids`` overrides)."""
    resource = path.split("/")[3]
    known = {
        "id": {
            "assessments": scene.draft.pk,
            "notices": scene.noticed.pk,
            "objections": scene.objection_id,
            "notifications": scene.notification_id,
            "orgs": scene.world.tree.village.pk,
            "rounds": scene.world.round.pk,
            "observations": scene.observation_id,
            "model-sites": scene.site_id,
            "meetings": scene.meeting_id,
        }.get(resource),
        "problem_id": scene.problem_id,
        "stage": "self",
        "eid": scene.evidence_id,
        "photo_id": scene.site_photo_id,
    }

    def one(match: re.Match) -> str:
        name = match.group(1)
        if ids and name in ids:
            return ids[name]
        if known.get(name) is None:
            pytest.fail(f"{path}: a new write endpoint; tell fill() which object {{{name}}} names")
        return str(known[name])

    return re.sub(r"\{(\w+)\}", one, path)


def _valid(value, prop: dict) -> bool:
    """Whether the schema allows ``value`` for a property: JSON Schema, OpenAPI's ``nullable``,
    and never a number written in another script or with an underscore."""
    if value is None:
        return bool(prop.get("nullable"))
    numeric = prop.get("type") in ("integer", "number") or prop.get("format") == "decimal"
    if numeric and isinstance(value, str) and value in SCRIPT_NUMBERS:
        return False
    if isinstance(value, str) and "\x00" in value:
        return False
    plain = {k: v for k, v in prop.items() if k not in ("nullable", "readOnly", "writeOnly")}
    try:
        jsonschema.validate(value, {**plain, "components": schema()["components"]})
    except jsonschema.ValidationError:
        return False
    except jsonschema.SchemaError:
        return True
    return True


def field_cases(obj: dict) -> list[tuple[str, object, bool]]:
    """(name, body, must be refused) for every hostile value in every property, and in every
    property of the objects of an array property; and null everywhere."""
    cases = []
    props = obj.get("properties", {})
    for name, prop in props.items():
        prop = _resolve(prop)
        for value in VALUES:
            cases.append((f"{name}={value!r:.30}", {name: value}, not _valid(value, prop)))
        items = _resolve(prop.get("items", {}))
        for sub, sub_prop in items.get("properties", {}).items():
            sub_prop = _resolve(sub_prop)
            for value in VALUES:
                cases.append(
                    (f"{name}[].{sub}={value!r:.30}", {name: [{sub: value}]}, not _valid(value, sub_prop))
                )
    if props:
        cases.append(
            ("null everywhere", dict.fromkeys(props), any(not p.get("nullable") for p in props.values()))
        )
    return cases


def check(response, *, before: Watch, must_refuse: bool, what: str) -> None:
    if response.status_code >= 400:
        changed = before.changed()
        assert changed == [], f"{what}: refused ({response.status_code}) but the database changed: {changed}"
    else:
        before.keep()
    assert response.status_code < 500, f"{what}: {response.status_code}"
    if response.status_code == 204:
        return
    assert response["Content-Type"].startswith("application/json"), f"{what}: {response['Content-Type']}"
    body = response.json() if response.content else {}
    if response.status_code >= 400:
        assert isinstance(body, dict) and body.get("detail"), f"{what}: {body!r:.200}"
    elif must_refuse:
        pytest.fail(f"{what}: accepted ({response.status_code}) what must be refused")


# Who may make each write (the field values go through their validation); anyone else: admin.
ACTING = {
    "/api/v1/auth/token/": "anonymous",
    "/api/v1/notices/{id}/objections/": "anonymous",
    "/api/v1/assessments/": "operator",
    "/api/v1/assessments/{id}/scores/{stage}/": "operator",
    "/api/v1/assessments/{id}/evidence/": "operator",
    "/api/v1/assessments/{id}/transitions/": "operator",
    "/api/v1/assessments/bulk-transitions/": "leader",
    "/api/v1/objections/{id}/decision/": "leader",
}


@pytest.fixture
def scene(world) -> Scene:
    return build_scene(world)


def test_every_write_endpoint_of_the_schema_is_covered():
    """The hostile suite walks the schema; this pins that it finds the writes we know of."""
    found = set(write_operations())
    assert ("post", "/api/v1/auth/token/") in found
    assert ("post", "/api/v1/notices/{id}/objections/") in found
    assert ("put", "/api/v1/assessments/{id}/scores/{stage}/") in found
    assert len(found) >= 13


@pytest.mark.parametrize(("method", "path"), write_operations())
def test_hostile_bodies_are_refused_with_json_and_change_nothing(scene, method, path):
    obj = body_schema(method, path)
    url = fill(path, scene)
    # Refused at the edge before anyone is known, or by the view after the persona is: the one
    # who may make the write, an administrator and nobody.
    for persona in {"anonymous", ACTING.get(path, "admin"), "admin"}:
        client = api_client_for(scene.personas[persona])
        for body in BODIES:
            before = Watch()
            response = getattr(client, method)(url, data=body.content, content_type=body.content_type)
            check(
                response,
                before=before,
                must_refuse=obj is not None and body.must_refuse,
                what=f"{persona} {method.upper()} {path} {body.name}",
            )


@pytest.mark.parametrize(("method", "path"), operations_with_bodies())
def test_hostile_field_values_are_refused_with_json_and_change_nothing(scene, method, path):
    obj = body_schema(method, path)
    url = fill(path, scene)
    persona = ACTING.get(path, "admin")
    client = api_client_for(scene.personas[persona])
    for name, data, must_refuse in field_cases(obj):
        before = Watch()
        response = getattr(client, method)(url, data=json.dumps(data), content_type="application/json")
        check(
            response, before=before, must_refuse=must_refuse, what=f"{persona} {method.upper()} {path} {name}"
        )


@pytest.mark.parametrize(("method", "path"), write_operations())
def test_hostile_ids_and_query_strings_are_refused_with_json(scene, method, path):
    client = api_client_for(scene.world.admin)
    urls = [fill(path, scene) + "?" + q for q in QUERIES]
    for name in re.findall(r"\{(\w+)\}", path):
        urls += [fill(path, scene, ids={name: bad}) for bad in PATH_IDS]
    for url in urls:
        before = Watch()
        response = getattr(client, method)(url, data="{}", content_type="application/json")
        check(response, before=before, must_refuse="%00" in url, what=f"{method.upper()} {url[:120]}")


def read_parameters() -> list[tuple[str, str]]:
    return [
        (path, param["name"])
        for path, ops in schema()["paths"].items()
        if "get" in ops and "{" not in path
        for param in ops["get"].get("parameters", [])
        if param["in"] == "query"
    ]


def test_a_nul_byte_in_any_query_parameter_of_any_list_is_a_json_400_naming_it(scene):
    client = api_client_for(scene.world.admin)
    for path, name in read_parameters():
        response = client.get(path, {name: "5\x00"})
        assert response.status_code == 400, (path, name, response.status_code)
        body = response.json()
        assert body["detail"].startswith(f"{name}: ") and body[name], (path, name, body)


@pytest.mark.parametrize("value", sorted(SCRIPT_NUMBERS - {"²"}))
def test_api_scores_in_other_scripts_are_refused(scene, value):
    a = scene.draft
    indicator = a.indicator_set.indicators.order_by("pk").first()
    before = snapshot()
    response = api_client_for(scene.world.operator).put(
        f"/api/v1/assessments/{a.pk}/scores/self/",
        {"version": a.version, "scores": [{"indicator": indicator.pk, "score": value}]},
        format="json",
    )
    assert response.status_code == 400, response.content
    assert snapshot() == before
