"""On-site observations (现场观摩): one a month per county by the city, scored against the rubric,
problems with deadlines answered by the county, photos checked by content, and 必查必评 flagged
at the month's end."""

from __future__ import annotations

import datetime as dt
import io
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from assessments.models import Notification
from assessments.storage import evidence_storage
from monthly import selectors, services
from monthly.models import (
    Observation,
    ObservationEvent,
    ObservationMiss,
    ObservationPhoto,
    ObservationProblem,
    RubricItem,
)
from monthly.tasks import flag_missing_observations
from tests.helpers import api_client_for, login, make_user, real_worker, wait_until
from yuxi_campaign.core.errors import InvalidInput, NotAllowed, OutOfScope, WrongState
from yuxi_campaign.core.jobs import run_due_jobs

SHANGHAI = ZoneInfo("Asia/Shanghai")


def png_bytes(size=(40, 30), color=(200, 30, 30), fmt="PNG", exif_orientation=None) -> bytes:
    out = io.BytesIO()
    image = Image.new("RGB", size, color)
    if exif_orientation:
        exif = Image.Exif()
        exif[0x0112] = exif_orientation
        image.save(out, fmt, exif=exif.tobytes())
    else:
        image.save(out, fmt)
    return out.getvalue()


def upload(name="photo.png", content=None, content_type="image/png"):
    return SimpleUploadedFile(
        name, content if content is not None else png_bytes(), content_type=content_type
    )


def stored_files() -> list[str]:
    storage = evidence_storage()
    try:
        return sorted(storage.listdir("observations")[1])
    except FileNotFoundError:
        return []


class People:
    def __init__(self, tree):
        services.rubric_install_default()
        self.tree = tree
        self.items = list(RubricItem.objects.order_by("order"))
        self.city_admin = make_user(tree.city, "admin")
        self.city_leader = make_user(tree.city, "leader")
        self.city_operator = make_user(tree.city, "operator")
        self.county_leader = make_user(tree.county, "leader")
        self.county_operator = make_user(tree.county, "operator")
        self.other_county = make_user(tree.other_county, "leader")
        self.township_leader = make_user(tree.township, "leader")

    def scores(self, *values):
        values = values or (27, 22, 20, 18)
        return [{"item": i.pk, "score": v} for i, v in zip(self.items, values, strict=True)]


@pytest.fixture
def people(tree) -> People:
    return People(tree)


def last_month_day(day=10) -> dt.date:
    today = timezone.localdate()
    return (today.replace(day=1) - dt.timedelta(days=1)).replace(day=day)


def observe(people, unit=None, when=None, actor=None, scores=None, problems=None) -> Observation:
    return services.observation_create(
        actor=actor or people.city_admin,
        unit_id=(unit or people.tree.county).pk,
        date=when or last_month_day(),
        inspectors=["张明", "李华"],
        scores=scores or people.scores(),
        comments="进度符合节奏",
        problems=problems,
    )


# ---------------------------------------------------------------------------------------------
# Recording an observation


def test_the_city_records_an_observation_and_the_total_is_computed_out_of_100(people):
    deadline = last_month_day(10) + dt.timedelta(days=30)
    o = observe(people, problems=[{"description": "台账不全", "deadline": deadline.isoformat()}])
    assert (o.year, o.month, o.observer_id) == (
        last_month_day().year,
        last_month_day().month,
        people.tree.city.pk,
    )
    assert str(o.total) == "87.0"  # 27 + 22 + 20 + 18 against a rubric of 100
    assert [s.max_score for s in o.scores.order_by("item__order")] == [30, 25, 25, 20]
    assert o.problems.get().deadline == deadline
    assert ObservationEvent.objects.get(observation=o).action == "observation_create"
    told = Notification.objects.filter(kind="observation_recorded")
    assert {n.user_id for n in told} == {people.county_leader.pk, people.county_operator.pk}
    assert "得分 87" in told[0].message and "发现问题 1 个" in told[0].message


