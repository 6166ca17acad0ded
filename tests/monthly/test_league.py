"""The league table (擂台比武): counties (and a county's townships) ranked each month by a
composite of the month's observation, the pace of titles and the mean final assessment score,
with weights that are data; the rank change since last month; who reads it; the API, the page,
the files; and queries that do not grow with the units."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal
from zoneinfo import ZoneInfo

import openpyxl
import pytest
from django.conf import settings
from django.utils import timezone

from assessments.models import Assessment, Round, Title
from assessments.rollups import assessment_rollups_rebuild
from assessments.services import campaign_install_default
from indicators.models import IndicatorSet
from indicators.services import indicator_sets_install_defaults
from monthly import league, services
from monthly.models import LeagueWeights, Observation
from orgs.models import Organisation
from orgs.services import orgs_bulk_load
from tests.helpers import api_client_for, login, make_user, tree_rows
from yuxi_campaign.core.errors import InvalidInput

LOCAL = ZoneInfo(settings.TIME_ZONE)


@pytest.fixture
def freeze(monkeypatch):
    def at(day: dt.date) -> None:
        instant = dt.datetime.combine(day, dt.time(10), tzinfo=LOCAL)
        monkeypatch.setattr(timezone, "now", lambda: instant)

    return at


def observe(observer, unit, year: int, month: int, total) -> Observation:
    """An observation as the league reads it (its items are the observation tests' business)."""
    return Observation.objects.create(
        observer=observer,
        unit=unit,
        year=year,
        month=month,
        date=dt.date(year, month, 5),
        total=Decimal(total),
    )


def scored(org, year: int, final, *, target="standard") -> Assessment:
    return Assessment.objects.create(
        org=org,
        round=Round.objects.get(year=year),
        target=target,
        state="reviewed",
        indicator_set=IndicatorSet.objects.get(level=org.level, year=year),
        final_score=Decimal(final),
    )


def titled(org, year: int) -> Title:
    a = scored(org, year, 95)
    a.state, a.outcome = "named", "pass"
    a.save(update_fields=["state", "outcome"])
    return Title.objects.create(
        org=org, kind="standard", round=a.round, assessment=a, granted_at=timezone.now(), status="active"
    )


class Four:
    """Four counties, each with one township, one village and one group: 达标 targets of 2024
    are 3 units below each county (100 %), of 2023 also 3 (70 % of one child rounds to 1); 示范
    targets round to 0 (30 % of one) and are left out."""

    def __init__(self):
        orgs_bulk_load(rows=tree_rows(counties=4, townships=1, villages=1, groups=1))
        indicator_sets_install_defaults()
        campaign_install_default()
        get = Organisation.objects.get
        self.city = get(code="530400")
        self.c = [get(code=f"5304{n:02d}") for n in range(1, 5)]
        self.t = [get(code=f"5304{n:02d}001") for n in range(1, 5)]
        self.v = [get(code=f"5304{n:02d}001001") for n in range(1, 5)]


@pytest.fixture
def four(db, freeze) -> Four:
    freeze(dt.date(2024, 2, 20))
    w = Four()
    # Assessments of 2024 below the counties (the townships): 80, 90, 70; none below the fourth.
    for township, final in zip(w.t, (80, 90, 70), strict=False):
        scored(township, 2024, final)
    # The fourth county's village holds 达标 since 2023 (its assessment of 2023 scored 95).
    titled(w.v[3], 2023)
    assessment_rollups_rebuild()
    # January: 90, 82, 90 and the fourth not observed; February: 80, 82, the third not, 96.
    for county, jan, feb in zip(w.c, (90, 82, 90, None), (80, 82, None, 96), strict=True):
        if jan is not None:
            observe(w.city, county, 2024, 1, jan)
        if feb is not None:
            observe(w.city, county, 2024, 2, feb)
    return w


def by_code(result) -> dict[str, league.LeagueRow]:
    return {r.unit["code"]: r for r in result.rows}


# ---------------------------------------------------------------------------------------------
# Ranks, by hand


def test_january_ranks_ties_one_two_two_four_with_changes_since_december(four):
    # 50 % observation, 30 % pace, 20 % assessment, each out of 100:
    # 1: 90×.5 + 0×.3 + 80×.2 = 61;  2: 82×.5 + 90×.2 = 59;  3: 90×.5 + 70×.2 = 59;
    # 4: not observed, pace 1/3 = 33.33 → 33.33×.3 = 9.999 → 10.00.
    result = league.league_compute(four.city, "county", 2024, 1, today=dt.date(2024, 2, 20))
    rows = by_code(result)
    assert [(r.unit["code"], r.rank, r.composite) for r in result.rows] == [
        ("530401", 1, Decimal("61.00")),
        ("530402", 2, Decimal("59.00")),
        ("530403", 2, Decimal("59.00")),
        ("530404", 4, Decimal("10.00")),
    ]
    fourth = rows["530404"]
    assert fourth.observation_score == 0 and not fourth.observed
    assert fourth.missing == ["observation", "assessment"]
    assert fourth.pace_score == Decimal("33.33") and rows["530401"].assessment_score == Decimal("80.00")
    # December 2023: nobody observed (the part is left out, 30/20 → 60/40 %); only the fourth
    # scores: 33.33×.6 + 95×.4 = 58.00, the others 0 and rank 2.
    assert {code: r.previous_rank for code, r in rows.items()} == {
        "530401": 2,
        "530402": 2,
        "530403": 2,
        "530404": 1,
    }
    assert [rows[c].rank_change for c in ("530401", "530402", "530403", "530404")] == [1, 0, 0, -3]
    assert [r.leader for r in result.rows] == [True, True, True, False]
    assert [r.trailing for r in result.rows] == [False, False, False, True]


def test_february_ranks_and_changes_since_january(four):
    # 1: 80×.5 + 80×.2 = 56;  2: 82×.5 + 90×.2 = 59;  3: not observed, 70×.2 = 14;
    # 4: 96×.5 + 33.33×.3 = 57.999 → 58.00.
    result = league.league_compute(four.city, "county", 2024, 2, today=dt.date(2024, 2, 20))
    assert [(r.unit["code"], r.rank, r.composite, r.rank_change) for r in result.rows] == [
        ("530402", 1, Decimal("59.00"), 1),
        ("530404", 2, Decimal("58.00"), 2),
        ("530401", 3, Decimal("56.00"), -2),
        ("530403", 4, Decimal("14.00"), -2),
    ]
    assert result.table.weights == {
        "observation": Decimal("50.00"),
        "pace": Decimal("30.00"),
        "assessment": Decimal("20.00"),
    }
    assert [league.change_text(r) for r in result.rows] == ["↑1", "↑2", "↓2", "↓2"]
    # The trend: January and February, in February's order.
    assert result.trend() == {
        "months": [1, 2],
        "units": [
            {"id": four.c[1].pk, "name": "第2县", "ranks": [2, 1]},
            {"id": four.c[3].pk, "name": "第4县", "ranks": [4, 2]},
            {"id": four.c[0].pk, "name": "第1县", "ranks": [1, 3]},
            {"id": four.c[2].pk, "name": "第3县", "ranks": [2, 4]},
        ],
    }


def test_the_weights_are_data_the_admin_sets(four):
    services.league_weights_save(observation=100, pace=0, assessment=0)
    result = league.league_compute(four.city, "county", 2024, 1, today=dt.date(2024, 2, 20))
    assert [(r.unit["code"], r.rank, r.composite) for r in result.rows] == [
        ("530401", 1, Decimal("90.00")),
        ("530403", 1, Decimal("90.00")),
        ("530402", 3, Decimal("82.00")),
        ("530404", 4, Decimal("0.00")),
    ]


@pytest.mark.parametrize(
    ("weights", "field"),
    [
        ({"observation": 50, "pace": 30, "assessment": 30}, "observation"),
        ({"observation": 101, "pace": 0, "assessment": 0}, "observation"),
        ({"observation": 50, "pace": -10, "assessment": 60}, "pace"),
    ],
)
def test_weights_that_do_not_make_100_are_refused_and_nothing_changes(db, weights, field):
    services.league_weights_save(observation=60, pace=20, assessment=20)
    with pytest.raises(InvalidInput) as refused:
        services.league_weights_save(**weights)
    assert field in refused.value.fields and ("100" in refused.value.detail or "整数" in refused.value.detail)
    assert LeagueWeights.objects.get().as_dict() == {"observation": 60, "pace": 20, "assessment": 20}


def test_the_admin_form_refuses_weights_that_do_not_sum_to_100(db):
    from monthly.admin import LeagueWeightsForm

    form = LeagueWeightsForm(data={"observation": 50, "pace": 30, "assessment": 30})
    assert not form.is_valid() and "三项权重之和应为 100%，现为 110%" in str(form.errors)
    assert LeagueWeightsForm(data={"observation": 40, "pace": 40, "assessment": 20}).is_valid()


# ---------------------------------------------------------------------------------------------
# The township league


def test_the_township_league_uses_the_countys_own_observations(tree, freeze):
    indicator_sets_install_defaults()
    campaign_install_default()
    freeze(dt.date(2024, 3, 10))
    observe(tree.county, tree.township, 2024, 3, 70)
    result = league.league_compute(tree.county, "township", 2024, 3, today=dt.date(2024, 3, 10))
    # Nobody below has an assessment score: that part is left out (50/30 → 62.5/37.5 %);
    # pace 0 (no titles). The township: 70 × 62.5 % = 43.75; the street, not observed: 0.
    assert [(r.unit["name"], r.rank, r.composite, r.observed) for r in result.rows] == [
        ("1县1镇", 1, Decimal("43.75"), True),
        ("1县2街道", 2, Decimal("0.00"), False),
    ]
    assert result.table.weights["assessment"] == 0 and result.table.weights["observation"] == Decimal("62.50")
    # The other county runs no observations of its townships: the part is left out.
    other = league.league_compute(tree.other_county, "township", 2024, 3, today=dt.date(2024, 3, 10))
    assert other.table.weights == {"observation": 0, "pace": Decimal("100.00"), "assessment": 0}
    assert not other.table.ranked and all(r.previous_rank is None for r in other.rows)


# ---------------------------------------------------------------------------------------------
# The API: answers, scope, bad parameters


def test_the_api_answers_the_months_table_paginated(four):
    admin = make_user(four.city, "admin")
    body = api_client_for(admin).get("/api/v1/league/", {"year": 2024, "month": 2}).json()
    assert body["count"] == 4 and body["next"] is None
    first = body["results"][0]
    assert first == {
        "rank": 1,
        "rank_change": 1,
        "previous_rank": 2,
        "unit": {"id": four.c[1].pk, "code": "530402", "name": "第2县"},
        "level": "county",
        "year": 2024,
        "month": 2,
        "composite_score": "59.00",
        "observation_score": "82.00",
        "pace_score": "0.00",
        "assessment_score": "90.00",
        "weights": {"observation": "50.00", "pace": "30.00", "assessment": "20.00"},
        "observed": True,
        "missing_parts": [],
        "leader": True,
        "trailing": False,
    }
    # The default is this month (February 2024).
    assert api_client_for(admin).get("/api/v1/league/").json() == body


def test_a_county_sees_every_countys_row_but_not_another_countys_township_league(four):
    county = make_user(four.c[0], "operator")
    client = api_client_for(county)
    assert client.get("/api/v1/league/").json()["count"] == 4
    own = client.get("/api/v1/league/", {"level": "township"}).json()
    assert [r["unit"]["code"] for r in own["results"]] == ["530401001"]
    other = client.get("/api/v1/league/", {"level": "township", "within": four.c[1].pk})
    assert other.status_code == 404 and other.json()["detail"] == "未找到该擂台，或不在您的权限范围内"


def test_a_township_sees_its_countys_township_league_and_nothing_above(four):
    township = make_user(four.t[0], "leader")
    client = api_client_for(township)
    body = client.get("/api/v1/league/").json()
    assert [r["unit"]["code"] for r in body["results"]] == ["530401001"]
    assert client.get("/api/v1/league/", {"level": "county"}).status_code == 404


def test_a_village_reads_no_league_and_the_city_must_name_the_county(four):
    village = make_user(four.v[0], "leader")
    refused = api_client_for(village).get("/api/v1/league/")
    assert refused.status_code == 403 and refused.json()["detail"] == "擂台比武仅供市、县、乡镇三级的干部查看"
    assert api_client_for(None).get("/api/v1/league/").status_code in (401, 403)
    city = api_client_for(make_user(four.city, "leader"))
    missing = city.get("/api/v1/league/", {"level": "township"})
    assert missing.status_code == 400 and missing.json()["within"] == ["请指定县（单位 id）"]
    assert city.get("/api/v1/league/", {"level": "township", "within": four.c[2].pk}).json()["count"] == 1
    wrong = city.get("/api/v1/league/", {"level": "township", "within": four.t[0].pk})
    assert wrong.status_code == 400 and wrong.json()["detail"] == "乡镇擂台的 within 应为一个县"


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({"level": "village"}, "level", "level 应为 county（县级擂台）或 township（乡镇擂台）"),
        ({"month": "13"}, "month", "month 应为 1 到 12 之间的整数"),
        ({"month": "0"}, "month", "month 应为 1 到 12 之间的整数"),
        ({"year": "abc"}, "year", "year 应为年份，如 2024"),
        ({"year": "２０２４"}, "year", "year 应为年份，如 2024"),
        ({"year": "1999"}, "year", "没有 1999 年度的擂台比武：可选 2022–2024 年"),
        ({"month": "3"}, "month", "2024 年 3 月尚未开始"),
        ({"within": "abc"}, "within", "within 应为单位 id"),
        ({"within": "1.5"}, "within", "within 应为单位 id"),
    ],
)
def test_bad_parameters_are_a_400_in_chinese(four, params, field, message):
    admin = make_user(four.city, "admin")
    before = Observation.objects.count()
    answer = api_client_for(admin).get("/api/v1/league/", params)
    assert answer.status_code == 400
    assert answer.json()[field] == [message] and message in answer.json()["detail"]
    page = login(admin).get("/league/", params)
    assert page.status_code == 400 and message in page.content.decode()
    assert Observation.objects.count() == before and not LeagueWeights.objects.exists()


