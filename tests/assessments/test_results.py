import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from assessments.models import Assessment, Round, Title
from assessments.services import campaign_install_default
from demo.drive import drive_to
from indicators.models import IndicatorSet
from indicators.services import indicator_sets_install_defaults
from orgs.models import Organisation
from orgs.services import NewOrg, orgs_bulk_load
from tests.assessments.helpers import rounds_open
from tests.helpers import api_client_for, make_user, rebuild_rollups, tree_rows


def make_assessment(org, year, target="standard", final=None, state="reviewed", outcome=""):
    return Assessment.objects.create(
        org=org,
        round=Round.objects.get(year=year),
        target=target,
        state=state,
        final_score=final,
        outcome=outcome,
        indicator_set=IndicatorSet.objects.get(level=org.level, year=year),
    )


def grant(org, year, kind="standard", revoked_at=None):
    a = make_assessment(
        org, year, target=kind, final=Decimal(95), state="revoked" if revoked_at else "named", outcome="pass"
    )
    return Title.objects.create(
        org=org,
        kind=kind,
        round=a.round,
        assessment=a,
        granted_at=timezone.now(),
        status="revoked" if revoked_at else "active",
        revoked_at=revoked_at,
    )


@pytest.fixture
def catalogue(db):
    indicator_sets_install_defaults()
    campaign_install_default()
    rounds_open()  # the rounds' windows open today


# ---------------------------------------------------------------------------------------------
# Rankings and results


def test_rankings_share_ranks_on_ties_and_skip_after_them(world):
    villages = [
        world.tree.village,
        world.tree.sibling_village,
        world.tree.far_village,
        Organisation.objects.get(code="530402001002"),
    ]
    for org, score in zip(villages, ["91.50", "88.00", "91.50", "70.00"], strict=True):
        make_assessment(org, 2024, final=Decimal(score))
    body = api_client_for(world.admin).get("/api/v1/rankings/", {"year": 2024, "level": "village"}).json()
    assert [(r["org_code"], r["final_score"], r["rank"]) for r in body["results"]] == [
        ("530401001001", "91.50", 1),
        ("530402001001", "91.50", 1),
        ("530401001002", "88.00", 3),
        ("530402001002", "70.00", 4),
    ]


def test_rankings_are_limited_to_the_callers_subtree(world):
    make_assessment(world.tree.village, 2024, final=Decimal(90))
    make_assessment(world.tree.far_village, 2024, final=Decimal(99))
    rows = api_client_for(world.leader).get("/api/v1/rankings/", {"year": 2024}).json()["results"]
    assert [(r["org_code"], r["rank"]) for r in rows] == [("530401001001", 1)]


def test_results_are_flat_rows_with_the_title(world):
    named = drive_to(world.declare(), "named", cast=world.cast)
    make_assessment(world.tree.sibling_village, 2024, final=Decimal(60), state="failed", outcome="fail")
    rows = api_client_for(world.leader).get("/api/v1/results/", {"year": 2024}).json()["results"]
    by_code = {r["org_code"]: r for r in rows}
    assert set(by_code["530401001001"]) >= {
        "org_code",
        "org_name",
        "level",
        "year",
        "target",
        "final_score",
        "outcome",
        "state",
        "title",
        "rank",
    }
    assert (by_code["530401001001"]["title"], by_code["530401001001"]["state"]) == ("standard", "named")
    assert (by_code["530401001002"]["title"], by_code["530401001002"]["outcome"]) == (None, "fail")
    only_failed = api_client_for(world.leader).get("/api/v1/results/", {"outcome": "fail"}).json()["results"]
    assert [r["org_code"] for r in only_failed] == ["530401001002"]
    assert named.pk


@pytest.mark.parametrize(
    "params", [{"year": "x"}, {"level": "planet"}, {"outcome": "maybe"}, {"within": "-1"}]
)
def test_bad_result_filters_answer_400(world, params):
    assert api_client_for(world.admin).get("/api/v1/results/", params).status_code == 400