def test_the_default_rubric_sums_to_100_and_the_migration_installed_it(people):
    assert services.rubric_install_default() == 0  # already there: nothing added
    assert [i.title for i in people.items] == [t for t, _guide, _max in services.DEFAULT_RUBRIC]
    assert sum(i.max_score for i in people.items) == 100


def test_a_score_above_the_items_maximum_is_refused_and_nothing_is_written(people):
    with pytest.raises(InvalidInput) as refused:
        observe(people, scores=people.scores(31, 22, 20, 18))
    assert "超过该项满分 30" in refused.value.detail and "推进进度" in refused.value.detail
    assert Observation.objects.count() == 0 and ObservationEvent.objects.count() == 0


@pytest.mark.parametrize("bad", ["-1", "１0", "1_0", "12.25", "abc", True])
def test_a_score_in_another_notation_is_refused(people, bad):
    with pytest.raises(InvalidInput):
        observe(people, scores=people.scores(bad, 22, 20, 18))
    assert Observation.objects.count() == 0


def test_every_rubric_item_must_be_scored(people):
    with pytest.raises(InvalidInput) as refused:
        observe(people, scores=people.scores(27, 22, 20, 18)[:3])
    assert "尚缺：群众评价" in refused.value.detail
    assert Observation.objects.count() == 0


def test_a_second_observation_of_one_county_in_one_month_is_refused(people):
    first = observe(people)
    with pytest.raises(WrongState) as refused:
        observe(people, when=last_month_day(20))
    assert "已有现场观摩记录" in refused.value.detail and refused.value.code == "duplicate"
    assert list(Observation.objects.values_list("pk", flat=True)) == [first.pk]


def test_the_database_refuses_a_duplicate_the_service_did_not_see(people):
    from django.db import IntegrityError, transaction

    o = observe(people)
    with pytest.raises(IntegrityError), transaction.atomic():
        Observation.objects.create(
            observer=people.tree.city, unit=people.tree.county, year=o.year, month=o.month, date=o.date
        )


def test_only_the_parent_observes_a_unit(people):
    tree = people.tree
    # The city may not observe a township (not its child): 403 with the reason.
    with pytest.raises(NotAllowed) as refused:
        observe(people, unit=tree.township)
    assert "不是本单位的直接下级" in refused.value.detail
    # A county cannot observe itself, nor another county (outside its scope: 404).
    with pytest.raises(NotAllowed):
        observe(people, actor=people.county_leader)
    with pytest.raises(OutOfScope):
        observe(people, unit=tree.other_county, actor=people.county_leader)
    # The city's operator does not score.
    with pytest.raises(NotAllowed):
        observe(people, actor=people.city_operator)
    # A village is never observed.
    with pytest.raises(NotAllowed):
        observe(people, unit=tree.village, actor=people.township_leader)
    assert Observation.objects.count() == 0


def test_a_county_runs_the_same_for_its_townships(people):
    o = observe(people, unit=people.tree.township, actor=people.county_leader)
    assert o.observer_id == people.tree.county.pk
    assert [r.unit for r in selectors.observation_coverage(people.tree.county, o.year, o.month).observed] == [
        people.tree.township
    ]


def test_a_visit_date_outside_its_month_or_in_the_future_is_refused(people):
    when = last_month_day()
    with pytest.raises(InvalidInput) as refused:
        services.observation_create(
            actor=people.city_admin,
            unit_id=people.tree.county.pk,
            year=when.year,
            month=(when.month % 12) + 1,
            date=when,
            inspectors="张明",
            scores=people.scores(),
        )
    assert "不在" in refused.value.detail
    with pytest.raises(InvalidInput):
        observe(people, when=timezone.localdate() + dt.timedelta(days=1))
    assert Observation.objects.count() == 0


def test_a_problem_deadline_before_the_visit_is_refused(people):
    when = last_month_day()
    with pytest.raises(InvalidInput) as refused:
        observe(
            people,
            problems=[{"description": "台账不全", "deadline": (when - dt.timedelta(days=1)).isoformat()}],
        )
    assert "早于观摩日期" in refused.value.detail
    assert Observation.objects.count() == 0 and ObservationProblem.objects.count() == 0


