"""The score sheet on a 390 px phone never loses what was typed: evidence is uploaded and deleted
next to its indicator without leaving the page, the draft is autosaved as the operator types (and
comes back after a reload), and the sheet is submitted with few taps.

How taps are counted: every click or tap on the page (a button, a link, a file field opening the
phone's file picker) counts one, choosing the file in the picker counts one, and answering the
confirmation counts one. Entering the data itself (typing a score or a note, answering a veto
check) is not counted: it is the same on any sheet. Before, a sheet with five files cost 28 taps
(per file: open the indicator list, pick the indicator, open the picker, pick the file, press
upload; then save, submit, confirm)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from assessments.models import Assessment, Evidence, Score, State
from demo.drive import PDF
from indicators.models import applies
from tests.browser.helpers import PHONE

try:
    from playwright.sync_api import expect
except ImportError:  # the chromium_browser fixture skips these tests (or fails them under REQUIRE_BROWSER)
    expect = None

pytestmark = pytest.mark.browser

MAX_TAPS = 12
# Everything a finger aims at on the sheet (a radio is aimed at through its label).
TARGETS = (
    "main a, main button:not([aria-hidden=true]), main summary, main select, main textarea, "
    "main input:not([type=radio]):not([type=hidden]), main .veto label"
)
SMALL_TARGETS = f"""() => {{
  const shown = [...document.querySelectorAll("{TARGETS}")].filter((e) => e.getClientRects().length);
  return [shown.length, shown
    .map((e) => [e.outerHTML.slice(0, 80), Math.round(e.getBoundingClientRect().height)])
    .filter(([, height]) => height < 44)];
}}"""


class Taps:
    """Counts the taps of a test, as described in the module's docstring."""

    def __init__(self, page):
        self.page = page
        self.count = 0

    def click(self, locator) -> None:
        self.count += 1
        locator.click()

    def upload(self, indicator_id: int, name: str, content: bytes = PDF) -> None:
        """Open the phone's file picker next to the indicator (one tap) and choose a file (one
        tap); the page uploads it by itself."""
        with self.page.expect_file_chooser() as chooser:
            self.click(self.page.locator(f"#file-{indicator_id}"))
        self.count += 1
        mime = "application/pdf" if name.endswith(".pdf") else "application/octet-stream"
        chooser.value.set_files(files=[{"name": name, "mimeType": mime, "buffer": content}])


def applicable(a: Assessment) -> list:
    return [i for i in a.indicator_set.indicators.order_by("order") if applies(i.applies_to, a.org.area_type)]


def typed_score(indicator) -> str:
    """Half the max, rounded down to a half point, as a person types it ("7.5", "3")."""
    value = (indicator.max_score / 2 * 2).to_integral_value() / 2
    return f"{Decimal(value).normalize():f}"