# ---------------------------------------------------------------------------------------------
# Progress against the pace, with a hand-computed example

PROGRESS_TREE = [
    NewOrg("530400", "玉溪市", "city", "市", None),
    NewOrg("530401", "甲县", "county", "县", "530400"),
    NewOrg("530401001", "一镇", "township", "镇", "530401"),
    *[NewOrg(f"53040100100{n}", f"一镇{n}村", "village", "村", "530401001") for n in range(1, 6)],
    NewOrg("530401002", "二街道", "township", "街道", "530401"),
    *[NewOrg(f"53040100200{n}", f"二街道{n}社区", "village", "社区", "530401002") for n in range(1, 4)],
    NewOrg("530401001001001", "一组", "group", "村民小组", "530401001001"),
    NewOrg("530401001001002", "二组", "group", "村民小组", "530401001001"),
]


@pytest.fixture
def progress_world(catalogue):
    orgs_bulk_load(rows=PROGRESS_TREE)
    get = Organisation.objects.get
    grant(get(code="530401001001"), 2022)
    revoked = dt.datetime(2023, 6, 1, 10, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    grant(get(code="530401001002"), 2022, revoked_at=revoked)
    grant(get(code="530401001003"), 2023)
    grant(get(code="530401002001"), 2022)
    grant(get(code="530401002001"), 2022, kind="demonstration")
    rebuild_rollups()  # the titles above were written directly, not through the services
    return make_user(get(code="530401"), "leader")


def level(levels, name):
    return next(row for row in levels if row["level"] == name)


def test_progress_2022_against_a_hand_computed_example(progress_world):
    body = api_client_for(progress_world).get("/api/v1/progress/", {"year": 2022}).json()
    assert (body["standard_percent"], body["demonstration_percent"]) == (30, 10)
    # Townships (2): 30 % of 2 = 0.6 → 1; 10 % → 0.2 → 0.
    townships = level(body["levels"], "township")
    assert {k: townships[k] for k in ("units", "standard", "standard_target", "demonstration_target")} == {
        "units": 2,
        "standard": 0,
        "standard_target": 1,
        "demonstration_target": 0,
    }
    # Villages, counted per township and summed: 一镇 5 → 1.5 → 2 and 0.5 → 1; 二街道 3 → 0.9 → 1 and 0.3 → 0.
    # (Rounding the county's 8 villages at once would give 2 and 1: targets roll up, they are not re-rounded.)
    villages = level(body["levels"], "village")
    assert {
        k: villages[k]
        for k in ("units", "standard", "demonstration", "standard_target", "demonstration_target")
    } == {
        "units": 8,
        "standard": 3,
        "demonstration": 1,
        "standard_target": 3,
        "demonstration_target": 1,
    }
    assert villages["standard_on_pace"] and villages["demonstration_on_pace"]
    groups = level(body["levels"], "group")
    assert (groups["units"], groups["standard_target"]) == (2, 1)
    first, second = body["children"]
    assert first["name"] == "一镇" and second["name"] == "二街道"
    v1 = level(first["levels"], "village")
    assert (
        v1["units"],
        v1["standard"],
        v1["standard_target"],
        v1["demonstration"],
        v1["demonstration_target"],
    ) == (
        5,
        2,
        2,
        0,
        1,
    )
    assert not v1["demonstration_on_pace"]
    v2 = level(second["levels"], "village")
    assert (
        v2["units"],
        v2["standard"],
        v2["standard_target"],
        v2["demonstration"],
        v2["demonstration_target"],
    ) == (
        3,
        1,
        1,
        1,
        0,
    )
    assert [row["level"] for row in first["levels"]] == ["village", "group"]


def test_progress_2023_counts_titles_cumulatively_and_drops_the_revoked_one(progress_world):
    body = api_client_for(progress_world).get("/api/v1/progress/", {"year": 2023}).json()
    assert (body["standard_percent"], body["demonstration_percent"]) == (70, 20)
    v1 = level(body["children"][0]["levels"], "village")
    # 70 % of 5 = 3.5 → 4; 20 % of 5 = 1.0 → 1. Titled: 1村 (2022), 3村 (2023); 2村 revoked in 2023.
    assert (v1["standard"], v1["standard_target"], v1["demonstration_target"]) == (2, 4, 1)
    v2 = level(body["children"][1]["levels"], "village")
    assert (v2["standard"], v2["standard_target"], v2["demonstration_target"]) == (
        1,
        2,
        1,
    )  # 2.1 → 2, 0.6 → 1
    villages = level(body["levels"], "village")
    assert (villages["standard"], villages["standard_target"], villages["demonstration_target"]) == (3, 6, 2)


def test_progress_of_a_unit_outside_scope_is_404(progress_world, db):
    city = Organisation.objects.get(code="530400")
    response = api_client_for(progress_world).get("/api/v1/progress/", {"org": city.pk, "year": 2022})
    assert response.status_code == 404


def test_progress_for_a_year_without_a_round_is_400(progress_world):
    assert api_client_for(progress_world).get("/api/v1/progress/", {"year": 2030}).status_code == 400


def test_progress_of_an_inactive_unit_or_one_that_does_not_exist_is_404(progress_world):
    from orgs.services import org_update

    township = Organisation.objects.get(code="530401002")
    client = api_client_for(progress_world)
    assert client.get("/api/v1/progress/", {"org": 10**9, "year": 2022}).status_code == 404
    org_update(org=township, is_active=False)
    body = client.get("/api/v1/progress/", {"org": township.pk, "year": 2022}).json()
    assert body["org"]["code"] == "530401002" and body["children"] == []  # still readable, nothing below


def test_progress_without_a_year_is_the_latest_rounds(progress_world):
    client = api_client_for(progress_world)
    latest = Round.objects.order_by("-year").first().year
    assert client.get("/api/v1/progress/").json() == client.get("/api/v1/progress/", {"year": latest}).json()


def test_progress_of_a_unit_below_the_caller_lists_only_its_children(progress_world):
    township = Organisation.objects.get(code="530401001")
    body = api_client_for(progress_world).get("/api/v1/progress/", {"org": township.pk, "year": 2022}).json()
    assert body["org"]["code"] == "530401001"
    assert [c["code"] for c in body["children"]] == [f"53040100100{n}" for n in range(1, 6)]
    assert [lv["level"] for lv in body["levels"]] == ["village", "group"]


def test_the_progress_answer_is_exactly_what_its_serializer_documents(progress_world):
    """The view writes the selector's dicts as they are: the same JSON the serializer gives."""
    from assessments.api.serializers import ProgressSerializer

    for client, params in (
        (api_client_for(progress_world), {"year": 2023}),
        (api_client_for(_superuser()), {"year": 2022}),
    ):
        body = client.get("/api/v1/progress/", params).json()
        assert body["children"] and body == dict(ProgressSerializer(body).data)
        assert json_types(body) == json_types(dict(ProgressSerializer(body).data))


def _superuser():
    from orgs.models import User

    return User.objects.create_superuser("root", password="x-root-pass-1")


def json_types(value):
    """The JSON types of a value, all the way down (so 40.0 and 40 differ)."""
    if isinstance(value, dict):
        return {k: json_types(v) for k, v in value.items()}
    if isinstance(value, list):
        return [json_types(v) for v in value]
    return type(value).__name__


# ---------------------------------------------------------------------------------------------
# Query counts do not grow with the number of units


def populate(counties, townships, villages, groups):
    orgs_bulk_load(rows=tree_rows(counties=counties, townships=townships, villages=villages, groups=groups))
    sets = {s.level: s for s in IndicatorSet.objects.filter(year=2024)}
    round_ = Round.objects.get(year=2024)
    units = list(Organisation.objects.exclude(level="city").exclude(assessments__round=round_))
    rows = [
        Assessment(
            org=o,
            round=round_,
            target="standard",
            indicator_set=sets[o.level],
            state="in_notice",
            final_score=Decimal(60 + (o.pk % 40)),
            outcome="pass",
            notice_ends_at=timezone.now(),
        )
        for o in units
    ]
    Assessment.objects.bulk_create(rows)
    for a in Assessment.objects.filter(round=round_).order_by("pk")[: len(rows) // 5]:
        Title.objects.get_or_create(
            assessment=a,
            defaults={"org_id": a.org_id, "kind": "standard", "round": round_, "granted_at": timezone.now()},
        )
    rebuild_rollups()  # written directly, not through the services
    return Organisation.objects.count()


def count_queries(client, url, params):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, params)
    assert response.status_code == 200, response.content
    return len(ctx.captured_queries)


ENDPOINTS = [
    ("/api/v1/assessments/", {"page_size": 1000}),
    ("/api/v1/results/", {"page_size": 1000, "year": 2024}),
    ("/api/v1/rankings/", {"page_size": 1000, "year": 2024}),
    ("/api/v1/progress/", {"year": 2024}),
    ("/api/v1/notices/", {"page_size": 1000}),
]


def test_query_counts_are_the_same_for_10_and_1000_units(catalogue):
    assert populate(1, 1, 2, 3) <= 12
    admin = make_user(Organisation.objects.get(code="530400"), "admin")
    client = api_client_for(admin)
    small = {url: count_queries(client, url, params) for url, params in ENDPOINTS}
    assert populate(2, 5, 10, 9) > 1000
    large = {url: count_queries(client, url, params) for url, params in ENDPOINTS}
    assert large == small
    # lists: count + one page; progress: one query (the round, its pace, the units asked for,
    # their children and the caller's unit, their rollups)
    assert small["/api/v1/assessments/"] == 2 and small["/api/v1/results/"] == 2
    assert small["/api/v1/progress/"] == 1


def test_progress_2024_the_final_year_targets_every_unit_for_the_standard_title(progress_world):
    body = api_client_for(progress_world).get("/api/v1/progress/", {"year": 2024}).json()
    assert (body["standard_percent"], body["demonstration_percent"]) == (100, 30)
    v1 = level(body["children"][0]["levels"], "village")
    # 100 % of 5 = 5; 30 % of 5 = 1.5 → 2. Titled: 1村 (2022) and 3村 (2023); 2村 was revoked in 2023.
    assert (v1["standard"], v1["standard_target"], v1["demonstration"], v1["demonstration_target"]) == (
        2,
        5,
        0,
        2,
    )
    assert not v1["standard_on_pace"] and not v1["demonstration_on_pace"]
    v2 = level(body["children"][1]["levels"], "village")
    assert (v2["standard_target"], v2["demonstration_target"]) == (3, 1)  # 100 % of 3; 0.9 → 1
    villages = level(body["levels"], "village")
    assert (villages["standard_target"], villages["demonstration_target"]) == (8, 3)


def test_progress_shows_the_share_of_units_titled_to_one_decimal(progress_world):
    body = api_client_for(progress_world).get("/api/v1/progress/", {"year": 2024}).json()
    v1 = level(body["children"][0]["levels"], "village")
    assert (v1["standard_rate"], v1["demonstration_rate"]) == (40.0, 0.0)  # 2 of 5, 0 of 5
    villages = level(body["levels"], "village")
    assert (villages["standard_rate"], villages["demonstration_rate"]) == (37.5, 12.5)  # 3 of 8, 1 of 8
    v2 = level(body["children"][1]["levels"], "village")
    assert v2["standard_rate"] == 33.3  # 1 of 3
    # 二街道 has no groups: no share rather than 0 %
    groups = level(body["children"][1]["levels"], "group")
    assert (groups["units"], groups["standard_rate"], groups["demonstration_rate"]) == (0, None, None)


def test_a_title_revoked_during_a_year_does_not_count_for_that_year_but_for_the_years_before(progress_world):
    def titled(year):
        body = api_client_for(progress_world).get("/api/v1/progress/", {"year": year}).json()
        return level(body["children"][0]["levels"], "village")["standard"]

    # 2村 was granted in 2022 and revoked in June 2023
    assert (titled(2022), titled(2023)) == (2, 2)  # 2022: 1村 and 2村; 2023: 1村 and 3村


def test_deactivated_units_are_neither_counted_nor_targeted(progress_world):
    from orgs.services import org_update

    org_update(org=Organisation.objects.get(code="530401001005"), is_active=False)
    org_update(org=Organisation.objects.get(code="530401002"), is_active=False)
    body = api_client_for(progress_world).get("/api/v1/progress/", {"year": 2022}).json()
    assert [c["name"] for c in body["children"]] == ["一镇"]
    v1 = level(body["children"][0]["levels"], "village")
    assert (v1["units"], v1["standard_target"], v1["demonstration_target"]) == (4, 1, 0)  # 1.2 → 1; 0.4 → 0
    townships = level(body["levels"], "township")
    assert townships["units"] == 1


def test_cumulative_pace_never_targets_more_than_every_unit(progress_world):
    from assessments.models import PaceTarget

    PaceTarget.objects.filter(year=2024, target="standard").update(percent=50)  # 30 + 40 + 50
    body = api_client_for(progress_world).get("/api/v1/progress/", {"year": 2024}).json()
    assert body["standard_percent"] == 100
    assert level(body["children"][0]["levels"], "village")["standard_target"] == 5


def test_a_revoked_title_does_not_show_in_the_results(world):
    a = drive_to(world.declare(), "revoked", cast=world.cast)
    row = api_client_for(world.leader).get("/api/v1/results/", {"year": 2024}).json()["results"][0]
    assert (row["org_code"], row["state"], row["title"], row["title_status"]) == (
        a.org.code,
        "revoked",
        None,
        "revoked",
    )


def test_a_unit_without_a_final_score_has_no_rank(world):
    make_assessment(world.tree.village, 2024, final=Decimal(90))
    make_assessment(world.tree.sibling_village, 2024, final=None, state="submitted")
    rows = api_client_for(world.leader).get("/api/v1/results/", {"year": 2024}).json()["results"]
    assert {r["org_code"]: r["rank"] for r in rows} == {"530401001001": 1, "530401001002": None}


def test_rankings_are_separate_for_each_level_and_each_title(world):
    make_assessment(world.tree.village, 2024, final=Decimal(80))
    make_assessment(world.tree.township, 2024, final=Decimal(95))
    make_assessment(world.tree.sibling_village, 2024, final=Decimal(85))
    demonstration = make_assessment(world.tree.far_village, 2024, target="demonstration", final=Decimal(99))
    rows = api_client_for(world.admin).get("/api/v1/results/", {"year": 2024}).json()["results"]
    ranks = {r["org_code"]: r["rank"] for r in rows}
    assert ranks == {"530401001001": 2, "530401001002": 1, "530401001": 1, demonstration.org.code: 1}


def test_progress_of_a_unit_of_another_tree_is_404_even_where_its_place_numbers_fall_inside(progress_world):
    from dataclasses import replace

    orgs_bulk_load(
        rows=[
            replace(r, code="5305" + r.code[4:], parent_code=r.parent_code and "5305" + r.parent_code[4:])
            for r in tree_rows(counties=1, townships=1, villages=2, groups=1)
        ]
    )
    mine = progress_world.org
    other = Organisation.objects.exclude(tree_id=mine.tree_id).get(
        lft__gt=mine.lft, lft__lt=mine.rght, level="township"
    )
    client = api_client_for(progress_world)
    assert client.get("/api/v1/progress/", {"org": other.pk, "year": 2022}).status_code == 404
    inside = Organisation.objects.get(tree_id=mine.tree_id, lft=other.lft)
    assert client.get("/api/v1/progress/", {"org": inside.pk, "year": 2022}).status_code == 200