def test_changing_scores_recomputes_the_total_and_logs_old_and_new(people):
    o = observe(people)
    services.observation_update(
        actor=people.city_leader,
        observation_id=o.pk,
        changes={"scores": [{"item": people.items[0].pk, "score": "30"}], "comments": "进度超前"},
    )
    o.refresh_from_db()
    assert str(o.total) == "90.0" and o.comments == "进度超前"
    event = ObservationEvent.objects.filter(action="observation_update").get()
    assert event.data["scores"] == {people.items[0].title: ["27.0", "30"]}


def test_the_county_cannot_change_its_own_observation(people):
    o = observe(people)
    with pytest.raises(NotAllowed):
        services.observation_update(
            actor=people.county_leader, observation_id=o.pk, changes={"comments": "满分"}
        )
    assert Observation.objects.get(pk=o.pk).comments == "进度符合节奏"


def test_an_edited_maximum_applies_to_new_scores_not_past_ones(people):
    o = observe(people)
    RubricItem.objects.filter(pk=people.items[0].pk).update(max_score=20)
    assert o.scores.get(item=people.items[0]).max_score == 30
    with pytest.raises(InvalidInput):
        services.observation_update(
            actor=people.city_admin,
            observation_id=o.pk,
            changes={"scores": [{"item": people.items[0].pk, "score": 25}]},
        )


# ---------------------------------------------------------------------------------------------
# Problems, answers and deadlines


def with_problem(people, deadline_days=5) -> tuple[Observation, ObservationProblem]:
    when = last_month_day(1)
    o = observe(
        people,
        when=when,
        problems=[
            {
                "description": "示范点标识不规范",
                "deadline": (when + dt.timedelta(days=deadline_days)).isoformat(),
            }
        ],
    )
    return o, o.problems.get()


def test_the_county_answers_a_problem_with_a_note_and_a_photo(people):
    o, p = with_problem(people, deadline_days=400)
    services.problem_answer(
        actor=people.county_operator, observation_id=o.pk, problem_id=p.pk, note="已更换标识", upload=upload()
    )
    p.refresh_from_db()
    assert p.answer_note == "已更换标识" and p.answered_by == people.county_operator and not p.answered_late
    assert selectors.problem_status(p, timezone.localdate()) == "answered"
    photo = p.photos.get()
    assert photo.observation_id == o.pk and len(stored_files()) == 2  # the image and its thumbnail


def test_someone_outside_the_county_cannot_answer_its_problem(people):
    o, p = with_problem(people)
    # The city sees it but is not the county: 403.
    with pytest.raises(NotAllowed) as refused:
        services.problem_answer(
            actor=people.city_admin, observation_id=o.pk, problem_id=p.pk, note="已整改", upload=upload()
        )
    assert "被观摩单位" in refused.value.detail
    # Another county does not even see it: 404.
    with pytest.raises(OutOfScope):
        services.problem_answer(
            actor=people.other_county, observation_id=o.pk, problem_id=p.pk, note="已整改", upload=upload()
        )
    # A township of the county sees the observation? No: it is the county's, above the township.
    with pytest.raises(OutOfScope):
        services.problem_answer(
            actor=people.township_leader, observation_id=o.pk, problem_id=p.pk, note="x", upload=upload()
        )
    p.refresh_from_db()
    assert p.answered_at is None and stored_files() == []


def test_an_answer_needs_a_note_and_a_photo_and_is_given_once(people):
    o, p = with_problem(people)
    with pytest.raises(InvalidInput):
        services.problem_answer(
            actor=people.county_leader, observation_id=o.pk, problem_id=p.pk, note=" ", upload=upload()
        )
    with pytest.raises(InvalidInput) as refused:
        services.problem_answer(
            actor=people.county_leader, observation_id=o.pk, problem_id=p.pk, note="已整改", upload=None
        )
    assert refused.value.fields == {"photo": ["请选择照片"]}
    services.problem_answer(
        actor=people.county_leader, observation_id=o.pk, problem_id=p.pk, note="已整改", upload=upload()
    )
    with pytest.raises(WrongState):
        services.problem_answer(
            actor=people.county_leader, observation_id=o.pk, problem_id=p.pk, note="再答", upload=upload()
        )
    assert ObservationProblem.objects.get(pk=p.pk).answer_note == "已整改"
    assert ObservationPhoto.objects.filter(problem=p).count() == 1


