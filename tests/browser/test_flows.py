"""The main flows of SPEC §7 in a real browser: score entry and submission by a village operator,
review by the township, decisions through the reason dialogs, the public notice and objection
form, phone-width layout and keyboard-only login.

The UI is translated in parallel, so the assertions rest on the database, element ids and classes,
URLs and the Chinese messages of the services, never on translated labels."""

from __future__ import annotations

import re
from dataclasses import replace
from decimal import Decimal

import pytest
from django.core.cache import cache

from assessments.models import Assessment, Evidence, Objection, Score, State
from demo.drive import PDF, Cast, drive_to
from indicators.models import applies
from tests.browser.helpers import PHONE
from tests.helpers import PASSWORD, make_user

try:
    from playwright.sync_api import expect
except ImportError:  # the chromium_browser fixture skips these tests (or fails them under REQUIRE_BROWSER)
    expect = None

pytestmark = pytest.mark.browser

OBJECTION = "该社区公示栏长期未更新，群众对评分有意见，请核实"


def plain(number: str) -> str:
    """ "10.00" -> "10", "6.50" -> "6.5", as a person types them (never "1E+1")."""
    return f"{Decimal(number).normalize():f}"


def state_of(a: Assessment) -> str:
    return Assessment.objects.get(pk=a.pk).state


def evidence_indicators(a: Assessment) -> list:
    return [
        i
        for i in a.indicator_set.indicators.filter(evidence_required=True).order_by("order")
        if applies(i.applies_to, a.org.area_type)
    ]


def sibling_cast(world) -> Cast:
    """Who drives the sibling village's assessment: its own operator, the same township and county."""
    return replace(world.cast, operator=world.sibling_operator)


def declare_sibling(world) -> Assessment:
    return world.declare(org=world.tree.sibling_village, actor=world.sibling_operator)


def success_message(page):
    return page.locator("main .messages li.success")


# ---------------------------------------------------------------------------------------------
# Operator: fill in, save, upload evidence, submit


def test_an_operator_fills_in_and_submits_the_self_assessment(
    live_server, transactional_db, world, page, login, shot, accept_dialogs
):
    a = world.declare()
    confirms = accept_dialogs(page)

    login(page, world.operator)
    assert page.url.rstrip("/") == live_server.url, "after login the official lands on the to-do list"
    expect(page.locator("ul.todo")).to_be_visible()
    shot(page, "1-todo")

    page.goto(f"{live_server.url}/assessments/{a.pk}/sheet/self/")
    inputs = page.locator("#sheet input[data-score]")
    count = inputs.count()
    assert count > 0
    total_out = page.locator("[data-total-out]")
    expect(total_out).to_have_text("0")

    # The live total follows the typing, keystroke by keystroke.
    first = inputs.nth(0)
    typed = plain(first.get_attribute("data-max"))  # "10": two keystrokes, two totals
    first.press_sequentially(typed[0])
    expect(total_out).not_to_have_text("0")
    after_first_key = total_out.inner_text()
    first.press_sequentially(typed[1:])
    expect(total_out).not_to_have_text(after_first_key)
    shot(page, "2-typing")

    for n in range(1, count):
        field = inputs.nth(n)
        field.fill(plain(field.get_attribute("data-max")))
    for radio in page.locator("#sheet input[type=radio][value=pass]").all():
        radio.check()
    first_id = first.get_attribute("id").removeprefix("score-")
    page.fill(f"#comment-{first_id}", "班子分工明确，台账齐全")
    # Every applicable indicator at its max: the scaled total is the set's total (100).
    assert float(total_out.inner_text()) == pytest.approx(100, abs=0.05)

    with page.expect_navigation():
        page.locator("button[name=do][value=save]").click()
    assert re.search(rf"/assessments/{a.pk}/sheet/self/$", page.url)
    expect(success_message(page)).to_be_visible()
    vetoes = page.locator("#sheet fieldset.veto").count()  # answered pass/fail, kept without points
    assert Score.objects.filter(assessment=a, stage="self").count() == count + vetoes
    assert (
        Score.objects.get(assessment=a, stage="self", indicator_id=first_id).comment
        == "班子分工明确，台账齐全"
    )
    assert state_of(a) == State.DRAFT
    # The saved values come back into the fields, and the live total with them.
    assert float(page.locator("[data-total-out]").inner_text()) == pytest.approx(100, abs=0.05)
    shot(page, "3-saved")

    required = evidence_indicators(a)
    assert required, "the default village set has indicators that need evidence"
    for indicator in required:  # uploaded next to its indicator, without leaving the page
        page.set_input_files(
            f"#file-{indicator.pk}",
            files=[{"name": f"{indicator.code}台账.pdf", "mimeType": "application/pdf", "buffer": PDF}],
        )
        expect(page.locator(f"#evidence-{indicator.pk} .files a")).to_have_text(f"{indicator.code}台账.pdf")
    assert Evidence.objects.filter(assessment=a).count() == len(required)
    assert page.locator("#sheet .evidence .files a").count() == len(required)
    shot(page, "4-evidence")

    with page.expect_navigation():
        page.locator("button[name=do][value=finish]").click()
    assert confirms, "finishing asks for confirmation first"
    assert state_of(a) == State.SUBMITTED
    assert re.search(rf"/assessments/{a.pk}/$", page.url)
    expect(success_message(page)).to_be_visible()
    shot(page, "5-submitted")


