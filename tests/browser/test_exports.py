"""A background export in a real browser: the progress bar moves as the job writes, the page
stops polling when the file is ready, and the download link gives the file with its Chinese name."""

from __future__ import annotations

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