def test_a_problem_past_its_deadline_is_overdue_and_a_late_answer_stays_flagged(people):
    o, p = with_problem(people, deadline_days=2)
    today = timezone.localdate()
    assert p.deadline < today
    assert selectors.problem_status(p, p.deadline) == "open"
    assert selectors.problem_status(p, today) == "overdue"
    assert list(selectors.problems_overdue(people.county_leader, today)) == [p]
    assert list(selectors.problems_overdue(people.city_admin, today)) == [p]
    assert list(selectors.problems_overdue(people.other_county, today)) == []
    services.problem_answer(
        actor=people.county_leader, observation_id=o.pk, problem_id=p.pk, note="已整改", upload=upload()
    )
    p.refresh_from_db()
    assert p.answered_late and selectors.problem_status(p, today) == "late"
    assert list(selectors.problems_overdue(people.county_leader, today)) == []
    assert list(selectors.problems_answered_late(people.city_admin)) == [p]
    assert ObservationEvent.objects.get(action="problem_answer").data["late"] is True


# ---------------------------------------------------------------------------------------------
# Photos


def test_a_photo_is_stored_upright_without_metadata_with_a_thumbnail(people):
    o = observe(people)
    jpeg = png_bytes(size=(60, 20), fmt="JPEG", exif_orientation=6)  # taken sideways
    photo = services.observation_photo_add(
        actor=people.city_admin,
        observation_id=o.pk,
        upload=upload("IMG_1.jpg", jpeg, "image/jpeg"),
        caption="村史馆",
    )
    assert (photo.width, photo.height, photo.content_type) == (20, 60, "image/jpeg")
    with evidence_storage().open(photo.stored_name) as f:
        stored = Image.open(f)
        assert stored.size == (20, 60) and not stored.getexif()
    with evidence_storage().open(photo.thumb_name) as f:
        assert Image.open(f).format == "JPEG"


def test_a_big_photo_is_shrunk_and_webp_is_accepted(people):
    o = observe(people)
    photo = services.observation_photo_add(
        actor=people.city_admin,
        observation_id=o.pk,
        upload=upload("a.webp", png_bytes((3000, 1500), fmt="WEBP"), "image/webp"),
    )
    assert (photo.width, photo.height, photo.content_type) == (2560, 1280, "image/webp")
    with evidence_storage().open(photo.thumb_name) as f:
        assert max(Image.open(f).size) == 480


@pytest.mark.parametrize(
    "name, content, message",
    [
        ("photo.jpg", b"this is a text file, not a photo", "文件内容不是图片：只接受 jpg、png、webp 照片"),
        # the right signature, then nothing valid
        ("photo.png", b"\x89PNG\r\n\x1a\n" + b"broken" * 10, "图片文件已损坏，无法读取"),
        ("photo.gif", None, "不支持的图片格式（GIF）：只接受 jpg、png、webp 照片"),  # a real GIF
    ],
    ids=["text-named-jpg", "truncated-png", "gif"],
)
def test_a_file_that_is_not_a_photo_is_refused_and_nothing_is_stored(people, name, content, message):
    if content is None:
        buffer = io.BytesIO()
        Image.new("RGB", (10, 10)).save(buffer, "GIF")
        content = buffer.getvalue()
    o = observe(people)
    with pytest.raises(InvalidInput) as refused:
        services.observation_photo_add(
            actor=people.city_admin, observation_id=o.pk, upload=upload(name, content, "image/jpeg")
        )
    assert refused.value.fields["photo"] == [message]
    assert ObservationPhoto.objects.count() == 0 and stored_files() == []
    assert not ObservationEvent.objects.filter(action="photo_add").exists()


