"""The score sheet's parts that keep input: evidence uploaded and deleted in place (htmx answers
the indicator's part, refusals in Chinese inside it), the autosave of the draft (same service,
same rules, same version check as the sheet's save), the sheet's own form doing all of it in one
post when the browser runs no scripts, and the evidence beside each indicator on the reviewers'
sheets."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from assessments.models import Assessment, Evidence, Score, State
from demo.drive import PDF, attach_evidence, drive_to, sheet_rows
from tests.assessments.helpers import evidence_dir
from tests.helpers import login

HX = {"HTTP_HX_REQUEST": "true"}


def needing_file(a: Assessment):
    return a.indicator_set.indicators.filter(evidence_required=True).order_by("order").first()


def draft_of(rows, version) -> dict:
    data = {"version": version}
    for row in rows:
        data[f"score-{row['indicator']}"] = row["score"]
        if "veto_passed" in row:
            data[f"veto-{row['indicator']}"] = "pass" if row["veto_passed"] else "fail"
    return data


def stored_files() -> list[str]:
    return sorted(p.name for p in evidence_dir().iterdir())


def scores_of(a: Assessment, stage: str = "self") -> dict:
    return dict(Score.objects.filter(assessment=a, stage=stage).values_list("indicator_id", "score"))


# Evidence in place -----------------------------------------------------------------------------


def test_an_upload_asked_by_htmx_answers_the_indicators_evidence_part(world, django_assert_max_num_queries):
    a = world.declare()
    indicator = needing_file(a)
    client = login(world.operator)
    # 14: the session and user, the assessment in scope; the upload: savepoint, lock, the window's
    # extensions, the set's indicators, the quota, the row, the event; the part: the set's
    # indicators, the files and the evidence permission
    with django_assert_max_num_queries(14):
        response = client.post(
            f"/assessments/{a.pk}/evidence/",
            {"indicator": indicator.pk, f"file-{indicator.pk}": SimpleUploadedFile("村规民约.pdf", PDF)},
            **HX,
        )
    assert response.status_code == 200
    part = response.content.decode()
    e = Evidence.objects.get(assessment=a)
    assert part.startswith('\n<div class="evidence" id="evidence-') or f'id="evidence-{indicator.pk}"' in part
    assert f'href="/assessments/{a.pk}/evidence/{e.pk}/">村规民约.pdf</a>' in part
    assert "已上传“村规民约.pdf”" in part and 'hx-swap-oob="innerHTML"' in part
    # The list of indicators still without a file is swapped too, without this one.
    missing = re.search(r'<p id="missing-evidence"[^>]*>(.*?)</p>', part, re.S).group(1)
    assert f"#ind-{indicator.pk}" not in missing
    assert "<html" not in part  # a part, not a page


@pytest.mark.parametrize(
    ("name", "content", "error"),
    [
        ("台账.pdf", b"not a pdf at all", "文件内容不是有效的 pdf 文件"),
        ("台账.exe", b"MZ\x90\x00", "不支持的文件类型“exe”：只接受 pdf、jpg、png、docx、xlsx"),
        ("空.pdf", b"", "文件是空的"),
    ],
)
def test_a_bad_file_asked_by_htmx_shows_the_reason_in_the_part_and_keeps_nothing(world, name, content, error):
    a = world.declare()
    indicator = needing_file(a)
    version = a.version
    response = login(world.operator).post(
        f"/assessments/{a.pk}/evidence/",
        {"indicator": indicator.pk, f"file-{indicator.pk}": SimpleUploadedFile(name, content)},
        **HX,
    )
    assert response.status_code == 400
    part = response.content.decode()
    status = re.search(
        rf'<p class="ev-status small" id="ev-status-{indicator.pk}"[^>]*>(.*?)</p>', part, re.S
    )
    assert error in status.group(1)
    assert f'id="file-{indicator.pk}"' in part and 'aria-invalid="true"' in part  # try again in place
    assert not Evidence.objects.filter(assessment=a).exists()
    assert stored_files() == []
    assert Assessment.objects.get(pk=a.pk).version == version


def test_a_file_deleted_through_htmx_leaves_the_part_without_it(world):
    a = world.declare()
    indicator = needing_file(a)
    client = login(world.operator)
    client.post(
        f"/assessments/{a.pk}/evidence/",
        {"indicator": indicator.pk, "file": SimpleUploadedFile("旧照片.pdf", PDF)},
    )
    e = Evidence.objects.get(assessment=a)
    response = client.post(f"/assessments/{a.pk}/evidence/{e.pk}/delete/", **HX)
    assert response.status_code == 200
    part = response.content.decode()
    assert "已删除“旧照片.pdf”" in part and "旧照片.pdf</a>" not in part
    assert f"#ind-{indicator.pk}" in part  # missing again
    assert not Evidence.objects.filter(assessment=a).exists()


def test_others_cannot_upload_in_place(world):
    a = world.declare()
    indicator = needing_file(a)
    for persona, status in [("reviewer", 403), ("sibling_operator", 404), ("colleague", 404)]:
        response = login(getattr(world, persona)).post(
            f"/assessments/{a.pk}/evidence/",
            {"indicator": indicator.pk, "file": SimpleUploadedFile("a.pdf", PDF)},
            **HX,
        )
        assert response.status_code == status, persona
        if status == 403:
            assert "只有本单位的填报员可以上传佐证材料" in response.content.decode()
    assert not Evidence.objects.filter(assessment=a).exists()


# Autosave --------------------------------------------------------------------------------------


def test_autosave_saves_the_typed_rows_and_answers_the_new_version(world, django_assert_max_num_queries):
    a = world.declare()
    rows = sheet_rows(a)[:3]
    client = login(world.operator)
    # 15: the session and user, the assessment in scope, the set's indicators, the permission;
    # the save: lock, the window's extensions, the set's indicators, the self scores, the saved
    # rows, the insert, the totals, the version, the event
    with django_assert_max_num_queries(16):
        response = client.post(f"/assessments/{a.pk}/sheet/self/autosave/", draft_of(rows, a.version))
    assert response.status_code == 200
    fresh = Assessment.objects.get(pk=a.pk)
    assert fresh.version == a.version + 1
    page = response.content.decode()
    assert f'data-version="{fresh.version}"' in page and re.search(r"已自动保存 \d\d:\d\d", page)
    assert scores_of(a) == {r["indicator"]: Decimal(r["score"]) for r in rows}
    assert fresh.state == State.DRAFT


def test_the_final_submit_after_autosaves_is_not_refused_as_stale(world):
    a = world.declare()
    attach_evidence(a, world.operator)
    rows = sheet_rows(a)
    client = login(world.operator)
    version = a.version
    for n in (3, 8):  # two autosaves while typing, each taking the new version back
        answer = client.post(f"/assessments/{a.pk}/sheet/self/autosave/", draft_of(rows[:n], version))
        version = int(re.search(r'data-version="(\d+)"', answer.content.decode()).group(1))
    response = client.post(f"/assessments/{a.pk}/sheet/self/", {**draft_of(rows, version), "do": "finish"})
    assert response.status_code == 302
    assert Assessment.objects.get(pk=a.pk).state == State.SUBMITTED


def test_a_stale_autosave_is_refused_with_a_message_and_saves_nothing(world):
    a = world.declare()
    rows = sheet_rows(a)[:2]
    client = login(world.operator)
    client.post(f"/assessments/{a.pk}/sheet/self/autosave/", draft_of(rows, a.version))  # another tab
    before = scores_of(a)
    response = client.post(
        f"/assessments/{a.pk}/sheet/self/autosave/", draft_of([{**rows[0], "score": "0.5"}], a.version)
    )
    assert response.status_code == 409
    page = response.content.decode()
    assert "未自动保存：该评估已被他人修改" in page and "data-stale" in page
    assert scores_of(a) == before


def test_a_bad_score_autosaved_is_refused_by_its_indicator_and_nothing_is_saved(world):
    a = world.declare()
    rows = sheet_rows(a)[:2]
    rows[1] = {**rows[1], "score": "99"}
    response = login(world.operator).post(
        f"/assessments/{a.pk}/sheet/self/autosave/", draft_of(rows, a.version)
    )
    assert response.status_code == 400
    assert "未自动保存：" in response.content.decode() and "分值应在 0 到" in response.content.decode()
    assert scores_of(a) == {}
    assert Assessment.objects.get(pk=a.pk).version == a.version


@pytest.mark.parametrize(
    ("persona", "stage", "status"),
    [
        ("reviewer", "self", 403),  # in scope, not their sheet
        ("operator", "review", 403),  # never the own unit's review
        ("colleague", "self", 404),  # out of scope
        ("sibling_operator", "self", 404),
    ],
)
def test_autosave_by_someone_who_may_not_score_is_refused(world, persona, stage, status):
    a = world.declare()
    rows = sheet_rows(a)[:2]
    for data in (draft_of(rows, a.version), {"version": a.version}):
        response = login(getattr(world, persona)).post(f"/assessments/{a.pk}/sheet/{stage}/autosave/", data)
        assert response.status_code == status
    assert not Score.objects.filter(assessment=a).exists()


def test_autosave_answers_post_only(world):
    a = world.declare()
    assert login(world.operator).get(f"/assessments/{a.pk}/sheet/self/autosave/").status_code == 405


# Without scripts: the sheet's own form does it all ----------------------------------------------


def test_without_scripts_the_sheet_form_saves_the_scores_and_uploads_the_chosen_files(world):
    a = world.declare()
    indicator = needing_file(a)
    rows = sheet_rows(a)[:3]
    response = login(world.operator).post(
        f"/assessments/{a.pk}/sheet/self/",
        {
            **draft_of(rows, a.version),
            "do": f"upload-{indicator.pk}",
            f"file-{indicator.pk}": SimpleUploadedFile("会议记录.pdf", PDF),
        },
    )
    assert response.status_code == 302
    assert response["Location"] == f"/assessments/{a.pk}/sheet/self/#ind-{indicator.pk}"
    assert Evidence.objects.get(assessment=a).original_name == "会议记录.pdf"
    assert len(scores_of(a)) == 3


def test_without_scripts_a_bad_file_is_refused_by_its_indicator_and_the_typed_scores_are_saved(world):
    a = world.declare()
    attach_evidence(a, world.operator)
    indicator = needing_file(a)
    rows = sheet_rows(a)
    response = login(world.operator).post(
        f"/assessments/{a.pk}/sheet/self/",
        {
            **draft_of(rows, a.version),
            "do": "finish",
            f"file-{indicator.pk}": SimpleUploadedFile("扫描件.pdf", b"no pdf"),
        },
    )
    assert response.status_code == 400
    page = response.content.decode()
    status = re.search(rf'id="ev-status-{indicator.pk}"[^>]*>(.*?)</p>', page, re.S).group(1)
    assert "文件内容不是有效的 pdf 文件" in status
    assert "有文件未上传" in page
    assert not Evidence.objects.filter(assessment=a, original_name="扫描件.pdf").exists()
    fresh = Assessment.objects.get(pk=a.pk)
    assert fresh.state == State.DRAFT  # not submitted with a refused file
    assert len(scores_of(a)) == len(rows)  # what was typed is saved
    assert f'name="version" value="{fresh.version}"' in page


def test_without_scripts_a_delete_button_deletes_and_keeps_the_typed_scores(world):
    a = world.declare()
    attach_evidence(a, world.operator)
    e = Evidence.objects.filter(assessment=a).first()
    rows = sheet_rows(a)[:2]
    response = login(world.operator).post(
        f"/assessments/{a.pk}/sheet/self/", {**draft_of(rows, a.version), "do": f"delete-{e.pk}"}
    )
    assert response.status_code == 302
    assert not Evidence.objects.filter(pk=e.pk).exists()
    assert len(scores_of(a)) == 2


def test_the_sheet_folds_its_dimensions_with_their_progress(world):
    a = world.declare()
    rows = sheet_rows(a)
    first_dimension = a.indicator_set.indicators.order_by("order").first().dimension
    in_first = [r for r in rows if r["indicator"] in {i.pk for i in first_dimension.indicators.all()}]
    client = login(world.operator)
    client.post(f"/assessments/{a.pk}/sheet/self/autosave/", draft_of(in_first, a.version))
    page = client.get(f"/assessments/{a.pk}/sheet/self/").content.decode()
    assert page.count('<details class="dimension card"') == a.indicator_set.dimensions.count()
    assert f'data-dim-filled="{first_dimension.pk}">{len(in_first)}</span>/{len(in_first)}' in page
    assert "已填" in page


# Reviewers see the evidence ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("state", "persona", "stage"),
    [("submitted", "reviewer", "review"), ("accepted", "county_reviewer", "recheck")],
)
def test_reviewers_see_each_indicators_evidence_and_self_score_on_their_sheet(world, state, persona, stage):
    a = drive_to(world.declare(), state, cast=world.cast)
    files = list(Evidence.objects.filter(assessment=a))
    assert files
    page = login(getattr(world, persona)).get(f"/assessments/{a.pk}/sheet/{stage}/").content.decode()
    for e in files:
        block = re.search(
            rf'<div class="indicator[^"]*" id="ind-{e.indicator_id}">(.*?)\n    </div>', page, re.S
        ).group(1)
        assert f'<a href="/assessments/{a.pk}/evidence/{e.pk}/">{e.original_name}</a>' in block
        self_score = Score.objects.get(assessment=a, stage="self", indicator_id=e.indicator_id).score
        assert re.search(rf'class="self-score">自评分 <strong>{self_score.normalize():f}</strong>', block)
    # they see the files but cannot add or remove any (the workbook upload is their sheet's own)
    assert 'name="file-' not in page and "evidence_remove" not in page and "/delete/" not in page
