"""``generate_province`` on a slice (Yuxi's first county, 红塔区): the tree, a year of scores that
follow the scoring rules, idempotence, and the benchmark table."""

from __future__ import annotations

from collections import Counter, defaultdict
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from assessments.models import Assessment, Outcome, Score, State, Title, TitleStatus
from devtools.province.bench import bench_run, bench_table
from devtools.province.scores import sheet_plans, unit_scores
from devtools.province.tree import province_rows
from indicators.models import Indicator, IndicatorSet, applies
from indicators.scoring import scaled_total
from orgs.models import Organisation
from tests.helpers import assert_tree_valid

SLICE = ["--prefectures", "530400", "--limit-counties", "1"]


def generate(*extra: str) -> str:
    out = StringIO()
    call_command("generate_province", *SLICE, *extra, stdout=out)
    return out.getvalue()


@pytest.fixture
def province(db) -> Organisation:
    generate()
    return Organisation.objects.get(code="530400")


def test_slice_loads_the_real_divisions_with_groups_as_one_valid_tree(province):
    expected = Counter(row.level for row in province_rows(prefectures=["530400"], limit_counties=1)["530400"])
    loaded = Counter(Organisation.objects.values_list("level", flat=True))
    assert loaded == expected
    assert expected["city"] == 1 and expected["county"] == 1
    assert expected["group"] >= 8 * expected["village"]
    assert Organisation.objects.get(code="530402").name == "红塔区"
    assert_tree_valid(province.tree_id)


def test_every_unit_below_the_city_has_a_standard_assessment_with_both_sheets(province):
    units = Organisation.objects.exclude(level="city")
    assessments = Assessment.objects.select_related("org", "indicator_set")
    assert assessments.count() == units.count()
    assert not Assessment.objects.filter(org__level="city").exists()
    indicators: dict[int, list[Indicator]] = defaultdict(list)
    for indicator in Indicator.objects.all():
        indicators[indicator.indicator_set_id].append(indicator)
    sheets: dict[tuple[int, str], dict[int, Decimal]] = defaultdict(dict)
    vetoes: dict[tuple[int, str], list[bool | None]] = defaultdict(list)
    for assessment_id, stage, indicator_id, score, veto in Score.objects.values_list(
        "assessment_id", "stage", "indicator_id", "score", "veto_passed"
    ):
        sheets[assessment_id, stage][indicator_id] = score
        vetoes[assessment_id, stage].append(veto)
    for a in assessments:
        assert a.target == "standard"
        assert (a.indicator_set.level, a.indicator_set.year) == (a.org.level, 2024)
        items = indicators[a.indicator_set_id]
        applicable = {i.pk: i for i in items if applies(i.applies_to, a.org.area_type)}
        for stage in ("self", "review"):
            sheet = sheets[a.pk, stage]
            assert set(sheet) == set(applicable), f"{a.org.code} {stage} sheet incomplete"
            for indicator_id, score in sheet.items():
                top = applicable[indicator_id].max_score
                assert score * 2 == int(score * 2) and top * Decimal("0.6") <= score <= top
        total = a.indicator_set.total_score
        assert a.self_total == scaled_total(sheets[a.pk, "self"], items, a.org.area_type, total)
        assert a.review_total == scaled_total(sheets[a.pk, "review"], items, a.org.area_type, total)
        assert a.final_score == a.review_total
        assert a.veto_failed == (False in vetoes[a.pk, "review"])
        passed = a.final_score >= a.indicator_set.standard_threshold and not a.veto_failed
        assert a.outcome == (Outcome.PASS if passed else Outcome.FAIL)
        assert a.state in {State.REVIEWED, State.ACCEPTED, State.NAMED, State.FAILED}
    assert IndicatorSet.objects.filter(year=2024, is_frozen=True).count() == 4


def test_named_units_hold_an_active_standard_title_and_states_are_spread(province):
    states = Counter(Assessment.objects.values_list("state", flat=True))
    total = sum(states.values())
    assert states[State.REVIEWED] + states[State.ACCEPTED] > total / 2
    assert states[State.NAMED] > total / 10 and states[State.FAILED] > 0
    named = set(Assessment.objects.filter(state=State.NAMED).values_list("pk", flat=True))
    titles = Title.objects.filter(kind="standard", status=TitleStatus.ACTIVE, round__year=2024)
    assert set(titles.values_list("assessment_id", flat=True)) == named
    assert not Assessment.objects.filter(state=State.NAMED, outcome=Outcome.FAIL).exists()
    assert Assessment.objects.filter(veto_failed=True, outcome=Outcome.PASS).count() == 0