def test_a_photo_over_the_size_cap_is_refused(people, settings):
    settings.PHOTO_MAX_BYTES = 100
    o = observe(people)
    with pytest.raises(InvalidInput) as refused:
        services.observation_photo_add(actor=people.city_admin, observation_id=o.pk, upload=upload())
    assert "照片过大" in refused.value.detail
    assert stored_files() == []


def test_files_written_before_a_failure_are_removed(people, monkeypatch):
    o = observe(people)
    monkeypatch.setattr(ObservationPhoto.objects, "create", mock.Mock(side_effect=RuntimeError("crash")))
    with pytest.raises(RuntimeError):
        services.observation_photo_add(actor=people.city_admin, observation_id=o.pk, upload=upload())
    assert stored_files() == []


def test_the_county_cannot_add_photos_of_the_visit(people):
    o = observe(people)
    with pytest.raises(NotAllowed):
        services.observation_photo_add(actor=people.county_leader, observation_id=o.pk, upload=upload())
    assert stored_files() == []


# ---------------------------------------------------------------------------------------------
# 必查必评: the month-end flag


def at(year, month, day, hour=0, minute=30) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=SHANGHAI)


def test_a_county_not_observed_by_the_months_end_is_flagged_once_and_the_city_told(people):
    tree = people.tree
    with mock.patch("django.utils.timezone.now", return_value=at(2024, 2, 20, 10)):
        observe(people, when=dt.date(2024, 2, 18))
    # Until February ends, it is not checked (the job then looks at January).
    with mock.patch("django.utils.timezone.now", return_value=at(2024, 2, 29, 23, 59)):
        services.observations_flag_missing()
    assert not ObservationMiss.objects.filter(year=2024, month=2).exists()
    Notification.objects.all().delete()
    # Half an hour into March (local time), February is checked.
    with mock.patch("django.utils.timezone.now", return_value=at(2024, 3, 1)):
        assert services.observations_flag_missing() == [tree.other_county.pk]
        assert services.observations_flag_missing() == []  # once
    miss = ObservationMiss.objects.get(month=2)
    assert (miss.unit, miss.observer, miss.year, miss.month) == (tree.other_county, tree.city, 2024, 2)
    told = Notification.objects.filter(kind="observation_missing")
    assert sorted(n.user.username for n in told) == sorted(
        [people.city_admin.username, people.city_leader.username]
    )
    assert "2024年2月" in told[0].message and "第2县" in told[0].message
    coverage = selectors.observation_coverage(tree.city, 2024, 2)
    assert [(r.unit, r.flagged) for r in coverage.missing] == [(tree.other_county, True)]
    assert [r.unit for r in coverage.observed] == [tree.county]


def test_the_celery_task_flags_the_missing_month_too(people):
    with mock.patch("django.utils.timezone.now", return_value=at(2024, 5, 1, 1)):
        result = flag_missing_observations.delay()
    assert sorted(result.get()) == sorted([people.tree.county.pk, people.tree.other_county.pk])
    assert set(ObservationMiss.objects.values_list("month", flat=True)) == {4}


def test_the_in_process_runner_of_make_run_flags_it(people):
    assert "flag-missing-observations" in settings.PERIODIC_JOBS
    with mock.patch("django.utils.timezone.now", return_value=at(2024, 7, 1, 2)):
        ran = run_due_jobs({})
    assert "flag-missing-observations" in ran
    assert ObservationMiss.objects.filter(year=2024, month=6).count() == 2


def test_a_deactivated_county_is_not_flagged(people):
    from orgs.models import Organisation

    Organisation.objects.filter(pk=people.tree.other_county.pk).update(is_active=False)
    assert services.observations_flag_missing(today=dt.date(2024, 9, 1)) == [people.tree.county.pk]


# ---------------------------------------------------------------------------------------------
# Scope and the API