# ---------------------------------------------------------------------------------------------
# Files


def test_the_league_file_holds_the_json_cell_by_cell(four):
    client = api_client_for(make_user(four.city, "admin"))
    rows = client.get("/api/v1/league/", {"month": 1}).json()["results"]
    expected = [
        [
            r["rank"],
            r["rank_change"],
            r["previous_rank"],
            r["unit"]["code"],
            r["unit"]["name"],
            Decimal(r["composite_score"]),
            Decimal(r["observation_score"]),
            Decimal(r["weights"]["observation"]),
            Decimal(r["pace_score"]),
            Decimal(r["weights"]["pace"]),
            Decimal(r["assessment_score"]),
            Decimal(r["weights"]["assessment"]),
        ]
        for r in rows
    ]
    xlsx = client.get("/api/v1/league/", {"month": 1, "format": "xlsx"})
    assert xlsx.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet["A2"].value == "排名" and sheet["M2"].value == "说明"
    cells = [list(row) for row in sheet.iter_rows(min_row=3, values_only=True)]
    two = Decimal("0.01")
    assert [[*c[:5], *(Decimal(str(v)).quantize(two) for v in c[5:12])] for c in cells] == expected
    assert cells[3][12] == "靠后；本月未观摩；无评估得分"
    text = client.get("/api/v1/league/", {"month": 1, "format": "csv"}).content.decode("utf-8-sig")
    lines = list(csv.reader(io.StringIO(text)))
    assert lines[0][:3] == ["排名", "名次变化（上升为正）", "上月排名"]
    as_text = [["" if v is None else str(v) for v in row] for row in expected]
    assert [line[:12] for line in lines[1:]] == as_text


