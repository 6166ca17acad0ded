"""The league table's one write: its weights (the admin edits them)."""

from __future__ import annotations

from django.db import transaction

from yuxi_campaign.core.errors import InvalidInput

from ..models import LeagueWeights

PARTS = ("observation", "pace", "assessment")


def league_weights_check(*, observation: int, pace: int, assessment: int) -> None:
    """InvalidInput naming the field unless each weight is a whole percent from 0 to 100 and
    together they make 100."""
    values = {"observation": observation, "pace": pace, "assessment": assessment}
    fields = {
        name: ["权重应为 0 到 100 之间的整数"]
        for name, value in values.items()
        if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= 100
    }
    if fields:
        raise InvalidInput("权重应为 0 到 100 之间的整数", fields=fields)
    total = sum(values.values())
    if total != 100:
        message = f"三项权重之和应为 100%，现为 {total}%"
        raise InvalidInput(message, fields={name: [message] for name in PARTS})


def league_weights_save(*, observation: int, pace: int, assessment: int) -> LeagueWeights:
    """Set the weights of the league's parts (one row, locked while it changes)."""
    league_weights_check(observation=observation, pace=pace, assessment=assessment)
    with transaction.atomic():
        row = LeagueWeights.objects.select_for_update().filter(singleton=True).first()
        row = row or LeagueWeights()
        row.observation, row.pace, row.assessment = observation, pace, assessment
        row.save()
    return row
