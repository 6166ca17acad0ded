"""Pace against a hand-computed example over the campaign's three years: a county with two
townships of five villages each, three groups a village, titles named through the workflow in
2022, 2023 and 2024, and the targets, titles held and titles still missing worked out by hand."""

from __future__ import annotations

import pytest
from django.test import Client

from assessments import services
from assessments.models import Round, State
from assessments.services import campaign_install_default
from demo.drive import Cast, drive_to
from indicators.services import indicator_sets_install_defaults
from orgs.models import Organisation
from orgs.services import orgs_bulk_load
from reports import selectors
from tests.assessments.helpers import rounds_open
from tests.helpers import make_user, tree_rows

COUNTY = "530401"
TOWN = "530401001"  # a 镇 with five 村
STREET = "530401002"  # a 街道 with five 社区


@pytest.fixture
def campaign(db):
    """The tree (two counties × two townships × five villages × three groups) and the titles:

    - 2022: 达标 for villages 530401001001 and 530401001002, and group 530401001001001;
    - 2023: 达标 for village 530401001003 and township 530401001, 示范 for village 530401001001;
    - 2024: 达标 for community 530401002001."""
    orgs_bulk_load(rows=tree_rows(counties=2, townships=2, villages=5, groups=3))
    indicator_sets_install_defaults()
    campaign_install_default()
    rounds_open()  # the rounds' windows open today
    officials: dict[tuple[str, str], object] = {}

    def official(org: Organisation, role: str):
        if (org.code, role) not in officials:
            officials[(org.code, role)] = make_user(org, role)
        return officials[(org.code, role)]

    def name(code: str, year: int, target: str = "standard") -> None:
        org = Organisation.objects.select_related("parent__parent").get(code=code)
        parent = org.parent
        recheck = parent.parent or parent
        cast = Cast(
            operator=official(org, "operator"),
            reviewer=official(parent, "reviewer"),
            leader=official(parent, "leader"),
            rechecker=official(recheck, "reviewer"),
        )
        a = services.assessment_declare(
            org=org, round=Round.objects.get(year=year), target=target, actor=cast.operator
        )
        assert drive_to(a, State.NAMED, cast=cast).state == State.NAMED

    name("530401001001", 2022)
    name("530401001002", 2022)
    name("530401001001001", 2022)
    name("530401001003", 2023)
    name(TOWN, 2023)
    name("530401001001", 2023, "demonstration")
    name("530401002001", 2024)
    return Organisation.objects.get(code=COUNTY)


def scope(code: str) -> selectors.Scope:
    return selectors.Scope(org=Organisation.objects.get(code=code), path=[])


# Worked by hand. Targets are counted per parent over its direct children, rounded half up, and
# summed; the campaign's cumulative percentages are 达标 30/70/100 and 示范 10/20/30.
#
# Townships of the county: one parent with 2 → 达标 2×30 % = 0.6 → 1; 2×70 % = 1.4 → 1; 2;
#   示范 0.2 → 0; 0.4 → 0; 0.6 → 1.
# Villages: two townships with 5 each → 达标 1.5 → 2 (×2 = 4); 3.5 → 4 (8); 5 (10);
#   示范 0.5 → 1 (2); 1.0 → 1 (2); 1.5 → 2 (4).
# Groups: ten villages with 3 each → 达标 0.9 → 1 (10); 2.1 → 2 (20); 3 (30);
#   示范 0.3 → 0 (0); 0.6 → 1 (10); 0.9 → 1 (10).
# Held (cumulative): townships 0, 1, 1; villages 达标 2, 3, 4 and 示范 0, 1, 1; groups 1, 1, 1.
# fmt: off
COUNTY_BY_YEAR = {
    # level: units, 达标 held, target, rate, missing, 示范 held, target, rate, missing
    2022: {
        "township": [2, 0, 1, 0.0, 1, 0, 0, 0.0, 0],
        "village": [10, 2, 4, 20.0, 2, 0, 2, 0.0, 2],
        "group": [30, 1, 10, 3.3, 9, 0, 0, 0.0, 0],
    },
    2023: {
        "township": [2, 1, 1, 50.0, 0, 0, 0, 0.0, 0],
        "village": [10, 3, 8, 30.0, 5, 1, 2, 10.0, 1],
        "group": [30, 1, 20, 3.3, 19, 0, 10, 0.0, 10],
    },
    2024: {
        "township": [2, 1, 2, 50.0, 1, 0, 1, 0.0, 1],
        "village": [10, 4, 10, 40.0, 6, 1, 4, 10.0, 3],
        "group": [30, 1, 30, 3.3, 29, 0, 10, 0.0, 10],
    },
}
# Per township, over its own villages (5: 达标 targets 2, 4, 5; 示范 1, 1, 2) and groups (15: 达标
# 5×1, 5×2, 5×3; 示范 0, 5×1, 5×1); its own title: the town's 达标 from 2023.
TOWNSHIPS_BY_YEAR = {
    2022: [
        [TOWN, "1县1镇", "",
         5, 2, 2, 40.0, 0, 0, 1, 0.0, 1,
         15, 1, 5, 6.7, 4, 0, 0, 0.0, 0],
        [STREET, "1县2街道", "",
         5, 0, 2, 0.0, 2, 0, 1, 0.0, 1,
         15, 0, 5, 0.0, 5, 0, 0, 0.0, 0],
    ],
    2023: [
        [TOWN, "1县1镇", "达标",
         5, 3, 4, 60.0, 1, 1, 1, 20.0, 0,
         15, 1, 10, 6.7, 9, 0, 5, 0.0, 5],
        [STREET, "1县2街道", "",
         5, 0, 4, 0.0, 4, 0, 1, 0.0, 1,
         15, 0, 10, 0.0, 10, 0, 5, 0.0, 5],
    ],
    2024: [
        [TOWN, "1县1镇", "达标",
         5, 3, 5, 60.0, 2, 1, 2, 20.0, 1,
         15, 1, 15, 6.7, 14, 0, 5, 0.0, 5],
        [STREET, "1县2街道", "",
         5, 1, 5, 20.0, 4, 0, 2, 0.0, 2,
         15, 0, 15, 0.0, 15, 0, 5, 0.0, 5],
    ],
}
# fmt: on


