"""WCAG 2.1 A and AA on every page, as axe-core sees it in Chromium, at desktop and phone width,
in Chinese and in English: public pages, the to-do of every role, lists, the assessment page in
the states that show different parts, every score sheet with its errors, the objections, and the
printed documents (公示, 命名, 通报批评, the score sheet for the file), the export pages, the
dashboard of the city, a county, a township and a village, and 系统管理's main pages."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest
from django.core.cache import cache

from assessments import services
from assessments.models import Round, State
from demo.drive import Cast, drive_to
from demo.sites import demo_photo
from monthly import services as monthly_services
from monthly.models import Meeting, SiteKind
from tests.browser.helpers import DESKTOP, PHONE

pytestmark = pytest.mark.browser

AXE = Path(__file__).resolve().parent / "vendor" / "axe-core" / "axe.min.js"
RUN_AXE = """async () => {
  const result = await axe.run(document, {
    runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
    resultTypes: ["violations"],
  });
  return result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 3).map(n => n.target.join(" ") + " :: " + n.failureSummary),
  }));
}"""


def violations(page, name: str, viewports: tuple[dict, ...] = ()) -> list[str]:
    """What axe finds on the page as it is, or at each of ``viewports`` in turn (the page loaded
    once, then resized: the layout follows the width, as a phone's would)."""
    page.add_script_tag(path=str(AXE))
    found = []
    for viewport in viewports or (None,):
        at = name
        if viewport is not None:
            page.set_viewport_size(viewport)
            at = f"{name} at {viewport['width']}px"
        found += [
            f"{at}: {v['id']} ({v['impact']}) {v['help']} at {v['nodes']}" for v in page.evaluate(RUN_AXE)
        ]
    return found


def sibling(world) -> Cast:
    return Cast(
        operator=world.sibling_operator,
        reviewer=world.reviewer,
        leader=world.leader,
        rechecker=world.county_reviewer,
    )


@pytest.fixture
def scenes(world):
    """Assessments in the states whose pages differ: the village's sheets of three years (a draft,
    one waiting for review, one accepted: the recheck sheet) and its sibling in public notice with
    an objection waiting for the leader."""
    village = world.tree.village
    rounds = {r.year: r for r in Round.objects.all()}
    years = {
        year: services.assessment_declare(
            org=village, round=rounds[year], target="standard", actor=world.operator
        )
        for year in (2022, 2023, 2024)
    }
    in_notice = drive_to(
        world.declare(org=world.tree.sibling_village, actor=world.sibling_operator),
        State.IN_NOTICE,
        cast=sibling(world),
    )
    services.objection_submit(
        assessment_id=in_notice.pk, content="公示材料与实际情况不符", ip_address="10.0.0.1"
    )
    from yuxi_campaign.core.export_jobs import export_job_run
    from yuxi_campaign.core.models import ExportJob

    running = ExportJob.objects.create(
        user=world.admin, source="results", format="xlsx", status="running", rows_total=12000, rows_done=4000
    )
    done = ExportJob.objects.create(user=world.admin, source="results", format="csv")
    export_job_run(job_id=done.pk)
    site = model_site(world)
    group_draft = services.assessment_declare(  # the village fills in for its group (代填)
        org=world.tree.group, round=rounds[2024], target="standard", actor=world.operator
    )
    first = group_draft.indicator_set.indicators.order_by("order").first()
    services.scores_save(
        assessment_id=group_draft.pk,
        stage="self",
        actor=world.operator,
        version=group_draft.version,
        rows=[{"indicator": first.pk, "score": 1, **({"veto_passed": True} if first.is_veto else {})}],
    )
    return SimpleNamespace(
        group_draft=group_draft,
        site=site,
        export_running=running,
        export_done=done,
        observation=observation_scene(world),
        draft=years[2024],
        submitted=drive_to(years[2023], State.SUBMITTED, cast=world.cast),
        accepted=drive_to(years[2022], State.ACCEPTED, cast=world.cast),
        in_notice=in_notice,
    )


def observation_scene(world):
    """The city's observation of the county last month: one problem overdue, one answered, a
    photo of the visit."""
    import datetime as dt
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.utils import timezone
    from PIL import Image

    from monthly import services as monthly
    from monthly.models import RubricItem

    def png():
        out = io.BytesIO()
        Image.new("RGB", (32, 24), (180, 40, 40)).save(out, "PNG")
        return SimpleUploadedFile("photo.png", out.getvalue(), content_type="image/png")

    monthly.rubric_install_default()
    visit = timezone.localdate().replace(day=1) - dt.timedelta(days=20)
    o = monthly.observation_create(
        actor=world.admin,
        unit_id=world.tree.county.pk,
        date=visit,
        inspectors=["张明", "李华"],
        scores=[
            {"item": i.pk, "score": str(i.max_score - 2)} for i in RubricItem.objects.filter(is_active=True)
        ],
        comments="进度符合节奏",
        problems=[
            {"description": "台账不全", "deadline": visit + dt.timedelta(days=1)},
            {"description": "标识不规范", "deadline": visit + dt.timedelta(days=400)},
        ],
    )
    monthly.observation_photo_add(actor=world.admin, observation_id=o.pk, upload=png(), caption="示范点")
    answered = o.problems.order_by("pk").last()
    monthly.problem_answer(
        actor=world.county_leader, observation_id=o.pk, problem_id=answered.pk, note="已整改", upload=png()
    )
    return o


def model_site(world):
    """A model site of the village, with a photo, designated by its county."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    monthly_services.site_kinds_install_defaults()
    site = monthly_services.site_create(
        actor=world.county_leader,
        org_id=world.tree.village.pk,
        kind=SiteKind.objects.get(name="村"),
        highlight="村办公司带富一方",
        description="村党支部领办合作社，统一品种、统一技术、统一销售。",
    )
    photo = SimpleUploadedFile(
        "a.jpg", demo_photo(world.tree.village.name, "合作社"), content_type="image/jpeg"
    )
    monthly_services.site_photo_add(
        actor=world.county_leader, site_id=site.pk, upload=photo, caption="合作社"
    )
    return site


def rota_meeting(world) -> Meeting:
    """A progress meeting (工作推进会) of the city, hosted by the county, for the rota's pages."""
    existing = Meeting.objects.filter(organiser=world.tree.city).first()
    if existing is not None:
        return existing
    return monthly_services.meeting_schedule(
        organiser_id=world.tree.city.pk,
        year=2024,
        month=3,
        host_id=world.tree.county.pk,
        actor=world.admin,
        date="2024-03-12",
        topic="四级联创现场推进",
        minutes="会议通报了各县创建进度。",
    )


def check_every_page(
    base: str, world, scenes, new_page, login, viewports, language: str, part: str
) -> list[str]:
    """``part``: "work" (the public pages, the units' and townships' pages, the forms with their
    errors) or "department" (the organisation departments' pages and 系统管理): two halves that
    run side by side."""

    def open_page():
        page = new_page(viewports[0])
        page.context.add_cookies([{"name": "django_language", "value": language, "url": base}])
        return page

    problems: list[str] = []
    if part == "department":
        return department_pages(base, world, scenes, open_page, login, viewports, language)
    public = open_page()
    for name, url in [
        ("login", "/accounts/login/"),
        ("notices", "/notices/"),
        ("objection-form", f"/notices/{scenes.in_notice.pk}/objection/"),
        ("thanks", "/notices/thanks/"),
        ("showcase", "/showcase/"),
        ("showcase-detail", f"/showcase/{scenes.site.pk}/"),
    ]:
        public.goto(base + url)
        problems += violations(public, f"{language} {name}", viewports)

    pages = {
        world.operator: [
            ("todo-operator", "/"),
            ("list", "/assessments/"),
            ("detail-draft", f"/assessments/{scenes.draft.pk}/"),
            ("self-sheet", f"/assessments/{scenes.draft.pk}/sheet/self/"),
            ("village-groups", f"/units/{world.tree.village.pk}/groups/"),
            ("group-sheet-by-proxy", f"/assessments/{scenes.group_draft.pk}/sheet/self/"),
            ("group-detail-by-proxy", f"/assessments/{scenes.group_draft.pk}/"),
        ],
        world.reviewer: [
            ("todo-reviewer", "/"),
            ("review-sheet", f"/assessments/{scenes.submitted.pk}/sheet/review/"),
            ("units", "/units/"),
        ],
        world.county_reviewer: [
            ("recheck-sheet", f"/assessments/{scenes.accepted.pk}/sheet/recheck/"),
            ("meetings-year-county", "/meetings/?year=2024"),
        ],
        world.leader: [
            ("todo-leader", "/"),
            ("dashboard-township", "/dashboard/"),
            ("detail-accepted", f"/assessments/{scenes.accepted.pk}/"),
            ("detail-in-notice", f"/assessments/{scenes.in_notice.pk}/"),
            ("objections", "/objections/"),
            ("document-notice", "/documents/notice/"),
            ("document-naming", "/documents/naming/"),
            ("document-circular", "/documents/circular/"),
            ("document-score-sheet", f"/documents/score-sheet/{scenes.accepted.pk}/"),
        ],
    }
    problems += pages_as(pages, base, open_page, login, viewports, language)

    # A sheet saved with an error shows the error next to the indicator.
    page = open_page()
    login(page, world.operator)
    page.goto(f"{base}/assessments/{scenes.draft.pk}/sheet/self/")
    page.locator("#sheet input[data-score]").first.fill("999")
    with page.expect_navigation():
        page.locator("button[name=do][value=save]").click()
    problems += violations(page, f"{language} self-sheet-with-error", viewports)

    # A workbook that is not one, uploaded from the sheet: the page that lists the problems.
    page.goto(f"{base}/assessments/{scenes.draft.pk}/sheet/self/")
    page.set_input_files(
        "#workbook-file",
        files=[{"name": "sheet.xlsx", "mimeType": "application/octet-stream", "buffer": b"not a workbook"}],
    )
    with page.expect_navigation():
        page.locator("#workbook button[type=submit]").click()
    assert page.locator(".field-errors li").count() == 1
    problems += violations(page, f"{language} workbook-refused", viewports)

    # A site form sent with a unit of another county shows the error by the field.
    page = open_page()
    login(page, world.county_leader)
    page.goto(f"{base}/sites/new/")
    page.fill("#s-org", world.tree.far_village.code)
    page.select_option("#s-kind", label=None, index=2)
    page.fill("#s-highlight", "亮点")
    with page.expect_navigation():
        page.locator("main form.site-form button[type=submit]").click()
    assert page.locator("#e-org").count() == 1
    problems += violations(page, f"{language} site-form-with-error", viewports)
    return problems


def department_pages(base: str, world, scenes, open_page, login, viewports, language: str) -> list[str]:
    meeting = rota_meeting(world)
    pages = {
        world.admin: [
            ("todo-admin", "/"),
            ("calendar-admin", "/calendar/"),
            ("list-admin", "/assessments/?state=accepted"),
            ("document-notice-city", "/documents/notice/?year=2024&level=village"),
            ("export-running", f"/exports/{scenes.export_running.pk}/"),
            ("export-done", f"/exports/{scenes.export_done.pk}/"),
            ("todo-admin-page", "/todo/"),
            ("dashboard", "/dashboard/"),
            ("dashboard-village", f"/dashboard/?org={world.tree.village.pk}&year=2022"),
            ("dashboard-late", "/dashboard/late/"),
            ("dashboard-titles", "/dashboard/titles/"),
            ("dashboard-calibration", "/dashboard/calibration/?year=2022"),
            (
                "observations-month",
                f"/observations/?year={scenes.observation.year}&month={scenes.observation.month}",
            ),
            ("observation-form", f"/observations/new/?unit={world.tree.other_county.pk}"),
            ("observation-edit", f"/observations/{scenes.observation.pk}/edit/"),
            ("observation-detail", f"/observations/{scenes.observation.pk}/"),
            ("meetings-year", "/meetings/?year=2024"),
            ("meetings-year-now", "/meetings/"),
            ("meeting-proposal", "/meetings/proposal/?year=2024&month=4"),
            ("meeting-detail", f"/meetings/{meeting.pk}/"),
            ("meeting-form", f"/meetings/{meeting.pk}/edit/"),
            ("league", "/league/"),
            ("league-township", f"/league/?level=township&within={world.tree.county.pk}"),
            # 系统管理 (the Django admin) as the city's administrator sees it
            ("admin-index", "/admin/"),
            ("admin-units", "/admin/orgs/organisation/"),
            ("admin-unit", f"/admin/orgs/organisation/{world.tree.village.pk}/change/"),
            ("admin-officials", "/admin/orgs/user/"),
            ("admin-official-add", "/admin/orgs/user/add/"),
            ("admin-indicator-sets", "/admin/indicators/indicatorset/"),
            ("admin-rounds", "/admin/assessments/round/"),
            ("admin-pace-targets", "/admin/assessments/pacetarget/"),
            ("admin-titles", "/admin/assessments/title/"),
            ("admin-events", "/admin/assessments/event/"),
        ],
        world.county_leader: [
            ("dashboard-county", "/dashboard/"),
            ("observations-county", "/observations/"),
            ("observation-detail-county", f"/observations/{scenes.observation.pk}/"),
            ("sites", "/sites/"),
            ("site-new", "/sites/new/"),
            ("site-detail", f"/sites/{scenes.site.pk}/"),
            ("league-county", "/league/"),
        ],
    }
    return pages_as(pages, base, open_page, login, viewports, language)


def pages_as(pages: dict, base: str, open_page, login, viewports, language: str) -> list[str]:
    """Each user's pages, logged in as that user: what axe finds on them."""
    problems: list[str] = []
    for user, urls in pages.items():
        page = open_page()
        login(page, user)
        for name, url in urls:
            page.goto(base + url)
            problems += violations(page, f"{language} {name}", viewports)
    return problems


@pytest.mark.parametrize("part", ["work", "department"])
def test_every_page_passes_axe(live_server, transactional_db, scenes, world, new_page, login, part):
    """In Chinese, each page at desktop and at phone width."""
    cache.clear()
    found = check_every_page(
        live_server.url, world, scenes, new_page, login, (DESKTOP, PHONE), "zh-hans", part
    )
    assert found == []


@pytest.mark.parametrize("part", ["work", "department"])
def test_every_page_passes_axe_in_english(
    live_server, transactional_db, scenes, world, new_page, login, part
):
    cache.clear()
    assert check_every_page(live_server.url, world, scenes, new_page, login, (PHONE,), "en", part) == []


def test_failure_pages_pass_axe(live_server, transactional_db, new_page):
    """The 503 page (database gone), the 500 page (a bug) and the 400 page (input refused at the
    edge), as a visitor sees them, at desktop and phone width."""
    from unittest import mock

    from django.db import OperationalError
    from django.db.backends.base.base import BaseDatabaseWrapper

    page = new_page()
    problems: list[str] = []
    for name, failure, status in [("503", OperationalError("gone"), 503), ("500", ValueError("bug"), 500)]:
        with mock.patch.object(BaseDatabaseWrapper, "_cursor", side_effect=failure):
            response = page.goto(live_server.url + "/notices/")
            assert response.status == status
        problems += violations(page, name, (DESKTOP, PHONE))
    assert page.goto(live_server.url + "/notices/?q=%00").status == 400
    problems += violations(page, "400", (DESKTOP, PHONE))
    assert problems == []


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_todo_with_every_kind_of_work_passes_axe(
    live_server, transactional_db, world, new_page, login, language
):
    """The to-do of the city's department (items of every kind it has: reviews, rechecks,
    decisions, publishing, an ended notice, rectifications, an objection), of the township's
    and the county's leaders (the county may still declare), and of the operators; at desktop and
    phone width."""
    from tests.assessments.helpers import every_kind_of_work

    cache.clear()
    every_kind_of_work(world)
    problems: list[str] = []
    for user in (world.admin, world.leader, world.county_leader, world.operator, world.parent_operator):
        page = new_page()
        page.context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
        login(page, user)
        page.goto(live_server.url + "/")
        assert page.locator(".work-item, .todo-group form").count() >= 1
        problems += violations(page, f"{language} todo-{user.username}", (DESKTOP, PHONE))
    assert problems == []
