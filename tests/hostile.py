"""What the hostile-input tests share: the hostile values and bodies, the scene they are thrown
at (one object of each kind a write can name), the personas, and a snapshot of the database to
show that a refusal changed nothing (``Watch``: the snapshot read only when the request wrote)."""

from __future__ import annotations

import json
from dataclasses import dataclass

from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction

from assessments import services
from assessments.models import Assessment, Evidence, Notification, State
from demo.drive import PDF, Cast, drive_to
from monthly import services as monthly_services
from orgs.models import User
from tests.assessments.helpers import World
from yuxi_campaign.core.stamps import WRITE

NUL = "a\x00b"
DEEP_OBJECT = '{"a":' * 5000 + "1" + "}" * 5000
DEEP_ARRAY = "[" * 5000 + "]" * 5000
BIG = 6 * 1024 * 1024  # over DATA_UPLOAD_MAX_MEMORY_SIZE (5 MB)
LONG = "长" * 100_000

# Values thrown into every field. Numbers in other scripts, underscores, huge and negative
# numbers are valid text but never a valid number or id.
VALUES: list = [
    NUL,
    "\x00",
    "１",  # full-width one
    "١",  # Arabic-Indic one
    "²",  # a superscript: str.isdigit() says yes, int() says no
    "1_0",
    "9" * 40,
    10**30,
    -1,
    "-1",
    1.5,
    "NaN",
    LONG,
    None,
    [],
    {},
    [None],
    [{}],
    True,
]
# A value whose text holds digits of another script (or an underscore) is never a number.
SCRIPT_NUMBERS = {"１", "١", "²", "1_0"}


@dataclass(frozen=True)
class Body:
    """A whole request body and its content type."""

    name: str
    content: bytes
    content_type: str
    must_refuse: bool = True  # on an endpoint that takes a body


def _multipart_broken() -> bytes:
    return b'--XYZ\r\nContent-Disposition: form-data; name="a"\r\n\r\n1\r\n--XYZ'  # never closed


BODIES: list[Body] = [
    Body("deep object", DEEP_OBJECT.encode(), "application/json"),
    Body("deep array", DEEP_ARRAY.encode(), "application/json"),
    Body("NUL in a key", json.dumps({"a\x00": "1"}).encode(), "application/json"),
    Body("NUL deep inside", json.dumps({"x": [{"y": ["ok", {"z": NUL}]}]}).encode(), "application/json"),
    Body("6 MB of JSON", b'{"a": "' + b"x" * BIG + b'"}', "application/json"),
    Body("6 MB form", b"a=" + b"x" * BIG, "application/x-www-form-urlencoded"),
    Body("non-UTF-8 JSON", b'{"a": "\xff\xfe"}', "application/json"),
    Body("not JSON", b"{'a': 1", "application/json"),
    Body("an array", b"[]", "application/json"),
    Body("null", b"null", "application/json"),
    Body("a string", b'"x"', "application/json"),
    Body("a number", b"1e999", "application/json"),
    Body("text", b"hello", "text/plain"),
    Body("XML", b"<a><b>1</b></a>", "application/xml"),
    Body("multipart without boundary", b"a=1", "multipart/form-data"),
    # Django's parser reads what there is of an unterminated multipart body: a partial update
    # (PATCH) of nothing may succeed.
    Body("broken multipart", _multipart_broken(), "multipart/form-data; boundary=XYZ", must_refuse=False),
    Body("NUL in a form", b"reason=a%00b&a%00=1", "application/x-www-form-urlencoded"),
    # Read as U+FFFD: text like any other, so not refused by every endpoint.
    Body(
        "non-UTF-8 form", b"reason=%ff%fe&content=%c3", "application/x-www-form-urlencoded", must_refuse=False
    ),
    Body(
        "too many fields",
        "&".join(f"f{i}=1" for i in range(1500)).encode(),
        "application/x-www-form-urlencoded",
    ),
]