def test_the_observations_file_holds_the_json_cell_by_cell(four):
    client = api_client_for(make_user(four.city, "admin"))
    rows = client.get("/api/v1/observations/", {"year": 2024}).json()["results"]
    assert len(rows) == 6
    xlsx = client.get("/api/v1/observations/", {"year": 2024, "format": "xlsx"})
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.content)).active
    cells = [list(row) for row in sheet.iter_rows(min_row=3, values_only=True)]
    assert [
        [c[0], c[1], c[2], c[3], c[4], c[5].date().isoformat(), Decimal(str(c[7])), c[8]] for c in cells
    ] == [
        [
            r["unit"]["code"],
            r["unit"]["name"],
            r["observer"]["name"],
            r["year"],
            r["month"],
            r["date"],
            Decimal(r["total"]),
            len(r["problems"]),
        ]
        for r in rows
    ]
    text = client.get("/api/v1/observations/", {"year": 2024, "format": "csv"}).content.decode("utf-8-sig")
    lines = list(csv.reader(io.StringIO(text)))
    assert [line[0] for line in lines[1:]] == [r["unit"]["code"] for r in rows]
    # A county's file holds its own observations only, as its list does.
    county = api_client_for(make_user(four.c[0], "leader"))
    own = county.get("/api/v1/observations/", {"format": "csv"}).content.decode("utf-8-sig")
    assert [line[0] for line in list(csv.reader(io.StringIO(own)))[1:]] == ["530401", "530401"]
    bad = county.get("/api/v1/observations/", {"format": "csv", "year": "x"})
    assert bad.status_code == 400 and "year" in bad.json()


