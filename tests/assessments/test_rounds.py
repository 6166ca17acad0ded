import datetime as dt

import pytest

from assessments.models import Campaign, PaceTarget, Round
from assessments.services import campaign_install_default


@pytest.fixture
def campaign(db):
    return campaign_install_default()


def test_the_campaign_carries_its_pace_targets_as_data(campaign):
    rows = {(p.year, p.target): p.percent for p in PaceTarget.objects.filter(campaign=campaign)}
    assert [rows[(y, "standard")] for y in (2022, 2023, 2024)] == [30, 40, 30]
    assert [rows[(y, "demonstration")] for y in (2022, 2023, 2024)] == [10, 10, 10]
    assert list(Round.objects.values_list("year", "notice_days")) == [(2022, 5), (2023, 5), (2024, 5)]


def test_installing_the_campaign_twice_changes_nothing(campaign):
    campaign_install_default()
    assert Campaign.objects.count() == 1 and Round.objects.count() == 3 and PaceTarget.objects.count() == 6


def test_anyone_logged_in_reads_the_rounds(campaign, tree, user_factory, api_for):
    body = api_for(user_factory(tree.village, "operator")).get("/api/v1/rounds/").json()
    assert [r["year"] for r in body["results"]] == [2022, 2023, 2024]
    assert set(body["results"][0]) == {
        "id",
        "year",
        "campaign",
        "notice_days",
        "declaration_opens",
        "declaration_closes",
        "self_assessment_closes",
        "review_closes",
    }


def test_only_the_admin_changes_a_round(campaign, tree, user_factory, api_for):
    round_ = Round.objects.get(year=2024)
    leader = api_for(user_factory(tree.county, "leader"))
    response = leader.patch(f"/api/v1/rounds/{round_.pk}/", {"notice_days": 7}, format="json")
    assert response.status_code == 403 and "管理员" in response.json()["detail"]
    admin = api_for(user_factory(tree.city, "admin"))
    response = admin.patch(
        f"/api/v1/rounds/{round_.pk}/", {"notice_days": 7, "review_closes": "2024-12-20"}, format="json"
    )
    assert response.status_code == 200 and response.json()["notice_days"] == 7
    round_.refresh_from_db()
    assert (round_.notice_days, round_.review_closes) == (7, dt.date(2024, 12, 20))


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"notice_days": 0}, "notice_days"),
        ({"notice_days": 31}, "notice_days"),
        ({"review_closes": "2024-01-01"}, "review_closes"),
    ],
)
def test_a_bad_round_change_is_refused_and_nothing_changes(
    campaign, tree, user_factory, api_for, payload, field
):
    round_ = Round.objects.get(year=2024)
    admin = api_for(user_factory(tree.city, "admin"))
    response = admin.patch(f"/api/v1/rounds/{round_.pk}/", {**payload}, format="json")
    assert response.status_code == 400 and field in response.json()
    fresh = Round.objects.get(pk=round_.pk)
    assert (fresh.notice_days, fresh.review_closes) == (round_.notice_days, round_.review_closes)