# Query strings thrown at every endpoint and page (each read as a filter or ignored).
QUERIES: list[str] = [
    "q=%00",
    "search=a%00b",
    "code=53%00",
    "a%00=1",
    "next=%00",
    "page=%EF%BC%91",  # full-width one
    "page=" + "9" * 40,
    "page=-1",
    "q=%ff%fe",
    "q=" + "x" * 10_000,
]
# Hostile ids in a path, in place of a real one.
PATH_IDS = ["abc", "-1", "9" * 30, "%EF%BC%91", "1_0", "%00", "1.0"]


@dataclass
class Scene:
    """One object of each kind a write can name: the village's draft (with a file), the sibling
    village in notice with a pending objection, a notification of the township's leader."""

    world: World
    draft: Assessment
    noticed: Assessment
    objection_id: int
    evidence_id: int
    notification_id: int
    observation_id: int
    problem_id: int
    site_id: int = 0  # a model site of the village, with one photo
    site_photo_id: int = 0
    meeting_id: int = 0  # the city's progress meeting (an empty record), with one file
    meeting_attachment_id: int = 0

    @property
    def personas(self) -> dict[str, User | None]:
        w = self.world
        return {"anonymous": None, "operator": w.operator, "leader": w.leader, "admin": w.admin}


def build_scene(world: World) -> Scene:
    draft = world.declare()
    indicator = draft.indicator_set.indicators.filter(evidence_required=True).first()
    evidence = services.evidence_add(
        assessment_id=draft.pk,
        indicator_id=indicator.pk,
        upload=SimpleUploadedFile("proof.pdf", PDF, content_type="application/pdf"),
        actor=world.operator,
    )
    cast = Cast(
        operator=world.sibling_operator,
        reviewer=world.reviewer,
        leader=world.leader,
        rechecker=world.county_reviewer,
    )
    noticed = drive_to(
        world.declare(org=world.tree.sibling_village, actor=world.sibling_operator),
        State.IN_NOTICE,
        cast=cast,
    )
    objection = services.objection_submit(
        assessment_id=noticed.pk, content="该村公开栏半年未更新，群众意见较大。", ip_address="127.0.0.1"
    )
    notification = Notification.objects.filter(user=world.leader).first() or Notification.objects.create(
        user=world.leader, assessment=noticed, kind="decided", message="待办"
    )
    observation = observation_for_scene(world)
    site_id, site_photo_id = _model_site(world)
    meeting = monthly_services.meeting_schedule(
        organiser_id=world.tree.city.pk, year=2024, month=3, host_id=world.tree.county.pk, actor=world.admin
    )
    attachment = monthly_services.meeting_attachment_add(
        meeting_id=meeting.pk,
        upload=SimpleUploadedFile("agenda.pdf", PDF, content_type="application/pdf"),
        actor=world.admin,
    )
    return Scene(
        site_id=site_id,
        site_photo_id=site_photo_id,
        world=world,
        draft=Assessment.objects.get(pk=draft.pk),
        noticed=noticed,
        objection_id=objection.pk,
        evidence_id=Evidence.objects.get(pk=evidence.pk).pk,
        notification_id=notification.pk,
        observation_id=observation.pk,
        problem_id=observation.problems.get().pk,
        meeting_id=meeting.pk,
        meeting_attachment_id=attachment.pk,
    )


def observation_for_scene(world: World):
    """The city's observation of the county last month, with one open problem."""
    import datetime as dt

    from django.utils import timezone

    from monthly import services as monthly_services
    from monthly.models import RubricItem

    monthly_services.rubric_install_default()
    visit = timezone.localdate().replace(day=1) - dt.timedelta(days=1)
    return monthly_services.observation_create(
        actor=world.admin,
        unit_id=world.tree.county.pk,
        date=visit,
        inspectors=["张明"],
        scores=[{"item": i.pk, "score": str(i.max_score)} for i in RubricItem.objects.filter(is_active=True)],
        problems=[{"description": "台账不全", "deadline": visit + dt.timedelta(days=30)}],
    )