# ---------------------------------------------------------------------------------------------
# Reviewer: self score beside each input, the 30 % hint, the Chinese error, then review


def test_a_reviewer_needs_a_comment_where_the_score_is_far_from_the_self_score(
    live_server, transactional_db, world, page, login, shot, accept_dialogs
):
    a = drive_to(world.declare(), State.SUBMITTED, cast=world.cast)
    accept_dialogs(page)
    login(page, world.reviewer)
    page.goto(f"{live_server.url}/assessments/{a.pk}/sheet/review/")

    inputs = page.locator("#sheet input[data-score]")
    count = inputs.count()
    vetoes = page.locator("#sheet fieldset.veto").count()  # no score field: pass/fail
    assert count + vetoes == Score.objects.filter(assessment=a, stage="self").count()
    assert page.locator("#sheet .indicator .self-score").count() == count

    for n in range(count):
        field = inputs.nth(n)
        field.fill(plain(field.get_attribute("data-self")))
    for radio in page.locator("#sheet input[type=radio][value=pass]").all():
        radio.check()
    expect(page.locator("#sheet .gap-hint:visible")).to_have_count(0)

    far = inputs.nth(0)
    far_id = far.get_attribute("id").removeprefix("score-")
    box = page.locator(f"#ind-{far_id}")
    self_score = Decimal(far.get_attribute("data-self"))
    assert self_score > Decimal(far.get_attribute("data-max")) * Decimal("0.3")
    far.fill("")
    far.press_sequentially("0")
    expect(box.locator(".gap-hint")).to_be_visible()
    expect(page.locator("#sheet .gap-hint:visible")).to_have_count(1)
    shot(page, "1-gap-hint")

    with page.expect_response(lambda r: r.request.method == "POST" and "/sheet/review/" in r.url) as posted:
        page.locator("button[name=do][value=finish]").click()
    assert posted.value.status == 400
    page.wait_for_load_state()
    errors = box.locator(".field-errors")
    expect(errors).to_be_visible()
    expect(errors).to_contain_text("请填写说明")
    expect(page.locator(".field-errors")).to_have_count(1)
    expect(page.locator("main .messages li.error")).to_be_visible()
    # What the reviewer typed is still there.
    assert far.input_value() == "0"
    assert state_of(a) == State.SUBMITTED
    shot(page, "2-error")

    page.fill(f"#comment-{far_id}", "现场核查未见相关台账，不予计分")
    with page.expect_navigation():
        page.locator("button[name=do][value=finish]").click()
    assert state_of(a) == State.REVIEWED
    assert re.search(rf"/assessments/{a.pk}/$", page.url)
    expect(success_message(page)).to_be_visible()
    review = Score.objects.get(assessment=a, stage="review", indicator_id=far_id)
    assert review.score == 0 and review.comment == "现场核查未见相关台账，不予计分"
    shot(page, "3-reviewed")


# ---------------------------------------------------------------------------------------------
# Leader: accept and return through the reason dialogs