def test_running_twice_creates_nothing_new(province):
    counts = (Organisation.objects.count(), Assessment.objects.count(), Score.objects.count())
    output = generate()
    assert (Organisation.objects.count(), Assessment.objects.count(), Score.objects.count()) == counts
    assert "Units: 0 new" in output and "Assessments: 0 new" in output
    assert_tree_valid(province.tree_id)


def test_a_units_scores_follow_from_its_code_whatever_the_slice(province):
    """Each unit draws from its own seeded generator, so the full province run gives this
    county's units exactly the numbers the slice gave them."""
    a = Assessment.objects.select_related("org").filter(org__level="village").order_by("org__code").first()
    saved = Score.objects.filter(assessment=a, stage="review").order_by("indicator__order")
    plan = sheet_plans(year=2024)["village", a.org.area_type]
    generated = unit_scores(code=a.org.code, year=2024, plan=plan)
    assert [s.score * 2 for s in saved] == generated.review_halves
    assert generated.review_total == a.review_total


def test_bench_reports_every_endpoint_as_a_markdown_table(province):
    rows = bench_run(root_code="530400", year=2024, runs=2)
    assert [r.path.split("?")[0] for r in rows] == [
        "/api/v1/orgs/",
        "/api/v1/orgs/",
        "/api/v1/assessments/",
        "/api/v1/results/",
        "/api/v1/rankings/",
        "/api/v1/progress/",
        "/api/v1/indicator-sets/",
    ]
    for row in rows:  # every endpoint is built: none may be reported "not built"
        assert row.status == 200 and row.median_ms is not None and row.queries and not row.note, row
    table = bench_table(rows).splitlines()
    assert table[0].startswith("| endpoint |") and len(table) == 2 + len(rows)
    assert "| `/api/v1/orgs/?page_size=1000` | 200 |" in table[2]


def test_unknown_prefecture_is_refused(db):
    with pytest.raises(CommandError, match="999900"):
        call_command("generate_province", "--prefectures", "999900", stdout=StringIO())


def test_ratios_only_times_the_loaded_province_and_generates_nothing(province):
    units, assessments = Organisation.objects.count(), Assessment.objects.count()
    out = generate("--ratios-only", "--parts", "endpoints", "--runs", "1")
    assert (Organisation.objects.count(), Assessment.objects.count()) == (units, assessments)
    assert "Generating" not in out
    assert "| loads | not timed (--ratios-only) |" in out
    assert "| progress, one prefecture vs trivial view |" in out
    assert "throughput" not in out  # only the parts asked for


def test_ratios_only_on_an_empty_database_says_what_to_do_first(db):
    with pytest.raises(CommandError, match="load with --bench"):
        generate("--ratios-only")
    with pytest.raises(CommandError, match="--fresh"):
        generate("--ratios-only", "--fresh")
    assert not Organisation.objects.exists()


def test_a_plan_of_scores_writes_what_the_generator_writes_at_once(db):
    """The bench times ``scores_write`` of a plan made beforehand: the same rows as one call."""
    from django.db import transaction

    from assessments.models import Round, Score
    from devtools.province.generate import province_generate
    from devtools.province.scores import scores_plan, scores_write, year_of_scores

    province_generate(prefectures=["530400"], limit_counties=1, year=2024)
    tree_id = Organisation.objects.get(code="530400").tree_id
    round_ = Round.objects.get(year=2024)

    def written() -> tuple:
        rows = Score.objects.order_by("assessment__org__code", "stage", "indicator_id")
        return (
            list(Assessment.objects.order_by("org__code").values_list("org__code", "state", "final_score")),
            list(rows.values_list("assessment__org__code", "stage", "indicator_id", "score", "veto_passed")),
            list(Title.objects.order_by("org__code").values_list("org__code", "kind", "status")),
        )

    Title.objects.all().delete()
    Score.objects.all().delete()
    Assessment.objects.all().delete()
    plans = sheet_plans(year=2024)
    with transaction.atomic():
        year_of_scores(tree_id=tree_id, round=round_, plans=plans)
        at_once = written()
        transaction.set_rollback(True)
    planned = scores_plan(tree_id=tree_id, round=round_, plans=plans)
    assert not Assessment.objects.exists()  # a plan writes no row
    result = scores_write(planned)
    assert written() == at_once and result.assessments == len(at_once[0]) > 10
    assert result.scores == len(at_once[1])