def _model_site(world: World) -> tuple[int, int]:
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
    return site.pk, monthly_services.site_photo_add(actor=world.admin, site_id=site.pk, upload=photo).pk


_WATCHED = ("orgs", "indicators", "assessments", "authtoken", "monthly")
# Rows compared field by field (the rest by count): what a write of the API or pages changes.
_ROWS = (
    "assessments.Assessment",
    "assessments.Score",
    "assessments.Objection",
    "assessments.Notification",
    "assessments.Evidence",
    "assessments.Round",
    "assessments.Title",
    "orgs.Organisation",
    "monthly.Observation",
    "monthly.ObservationScore",
    "monthly.ObservationProblem",
    "monthly.ObservationPhoto",
    "monthly.ModelSite",
    "monthly.Meeting",
)


def snapshot() -> dict:
    """Every row count of the apps' tables (one query), and the rows that writes change."""
    tables = [model._meta.db_table for label in _WATCHED for model in apps.get_app_config(label).get_models()]
    with connection.cursor() as cursor:
        # Table names of our own models, quoted.
        counts = ", ".join(f"(SELECT COUNT(*) FROM {connection.ops.quote_name(t)})" for t in tables)  # noqa: S608
        cursor.execute(f"SELECT {counts}")
        state: dict = dict(zip(tables, cursor.fetchone(), strict=True))
    for label in _ROWS:
        model = apps.get_model(label)
        state[label] = list(model.objects.order_by("pk").values_list())
    return state


def _watched_tables() -> list[str]:
    return [model._meta.db_table for label in _WATCHED for model in apps.get_app_config(label).get_models()]


def _counts(tables: list[str]) -> tuple:
    with connection.cursor() as cursor:
        # Table names of our own models, quoted.
        counts = ", ".join(f"(SELECT COUNT(*) FROM {connection.ops.quote_name(t)})" for t in tables)  # noqa: S608
        cursor.execute(f"SELECT {counts}")
        return cursor.fetchone()


class Watch:
    """What one request does to the apps' tables, read cheaply: their row counts before and after
    it (one query each; they also see a COPY, which sends no statement), and every INSERT, UPDATE
    or DELETE of them it sends. Only a request that sent one has its rows compared: the rows as
    it left them, then as they were before it (rolled back to a savepoint taken first; what it
    wrote is undone either way). ``Watch()`` before the request, ``changed()`` after it."""

    def __init__(self) -> None:
        # a watch a failed test left behind sees no more
        connection.execute_wrappers[:] = [
            w for w in connection.execute_wrappers if not isinstance(getattr(w, "__self__", None), Watch)
        ]
        self.tables = _watched_tables()
        self.writes: list[str] = []
        self.counts = _counts(self.tables)
        self.savepoint = transaction.savepoint()
        connection.execute_wrappers.append(self._see)

    def _see(self, execute, sql, params, many, context):
        found = WRITE.match(sql)
        if found and found.group(2) in self.tables:
            self.writes.append(sql)
        return execute(sql, params, many, context)

    def _stop(self) -> None:
        if self._see in connection.execute_wrappers:
            connection.execute_wrappers.remove(self._see)

    def keep(self) -> None:
        """The request may change things: keep what it wrote."""
        self._stop()
        transaction.savepoint_commit(self.savepoint)

    def changed(self) -> list[str]:
        """The tables whose rows the request changed (and no longer does), or []."""
        self._stop()
        counts = _counts(self.tables)
        if counts == self.counts and not self.writes:
            transaction.savepoint_commit(self.savepoint)
            return []
        after = snapshot()
        transaction.savepoint_rollback(self.savepoint)
        before = snapshot()
        return [table for table in before if before[table] != after[table]]
