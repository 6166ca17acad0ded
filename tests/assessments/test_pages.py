"""The officials' pages: permissions for the owner, a colleague elsewhere and an outsider, the
sheet's errors and stale saves, decisions, bulk actions and query counts."""

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from assessments import services
from assessments.models import Assessment, Evidence, Objection, Round, Score, State
from demo.drive import PDF, drive_to, sheet_rows
from indicators.models import IndicatorSet
from orgs.models import Organisation
from tests.helpers import login, tree_rows


def form_from(rows, version, do="save"):
    data = {"version": version, "do": do}
    for row in rows:
        data[f"score-{row['indicator']}"] = row["score"]
        if row.get("comment"):
            data[f"comment-{row['indicator']}"] = row["comment"]
        if "veto_passed" in row:
            data[f"veto-{row['indicator']}"] = "pass" if row["veto_passed"] else "fail"
    return data


@pytest.mark.parametrize("url", ["/", "/assessments/", "/units/", "/objections/"])
def test_pages_need_a_login(world, client, url):
    response = client.get(url)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_the_operator_sees_the_sheet_to_fill_on_the_todo_list(world):
    a = world.declare()
    page = login(world.operator).get("/").content.decode()
    assert f'href="/assessments/{a.pk}/sheet/self/"' in page and '<span class="count">1</span>' in page


def test_an_operator_without_a_declaration_is_offered_to_declare(world):
    client = login(world.operator)
    assert "declare" in client.get("/").content.decode()
    response = client.post("/declare/", {"round": world.round.pk, "target": "standard"})
    a = Assessment.objects.get(org=world.tree.village)
    assert response.status_code == 302 and response["Location"] == f"/assessments/{a.pk}/sheet/self/"


def test_the_leader_sees_decisions_waiting(world):
    a = drive_to(world.declare(), State.REVIEWED, cast=world.cast)
    page = login(world.leader).get("/").content.decode()
    assert f'href="/assessments/{a.pk}/#actions"' in page


def test_the_county_reviewer_sees_rechecks_waiting(world):
    drive_to(world.declare(), State.ACCEPTED, cast=world.cast)
    page = login(world.county_reviewer).get("/").content.decode()
    assert '<span class="count">1</span>' in page


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("operator", 200),
        ("leader", 200),
        ("county_leader", 200),
        ("colleague", 404),
        ("sibling_operator", 404),
    ],
)
def test_the_assessment_page_is_shown_only_within_scope(world, persona, status):
    a = world.declare()
    assert login(getattr(world, persona)).get(f"/assessments/{a.pk}/").status_code == status


def test_the_list_shows_only_assessments_in_scope(world):
    mine = world.declare()
    other = world.declare(org=world.tree.far_village, actor=world.admin)
    page = login(world.leader).get("/assessments/").content.decode()
    assert f"/assessments/{mine.pk}/" in page and f"/assessments/{other.pk}/" not in page


def test_the_list_filters_by_state(world):
    draft = world.declare()
    submitted = world.declare(org=world.tree.sibling_village, actor=world.leader)
    Assessment.objects.filter(pk=submitted.pk).update(state=State.SUBMITTED)
    page = login(world.leader).get("/assessments/", {"state": "submitted"}).content.decode()
    assert f"/assessments/{submitted.pk}/" in page and f"/assessments/{draft.pk}/" not in page


def test_the_operator_saves_a_draft_from_the_sheet(world):
    a = world.declare()
    rows = sheet_rows(a)[:3]
    response = login(world.operator).post(f"/assessments/{a.pk}/sheet/self/", form_from(rows, a.version))
    assert response.status_code == 302
    assert Score.objects.filter(assessment=a, stage="self").count() == 3


def test_a_bad_score_is_shown_next_to_its_indicator_and_nothing_is_saved(world):
    a = world.declare()
    rows = sheet_rows(a)[:3]
    rows[1]["score"] = "99"
    response = login(world.operator).post(f"/assessments/{a.pk}/sheet/self/", form_from(rows, a.version))
    assert response.status_code == 400
    page = response.content.decode()
    assert f'id="err-{rows[1]["indicator"]}"' in page and "分值应在 0 到" in page
    assert 'value="99"' in page  # what the user typed is kept
    assert not Score.objects.filter(assessment=a).exists()