# ---------------------------------------------------------------------------------------------
# Queries


def _more_counties(city, n: int) -> None:
    from orgs.services import NewOrg

    rows = [NewOrg(f"5304{50 + i}", f"新县{i}", "county", "县", "530400") for i in range(n)]
    orgs_bulk_load(rows=rows)
    for unit in Organisation.objects.filter(code__in=[r.code for r in rows]):
        observe(city, unit, 2024, 1, 75)
        observe(city, unit, 2024, 2, 85)


def test_the_league_costs_the_same_queries_for_four_and_for_fourteen_counties(
    four, django_assert_num_queries
):
    admin = make_user(four.city, "admin")
    client = api_client_for(admin)
    page = login(admin)
    for counties in (4, 14):
        # The weights, the round years, the units; pace of the rounds of 2023 and 2024 (one
        # query each); the observations of the months; the assessment means.
        with django_assert_num_queries(1 + 1 + 1 + 2 + 1 + 1):
            result = league.league_compute(four.city, "county", 2024, 2, today=dt.date(2024, 2, 20))
        assert len(result.rows) == counties and len(result.months) == 2
        # The API (the user is given, the city is the user's unit): the round years, then the
        # league without them: the weights, the units, pace (2), the observations, the means.
        with django_assert_num_queries(1 + 1 + 1 + 2 + 1 + 1):
            assert client.get("/api/v1/league/").json()["count"] == counties
        # The page: session, user, the user's unit; the round years; the league as above (6);
        # the counties to choose from.
        with django_assert_num_queries(3 + 1 + 6 + 1):
            assert page.get("/league/").status_code == 200
        if counties == 4:
            _more_counties(four.city, 10)


