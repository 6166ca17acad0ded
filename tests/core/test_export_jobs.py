"""Exports too big for one request: a background job with its progress, its download for the user
who asked (nobody else), without a broker and with a real Celery worker, and the clean-up."""

import datetime as dt
import random
import threading
from decimal import Decimal

import pytest
from django.utils import timezone

from assessments.models import Assessment, Round
from assessments.services import campaign_install_default
from indicators.models import IndicatorSet
from indicators.services import indicator_sets_install_defaults
from orgs.models import Organisation
from orgs.services import orgs_bulk_load
from tests.core.helpers import as_decimal, csv_rows, result_line, xlsx_rows
from tests.helpers import api_client_for, login, make_user, real_worker, tree_rows, wait_until
from yuxi_campaign.core import export_sources
from yuxi_campaign.core.export_jobs import export_job_run, export_job_start, export_jobs_cleanup
from yuxi_campaign.core.export_sources import Rows
from yuxi_campaign.core.files import export_storage
from yuxi_campaign.core.models import ExportJob
from yuxi_campaign.core.tables import Column, Table

BIG = 12_000


@pytest.fixture
def big(db):
    """2,000 villages, each with an assessment per year (3) and target (2): 12,000 result rows."""
    orgs_bulk_load(rows=tree_rows(counties=1, townships=20, villages=100, groups=0))
    indicator_sets_install_defaults()
    campaign_install_default()
    sets = {s.year: s for s in IndicatorSet.objects.filter(level="village")}
    rounds = {r.year: r for r in Round.objects.all()}
    rng = random.Random(7)
    rows = []
    for org in Organisation.objects.filter(level="village"):
        for year, rnd in rounds.items():
            for target in ("standard", "demonstration"):
                score = Decimal(rng.randint(5000, 10000)) / 100 if rng.random() < 0.8 else None
                rows.append(
                    Assessment(
                        org=org,
                        round=rnd,
                        target=target,
                        indicator_set=sets[year],
                        state="accepted" if score is not None else "draft",
                        final_score=score,
                        outcome=("pass" if score >= 85 else "fail") if score is not None else "",
                    )
                )
    Assessment.objects.bulk_create(rows, batch_size=2000)
    assert len(rows) == BIG
    return make_user(Organisation.objects.get(code="530400"), "admin")