def test_a_county_sees_only_its_own_observations_the_city_all_others_404(people):
    mine = observe(people)
    theirs = observe(people, unit=people.tree.other_county)
    city = api_client_for(people.city_admin).get("/api/v1/observations/").json()
    assert sorted(r["id"] for r in city["results"]) == sorted([mine.pk, theirs.pk])
    county = api_client_for(people.county_operator)
    assert [r["id"] for r in county.get("/api/v1/observations/").json()["results"]] == [mine.pk]
    assert county.get(f"/api/v1/observations/{mine.pk}/").status_code == 200
    assert county.get(f"/api/v1/observations/{theirs.pk}/").status_code == 404
    township = api_client_for(people.township_leader)
    assert township.get("/api/v1/observations/").json()["count"] == 0
    assert api_client_for(None).get("/api/v1/observations/").status_code == 403


def test_the_api_records_an_observation_and_answers_it_whole(people):
    when = last_month_day()
    body = {
        "unit": people.tree.county.pk,
        "date": when.isoformat(),
        "inspectors": ["张明", "李华"],
        "scores": [{"item": s["item"], "score": str(s["score"])} for s in people.scores()],
        "comments": "进度符合节奏",
        "problems": [{"description": "台账不全", "deadline": (when + dt.timedelta(days=60)).isoformat()}],
    }
    response = api_client_for(people.city_admin).post("/api/v1/observations/", body, format="json")
    assert response.status_code == 201, response.json()
    data = response.json()
    assert data["unit"]["id"] == people.tree.county.pk and data["total"] == "87.0"
    assert (data["year"], data["month"]) == (when.year, when.month)
    assert [s["score"] for s in data["scores"]] == ["27.0", "22.0", "20.0", "18.0"]
    assert data["problems"][0]["status"] in {"open", "overdue"} and data["photos"] == []
    again = api_client_for(people.city_admin).post("/api/v1/observations/", body, format="json")
    assert again.status_code == 409 and "已有现场观摩记录" in again.json()["detail"]


def test_the_api_refuses_a_score_above_the_maximum_with_a_chinese_message(people):
    scores = people.scores(27, 26, 20, 18)
    body = {
        "unit": people.tree.county.pk,
        "date": last_month_day().isoformat(),
        "inspectors": ["张明"],
        "scores": scores,
    }
    response = api_client_for(people.city_admin).post("/api/v1/observations/", body, format="json")
    assert response.status_code == 400
    assert response.json()["scores"] == ["“工作亮点”的得分 26 超过该项满分 25"]
    assert Observation.objects.count() == 0


def test_the_api_patch_uploads_and_answers(people):
    o, p = with_problem(people, deadline_days=400)
    admin = api_client_for(people.city_admin)
    patched = admin.patch(f"/api/v1/observations/{o.pk}/", {"inspectors": ["王强"]}, format="json")
    assert patched.status_code == 200 and patched.json()["inspectors"] == ["王强"]
    photo = admin.post(
        f"/api/v1/observations/{o.pk}/photos/", {"photo": upload(), "caption": "现场"}, format="multipart"
    )
    assert photo.status_code == 201
    thumb = admin.get(photo.json()["thumbnail_url"])
    assert thumb.status_code == 200 and thumb["Content-Type"] == "image/jpeg"
    refused = admin.post(
        f"/api/v1/observations/{o.pk}/photos/",
        {"photo": upload("x.jpg", b"not an image")},
        format="multipart",
    )
    assert refused.status_code == 400 and "文件内容不是图片" in refused.json()["detail"]
    county = api_client_for(people.county_leader)
    answer = county.post(
        f"/api/v1/observations/{o.pk}/problems/{p.pk}/answer/",
        {"note": "已整改", "photo": upload()},
        format="multipart",
    )
    assert answer.status_code == 200 and answer.json()["problems"][0]["status"] == "answered"
    assert api_client_for(people.other_county).get(photo.json()["thumbnail_url"]).status_code == 404