def test_a_stale_save_keeps_what_the_user_typed_and_says_someone_else_saved(world):
    a = world.declare()
    rows = sheet_rows(a)[:2]
    client = login(world.operator)
    client.post(f"/assessments/{a.pk}/sheet/self/", form_from(rows, a.version))
    typed = [{**rows[0], "score": "1.5"}]
    response = client.post(f"/assessments/{a.pk}/sheet/self/", form_from(typed, a.version))
    assert response.status_code == 409
    page = response.content.decode()
    assert 'role="alert"' in page and 'value="1.5"' in page
    fresh = Assessment.objects.get(pk=a.pk)
    assert f'name="version" value="{fresh.version}"' in page
    assert Score.objects.get(assessment=a, stage="self", indicator_id=rows[0]["indicator"]).score != Decimal(
        "1.5"
    )


def test_finishing_the_self_sheet_submits_it(world):
    a = world.declare()
    client = login(world.operator)
    for indicator in a.indicator_set.indicators.filter(evidence_required=True):
        client.post(
            f"/assessments/{a.pk}/evidence/",
            {"indicator": indicator.pk, "file": SimpleUploadedFile("台账.pdf", PDF)},
        )
    response = client.post(
        f"/assessments/{a.pk}/sheet/self/", form_from(sheet_rows(a), a.version, do="finish")
    )
    assert response.status_code == 302
    assert Assessment.objects.get(pk=a.pk).state == State.SUBMITTED


def test_a_review_far_from_the_self_score_without_comment_is_refused_on_the_page(world):
    a = drive_to(world.declare(), State.SUBMITTED, cast=world.cast)
    rows = [{**r, "score": "0"} for r in sheet_rows(a) if "veto_passed" not in r][:1]
    response = login(world.reviewer).post(f"/assessments/{a.pk}/sheet/review/", form_from(rows, a.version))
    assert response.status_code == 400 and "请填写说明" in response.content.decode()


@pytest.mark.parametrize(
    ("persona", "stage", "status"),
    [("reviewer", "self", 302), ("colleague", "self", 404), ("operator", "review", 302)],
)
def test_sheets_refuse_those_who_may_not_fill_them(world, persona, stage, status):
    a = world.declare()
    response = login(getattr(world, persona)).get(f"/assessments/{a.pk}/sheet/{stage}/")
    assert response.status_code == status
    if status == 302:
        assert response["Location"] == f"/assessments/{a.pk}/"


def test_the_leader_accepts_from_the_page_and_the_operator_cannot(world):
    a = drive_to(world.declare(), State.REVIEWED, cast=world.cast)
    response = login(world.operator).post(
        f"/assessments/{a.pk}/transition/", {"action": "accept"}, follow=True
    )
    assert "无权执行“验收”" in response.content.decode()
    assert Assessment.objects.get(pk=a.pk).state == State.REVIEWED
    login(world.leader).post(f"/assessments/{a.pk}/transition/", {"action": "accept"})
    assert Assessment.objects.get(pk=a.pk).state == State.ACCEPTED


def test_a_decision_needing_a_reason_shows_the_error(world):
    a = drive_to(world.declare(), State.SUBMITTED, cast=world.cast)
    response = login(world.leader).post(f"/assessments/{a.pk}/transition/", {"action": "return"}, follow=True)
    assert "需要填写理由" in response.content.decode()
    assert Assessment.objects.get(pk=a.pk).state == State.SUBMITTED


def test_transitions_change_nothing_on_get(world):
    a = drive_to(world.declare(), State.REVIEWED, cast=world.cast)
    assert login(world.leader).get(f"/assessments/{a.pk}/transition/").status_code == 405


