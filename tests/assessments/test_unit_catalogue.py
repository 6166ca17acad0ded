"""Every unit sees its level's whole catalogue (9/14/15/20) in its own words: a village and a
community the same slot V-07, one worded for 强村公司, the other for 共驻共建; veto items are
answered pass or fail without points."""

from __future__ import annotations

import re

import pytest

from assessments import services
from assessments.models import Score
from assessments.services.sheets import VETO_NO_POINTS
from orgs.models import Organisation
from tests.helpers import login, make_user

# (unit code in the small tree, its area type, the count the article gives for its level)
UNITS = {
    "rural group (村民小组)": ("530401001001001", "rural", 9),
    "urban group (居民小区)": ("530401002001001", "urban", 9),
    "village (村)": ("530401001001", "rural", 14),
    "community (社区)": ("530401002001", "urban", 14),
    "township (镇)": ("530401001", "rural", 15),
    "street (街道)": ("530401002", "urban", 15),
    "county (县)": ("530401", "mixed", 20),
}
RURAL_V07 = "V-07 村级集体经济和强村公司"
URBAN_V07 = "V-07 社区共驻共建"


def _declared(world, code):
    org = Organisation.objects.get(code=code)
    operator = make_user(org, "operator", username=f"op-{code}")
    return org, operator, world.declare(org=org, actor=operator)


@pytest.mark.parametrize("unit", list(UNITS))
def test_every_unit_sees_the_articles_count_of_indicators_on_its_sheet(world, unit):
    code, area, count = UNITS[unit]
    org, operator, a = _declared(world, code)
    assert org.area_type == area
    page = login(operator).get(f"/assessments/{a.pk}/sheet/self/").content.decode()
    assert len(re.findall(r'<div class="indicator[^"]*" id="ind-', page)) == count
    # the sheet cannot be finished before each of them is answered
    assert len(services.missing_scores(a, "self")) == count


def test_a_village_and_a_community_see_one_slot_in_their_own_words_on_the_sheet(world):
    _village, village_op, village_a = _declared(world, UNITS["village (村)"][0])
    _community, community_op, community_a = _declared(world, UNITS["community (社区)"][0])
    village_page = login(village_op).get(f"/assessments/{village_a.pk}/sheet/self/").content.decode()
    community_page = login(community_op).get(f"/assessments/{community_a.pk}/sheet/self/").content.decode()
    assert RURAL_V07 in village_page and "飞地抱团" in village_page
    assert URBAN_V07 not in village_page and "驻区单位签订共建协议" not in village_page
    assert URBAN_V07 in community_page and "驻区单位签订共建协议" in community_page
    assert RURAL_V07 not in community_page and "飞地抱团" not in community_page
    # the assessment's own page (its sheets side by side) words the slot the same way
    detail = login(village_op).get(f"/assessments/{village_a.pk}/").content.decode()
    assert "村级集体经济和强村公司" in detail and "社区共驻共建" not in detail


def _v07(body):
    (indicator,) = [
        i for d in body["results"][0]["dimensions"] for i in d["indicators"] if i["code"] == "V-07"
    ]
    return indicator


def test_the_api_gives_a_unit_its_own_wording_and_everyone_the_plain_one_with_both_variants(world, api_for):
    client = api_for(world.county_leader)
    village, community = world.tree.village, world.tree.community
    rural = client.get("/api/v1/indicator-sets/", {"org": village.pk, "year": 2024}).json()
    urban = client.get("/api/v1/indicator-sets/", {"org": community.pk, "year": 2024}).json()
    plain = client.get("/api/v1/indicator-sets/", {"level": "village", "year": 2024}).json()
    assert rural["count"] == urban["count"] == plain["count"] == 1
    assert _v07(rural)["title"] == "村级集体经济和强村公司" and "飞地抱团" in _v07(rural)["guide"]
    assert _v07(urban)["title"] == "社区共驻共建" and "共建协议" in _v07(urban)["guide"]
    assert _v07(plain)["title"] == "集体经济和共建资源"
    assert (_v07(plain)["title_rural"], _v07(plain)["title_urban"]) == (
        "村级集体经济和强村公司",
        "社区共驻共建",
    )
    for body in (rural, urban, plain):
        assert sum(len(d["indicators"]) for d in body["results"][0]["dimensions"]) == 14


def test_the_api_refuses_a_unit_outside_the_callers_scope_or_a_bad_id(world, api_for):
    client = api_for(world.colleague)  # a leader of another county's township
    assert client.get("/api/v1/indicator-sets/", {"org": world.tree.village.pk}).status_code == 404
    assert client.get("/api/v1/indicator-sets/", {"org": "abc"}).status_code == 400


def test_a_veto_item_is_answered_pass_or_fail_without_points(world, api_for):
    a = world.declare()
    veto = a.indicator_set.indicators.get(is_veto=True)
    client = api_for(world.operator)
    url = f"/api/v1/assessments/{a.pk}/scores/self/"
    refused = client.put(
        url, {"version": a.version, "scores": [{"indicator": veto.pk, "score": 5}]}, format="json"
    )
    assert refused.status_code == 400 and VETO_NO_POINTS in refused.json()["detail"]
    assert not Score.objects.filter(assessment=a).exists()
    saved = client.put(
        url, {"version": a.version, "scores": [{"indicator": veto.pk, "veto_passed": True}]}, format="json"
    )
    assert saved.status_code == 200
    row = Score.objects.get(assessment=a, indicator=veto)
    assert (row.score, row.veto_passed) == (0, True)


def test_the_sheet_page_asks_a_veto_item_for_pass_or_fail_only_and_says_what_failing_means(world):
    a = world.declare()
    veto = a.indicator_set.indicators.get(is_veto=True)
    client = login(world.operator)
    page = client.get(f"/assessments/{a.pk}/sheet/self/").content.decode()
    item = page[page.index(f'id="ind-{veto.pk}"') :]
    item = item[: item.index('<div class="indicator')] if '<div class="indicator' in item else item
    assert f'name="score-{veto.pk}"' not in item and f'name="veto-{veto.pk}"' in item
    assert "一票否决项：不通过则不能评定" in item
    response = client.post(
        f"/assessments/{a.pk}/sheet/self/", {"version": a.version, "do": "save", f"veto-{veto.pk}": "fail"}
    )
    assert response.status_code == 302
    row = Score.objects.get(assessment=a, indicator=veto)
    assert (row.score, row.veto_passed) == (0, False)
