from collections import Counter
from io import StringIO

from django.apps import apps
from django.core.management import call_command
from django.utils import timezone

from assessments.models import Assessment, AssessmentRollup, Event, State, Title
from demo.assessments import PLAN
from orgs.models import Organisation, UnitRollup, User
from reports import selectors
from tests.helpers import assert_tree_valid, password_login


def dump() -> dict:
    """Every row of every table of the apps the demo writes to."""
    return {
        model._meta.label: list(model.objects.order_by("pk").values())
        for label in ("orgs", "indicators", "assessments")
        for model in apps.get_app_config(label).get_models()
    }


def test_seed_demo_loads_yuxi_and_running_it_again_changes_nothing(demo, capsys):
    first = dump()
    call_command("seed_demo")
    out = capsys.readouterr().out
    assert "operator" in out and "yuxi-demo-2024" in out
    assert "新增单位 0 个" in out and "新增评估 0 个" in out
    assert dump() == first
    counts = {
        level: Organisation.objects.filter(level=level).count()
        for level in ("city", "county", "township", "village")
    }
    assert counts == {"city": 1, "county": 9, "township": 76, "village": 718}
    assert Organisation.objects.filter(level="village", kind="社区").count() == 294
    groups = Organisation.objects.filter(level="group")
    assert 718 * 8 <= groups.count() <= 718 * 12
    assert not groups.filter(parent__kind="村").exclude(kind="村民小组").exists()
    assert not groups.filter(parent__kind="社区", kind="村民小组").exists()
    mall = Organisation.objects.get(name="财富广场小区")
    assert [mall.parent.name, mall.township.name, mall.county.name] == [
        "青龙社区",
        "桂山街道",
        "新平彝族傣族自治县",
    ]
    hamlet = Organisation.objects.get(name="下打马坎村民小组")
    assert [hamlet.parent.name, hamlet.township.name, hamlet.county.name] == [
        "大黑冲村",
        "里山彝族乡",
        "通海县",
    ]
    assert_tree_valid(mall.tree_id)
    assert set(User.objects.values_list("role", flat=True)) == {"operator", "reviewer", "leader", "admin"}


def test_every_demo_login_can_log_in(demo, client):
    for username in ("admin", "leader", "reviewer", "operator", "village_reviewer"):
        assert password_login(client, username, "yuxi-demo-2024"), username
        client.logout()


def test_the_demo_holds_assessments_in_every_state(demo):
    workflow = Assessment.objects.filter(round__year=2024, org__code__in=PLAN)
    states = Counter(workflow.values_list("state", flat=True))
    assert set(states) == set(State.values) and sum(states.values()) == 13
    rectifying = Assessment.objects.get(state=State.RECTIFYING, org__code="530423101204")
    assert list(
        rectifying.events.filter(action__in=["warn", "rectify_order"]).values_list("action", flat=True)
    ) == [
        "warn",
        "rectify_order",
    ]
    assert Assessment.objects.get(org__code="530423201202").state == State.DRAFT  # the operator's own
    # 村评组: the same operator fills in for 大黑冲村's groups (代填); one group has its own account
    groups = Assessment.objects.filter(round__year=2024, org__parent__code="530423201202")
    assert Counter(groups.values_list("state", flat=True)) == {"draft": 3, "submitted": 3, "reviewed": 1}
    operator = User.objects.get(username="operator")
    proxied = Event.objects.filter(assessment__in=groups, actor=operator, action="submit")
    assert proxied.count() == 3
    assert all(e.data["proxy"]["org_name"] == "大黑冲村" for e in proxied)
    own = groups.get(org__name="下打马坎村民小组")
    assert not [e for e in own.events.all() if "proxy" in e.data]
    assert own.events.get(action="submit").actor.org_id == own.org_id


