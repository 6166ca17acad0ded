"""The registers as whole tables for a file: every row of the list, in its order, in chunks,
with Chinese headers; bad parameters refused as the list refuses them."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from reports.exports import late_export, titles_export
from tests.assessments.helpers import rounds_real_dates
from tests.helpers import api_client_for
from yuxi_campaign.core.errors import InvalidInput, OutOfScope

from .conftest import title


def test_the_late_export_holds_every_row_of_the_list_in_chunks(world):
    world.declare()
    rounds_real_dates()  # the year's windows close: the units that did not declare are late
    api = api_client_for(world.admin).get("/api/v1/late/", {"page_size": 1000}).json()
    table, total, chunks = late_export(world.admin, {"year": "2024"}, chunk_rows=7)
    with CaptureQueriesContext(connection) as ctx:
        rows = [row for chunk in chunks for row in chunk]
    assert total == len(rows) == api["count"] == 30
    assert [(r[0], r[6]) for r in rows] == [(r["unit"]["code"], r["days_late"]) for r in api["results"]]
    assert [c.label for c in table.columns][:2] == ["单位编码", "单位"]
    assert table.rows == [] and table.year == 2024
    # The union read once (streamed), the officials of each chunk (5 chunks of 7) once a chunk.
    assert len(ctx.captured_queries) == 1 + 5


def test_the_titles_export_holds_every_title_of_the_filter(world):
    for org in (world.tree.village, world.tree.sibling_village, world.tree.far_village):
        title(org, 2023)
    table, total, chunks = titles_export(world.county_leader, {"year": "2023", "status": ""}, chunk_rows=1)
    rows = [row for chunk in chunks for row in chunk]
    assert total == 2 and [r[0] for r in rows] == [world.tree.village.code, world.tree.sibling_village.code]
    assert [c.label for c in table.columns][3] == "称号"


@pytest.mark.parametrize(
    ("export", "params"),
    [
        (late_export, {"year": "abc"}),
        (titles_export, {"status": "nonsense"}),
        (late_export, {"year": "1999"}),
    ],
)
def test_bad_parameters_are_refused(world, export, params):
    with pytest.raises(InvalidInput):
        export(world.admin, params)


def test_a_unit_outside_the_subtree_is_not_found(world):
    with pytest.raises(OutOfScope):
        titles_export(world.county_leader, {"within": str(world.tree.far_village.pk)})