def test_a_leader_accepts_and_returns_through_the_dialogs(
    live_server, transactional_db, world, page, login, shot
):
    reviewed = drive_to(world.declare(), State.REVIEWED, cast=world.cast)
    submitted = drive_to(declare_sibling(world), State.SUBMITTED, cast=sibling_cast(world))
    login(page, world.leader)

    page.goto(f"{live_server.url}/assessments/{reviewed.pk}/")
    dialog = page.locator("#dlg-accept")
    expect(dialog).to_be_hidden()
    page.locator("[data-dialog=dlg-accept]").click()
    expect(dialog).to_be_visible()
    shot(page, "1-accept-dialog")
    with page.expect_navigation():
        dialog.locator("button[type=submit]").click()
    assert state_of(reviewed) == State.ACCEPTED
    expect(success_message(page)).to_be_visible()
    expect(page.locator("[data-dialog=dlg-accept]")).to_have_count(0)
    shot(page, "2-accepted")

    page.goto(f"{live_server.url}/assessments/{submitted.pk}/")
    posts: list[str] = []
    page.on("request", lambda r: posts.append(r.url) if r.method == "POST" else None)
    page.locator("[data-dialog=dlg-return]").click()
    dialog = page.locator("#dlg-return")
    expect(dialog).to_be_visible()
    # The reason is required: the browser keeps the dialog open and posts nothing.
    dialog.locator("button[type=submit]").click()
    expect(dialog).to_be_visible()
    assert page.eval_on_selector("#reason-return", "e => e.validity.valueMissing")
    assert posts == []
    assert state_of(submitted) == State.SUBMITTED
    # Cancel closes the dialog; opening it again and giving a reason returns the assessment.
    dialog.locator("button[data-close]").click()
    expect(dialog).to_be_hidden()
    page.locator("[data-dialog=dlg-return]").click()
    page.fill("#reason-return", "佐证材料不全，请补充后重新提交")
    shot(page, "3-return-dialog")
    with page.expect_navigation():
        dialog.locator("button[type=submit]").click()
    assert state_of(submitted) == State.DRAFT
    expect(success_message(page)).to_be_visible()
    assert submitted.events.filter(action="return", reason="佐证材料不全，请补充后重新提交").exists()
    shot(page, "4-returned")


# ---------------------------------------------------------------------------------------------
# Citizen: notice and objection, no login


def test_a_citizen_objects_to_a_unit_in_notice(live_server, transactional_db, world, page, shot):
    cache.clear()  # the objection throttle counts per address in the cache
    a = drive_to(world.declare(), State.IN_NOTICE, cast=world.cast)

    page.goto(f"{live_server.url}/notices/")
    cards = page.locator(".notice-list .notice-card")
    assert cards.count() == 1
    assert world.tree.village.name in cards.nth(0).locator(".notice-name").inner_text()
    shot(page, "1-notices")

    with page.expect_navigation():
        cards.nth(0).locator(f"a[href$='/notices/{a.pk}/objection/']").click()
    assert page.url.endswith(f"/notices/{a.pk}/objection/")
    page.fill("#id_content", OBJECTION)
    page.fill("#id_contact", "13800000000")
    shot(page, "2-form")
    with page.expect_navigation():
        page.locator("form.objection-form button[type=submit]").click()
    assert page.url.endswith("/notices/thanks/")
    shot(page, "3-thanks")

    objection = Objection.objects.get(assessment=a)
    assert objection.content == OBJECTION
    assert objection.contact == "13800000000"
    assert objection.status == "pending"
    cache.clear()


# ---------------------------------------------------------------------------------------------
# Phone width


PHONE_CHECKS = """() => {
  const visible = (el) => {
    if (el.closest('[aria-hidden="true"], [hidden]')) return false;
    const style = getComputedStyle(el);
    if (style.visibility === "hidden" || style.display === "none") return false;
    const r = el.getBoundingClientRect();
    return r.width > 0 && r.height > 0;
  };
  const describe = (el) => el.tagName.toLowerCase() + (el.id ? "#" + el.id : "")
    + (el.name ? "[name=" + el.name + "]" : "") + (el.className ? "." + el.className : "");
  const unlabelled = [...document.querySelectorAll("input, select, textarea")]
    .filter((el) => el.type !== "hidden" && visible(el))
    .filter((el) => !(el.labels && el.labels.length) && !el.getAttribute("aria-label")
      && !el.getAttribute("aria-labelledby"))
    .map(describe);
  const small = [...document.querySelectorAll(
      "main button, main .button, main input[type=submit], header button")]
    .filter(visible)
    .map((el) => [describe(el), Math.round(el.getBoundingClientRect().height)])
    .filter(([, h]) => h < 44);
  const wide = [...document.querySelectorAll("body *")].filter(visible)
    .filter((el) => el.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
    .filter((el) => !el.closest(".table-wrap"))
    .slice(0, 5).map(describe);
  return {
    scrollWidth: document.documentElement.scrollWidth,
    unlabelled, small, wide,
  };
}"""