@pytest.mark.parametrize("year", [2022, 2023, 2024])
def test_the_county_pace_matches_the_hand_computed_example(campaign, year):
    data = selectors.pace(scope(COUNTY), year)
    summary = selectors.summary_table(scope(COUNTY), data)
    assert {row[0]: row[1:] for row in summary.rows} == {
        "乡镇（街道）": COUNTY_BY_YEAR[year]["township"],
        "村（社区）": COUNTY_BY_YEAR[year]["village"],
        "小组（小区）": COUNTY_BY_YEAR[year]["group"],
    }
    table = selectors.pace_table(scope(COUNTY), data)
    total = ["530401", "合计", ""] + COUNTY_BY_YEAR[year]["village"] + COUNTY_BY_YEAR[year]["group"]
    assert table.rows == [*TOWNSHIPS_BY_YEAR[year], total]
    headers = ["编码", "单位", "本单位称号", "村（社区）·单位数", "村（社区）·达标已有"]
    assert [c.label for c in table.columns[:5]] == headers


def test_the_trend_gives_each_year_the_numbers_of_that_year(campaign):
    trend = selectors.trend(scope(COUNTY), [2022, 2023, 2024])
    table = selectors.trend_table(scope(COUNTY), trend)
    by_year_level = {(row[0], row[1]): row[2:] for row in table.rows}
    for year, levels in COUNTY_BY_YEAR.items():
        labels = (("township", "乡镇（街道）"), ("village", "村（社区）"), ("group", "小组（小区）"))
        for level, label in labels:
            units, std, std_target, std_rate, _m, demo, demo_target, demo_rate, _d = levels[level]
            assert by_year_level[(year, label)] == [
                units,
                std,
                std_target,
                std_rate,
                demo,
                demo_target,
                demo_rate,
            ], (year, level)
    assert trend["standard_percent"] == [30, 70, 100]
    assert trend["demonstration_percent"] == [10, 20, 30]


def test_the_page_shows_what_is_missing_and_which_units_are_behind(campaign):
    leader = make_user(campaign, "leader", username="county-head")
    client = Client()
    client.force_login(leader)
    html = client.get("/dashboard/?year=2023").content.decode()
    town = html.split(">1县1镇</a>", 1)[1].split("</tr>", 1)[0]
    # villages: 3 of 4 for 达标 (one to go), 1 of 1 for 示范 (on pace); groups: 1 of 10, nine to go
    assert '<span class="held">3 / 4</span> <span class="rate">60.0 %</span>' in town
    assert "还差 1 个" in town and "已达进度" in town and "还差 9 个" in town
    assert town.count('class="num is-behind"') == 3  # villages 达标, groups 达标 and 示范
    assert '<span class="badge title-standard">达标</span>' in town
    # the bars chart's numbers: per township, the villages' titles and targets (the first level)
    assert selectors.bars(selectors.pace(scope(COUNTY), 2023), "village")["standard"] == [3, 0]


def test_the_workflow_counts_the_year_s_assessments_in_each_state_below_the_scope(campaign):
    workflow = selectors.workflow(scope(COUNTY), 2023)
    counts = {s["state"]: s["count"] for s in workflow["states"]}
    # 2023: the village's 达标 and 示范, the township's 达标 (below the county), all named
    assert counts["named"] == 3 and sum(counts.values()) == 3
    assert selectors.workflow(scope(TOWN), 2023)["states"][0]["state"] == "draft"
    assert {s["state"]: s["count"] for s in selectors.workflow(scope(TOWN), 2023)["states"]}["named"] == 2
