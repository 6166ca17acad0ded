"""系统管理 of the campaign: rounds and their dates, pace targets, the title register (read-only, in
the user's subtree) and the event log, which names officials by their real names."""

from __future__ import annotations

import datetime as dt

import pytest

from assessments.models import PaceTarget, Round, Title
from tests.orgs.admin_helpers import Admins, assert_not_found, client_for
from tests.reports.conftest import title


@pytest.fixture
def admins(world) -> Admins:
    return Admins(world.tree)


def round_form(r: Round, **overrides) -> dict:
    data = {
        "declaration_opens": r.declaration_opens.isoformat(),
        "declaration_closes": r.declaration_closes.isoformat(),
        "self_assessment_closes": r.self_assessment_closes.isoformat(),
        "review_closes": r.review_closes.isoformat(),
        "notice_days": r.notice_days,
    }
    data.update(overrides)
    return data


def dates(r: Round) -> tuple:
    r = Round.objects.get(pk=r.pk)
    return (
        r.declaration_opens,
        r.declaration_closes,
        r.self_assessment_closes,
        r.review_closes,
        r.notice_days,
    )


def test_the_city_admin_moves_a_rounds_dates(world, admins):
    later = world.round.declaration_closes + dt.timedelta(days=1)  # still before the self sheets close
    response = client_for(admins.city).post(
        f"/admin/assessments/round/{world.round.pk}/change/",
        round_form(world.round, declaration_closes=later.isoformat(), notice_days=7),
    )
    assert response.status_code == 302, response.content.decode()[-2000:]
    assert dates(world.round)[1:] == (
        later,
        world.round.self_assessment_closes,
        world.round.review_closes,
        7,
    )


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("declaration_closes", "2024-02-01", "申报截止日期不能早于申报开始日期"),
        ("self_assessment_closes", "2024-03-15", "自评截止日期不能早于申报截止日期"),
        ("review_closes", "2024-10-01", "评审截止日期不能早于自评截止日期"),
        ("notice_days", "45", "公示天数应在 1 到 30 天之间"),
    ],
)
def test_a_round_with_dates_out_of_order_is_refused_and_unchanged(world, admins, field, value, message):
    before = dates(world.round)
    response = client_for(admins.city).post(
        f"/admin/assessments/round/{world.round.pk}/change/", round_form(world.round, **{field: value})
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert dates(world.round) == before


def test_a_new_round_with_dates_out_of_order_is_not_created(world, admins):
    response = client_for(admins.city).post(
        "/admin/assessments/round/add/",
        {
            "campaign": world.round.campaign_id,
            "year": 2025,
            "declaration_opens": "2025-03-01",
            "declaration_closes": "2025-02-01",
            "self_assessment_closes": "2025-10-31",
            "review_closes": "2025-12-15",
            "notice_days": 5,
        },
    )
    assert "申报截止日期不能早于申报开始日期" in response.content.decode()
    assert not Round.objects.filter(year=2025).exists()


def test_a_county_admin_cannot_change_a_round(world, admins):
    before = dates(world.round)
    response = client_for(admins.county).post(
        f"/admin/assessments/round/{world.round.pk}/change/", round_form(world.round, notice_days=9)
    )
    assert response.status_code == 403
    assert dates(world.round) == before


def test_the_pace_targets_list_shows_the_cumulative_target(world, admins, django_assert_max_num_queries):
    client = client_for(admins.city)
    with django_assert_max_num_queries(12):  # session, user, unit, the page with running sums, counts
        page = client.get("/admin/assessments/pacetarget/").content.decode()
    assert "70%" in page and "100%" in page  # 达标 30 → 70 → 100


def test_a_pace_target_pushing_the_cumulative_past_100_is_refused(world, admins):
    row = PaceTarget.objects.get(year=2023, target="standard")
    response = client_for(admins.city).post(
        f"/admin/assessments/pacetarget/{row.pk}/change/",
        {"campaign": row.campaign_id, "year": 2023, "target": "standard", "percent": 50},
    )
    assert "累计目标不能超过 100%" in response.content.decode()
    assert PaceTarget.objects.get(pk=row.pk).percent == 40


def test_the_title_register_is_read_only_and_scoped(world, admins):
    own = title(world.tree.village, 2023)
    far = title(world.tree.far_village, 2023)
    county_page = client_for(admins.county).get("/admin/assessments/title/").content.decode()
    assert world.tree.village.name in county_page and world.tree.far_village.name not in county_page
    city_page = client_for(admins.city).get("/admin/assessments/title/").content.decode()
    assert world.tree.village.name in city_page and world.tree.far_village.name in city_page
    assert_not_found(client_for(admins.county).get(f"/admin/assessments/title/{far.pk}/change/", follow=True))
    response = client_for(admins.city).post(f"/admin/assessments/title/{own.pk}/change/", {"warnings": 3})
    assert response.status_code == 403
    assert Title.objects.get(pk=own.pk).warnings == 0


def test_the_event_log_names_officials_by_their_real_names(world, admins):
    world.operator.name = "张丽华"
    world.operator.save(update_fields=["name"])
    a = world.declare()
    page = client_for(admins.city).get("/admin/assessments/event/").content.decode()
    assert f"张丽华（{world.operator.username}）" in page
    detail = client_for(world.operator).get(f"/assessments/{a.pk}/").content.decode()
    assert "张丽华" in detail


def test_an_official_without_a_name_is_shown_by_login(world):
    assert world.operator.display_name == world.operator.username
    assert str(world.operator) == world.operator.username
    world.operator.name = "张丽华"
    assert (world.operator.display_name, str(world.operator)) == (
        "张丽华",
        f"张丽华（{world.operator.username}）",
    )