def check_phone_page(page, name: str, shot) -> list[str]:
    """The problems of the page now open, as readable strings (empty when all is well)."""
    page.wait_for_load_state()
    shot(page, f"phone-{name}")
    shot(page, f"phone-{name}-top", full_page=False)
    found = page.evaluate(PHONE_CHECKS)
    problems = []
    if found["scrollWidth"] > PHONE["width"]:
        problems.append(
            f"{name}: scrollWidth {found['scrollWidth']} > {PHONE['width']} (wide: {found['wide']})"
        )
    if found["unlabelled"]:
        problems.append(f"{name}: fields without a label: {found['unlabelled']}")
    if found["small"]:
        problems.append(f"{name}: buttons under 44 px: {found['small']}")
    return problems


def test_the_pages_fit_a_phone(live_server, transactional_db, world, new_page, login, shot):
    cache.clear()
    draft = world.declare()
    in_notice = drive_to(declare_sibling(world), State.IN_NOTICE, cast=sibling_cast(world))
    base = live_server.url
    problems: list[str] = []

    citizen = new_page(PHONE)
    citizen.goto(f"{base}/notices/")
    assert citizen.locator(".notice-card").count() == 1
    problems += check_phone_page(citizen, "notices", shot)
    citizen.goto(f"{base}/notices/{in_notice.pk}/objection/")
    expect(citizen.locator("#id_content")).to_be_visible()
    problems += check_phone_page(citizen, "objection", shot)

    phone = new_page(PHONE)
    phone.goto(f"{base}/accounts/login/")
    problems += check_phone_page(phone, "login", shot)
    login(phone, world.operator)
    expect(phone.locator("ul.todo")).to_be_visible()
    problems += check_phone_page(phone, "todo", shot)
    phone.goto(f"{base}/assessments/")
    assert phone.locator(f"a[href='/assessments/{draft.pk}/']").count() == 1
    problems += check_phone_page(phone, "list", shot)
    phone.goto(f"{base}/assessments/{draft.pk}/")
    problems += check_phone_page(phone, "detail", shot)
    phone.goto(f"{base}/assessments/{draft.pk}/sheet/self/")
    assert phone.locator("#sheet input[data-score]").count() > 0
    problems += check_phone_page(phone, "self-sheet", shot)

    assert problems == []


# ---------------------------------------------------------------------------------------------
# Keyboard only


FOCUSED = """() => {
  const e = document.activeElement;
  if (!e || e === document.body) return "";
  return e.id || (e.tagName.toLowerCase() + (e.type ? "[type=" + e.type + "]" : ""));
}"""


def test_the_login_works_with_the_keyboard_alone(live_server, transactional_db, tree, page, shot):
    operator = make_user(tree.village, "operator")
    page.goto(f"{live_server.url}/accounts/login/")

    def focused() -> str:
        return page.evaluate(FOCUSED)

    def tab(times: int = 1) -> list[str]:
        seen = []
        for _ in range(times):
            page.keyboard.press("Tab")
            seen.append(focused())
        return seen

    # From the top of the page (the skip link), Tab walks the header and then the form, in order.
    page.locator("a.skip").focus()
    walk = tab(12)
    assert "id_username" in walk, walk
    form = walk[walk.index("id_username") :][:3]
    assert form == ["id_username", "id_password", "button[type=submit]"], walk
    assert "" not in walk[: walk.index("button[type=submit]")], f"focus got lost on the way: {walk}"

    # The username field has the focus when the page opens; type, Tab, type, Enter.
    page.reload()
    # autofocus is applied once the page has settled, which a loaded machine may take a moment for
    page.wait_for_function("document.activeElement && document.activeElement.id === 'id_username'")
    assert focused() == "id_username"
    page.keyboard.type(operator.username)
    assert tab() == ["id_password"]
    page.keyboard.type(PASSWORD)
    assert tab() == ["button[type=submit]"]
    assert page.evaluate("document.activeElement.closest('main form') !== null")
    shot(page, "1-on-submit")
    page.keyboard.press("Shift+Tab")
    assert focused() == "id_password"
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.rstrip("/") == live_server.url
    expect(page.locator("ul.todo")).to_be_visible()
    shot(page, "2-logged-in")