def test_bulk_accept_gives_a_result_per_row(world):
    ok = drive_to(world.declare(), State.REVIEWED, cast=world.cast)
    early = world.declare(org=world.tree.sibling_village, actor=world.leader)
    far = world.declare(org=world.tree.far_village, actor=world.admin)
    response = login(world.leader).post(
        "/assessments/bulk/", {"action": "accept", "ids": [ok.pk, early.pk, far.pk]}
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "当前状态为“草稿”，不能执行“验收”" in page
    assert page.count("✓") == 1 and page.count("✗") == 2
    assert Assessment.objects.get(pk=ok.pk).state == State.ACCEPTED
    assert Assessment.objects.get(pk=early.pk).state == State.DRAFT


def test_evidence_upload_and_delete_from_the_sheet(world):
    a = world.declare()
    client = login(world.operator)
    indicator = a.indicator_set.indicators.filter(evidence_required=True).first()
    client.post(
        f"/assessments/{a.pk}/evidence/",
        {"indicator": indicator.pk, "file": SimpleUploadedFile("a.pdf", PDF)},
    )
    e = Evidence.objects.get(assessment=a)
    download = client.get(f"/assessments/{a.pk}/evidence/{e.pk}/")
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF
    # the same response as the API's: an attachment browsers must not sniff, never cached
    assert download["X-Content-Type-Options"] == "nosniff"
    assert download["Cache-Control"] == "private, no-store"
    assert download["Content-Disposition"].startswith("attachment")
    assert login(world.colleague).get(f"/assessments/{a.pk}/evidence/{e.pk}/").status_code == 404
    bad = client.post(
        f"/assessments/{a.pk}/evidence/",
        {"indicator": indicator.pk, "file": SimpleUploadedFile("b.pdf", b"not a pdf")},
        follow=True,
    )
    assert "不是有效的 pdf" in bad.content.decode()
    client.post(f"/assessments/{a.pk}/evidence/{e.pk}/delete/")
    assert not Evidence.objects.filter(assessment=a).exists()


def test_the_leader_decides_an_objection_on_the_page(world):
    a = drive_to(world.declare(), State.IN_NOTICE, cast=world.cast)
    from assessments import services

    o = services.objection_submit(assessment_id=a.pk, content="公开栏半年没有更新", ip_address="10.0.0.1")
    assert (
        login(world.colleague)
        .post(f"/objections/{o.pk}/decide/", {"decision": "upheld", "reason": "x"})
        .status_code
        == 404
    )
    login(world.leader).post(f"/objections/{o.pk}/decide/", {"decision": "dismissed", "reason": "不属实"})
    assert Objection.objects.get(pk=o.pk).status == "dismissed"


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_lists_and_the_todo_page_cost_the_same_queries_for_few_and_many_rows(world):
    world.declare()
    client = login(world.admin)
    urls = ["/todo/", "/assessments/", "/units/", "/objections/"]
    few = {url: _queries(client, url) for url in urls}
    orgs_bulk = tree_rows(counties=3, townships=4, villages=5, groups=3)
    from orgs.services import orgs_bulk_load

    orgs_bulk_load(rows=orgs_bulk)
    round_ = Round.objects.get(year=2024)
    sets = {s.level: s for s in IndicatorSet.objects.filter(year=2024)}
    Assessment.objects.bulk_create(
        [
            Assessment(
                org=o,
                round=round_,
                target="standard",
                indicator_set=sets[o.level],
                state="in_notice",
                final_score=Decimal(90),
                outcome="pass",
                notice_ends_at=timezone.now(),
            )
            for o in Organisation.objects.exclude(level="city").exclude(assessments__round=round_)
        ]
    )
    assert Assessment.objects.count() > 100
    many = {url: _queries(client, url) for url in urls}
    assert many == few


def test_the_assessment_page_costs_the_same_queries_with_more_history(world):
    a = drive_to(world.declare(), State.SUBMITTED, cast=world.cast)
    client = login(world.leader)
    before = _queries(client, f"/assessments/{a.pk}/")
    a = drive_to(a, State.NAMED, cast=world.cast)
    assert _queries(client, f"/assessments/{a.pk}/") == before


def test_a_form_cannot_send_the_official_to_another_site(world):
    """``next`` on the bulk and objection forms only leads back to this site's pages."""
    client = login(world.leader)
    bad = client.post("/assessments/bulk/", {"action": "accept", "next": "https://evil.example/phish"})
    assert bad.status_code == 302 and bad["Location"] == "/assessments/"
    good = client.post("/assessments/bulk/", {"action": "accept", "next": "/assessments/?state=reviewed"})
    assert good["Location"] == "/assessments/?state=reviewed"
    a = drive_to(world.declare(), State.IN_NOTICE, cast=world.cast)
    objection = services.objection_submit(
        assessment_id=a.pk, content="公示材料与实际不符", ip_address="10.0.0.1"
    )
    decided = client.post(
        f"/objections/{objection.pk}/decide/",
        {"decision": "dismissed", "reason": "经核实不属实", "next": "//evil.example/"},
    )
    assert decided["Location"] == "/objections/"


def test_the_objections_pager_keeps_the_status_filter(world):
    a = drive_to(world.declare(), State.IN_NOTICE, cast=world.cast)
    for n in range(26):  # one more than a page holds
        services.objection_submit(assessment_id=a.pk, content=f"第{n}条异议：材料与实际不符", ip_address=None)
    page = login(world.leader).get("/objections/?status=pending").content.decode()
    assert "?status=pending&amp;page=2" in page
