"""The demo's league table (擂台比武): its year of observations gives every month of this year a
real table of the nine counties, and the ranks move from month to month."""

from django.core.management import call_command
from django.utils import timezone

from monthly import league
from orgs.models import Organisation, User
from tests.helpers import password_login


def test_the_demo_league_ranks_the_nine_counties_every_month_with_changes(db, client):
    call_command("seed_demo")
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
