"""A background export in a real browser: the progress bar moves as the job writes, the page
stops polling when the file is ready, and the download link gives the file with its Chinese name."""

from __future__ import annotations

import re

import pytest

from yuxi_campaign.core.export_jobs import export_job_run
from yuxi_campaign.core.models import ExportJob

try:
    from playwright.sync_api import expect
except ImportError:  # the chromium_browser fixture skips these tests (or fails them under REQUIRE_BROWSER)
    expect = None

pytestmark = pytest.mark.browser


def test_the_progress_bar_follows_the_job_until_the_download(
    live_server, transactional_db, world, page, login, shot
):
    job = ExportJob.objects.create(user=world.admin, source="results", params={}, format="xlsx")
    login(page, world.admin)
    page.goto(f"{live_server.url}/exports/{job.pk}/")
    bar = page.locator("progress#export-bar")
    expect(bar).to_have_attribute("value", "0")
    ExportJob.objects.filter(pk=job.pk).update(status="running", rows_total=12000, rows_done=6000)
    expect(bar).to_have_attribute("value", "50", timeout=5000)  # htmx polls every second
    shot(page, "export-running")
    export_job_run(job_id=job.pk)
    link = page.locator(f'a[href="/exports/{job.pk}/download/"]')
    expect(link).to_be_visible(timeout=5000)
    expect(bar).to_have_attribute("value", "100")
    shot(page, "export-done")
    with page.expect_download() as info:
        link.click()
    download = info.value
    assert download.suggested_filename.startswith(
        "评估结果-玉溪市-"
    ) and download.suggested_filename.endswith(".xlsx")
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.wait_for_timeout(2500)
    assert not [u for u in requests if "/progress/" in u]  # polling stopped with the 286


def test_a_register_page_export_runs_after_the_response_and_its_bar_moves(
    live_server, transactional_db, world, page, login, shot, settings
):
    """Without a broker, the late list's export (past the inline limit) runs in a thread of the
    server: the click lands on the job's page at once, whose bar moves as the rows are written."""
    import threading

    from tests.assessments.helpers import rounds_real_dates
    from yuxi_campaign.core import export_sources
    from yuxi_campaign.core.export_sources import Rows

    settings.EXPORT_JOBS_IN_THREAD, settings.CELERY_BROKER_URL, settings.EXPORT_INLINE_MAX_ROWS = True, "", 2
    rounds_real_dates()  # the round's year has passed: the units that did not declare are late
    gate = threading.Event()
    late = export_sources._sources["late"]

    def gated(user, params):
        """The late list a row a chunk, holding after the third row until the test lets go."""
        rows = late(user, params)

        def chunks():
            for n, row in enumerate(r for chunk in rows.chunks for r in chunk):
                if n == 3:
                    assert gate.wait(30)
                yield [row]

        return Rows(table=rows.table, total=rows.total, chunks=chunks())

    export_sources.register("late", gated)
    try:
        login(page, world.admin)
        page.goto(f"{live_server.url}/dashboard/late/?year=2024")
        page.get_by_role("link", name="导出 CSV").click()  # xlsx reads 200 rows ahead to size its columns
        page.wait_for_url(f"{live_server.url}/exports/*/")
        bar = page.locator("progress#export-bar")
        expect(page.get_by_role("status")).to_contain_text(re.compile(r"\b3\b"), timeout=5000)  # 3 written
        held = int(bar.get_attribute("value"))
        assert 0 < held < 100 and ExportJob.objects.get().status == "running"
        shot(page, "late-export-running")
        gate.set()
        link = page.locator('a[href$="/download/"]')
        expect(link).to_be_visible(timeout=10000)
        expect(bar).to_have_attribute("value", "100")
        with page.expect_download() as info:
            link.click()
        assert info.value.suggested_filename.startswith("逾期名单-玉溪市-")
    finally:
        gate.set()
        export_sources.register("late", late)
    assert ExportJob.objects.get().status == "done"
