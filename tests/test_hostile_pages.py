"""Hostile inputs against every page that takes a POST (and the query strings of the lists):
each form field gets NUL bytes, numbers in other scripts, huge and negative numbers, 100,000
characters; each page gets whole hostile bodies (6 MB, wrong content types, broken multipart,
too many fields) and query strings, as nobody, the official who may act and an administrator.
No answer is a server error; a 400 is a page; NUL is refused; nothing changes in the database.
``PAGE_FORMS`` is kept by hand; a test checks it names every page route that accepts POST."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.hostile import BODIES, LONG, NUL, QUERIES, SCRIPT_NUMBERS, Scene, Watch, build_scene

# Every page route that accepts POST: its form fields ({indicator}: an indicator of the sheet)
# and who may use it. Pages that answer POST like GET have no fields: their query strings count.
PAGE_FORMS: dict[str, tuple[list[str], str]] = {
    "declare": (["round", "org", "target"], "operator"),
    "round_calendar": (["year", "window", "org", "closes", "reason"], "admin"),
    "bulk_transition": (["action", "ids", "reason", "deadline", "next"], "leader"),
    "village_groups_bulk": (["do", "year", "target", "orgs", "ids"], "operator"),
    "assessment_transition": (["action", "reason", "deadline"], "operator"),
    "assessment_sheet": (
        ["version", "do", "score-{indicator}", "comment-{indicator}", "veto-{indicator}"],
        "operator",
    ),
    "assessment_sheet_autosave": (
        ["version", "score-{indicator}", "comment-{indicator}", "veto-{indicator}"],
        "operator",
    ),
    "evidence_upload": (["indicator", "file"], "operator"),
    "sheet_workbook": (["file"], "operator"),
    "groups_workbook": (["file", "next"], "operator"),
    "evidence_remove": ([], "operator"),
    "objection_decide": (["decision", "reason", "next"], "leader"),
    "objection_form": (["content", "contact", "website"], "anonymous"),
    "login": (["username", "password", "next"], "anonymous"),
    "logout": ([], "operator"),
    "set_language": (["language", "next"], "anonymous"),
    "home": ([], "operator"),
    "todo": ([], "operator"),
    "landing": ([], "operator"),
    "assessment_list": ([], "leader"),
    "assessment_detail": ([], "leader"),
    "evidence_download": ([], "operator"),
    "unit_list": ([], "leader"),
    "objection_list": ([], "leader"),
    "observation_month": ([], "admin"),
    "observation_new": (
        [
            "unit",
            "year",
            "month",
            "date",
            "inspectors",
            "comments",
            "sites_visited",
            "problem-0",
            "deadline-0",
        ],
        "admin",
    ),
    "observation_edit": (
        ["date", "inspectors", "comments", "sites_visited", "problem-0", "deadline-0"],
        "admin",
    ),
    "observation_detail": ([], "admin"),
    "observation_photo_upload": (["photo", "caption"], "admin"),
    "observation_photo": ([], "admin"),
    "observation_problem_answer": (["note", "photo"], "admin"),
    "site_new": (
        ["org_code", "kind", "highlight", "description", "status", "contact", "internal_note"],
        "admin",
    ),
    "site_detail": (["kind", "highlight", "description", "status", "contact", "internal_note"], "admin"),
    "site_photo_add": (["file", "caption"], "admin"),
    "site_photo_delete": ([], "admin"),
    "site_visit_add": (["date", "note"], "admin"),
    "meeting_schedule": (["org", "year", "month", "host", "reason"], "admin"),
    "meeting_edit": (
        ["date", "place", "topic", "sites", "attendance_count", "attendees", "minutes", "held"],
        "admin",
    ),
    "meeting_host": (["host", "reason"], "admin"),
    "meeting_attachment_upload": (["file"], "admin"),
    "meeting_attachment_delete": ([], "admin"),
}
# A POST alone is the whole request (no field to refuse): these may act whatever the body.
ACT_ON_ANY_BODY = {"evidence_remove", "logout", "site_photo_delete", "meeting_attachment_delete"}
# Values that are right for a field (the rest must change nothing).
FORM_VALUES = [NUL, "\x00", "１", "١", "²", "1_0", "9" * 40, "-1", "1.5", "NaN", LONG, ""]
VALID = {
    ("assessment_sheet", "score-{indicator}"): {"1.5"},
    ("assessment_sheet_autosave", "score-{indicator}"): {"1.5"},
    # Any text without NUL is a citizen's complaint (until the throttle stops the sixth).
    ("objection_form", "content"): set(FORM_VALUES) - {NUL, "\x00", ""},
    # Any text within its length is a meeting's record (the scene's record starts empty).
    **{
        ("meeting_edit", field): set(FORM_VALUES) - {NUL, "\x00", LONG}
        for field in ("place", "topic", "sites", "attendees", "minutes")
    },
}
SKIPPED_PREFIXES = ("api/", "admin/")  # the API has its own suite; Django's admin is Django's


def page_routes(patterns=None, prefix: str = "") -> list[tuple[str, list[str]]]:
    """(name, its URL parameters) of every named page route outside the API and the admin."""
    routes = []
    for p in patterns if patterns is not None else get_resolver().url_patterns:
        route = prefix + str(p.pattern)
        if route.startswith(SKIPPED_PREFIXES):
            continue
        if isinstance(p, URLResolver):
            routes += page_routes(p.url_patterns, route)
        elif isinstance(p, URLPattern) and p.name:
            routes.append((p.name, list(p.pattern.converters)))
    return routes


def url_for(name: str, scene: Scene) -> str:
    kwargs = {
        "pk": scene.meeting_id if name.startswith("meeting_") else scene.draft.pk,
        "aid": scene.meeting_attachment_id,
        "stage": "self",
        "eid": scene.evidence_id,
        "oid": scene.objection_id,
        "assessment_id": scene.noticed.pk,
        "site_id": scene.site_id,
        "photo_id": scene.site_photo_id,
        "org_pk": scene.draft.org_id,
        "year": 2024,
    }
    if name.startswith("village_groups"):
        kwargs["pk"] = scene.world.tree.village.pk
    if name.startswith("observation_"):
        photo = scene.observation_id  # no photo in the scene: a photo id that names nothing
        kwargs.update(pk=scene.observation_id, problem_id=scene.problem_id, photo_id=photo, kind="thumb")
    params = dict(page_routes())[name]
    return reverse(name, kwargs={k: kwargs[k] for k in params})


def client_for(scene: Scene, persona: str, **kwargs) -> Client:
    client = Client(**kwargs)
    if (user := scene.personas[persona]) is not None:
        client.force_login(user)
    return client


def check(response, *, before: Watch | None, what: str, must_refuse: bool = False) -> None:
    changed = before.changed() if before is not None else []
    assert response.status_code < 500, f"{what}: {response.status_code}"
    if response.status_code == 400:
        assert response["Content-Type"].startswith("text/html"), what
    if must_refuse:
        assert response.status_code == 400, f"{what}: {response.status_code}"
        assert "空字符" in response.content.decode(), what
    assert changed == [], f"{what}: the database changed: {changed}"


@pytest.fixture
def scene(world) -> Scene:
    return build_scene(world)


def test_the_watch_names_what_a_request_changed_and_undoes_it(scene):
    from assessments.models import Assessment, Notification

    a = scene.draft
    watch = Watch()
    Assessment.objects.filter(pk=a.pk).values_list("version", flat=True).get()
    assert watch.changed() == []
    watch = Watch()
    Assessment.objects.filter(pk=a.pk).update(version=a.version)  # a write that changes nothing
    assert watch.writes and watch.changed() == []
    watch = Watch()
    Assessment.objects.filter(pk=a.pk).update(version=a.version + 5)
    assert watch.changed() == ["assessments.Assessment"]
    assert Assessment.objects.get(pk=a.pk).version == a.version  # undone
    watch = Watch()
    watch._stop()  # a write the watch does not see (as COPY sends no statement): the counts tell
    Notification.objects.create(user=scene.world.operator, assessment=a, kind="x", message="x")
    assert "assessments_notification" in watch.changed()
    assert not Notification.objects.filter(kind="x").exists()


def test_every_page_route_that_accepts_post_is_in_the_hostile_list(scene):
    accepting = set()
    for name, _params in page_routes():
        response = client_for(scene, "admin").post(url_for(name, scene))
        if response.status_code != 405:
            accepting.add(name)
    assert accepting - set(PAGE_FORMS) == set(), "add these POST pages to PAGE_FORMS"
    assert set(PAGE_FORMS) - accepting == set(), "these pages no longer take POST"


@pytest.mark.parametrize("name", sorted(PAGE_FORMS))
def test_hostile_form_values_never_crash_a_page_or_change_anything(scene, name):
    fields, acting = PAGE_FORMS[name]
    indicator = scene.draft.indicator_set.indicators.order_by("pk").first().pk
    url = url_for(name, scene)
    client = client_for(scene, acting)
    for template in fields:
        field = template.format(indicator=indicator)
        for value in FORM_VALUES:
            if field.startswith("score-") and value in SCRIPT_NUMBERS:
                continue  # test_sheet_scores_in_other_scripts_are_refused
            before = Watch() if value not in VALID.get((name, template), ()) else None
            response = client.post(
                url, {field: value, "version": "1"} if field != "version" else {field: value}
            )
            check(
                response,
                before=before,
                what=f"{acting} {name} {field}={value!r:.20}",
                must_refuse="\x00" in value,
            )
        before = Watch()
        response = client.post(url, {field: ["1", "-1", "１", "9" * 40]})
        check(response, before=before, what=f"{acting} {name} {field} repeated")


@pytest.mark.parametrize("name", sorted(PAGE_FORMS))
def test_hostile_bodies_and_query_strings_never_crash_a_page(scene, name):
    url = url_for(name, scene)
    acting = PAGE_FORMS[name][1]
    for persona in {"anonymous", acting, "admin"}:
        client = client_for(scene, persona)
        for body in BODIES:
            before = Watch() if name not in ACT_ON_ANY_BODY else None
            response = client.generic("POST", url, body.content, content_type=body.content_type)
            check(response, before=before, what=f"{persona} {name} {body.name}")
        for query in QUERIES:
            before = Watch()
            response = client.get(f"{url}?{query}")
            check(
                response, before=before, what=f"{persona} GET {name}?{query[:40]}", must_refuse="%00" in query
            )
    # With CSRF enforced, the check reads the form first: a broken body is still a 400, not a 500.
    client = client_for(scene, acting, enforce_csrf_checks=True)
    for body in BODIES:
        before = Watch()
        response = client.generic("POST", url, body.content, content_type=body.content_type)
        check(response, before=before, what=f"{acting} {name} {body.name} (CSRF enforced)")


@pytest.mark.parametrize("value", sorted(SCRIPT_NUMBERS - {"²"}))
def test_sheet_scores_in_other_scripts_are_refused(scene, value):
    indicator = scene.draft.indicator_set.indicators.order_by("pk").first().pk
    client = client_for(scene, "operator")
    before = Watch()
    response = client.post(url_for("assessment_sheet", scene), {f"score-{indicator}": value, "version": "1"})
    assert response.status_code == 400
    check(response, before=before, what=f"score {value!r}")


@pytest.mark.parametrize("name", sorted(name for name, params in page_routes() if params))
def test_hostile_ids_in_a_page_path_are_not_found(scene, name):
    """A path id that overflows the database or names nothing: 404 (or the login page), never 500."""
    params = dict(page_routes())[name]
    client = client_for(scene, "admin")
    for bad in ("9" * 30, str(2**63), "0"):
        kwargs = {p: (bad if p != "stage" else "self") for p in params}
        url = reverse(name, kwargs=kwargs)
        for method in ("get", "post"):
            before = Watch()
            response = getattr(client, method)(url)
            check(response, before=before, what=f"{method} {url}")
            assert response.status_code in (302, 404, 405), (url, response.status_code)