# ---------------------------------------------------------------------------------------------
# The page


def test_the_page_shows_ranks_changes_parts_and_the_ends(four):
    html = login(make_user(four.c[0], "leader")).get("/league/").content.decode()
    assert "擂台比武" in html and "第2县" in html
    assert "上升 1 位" in html and "下降 2 位" in html and "↑2" in html
    assert "领先" in html and "靠后" in html and "本月未观摩" in html
    assert "?export=xlsx&amp;table=league" in html and 'data-chart="league"' in html
    assert 'id="league-data"' in html


def test_the_page_exports_the_same_table(four):
    client = login(make_user(four.city, "admin"))
    answer = client.get("/league/", {"month": 1, "export": "xlsx", "table": "league"})
    sheet = openpyxl.load_workbook(io.BytesIO(answer.content)).active
    names = [row[4] for row in sheet.iter_rows(min_row=3, values_only=True)]
    assert names == ["第1县", "第2县", "第3县", "第4县"]


def test_the_nav_links_the_league_for_those_who_read_it(four):
    assert 'href="/league/"' in login(make_user(four.c[0], "operator")).get("/").content.decode()
    village = login(make_user(four.v[0], "operator"))
    assert 'href="/league/"' not in village.get("/").content.decode()
    assert village.get("/league/").status_code == 403