def test_an_operator_on_a_phone_keeps_typed_scores_through_uploads_and_a_reload_and_submits(
    live_server, transactional_db, world, new_page, login, shot
):
    a = world.declare()
    page = new_page(PHONE)
    dialogs: list[tuple[str, str]] = []

    def answer(dialog):
        dialogs.append((dialog.type, dialog.message))
        dialog.accept()

    page.on("dialog", answer)
    login(page, world.operator)
    page.goto(f"{live_server.url}/assessments/{a.pk}/sheet/self/")
    taps = Taps(page)
    indicators = applicable(a)
    scored = [i for i in indicators if not i.is_veto]  # a veto item is answered pass/fail, no points
    expected = {i.pk: typed_score(i) for i in scored}

    # Type every score (and answer the veto checks): the total and each dimension's progress follow.
    for i in scored:
        page.fill(f"#score-{i.pk}", expected[i.pk])
    for radio in page.locator("#sheet input[type=radio][value=pass]").all():
        radio.check()
    first = indicators[0]
    page.fill(f"#comment-{first.pk}", "班子分工明确，台账齐全")
    total = page.locator("[data-total-out]")
    expect(total).not_to_have_text("0")
    progress = page.locator("[data-dim-filled]").first
    expect(progress).to_have_text(
        str(page.locator("details.dimension").first.locator("[data-score]").count())
    )
    # The running total stays in view on the phone, whatever is scrolled.
    page.locator(f"#score-{scored[-1].pk}").scroll_into_view_if_needed()
    expect(page.locator(".sheet-bar")).to_be_in_viewport()
    # The draft reaches the server by itself.
    status = page.locator("#autosave-status")
    expect(status).to_contain_text("已自动保存", timeout=8000)
    shot(page, "1-typed", full_page=False)
    assert Score.objects.filter(assessment=a, stage="self").count() == len(indicators)

    # Five files, each next to its indicator, without leaving the page.
    page.evaluate("window.sameDocument = true")
    with_files = [i for i in indicators if i.evidence_required]
    with_files += [i for i in indicators if not i.evidence_required][: max(0, 5 - len(with_files))]
    with_files = with_files[:5]
    for n, i in enumerate(with_files, start=1):
        taps.upload(i.pk, f"{i.code}台账{n}.pdf")
        expect(page.locator(f"#evidence-{i.pk} .files a")).to_have_text(f"{i.code}台账{n}.pdf")
    assert Evidence.objects.filter(assessment=a).count() == 5
    assert page.evaluate("window.sameDocument") is True, "the page was not reloaded"
    expect(page.locator("#missing-evidence")).to_be_empty()
    for i in scored:
        assert page.input_value(f"#score-{i.pk}") == expected[i.pk]
    shot(page, "2-uploaded", full_page=False)
    shown, small = page.evaluate(SMALL_TARGETS)
    assert shown > 3 * len(indicators) and small == [], "tap targets of at least 44 px"

    # A file that is not what it says: the refusal in Chinese next to the indicator, nothing kept,
    # the typed scores untouched. (Not counted: a mistake, not part of the sheet's cost.)
    page.locator(f"#file-{first.pk}").set_input_files(
        files=[{"name": "照片.pdf", "mimeType": "application/pdf", "buffer": b"not a pdf"}]
    )
    expect(page.locator(f"#ev-status-{first.pk}")).to_contain_text("文件内容不是有效的 pdf 文件")
    assert Evidence.objects.filter(assessment=a).count() == 5
    assert page.input_value(f"#score-{first.pk}") == expected[first.pk]
    shot(page, "3-refused-file", full_page=False)

    # Deleting a file in place, after a confirmation.
    extra = with_files[-1]
    page.locator(f"#file-{extra.pk}").set_input_files(
        files=[{"name": "多余.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    expect(page.locator(f"#evidence-{extra.pk} .files a")).to_have_count(2)
    page.locator(f"#evidence-{extra.pk} button", has_text="删除").last.click()
    expect(page.locator(f"#evidence-{extra.pk} .files a")).to_have_count(1)
    assert not Evidence.objects.filter(assessment=a, original_name="多余.pdf").exists()
    assert dialogs[-1][0] == "confirm" and "多余.pdf" in dialogs[-1][1]

    # A score typed just now is autosaved too, then a reload brings everything back.
    with page.expect_response(lambda r: r.url.endswith("/autosave/"), timeout=8000) as autosaved:
        page.fill(f"#score-{first.pk}", "0.5")
    assert autosaved.value.status == 200
    expected[first.pk] = "0.5"
    expect(status).to_contain_text("已自动保存")
    dialogs.clear()
    page.reload()
    assert not [d for d in dialogs if d[0] == "beforeunload"], "nothing was left unsaved"
    for i in scored:
        assert page.input_value(f"#score-{i.pk}") == expected[i.pk]
    assert page.input_value(f"#comment-{first.pk}") == "班子分工明确，台账齐全"
    shot(page, "4-reloaded")

    # Save and submit from the sheet, one tap and the confirmation.
    with page.expect_navigation():
        taps.click(page.locator("button[name=do][value=finish]"))
    taps.count += 1  # the confirmation
    assert dialogs[-1][0] == "confirm"
    a.refresh_from_db()
    assert a.state == State.SUBMITTED
    saved = dict(Score.objects.filter(assessment=a, stage="self").values_list("indicator_id", "score"))
    vetoes = {i.pk: "0" for i in indicators if i.is_veto}  # kept as 0, passed
    assert {pk: f"{v.normalize():f}" for pk, v in saved.items()} == expected | vetoes
    shot(page, "5-submitted", full_page=False)
    assert taps.count <= MAX_TAPS, f"{taps.count} taps for a sheet with five files"


def test_leaving_with_a_change_not_yet_saved_asks_first(
    live_server, transactional_db, world, new_page, login
):
    a = world.declare()
    page = new_page(PHONE)
    login(page, world.operator)
    page.goto(f"{live_server.url}/assessments/{a.pk}/sheet/self/")
    asked: list[str] = []
    page.on("dialog", lambda d: (asked.append(d.type), d.dismiss()))
    page.locator("[data-score]").first.click()
    page.keyboard.type("5")
    page.close(run_before_unload=True)  # before the autosave's pause is over
    page.wait_for_timeout(300)
    assert asked == ["beforeunload"]


def test_a_reviewer_on_a_phone_sees_the_self_score_and_the_evidence_beside_each_input(
    live_server, transactional_db, world, new_page, login, shot
):
    from demo.drive import drive_to

    a = drive_to(world.declare(), State.SUBMITTED, cast=world.cast)
    files = list(Evidence.objects.filter(assessment=a).select_related("indicator"))
    assert files
    page = new_page(PHONE)
    login(page, world.reviewer)
    page.goto(f"{live_server.url}/assessments/{a.pk}/sheet/review/")
    for e in files:
        link = page.locator(f"#ind-{e.indicator_id} .evidence a", has_text=e.original_name)
        expect(link).to_have_attribute("href", f"/assessments/{a.pk}/evidence/{e.pk}/")
    box = page.locator(f"#ind-{files[0].indicator_id}")
    self_score = Score.objects.get(assessment=a, stage="self", indicator=files[0].indicator).score
    expect(box.locator(".score-line .self-score")).to_contain_text(f"{self_score.normalize():f}")
    assert page.locator("#sheet input[type=file]").count() == 0, "reviewers do not upload"
    shot(page, "1-review", full_page=False)