def test_the_api_filters_by_year_month_and_within(people):
    a = observe(people)
    b = observe(people, unit=people.tree.township, actor=people.county_leader)
    observe(people, unit=people.tree.other_county)
    client = api_client_for(people.city_admin)
    within = client.get("/api/v1/observations/", {"within": people.tree.county.pk}).json()
    assert sorted(r["id"] for r in within["results"]) == sorted([a.pk, b.pk])
    month = client.get("/api/v1/observations/", {"year": a.year, "month": a.month}).json()
    assert month["count"] == 3
    assert client.get("/api/v1/observations/", {"year": a.year - 1}).json()["count"] == 0
    assert client.get("/api/v1/observations/", {"month": "１"}).status_code == 400


def test_the_list_costs_the_same_queries_for_many_observations(people, django_assert_num_queries):
    for unit in (people.tree.county, people.tree.other_county):
        o, _p = observe(people, unit=unit, problems=[{"description": "x", "deadline": "2100-01-01"}]), None
        services.observation_photo_add(actor=people.city_admin, observation_id=o.pk, upload=upload())
    client = api_client_for(people.city_admin)
    # count, the page (units joined), scores with items, problems with who answered, their photos,
    # the visit's photos
    with django_assert_num_queries(6):
        assert client.get("/api/v1/observations/").json()["count"] == 2


def test_the_coverage_is_one_query(people, django_assert_num_queries):
    o = observe(people)
    # the counties with their month's observation and flag as subqueries
    with django_assert_num_queries(1):
        coverage = selectors.observation_coverage(people.tree.city, o.year, o.month)
        assert [(r.unit.code, r.observed) for r in coverage.rows] == [("530401", True), ("530402", False)]


# ---------------------------------------------------------------------------------------------
# Pages


def test_the_month_page_shows_observed_and_missing_counties(people):
    o = observe(people)
    page = login(people.city_admin).get(f"/observations/?year={o.year}&month={o.month}")
    text = page.content.decode()
    assert page.status_code == 200
    assert "87" in text and "第1县" in text and "尚未观摩" in text and "录入" in text


def test_the_form_records_an_observation_and_keeps_input_on_error(people):
    when = last_month_day()
    client = login(people.city_admin)
    form = {
        "unit": people.tree.county.pk,
        "year": when.year,
        "month": when.month,
        "date": when.isoformat(),
        "inspectors": "张明、李华",
        **{f"score-{i.pk}": v for i, v in zip(people.items, ["27", "26", "20", "18"], strict=True)},
        "problem-0": "台账不全",
        "deadline-0": (when + dt.timedelta(days=30)).isoformat(),
    }
    refused = client.post("/observations/new/", form)
    assert refused.status_code == 400
    text = refused.content.decode()
    assert "超过该项满分 25" in text and "台账不全" in text and "张明、李华" in text
    assert Observation.objects.count() == 0
    form[f"score-{people.items[1].pk}"] = "22"
    saved = client.post("/observations/new/", form)
    o = Observation.objects.get()
    assert saved.status_code == 302 and saved["Location"] == f"/observations/{o.pk}/"
    assert o.inspectors == ["张明", "李华"] and o.problems.count() == 1


def test_the_county_answers_on_the_detail_page_and_sees_overdue_flags(people):
    o, p = with_problem(people, deadline_days=2)
    client = login(people.county_operator)
    page = client.get(f"/observations/{o.pk}/").content.decode()
    assert "逾期未答复" in page and 'name="note"' in page
    answered = client.post(
        f"/observations/{o.pk}/problems/{p.pk}/answer/", {"note": "已整改", "photo": upload()}
    )
    assert answered.status_code == 302
    page = client.get(f"/observations/{o.pk}/").content.decode()
    assert "逾期后答复" in page and "已整改" in page
    assert login(people.other_county).get(f"/observations/{o.pk}/").status_code == 404


def test_a_text_file_named_jpg_is_refused_on_the_page(people):
    o = observe(people)
    client = login(people.city_admin)
    response = client.post(
        f"/observations/{o.pk}/photos/", {"photo": upload("a.jpg", b"hello", "image/jpeg")}, follow=True
    )
    assert "文件内容不是图片" in response.content.decode()
    assert ObservationPhoto.objects.count() == 0 and stored_files() == []


