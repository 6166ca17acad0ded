"""Reviewer calibration on constructed gaps: per reviewing unit the mean of (review − self) and
its spread, and the flag on a unit whose mean lies beyond two standard deviations of its peers'."""

from __future__ import annotations

from decimal import Decimal

import pytest

from assessments.models import Round
from assessments.services import campaign_install_default
from indicators.services import indicator_sets_install_defaults
from orgs.models import Organisation
from orgs.services import orgs_bulk_load
from reports import selectors
from tests.helpers import login, make_user, tree_rows

from .conftest import assessment

# township number → the gaps (review − self) of its villages' assessments
NORMAL = {1: ["-2", "-2", "-2"], 2: ["-3", "-3", "-3"], 3: ["-1", "-2", "-3"], 4: ["-2.5", "-1.5", "-2"]}


def build(gaps: dict[int, list[str]], year: int = 2024) -> None:
    """One county with a township per key, each reviewing its villages with those gaps (self
    total 90)."""
    orgs_bulk_load(rows=tree_rows(counties=1, townships=max(gaps), villages=3, groups=1))
    indicator_sets_install_defaults()
    campaign_install_default()
    for t, township_gaps in gaps.items():
        for v, gap in enumerate(township_gaps, start=1):
            org = Organisation.objects.get(code=f"530401{t:03d}{v:03d}")
            assessment(org, year, self_total=Decimal(90), review_total=Decimal(90) + Decimal(gap))


def by_code(rows):
    return {r["reviewer_code"]: r for r in rows}


@pytest.mark.parametrize(("gaps", "flag"), [(["6", "5", "7"], "lenient"), (["-12", "-11", "-13"], "harsh")])
def test_a_reviewing_unit_far_from_its_peers_is_flagged(db, gaps, flag):
    build({**NORMAL, 5: gaps})
    admin = make_user(Organisation.objects.get(code="530400"), "admin")
    result = selectors.calibration(selectors.report_scope(admin), Round.objects.get(year=2024))
    rows = by_code(result.rows)
    outlier = rows["530401005"]
    # Peers: the means of townships 1–4 are −2, −3, −2, −2: mean −2.25, sample deviation 0.5.
    assert (outlier["n"], outlier["peers"], outlier["peer_mean"], outlier["peer_sd"]) == (
        3,
        4,
        Decimal("-2.25"),
        Decimal("0.50"),
    )
    assert outlier["mean_gap"] == sum(Decimal(g) for g in gaps) / 3
    assert outlier["sd"] == Decimal("1.00")
    assert outlier["flag"] == flag
    assert [r["reviewer_code"] for r in result.flagged] == ["530401005"]
    assert result.rows[0] is outlier  # flagged first
    # Township 2 (−3) is not far from peers that include the outlier.
    assert rows["530401002"]["flag"] == ""


def test_units_with_too_few_reviews_or_peers_are_shown_but_not_compared(db):
    build({1: ["-2", "-2", "-2"], 2: ["-3", "-3", "-3"], 3: ["9", "9"]})
    admin = make_user(Organisation.objects.get(code="530400"), "admin")
    rows = by_code(selectors.calibration(selectors.report_scope(admin), Round.objects.get(year=2024)).rows)
    assert rows["530401003"]["n"] == 2 and rows["530401003"]["peers"] is None
    assert rows["530401001"]["peers"] == 1 and rows["530401001"]["peer_mean"] is None  # too few peers
    assert not any(r["flag"] for r in rows.values())


def test_drafts_and_submissions_do_not_count(db):
    build({1: ["-2", "-2", "-2"]})
    village = Organisation.objects.get(code="530401001001")
    assessment(village, 2024, target="demonstration", state="submitted", self_total=90, review_total=50)
    admin = make_user(Organisation.objects.get(code="530400"), "admin")
    (row,) = selectors.calibration(selectors.report_scope(admin), Round.objects.get(year=2024)).rows
    assert (row["n"], row["mean_gap"]) == (3, Decimal("-2.00"))


def test_the_calibration_page_flags_the_outlier_for_a_county_leader(db):
    build({**NORMAL, 5: ["6", "5", "7"]})
    leader = make_user(Organisation.objects.get(code="530401"), "leader")
    response = login(leader).get("/dashboard/calibration/", {"year": 2024})
    assert response.status_code == 200
    calibration = response.context["calibration"]
    assert calibration["flagged"] == 1
    first = calibration["table"].rows[0]
    assert first[0] == "530401005" and first[3] == 3 and first[4] == Decimal("6.00")
    assert "偏宽" in response.content.decode()
