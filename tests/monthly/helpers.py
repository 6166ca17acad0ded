"""What the meeting rota's tests build on: a city with counties and the officials who act on its
rota, and scheduling a month as the rota proposes."""

from __future__ import annotations

from monthly import selectors, services
from monthly.models import Meeting
from orgs.models import Organisation
from orgs.services import orgs_bulk_load
from tests.helpers import make_user, tree_rows


class Rota:
    """A city with ``counties`` counties of two townships each, and the officials of the tests."""

    def __init__(self, counties: int = 9):
        orgs_bulk_load(rows=tree_rows(counties=counties, townships=2, villages=0))
        self.city = Organisation.objects.get(code="530400")
        self.counties = list(Organisation.objects.filter(level="county").order_by("code"))
        self.county, self.other_county = self.counties[0], self.counties[1]
        self.admin = make_user(self.city, "admin")
        self.city_leader = make_user(self.city, "leader")
        self.county_leader = make_user(self.county, "leader")
        self.county_operator = make_user(self.county, "operator")
        self.other_leader = make_user(self.other_county, "leader")


def months(year: int, month: int, count: int):
    for _ in range(count):
        yield year, month
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)


def schedule(organiser, year, month, actor, host=None, reason="", **record) -> Meeting:
    """Schedule a month: the rota's proposal unless ``host`` is given."""
    host = host or selectors.meeting_proposal(organiser, year, month).host
    return services.meeting_schedule(
        organiser_id=organiser.pk,
        year=year,
        month=month,
        host_id=host.pk,
        reason=reason,
        actor=actor,
        **record,
    )
