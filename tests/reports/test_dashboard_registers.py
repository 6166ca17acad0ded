"""The registers on the dashboard: for the scope and year shown, each register's counts and first
rows, a link to its whole page (and its files) for the same ``?org=&year=``, and the documents
the scope's unit prints."""

from __future__ import annotations

import re

import pytest

from reports import selectors
from reports.views import registers as register_views
from tests.helpers import api_client_for, login

from .conftest import page_rows


def dashboard(user, **params) -> str:
    response = login(user).get("/dashboard/", params)
    assert response.status_code == 200
    return response.content.decode()


def test_each_register_shows_its_counts_and_first_rows_with_a_link_to_the_whole_page(late, monkeypatch):
    monkeypatch.setattr(register_views, "SUMMARY_ROWS", 3)
    county = late.tree.county
    html = dashboard(late.admin, org=county.pk, year=2024)
    query = f"?org={county.pk}&amp;year=2024"
    for url in ("/dashboard/late/", "/dashboard/titles/", "/dashboard/calibration/"):
        assert f'href="{url}{query}"' in html, url
        assert (
            f'href="{url}{query}&amp;export=xlsx"' in html and f'href="{url}{query}&amp;export=csv"' in html
        )
    expected = (
        api_client_for(late.admin).get("/api/v1/late/", {"within": county.pk, "page_size": 1000}).json()
    )
    shown = page_rows(html, "late")
    assert [row[0] for row in shown] == [r["unit"]["code"] for r in expected["results"][:3]]
    assert f"前 3 条，共 {expected['count']} 条" in html
    scope = selectors.report_scope(late.admin, county.pk)
    counts = selectors.late_rows(scope, late.round).counts
    section = html[html.index('id="dash-late"') : html.index('id="dash-register"')]
    for kind in selectors.LATE_KINDS:
        label = re.escape(str(selectors.LATE_LABELS[kind]))
        assert re.search(rf"<dt>{label}</dt><dd>{counts[kind]}</dd>", section), kind


def test_the_register_on_the_dashboard_follows_the_year_and_the_scope(late):
    html = dashboard(late.admin, year=2023)
    assert [row[0] for row in page_rows(html, "titles")] == [late.tree.group.code]  # the 2023 title
    html = dashboard(late.admin, org=late.tree.other_county.pk, year=2024)
    assert [row[0] for row in page_rows(html, "titles")] == [late.tree.far_village.code]


def test_the_dashboard_links_the_documents_of_its_unit_and_year(late):
    township = late.tree.township
    html = dashboard(late.admin, org=township.pk, year=2024)
    links = re.findall(r'href="(/documents/[a-z]+/\?[^"]*)"', html)
    assert links == [
        f"/documents/notice/?org={township.pk}&amp;year=2024&amp;target=standard",
        f"/documents/notice/?org={township.pk}&amp;year=2024&amp;target=demonstration",
        f"/documents/naming/?org={township.pk}&amp;year=2024&amp;target=standard",
        f"/documents/naming/?org={township.pk}&amp;year=2024&amp;target=demonstration",
        f"/documents/circular/?org={township.pk}&amp;year=2024",
    ]
    client = login(late.admin)
    for link in links:
        assert client.get(link.replace("&amp;", "&")).status_code == 200, link


@pytest.mark.parametrize("year", ["1999", "20x4"])
def test_a_year_without_a_round_is_still_not_found(late, year):
    assert login(late.admin).get("/dashboard/", {"year": year}).status_code == 404