def test_a_12000_row_export_runs_as_a_job_and_its_file_matches_the_json(
    big, django_capture_on_commit_callbacks, settings
):
    client = api_client_for(big)
    with django_capture_on_commit_callbacks(execute=True):  # no broker: the task runs in process
        started = client.get("/api/v1/results/", {"format": "xlsx", "level": "village"})
    assert started.status_code == 202
    body = started.json()
    assert started["Location"] == body["status_url"]
    assert body["status_url"].endswith(f"/api/v1/exports/{body['job']}/")
    status = client.get(body["status_url"]).json()
    assert (status["status"], status["rows_total"], status["rows_done"], status["percent"]) == (
        "done",
        BIG,
        BIG,
        100,
    )
    assert status["filename"].startswith("评估结果-玉溪市-") and status["filename"].endswith(".xlsx")
    download = client.get(status["download_url"])
    assert download.status_code == 200
    assert "filename*=UTF-8''" in download["Content-Disposition"]
    _title, _header, rows = xlsx_rows(b"".join(download.streaming_content))
    expected = []
    for page in range(1, BIG // 1000 + 1):
        expected += client.get(
            "/api/v1/results/", {"level": "village", "page_size": 1000, "page": page}
        ).json()["results"]
    assert len(rows) == len(expected) == BIG

    def numbers(line):
        return [as_decimal(v) if isinstance(v, int | float | Decimal) else v for v in line]

    assert [numbers(r) for r in rows] == [numbers(result_line(r)) for r in expected]


def test_up_to_the_inline_limit_the_file_comes_at_once(big, settings):
    settings.EXPORT_INLINE_MAX_ROWS = BIG
    response = api_client_for(big).get("/api/v1/rankings/", {"format": "csv", "year": 2024})
    assert response.status_code == 200
    _header, rows = csv_rows(response.content)
    assert len(rows) == Assessment.objects.filter(round__year=2024, final_score__isnull=False).count()
    assert not ExportJob.objects.exists()


# ---------------------------------------------------------------------------------------------
# The job itself, on a registered source of made-up rows


@pytest.fixture
def counting_source():
    """A source of ``n`` numbered rows in chunks of 1,000 that notes the progress the job has
    stored before each chunk."""
    seen: list[int] = []

    def source(user, params):
        n = int(params["n"])
        if n < 0:
            from yuxi_campaign.core.errors import InvalidInput

            raise InvalidInput("n 不能为负")

        def chunks():
            for start in range(0, n, 1000):
                job = ExportJob.objects.filter(user=user).order_by("-pk").first()
                seen.append(job.rows_done)
                yield [[f"=行{i}", i, Decimal(i) / 8] for i in range(start, min(n, start + 1000))]

        table = Table(
            name="numbers",
            title="数字",
            columns=[Column("t", "文字"), Column("i", "序号", "int"), Column("d", "八分之", "decimal")],
            scope="测试",
        )
        return Rows(table=table, total=n, chunks=chunks())

    export_sources.register("test-numbers", source)
    yield seen
    export_sources._sources.pop("test-numbers")


def test_the_job_stores_its_progress_after_each_chunk(world, counting_source):
    job = ExportJob.objects.create(
        user=world.admin, source="test-numbers", params={"n": "12000"}, format="csv"
    )
    assert export_job_run(job_id=job.pk) == "done"
    assert counting_source == list(range(0, BIG, 1000))  # what the status page read meanwhile
    job.refresh_from_db()
    assert (job.status, job.rows_total, job.rows_done, job.percent) == ("done", BIG, BIG, 100)
    assert job.started_at <= job.finished_at
    with export_storage().open(job.stored_name, "rb") as f:
        header, rows = csv_rows(f.read())
    assert header == ["文字", "序号", "八分之"]
    assert rows[0] == ["'=行0", "0", "0"] and rows[-1] == ["'=行11999", "11999", "1499.875"]
    assert export_job_run(job_id=job.pk) is None  # delivered twice: nothing done again


def test_the_query_count_of_a_job_grows_with_chunks_only(world, counting_source, django_assert_num_queries):
    def run(n):
        job = ExportJob.objects.create(
            user=world.admin, source="test-numbers", params={"n": n}, format="xlsx"
        )
        return job

    small, large = run("1000"), run("3000")
    # Queries: lock and claim the job (savepoint, select, update, release), the total, the
    # source's own read per chunk (1 here), the progress per chunk, the final save.
    with django_assert_num_queries(5 + 2 * 1 + 1):
        export_job_run(job_id=small.pk)
    with django_assert_num_queries(5 + 2 * 3 + 1):
        export_job_run(job_id=large.pk)


def test_a_source_refusing_its_parameters_fails_the_job_with_the_reason(world, counting_source):
    job = ExportJob.objects.create(user=world.admin, source="test-numbers", params={"n": "-1"}, format="csv")
    assert export_job_run(job_id=job.pk) == "failed"
    job.refresh_from_db()
    assert (job.status, job.error, bool(job.stored_name)) == ("failed", "n 不能为负", False)
    body = api_client_for(world.admin).get(f"/api/v1/exports/{job.pk}/").json()
    assert (body["status"], body["error"], body["download_url"]) == ("failed", "n 不能为负", None)


def test_an_unknown_source_or_format_is_refused_before_a_job_is_written(world):
    from yuxi_campaign.core.errors import InvalidInput

    with pytest.raises(InvalidInput):
        export_job_start(user=world.admin, source="nothing", params={}, fmt="xlsx")
    with pytest.raises(InvalidInput):
        export_job_start(user=world.admin, source="results", params={}, fmt="pdf")
    assert not ExportJob.objects.exists()


def test_only_the_user_who_started_an_export_sees_it(
    world, counting_source, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        job = export_job_start(user=world.leader, source="test-numbers", params={"n": "5"}, fmt="xlsx")
    owner = api_client_for(world.leader)
    assert owner.get(f"/api/v1/exports/{job.pk}/").json()["status"] == "done"
    assert owner.get(f"/api/v1/exports/{job.pk}/download/").status_code == 200
    for other in (world.admin, world.colleague, world.operator):  # above, beside and below the owner
        client = api_client_for(other)
        for url in (f"/api/v1/exports/{job.pk}/", f"/api/v1/exports/{job.pk}/download/"):
            response = client.get(url)
            assert response.status_code == 404 and response.json()["detail"], url
        page = login(other)
        assert page.get(f"/exports/{job.pk}/").status_code == 404
        assert page.get(f"/exports/{job.pk}/download/").status_code == 404
    assert api_client_for(world.leader).get("/api/v1/exports/999999/").status_code == 404
    assert api_client_for(None).get(f"/api/v1/exports/{job.pk}/").status_code == 403


def test_an_unfinished_export_cannot_be_downloaded_yet(world):
    job = ExportJob.objects.create(user=world.admin, source="results", params={}, format="xlsx")
    response = api_client_for(world.admin).get(f"/api/v1/exports/{job.pk}/download/")
    assert response.status_code == 409 and response.json()["code"] == "not_ready"
    assert api_client_for(world.admin).get(f"/api/v1/exports/{job.pk}/").json()["download_url"] is None


def test_the_page_shows_a_progress_bar_until_the_download_link(world, counting_source):
    job = ExportJob.objects.create(user=world.admin, source="test-numbers", params={"n": "3"}, format="xlsx")
    client = login(world.admin)
    waiting = client.get(f"/exports/{job.pk}/").content.decode()
    assert '<progress id="export-bar" max="100" value="0">' in waiting
    assert f'hx-get="/exports/{job.pk}/progress/"' in waiting and 'hx-trigger="every 1s"' in waiting
    assert client.get(f"/exports/{job.pk}/progress/").status_code == 200  # keep polling
    export_job_run(job_id=job.pk)
    done = client.get(f"/exports/{job.pk}/progress/")
    assert done.status_code == 286  # htmx: stop polling
    html = done.content.decode()
    assert 'value="100"' in html and f'href="/exports/{job.pk}/download/"' in html
    assert "hx-trigger" not in client.get(f"/exports/{job.pk}/").content.decode()
    download = client.get(f"/exports/{job.pk}/download/")
    assert download.status_code == 200 and download["Content-Type"].endswith("spreadsheetml.sheet")


def test_a_page_export_past_the_limit_starts_a_job_and_shows_it(
    world, counting_source, settings, django_capture_on_commit_callbacks
):
    from django.test import RequestFactory

    from yuxi_campaign.core.export_views import page_export

    settings.EXPORT_INLINE_MAX_ROWS = 10
    request = RequestFactory().get("/dashboard/", {"export": "csv"})
    request.user = world.admin
    assert page_export(RequestFactory().get("/dashboard/"), "test-numbers", {"n": "11"}) is None
    with django_capture_on_commit_callbacks(execute=True):
        response = page_export(request, "test-numbers", {"n": "11"})
    job = ExportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/exports/{job.pk}/"
    assert (job.status, job.rows_done, job.format) == ("done", 11, "csv")
    small = page_export(request, "test-numbers", {"n": "10"})
    assert small.status_code == 200 and len(csv_rows(small.content)[1]) == 10


@pytest.mark.django_db(transaction=True)  # the thread reads what the request committed
def test_without_a_broker_a_job_runs_in_a_thread_after_the_response(world, settings):
    from django.test import RequestFactory

    from yuxi_campaign.core.export_views import page_export

    settings.EXPORT_JOBS_IN_THREAD, settings.EXPORT_INLINE_MAX_ROWS = True, 10
    settings.CELERY_BROKER_URL = ""  # no broker (CI's second run has one)
    gate = threading.Event()  # holds the job's only chunk until the test has seen the page

    def gated(user, params):
        def chunks():
            assert gate.wait(30)
            yield [[i] for i in range(50)]

        table = Table(name="gated", title="闸", columns=[Column("i", "序号", "int")], scope="测试")
        return Rows(table=table, total=50, chunks=chunks())

    export_sources.register("test-gated", gated)
    try:
        request = RequestFactory().get("/dashboard/", {"export": "csv"})
        request.user = world.admin
        response = page_export(request, "test-gated", {})
        job = ExportJob.objects.get()
        assert response.status_code == 302 and response["Location"] == f"/exports/{job.pk}/"
        (thread,) = [t for t in threading.enumerate() if t.name == f"export-{job.pk}"]
        assert thread.daemon and thread.is_alive()  # the answer came before the file
        job.refresh_from_db()
        assert job.status in ("queued", "running") and not job.stored_name
        page = login(world.admin).get(response["Location"]).content.decode()
        assert 'hx-trigger="every 1s"' in page  # the page polls its progress bar
        gate.set()
        thread.join(30)
        assert not thread.is_alive()
    finally:
        gate.set()
        export_sources._sources.pop("test-gated")
    job.refresh_from_db()
    assert (job.status, job.rows_total, job.rows_done) == ("done", 50, 50)
    download = login(world.admin).get(f"/exports/{job.pk}/download/")
    _header, rows = csv_rows(b"".join(download.streaming_content))
    assert rows == [[str(i)] for i in range(50)]


@pytest.mark.django_db(transaction=True)
def test_a_job_that_crashes_in_its_thread_is_marked_failed_and_the_thread_ends(world, settings):
    settings.EXPORT_JOBS_IN_THREAD, settings.CELERY_BROKER_URL = True, ""

    def broken(user, params):
        raise RuntimeError("the source is broken")

    export_sources.register("test-broken", broken)
    try:
        job = export_job_start(user=world.admin, source="test-broken", params={}, fmt="xlsx")
        for thread in [t for t in threading.enumerate() if t.name == f"export-{job.pk}"]:
            thread.join(30)
    finally:
        export_sources._sources.pop("test-broken")
    job.refresh_from_db()
    assert (job.status, job.error) == ("failed", "导出失败，请稍后重试")


def test_with_a_broker_a_job_goes_to_the_worker_not_to_a_thread(
    world, settings, monkeypatch, django_capture_on_commit_callbacks
):
    from yuxi_campaign.core import tasks

    settings.EXPORT_JOBS_IN_THREAD, settings.CELERY_BROKER_URL = True, "redis://broker.invalid:6379/0"
    queued = []
    monkeypatch.setattr(tasks.run_export, "delay", queued.append)
    before = threading.active_count()
    with django_capture_on_commit_callbacks(execute=True):
        job = export_job_start(user=world.admin, source="results", params={}, fmt="csv")
    assert queued == [job.pk] and threading.active_count() == before
    job.refresh_from_db()
    assert job.status == "queued"


def test_old_exports_and_their_files_are_cleaned_up(world, counting_source):
    old = ExportJob.objects.create(user=world.admin, source="test-numbers", params={"n": "2"}, format="csv")
    new = ExportJob.objects.create(user=world.admin, source="test-numbers", params={"n": "2"}, format="csv")
    export_job_run(job_id=old.pk)
    export_job_run(job_id=new.pk)
    old.refresh_from_db()
    ExportJob.objects.filter(pk=old.pk).update(created_at=timezone.now() - dt.timedelta(hours=25))
    assert export_storage().exists(old.stored_name)
    assert export_jobs_cleanup() == 1
    assert not export_storage().exists(old.stored_name)
    assert list(ExportJob.objects.values_list("pk", flat=True)) == [new.pk]


def test_the_clean_up_is_a_periodic_job(world, counting_source):
    from django.conf import settings as django_settings

    from yuxi_campaign.core.jobs import run_due_jobs

    assert django_settings.PERIODIC_JOBS["cleanup-exports"][0] == "yuxi_campaign.core.tasks.cleanup_exports"
    job = ExportJob.objects.create(user=world.admin, source="test-numbers", params={"n": "1"}, format="csv")
    ExportJob.objects.filter(pk=job.pk).update(created_at=timezone.now() - dt.timedelta(days=2))
    run_due_jobs({})
    assert not ExportJob.objects.exists()


# ---------------------------------------------------------------------------------------------
# A real worker, through the broker


@pytest.mark.real_worker
@pytest.mark.django_db(transaction=True)
def test_a_real_celery_worker_writes_the_export_the_owner_downloads(world, private_media):
    from tests.assessments.test_results import make_assessment
    from yuxi_campaign.core.tasks import run_export

    for n, org in enumerate(Organisation.objects.filter(level="village").order_by("code")):
        make_assessment(org, 2024, final=Decimal(70 + n))
    job = ExportJob.objects.create(
        user=world.leader, source="results", params={"year": "2024"}, format="xlsx"
    )
    # the worker writes where this test reads
    with real_worker(PRIVATE_MEDIA_ROOT=str(private_media)) as worker:
        run_export.apply_async(args=[job.pk], queue=worker.queue)

        def finished() -> bool:
            job.refresh_from_db()
            return job.status in ("done", "failed")

        wait_until(finished)
        assert (job.status, job.error) == ("done", "")
    assert "run_export" in worker.output
    client = api_client_for(world.leader)
    expected = client.get("/api/v1/results/", {"year": 2024, "page_size": 1000}).json()["results"]
    download = client.get(f"/api/v1/exports/{job.pk}/download/")
    _title, _header, rows = xlsx_rows(b"".join(download.streaming_content))
    assert len(rows) == len(expected) == job.rows_total > 0  # the leader's subtree only

    def numbers(line):
        return [as_decimal(v) if isinstance(v, int | float | Decimal) else v for v in line]

    assert [numbers(r) for r in rows] == [numbers(result_line(r)) for r in expected]


def test_following_an_export_costs_a_fixed_number_of_queries(
    world, counting_source, django_assert_num_queries
):
    job = ExportJob.objects.create(user=world.admin, source="test-numbers", params={"n": "3"}, format="csv")
    export_job_run(job_id=job.pk)
    page, api = login(world.admin), api_client_for(world.admin)
    # Queries: the session, its user, the job, the user's unit (named in the header).
    with django_assert_num_queries(4):
        assert page.get(f"/exports/{job.pk}/").status_code == 200
    # Queries: the session, its user, the job (a part: no header).
    with django_assert_num_queries(3):
        assert page.get(f"/exports/{job.pk}/progress/").status_code == 286
    # Queries (the API client is authenticated without one): the job.
    with django_assert_num_queries(1):
        assert api.get(f"/api/v1/exports/{job.pk}/").status_code == 200
    with django_assert_num_queries(1):
        assert api.get(f"/api/v1/exports/{job.pk}/download/").status_code == 200