def test_the_demo_holds_titles_of_every_campaign_year_some_counties_on_pace_some_behind(demo):
    assert AssessmentRollup.objects.exists() and UnitRollup.objects.exists()
    call_command("rebuild_rollups", "--check", stdout=StringIO())  # the totals match the rows
    titles = Counter(Title.objects.values_list("round__year", "kind"))
    for year in (2022, 2023, 2024):
        assert titles[(year, "standard")] > 500 and titles[(year, "demonstration")] > 100, year
    assert not Title.objects.filter(org__code__in=PLAN).exclude(round__year=2024).exists()
    # a 示范 title only where the unit holds a 达标 title of the same year or earlier
    first = dict(Title.objects.filter(kind="standard").values_list("org_id", "round__year"))
    models = Title.objects.filter(kind="demonstration").values_list("org_id", "round__year")
    assert all(first.get(org_id, 9999) <= year for org_id, year in models)
    city = Organisation.objects.get(code="530400")
    scope = selectors.Scope(org=city, path=[])
    for year in (2022, 2023, 2024):
        pace = selectors.pace(scope, year)
        villages = [c["levels"][1] for c in pace["children"]]
        behind = [v["standard_missing"] > 0 for v in villages]
        assert any(behind) and not all(behind), (year, behind)
        assert all(v["standard"] > 0 for v in villages), year


def test_the_demo_gives_every_register_something_to_show(demo):
    """The current round open today (its late list: a rectification past its deadline) and the
    round before with its real dates (units late to declare, to finish the sheet and to review),
    a warned title, a rectification with a deadline and one past it, a revoked title, and one
    reviewing unit flagged among its peers."""
    from assessments.models import Round
    from assessments.services.campaign import default_round_dates
    from reports import selectors

    admin = User.objects.get(username="admin")
    scope, round_ = selectors.report_scope(admin), selectors.report_round()
    assert round_.year == 2024
    today = timezone.localdate()
    assert round_.declaration_opens < today < round_.declaration_closes
    for earlier in Round.objects.filter(year__lt=2024):
        dates = default_round_dates(earlier.year)
        assert {name: getattr(earlier, name) for name in dates} == dates
    late = selectors.late_rows(scope, round_)
    assert late.counts["rectification"] > 0, late.counts
    assert late.count() == late.counts["rectification"], late.counts  # nothing else is due yet
    before = selectors.late_rows(scope, Round.objects.get(year=2023))
    assert all(before.counts[k] > 0 for k in ("declaration", "self_sheet", "review")), before.counts
    statuses = Counter(r["register_status"] for r in selectors.title_rows(scope))
    assert all(statuses[s] > 0 for s in selectors.TITLE_STATUSES), statuses
    rectifying = list(
        selectors.title_rows(scope, status="rectifying").values_list(
            "assessment__rectify_deadline", flat=True
        )
    )
    assert len(rectifying) == 2 and min(rectifying) < late.today < max(rectifying)
    flagged = selectors.calibration(scope, round_).flagged
    assert [(r["reviewer_name"], r["flag"]) for r in flagged] == [("兴蒙蒙古族乡", "lenient")]


def test_the_demo_league_ranks_the_nine_counties_every_month_with_changes(demo, client):
    """The demo's league table (擂台比武): its year of observations gives every month of this year
    a real table of the nine counties, and the ranks move from month to month."""
    from monthly import league

    today = timezone.localdate()
    city = Organisation.objects.get(code="530400")
    result = league.league_compute(city, "county", today.year, today.month)
    assert len(result.rows) == 9 and len(result.months) == today.month
    for table in result.months:
        assert table.ranked and len({r.rank for r in table.rows}) > 1, table.period
        assert any(r.rank_change not in (0, None) for r in table.rows), table.period
    assert all(r.previous_rank is not None for r in result.rows)  # last month was ranked too
    admin = User.objects.get(username="admin")
    assert password_login(client, admin.username, "yuxi-demo-2024")
    html = client.get("/league/").content.decode()
    assert html.count('<tr class="is-leader">') == 3 and "红塔区" in html
