"""The ratio benchmark on a slice (Yuxi's first county): the load timings leave nothing behind,
every endpoint is measured against its baselines, the writes change neither database, the
baseline views are not in the shipped URLs, and the table says what met its target."""

from __future__ import annotations

import pytest
from django.test import Client

from assessments.models import Assessment, Round, State
from devtools.bench.endpoints import endpoint_ratios
from devtools.bench.loads import score_load_ratio, tree_load_ratio
from devtools.bench.table import Ratio, ratios_table
from devtools.bench.writes import writes_ms
from devtools.province.generate import province_generate
from devtools.province.scores import sheet_plans
from devtools.province.tree import province_rows
from orgs.models import Organisation, User
from tests.helpers import assert_tree_valid

SLICE = {"prefectures": ["530400"], "limit_counties": 1}


def test_the_table_shows_each_ratio_against_its_target():
    rows = [
        Ratio("tree load", 300.0, "COPY", 100.0, 2),
        Ratio("progress", 5.0, "trivial view", 4.0, 2),
        Ratio("throughput", 20.0, "no-op", 100.0, 0.25, per_second=True),
        Ratio("results", 8.0, "SQL alone", 2.0),
        Ratio("dashboard", None, "no-op", None, 3, note="not built yet"),
    ]
    table = ratios_table(rows).splitlines()
    assert table[0] == "| operation | measured | baseline | ratio | target | met? |"
    assert table[2] == "| tree load | 300.0 ms | COPY: 100.0 ms | 3.00× | ≤ 2× | **no** |"
    assert table[3] == "| progress | 5.0 ms | trivial view: 4.0 ms | 1.25× | ≤ 2× | yes |"
    assert table[4] == "| throughput | 20 req/s | no-op: 100 req/s | 1/5.0 | ≥ 1/4 | **no** |"
    assert table[5].endswith("| 4.00× | — | — |")
    assert table[6] == "| dashboard | not built yet | no-op | — | ≤ 3× | — |"


def test_measured_and_baseline_are_timed_in_turn():
    from devtools.bench.table import interleaved_medians

    calls: list[str] = []
    medians = interleaved_medians({"a": lambda: calls.append("a"), "b": lambda: calls.append("b")}, runs=3)
    assert calls == ["a", "b"] * 3 and set(medians) == {"a", "b"} and all(m >= 0 for m in medians.values())


def test_load_timings_are_rolled_back_and_the_real_load_follows(db):
    rows = province_rows(**SLICE)["530400"]
    tree = tree_load_ratio(rows)
    assert not tree.note and tree.measured > 0 and tree.baseline > 0
    assert f"({len(rows):,} rows)" in tree.operation
    assert not Organisation.objects.exists()  # every timed run was rolled back
    report = province_generate(**SLICE, bench_loads=True)
    assert report.units_created == len(rows) and report.peak_mb["tree"] > 0
    tree_ratio, score_ratio = report.load_ratios
    assert not tree_ratio.note and not score_ratio.note and score_ratio.measured > 0
    assert_tree_valid(Organisation.objects.get(code="530400").tree_id)
    # after the real load, a second timing says why it cannot measure instead of measuring nothing
    assert "already stored" in tree_load_ratio(rows).note
    root = Organisation.objects.get(code="530400")
    again = score_load_ratio(
        tree_id=root.tree_id, round=Round.objects.get(year=2024), plans=sheet_plans(year=2024), label="x"
    )
    assert "already scored" in again.note


@pytest.fixture
def province(db) -> Organisation:
    province_generate(**SLICE)
    return Organisation.objects.get(code="530400")


def test_every_endpoint_is_measured_against_its_baselines(province):
    rows = endpoint_ratios(root_code="530400", year=2024)
    assert not [r for r in rows if r.note], [r.note for r in rows if r.note]
    labels = [r.operation for r in rows]
    for endpoint, extra in (
        ("progress, one prefecture", []),
        ("`/api/v1/assessments/` 1,000 rows, prefecture admin", ["its page as `.values()`"]),
        ("`/api/v1/assessments/` 1,000 rows, superuser (province)", ["its page as `.values()`"]),
        ("`/assessments/` page, prefecture admin", []),
        ("`/api/v1/results/` 1,000 rows, prefecture admin", []),
        ("dashboard, one prefecture", []),
        ("dashboard, province", []),
        ("league table, one prefecture", []),
    ):
        assert [
            label.split(" vs ")[1].split(" (")[0] for label in labels if label.startswith(endpoint + " vs")
        ] == ["its own SQL", "trivial view", *extra, "no-op"]
    sql = [r for r in rows if "its own SQL" in r.operation]
    assert all(r.baseline > 0 and "(0 queries)" not in r.operation for r in sql)
    assert any(label.startswith("progress, province-wide") for label in labels)


def test_the_baseline_views_are_not_in_the_shipped_urls(province, admin_client):
    assert admin_client.get("/__bench__/noop/").status_code == 404
    assert Client().get("/__bench__/assessments/").status_code == 404


def test_timed_writes_change_nothing(province):
    before = dict(Assessment.objects.values_list("pk", "state"))
    versions = dict(Assessment.objects.values_list("pk", "version"))
    result = writes_ms(year=2024)
    assert result["sheet_save"] > 0 and result["transition"] > 0 and result["rows"] >= 9
    assert dict(Assessment.objects.values_list("pk", "state")) == before
    assert dict(Assessment.objects.values_list("pk", "version")) == versions
    assert State.REVIEWED in before.values()
    assert not User.objects.filter(username__startswith="bench_").exists()