# ---------------------------------------------------------------------------------------------
# The dashboard


def test_the_dashboard_shows_this_months_coverage_and_the_leagues_ends(four):
    html = login(make_user(four.city, "admin")).get("/dashboard/").content.decode()
    assert "本月现场观摩 3/4 个县已评。" in html and "尚未观摩： 第3县" in html
    section = html.split('id="monthly-h"')[1].split("</section>")[0]
    leading, trailing = section.split("<h4>领先</h4>")[1].split("<h4>靠后</h4>")
    assert [n for n in ("第2县", "第4县", "第1县", "第3县") if n in leading] == ["第2县", "第4县", "第1县"]
    assert "第3县" in trailing and "第1县" not in trailing
    assert f"/league/?level=county&amp;within={four.city.pk}&amp;year=2024&amp;month=2" in section


def test_a_countys_dashboard_shows_its_townships(four):
    observe(four.c[0], four.t[0], 2024, 2, 88)
    html = login(make_user(four.c[0], "leader")).get("/dashboard/").content.decode()
    assert "本月现场观摩 1/1 个乡镇已评。" in html
    assert f"/league/?level=township&amp;within={four.c[0].pk}" in html


def test_the_citys_page_chooses_the_county_of_a_township_league_and_ignores_it_for_the_counties(four):
    client = login(make_user(four.city, "leader"))
    township = client.get("/league/", {"level": "township", "county": four.c[1].pk}).content.decode()
    assert "第2县乡镇（街道）擂台比武" in township and "2县1镇" in township
    counties = client.get("/league/", {"level": "county", "county": four.c[1].pk})
    assert counties.status_code == 200 and "玉溪市县（市、区）擂台比武" in counties.content.decode()


def test_a_bad_parameter_of_a_file_is_a_json_400(four):
    client = api_client_for(make_user(four.city, "admin"))
    for fmt in ("xlsx", "csv"):
        answer = client.get("/api/v1/league/", {"month": "13", "format": fmt})
        assert answer.status_code == 400 and answer.json()["month"] == ["month 应为 1 到 12 之间的整数"]
    assert client.get("/api/v1/league/", {"format": "pdf"}).status_code == 400


def test_the_files_cost_the_same_queries_for_few_and_many_rows(four, django_assert_num_queries):
    client = api_client_for(make_user(four.city, "admin"))
    for counties in (4, 14):
        # The league's file: the round years, the weights, the units, pace of two years (2),
        # the observations, the assessment means.
        with django_assert_num_queries(1 + 1 + 1 + 2 + 1 + 1):
            answer = client.get("/api/v1/league/", {"format": "csv"})
        assert answer.content.decode("utf-8-sig").count("\r\n") == counties + 1
        # The observations' file: the count, the rows with their problems counted.
        with django_assert_num_queries(2):
            answer = client.get("/api/v1/observations/", {"format": "xlsx", "year": 2024})
        assert answer.status_code == 200
        if counties == 4:
            _more_counties(four.city, 10)


def test_the_dashboard_names_the_next_meetings_host(four):
    html = login(make_user(four.city, "admin")).get("/dashboard/").content.decode()
    section = html.split('id="monthly-h"')[1].split("</section>")[0]
    # No meeting held yet: the rota proposes this month's host, the first county by code.
    assert "下次工作推进会：2024 年 2 月，由第1县承办" in section and 'href="/meetings/"' in section