def test_the_detail_page_costs_a_fixed_number_of_queries(people, django_assert_num_queries):
    o, _p = with_problem(people)
    services.observation_photo_add(actor=people.city_admin, observation_id=o.pk, upload=upload())
    client = login(people.city_admin)
    client.get(f"/observations/{o.pk}/")  # warm the session
    # session, user, the user's unit (the page header), the observation with its units, scores
    # with items, problems with who answered, their photos, the visit's photos
    with django_assert_num_queries(8):
        assert client.get(f"/observations/{o.pk}/").status_code == 200


def test_the_month_page_costs_the_same_queries_whatever_the_number_of_counties(
    people, django_assert_num_queries
):
    o = observe(people)
    observe(people, unit=people.tree.other_county)
    client = login(people.city_admin)
    url = f"/observations/?year={o.year}&month={o.month}"
    client.get(url)
    # session, user, the user's unit (the page header), the counties with their month as
    # subqueries, the overdue problems in scope
    with django_assert_num_queries(5):
        assert client.get(url).status_code == 200


# ---------------------------------------------------------------------------------------------
# Simultaneous writes: the row lock (PostgreSQL) or the IMMEDIATE transaction (SQLite) decides


@pytest.mark.django_db(transaction=True)
def test_two_inspectors_saving_the_same_county_and_month_at_once_one_wins(tree):
    from tests.helpers import at_once

    people = People(tree)

    def save(actor):
        return lambda: observe(people, actor=actor)

    raised = at_once([save(people.city_admin), save(people.city_leader)])
    outcomes = sorted("ok" if exc is None else getattr(exc, "code", repr(exc)) for exc in raised)
    assert outcomes == ["duplicate", "ok"]
    assert Observation.objects.count() == 1
    assert ObservationEvent.objects.filter(action="observation_create").count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_answers_to_one_problem_at_once_one_wins_and_no_file_is_left(tree):
    from tests.helpers import at_once

    people = People(tree)
    o, p = with_problem(people, deadline_days=400)

    def answer(actor):
        return lambda: services.problem_answer(
            actor=actor,
            observation_id=o.pk,
            problem_id=p.pk,
            note=f"{actor.username} 已整改",
            upload=upload(),
        )

    raised = at_once([answer(people.county_leader), answer(people.county_operator)])
    assert sorted(type(exc).__name__ if exc else "ok" for exc in raised) == ["WrongState", "ok"]
    assert ObservationPhoto.objects.filter(problem=p).count() == 1
    assert len(stored_files()) == 2  # the winner's image and thumbnail only


@pytest.mark.django_db(transaction=True)
def test_the_month_end_job_running_twice_at_once_flags_each_county_once(tree):
    from tests.helpers import at_once

    People(tree)  # the rubric and the officials who are told

    def run():
        services.observations_flag_missing(today=dt.date(2024, 4, 1))

    assert at_once([run, run]) == [None, None]
    assert ObservationMiss.objects.count() == 2
    assert Notification.objects.filter(kind="observation_missing").count() == 2  # the admin and leader


def test_the_evidence_clean_up_leaves_observation_photos_alone(people, settings):
    from assessments.services import evidence_cleanup

    o = observe(people)
    services.observation_photo_add(actor=people.city_admin, observation_id=o.pk, upload=upload())
    settings.EVIDENCE_CLEANUP_GRACE_SECONDS = -3600  # every file counts as old
    evidence_cleanup()
    assert len(stored_files()) == 2


@pytest.mark.real_worker
@pytest.mark.django_db(transaction=True)
def test_a_real_celery_worker_flags_last_months_missing_counties(tree):
    """The task through a broker and a worker process (CI's second run): the counties nobody
    observed last month (by the real clock) are flagged."""
    people = People(tree)
    observe(people)  # the first county was observed last month; the second was not
    with real_worker() as worker:
        flag_missing_observations.apply_async(queue=worker.queue)
        wait_until(ObservationMiss.objects.exists)
        when = last_month_day()
        assert list(ObservationMiss.objects.values_list("unit_id", "year", "month")) == [
            (people.tree.other_county.pk, when.year, when.month)
        ]
    assert "flag_missing_observations" in worker.output
