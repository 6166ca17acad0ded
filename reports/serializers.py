"""What the register endpoints read (their query) and answer (their rows). The pages validate
their query string with the same serializers."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from assessments.models import Target
from orgs.models import Level, Role
from yuxi_campaign.core.api import UtcDateTimeField, WholeNumberField

from .selectors import LATE_KINDS, MANAGEMENT_ACTIONS, TITLE_STATUSES

STATUS_ERROR = f"“{{input}}”不是有效的状态：可选 {'、'.join(TITLE_STATUSES)}"


class LateQuerySerializer(serializers.Serializer):
    year = WholeNumberField(required=False, help_text="the round's year; defaults to the latest round")
    within = WholeNumberField(
        required=False, help_text="this unit and everything below it (a unit in the caller's scope)"
    )


class TitleQuerySerializer(LateQuerySerializer):
    year = WholeNumberField(required=False, help_text="the year of the round that granted the title")
    status = serializers.ChoiceField(
        choices=TITLE_STATUSES,
        required=False,
        error_messages={"invalid_choice": STATUS_ERROR},
        help_text="active, warned (通报批评), rectifying (限期整改) or revoked (摘牌)",
    )


class UnitSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()
    level = serializers.ChoiceField(choices=Level.choices)


@extend_schema_field(UnitSerializer)
class RowUnitField(serializers.Field):
    """A unit read from a row's ``<prefix>id``, ``<prefix>code``, ``<prefix>name`` and
    ``<prefix>level`` columns."""

    def __init__(self, prefix: str, **kwargs):
        self.prefix = prefix
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, row):
        return {key: row[f"{self.prefix}{key}"] for key in ("id", "code", "name", "level")}


def unit_from(prefix: str, **kwargs) -> RowUnitField:
    return RowUnitField(prefix, **kwargs)


class WhoMustActSerializer(serializers.Serializer):
    unit = unit_from("actor_unit_", help_text="the unit itself, or its parent (review, rectification)")
    roles = serializers.ListField(child=serializers.ChoiceField(choices=Role.choices), source="actor_roles")
    officials = serializers.ListField(
        child=serializers.CharField(), help_text="names of those officials, where they are in your scope"
    )


class LateSerializer(serializers.Serializer):
    """One ``late_details`` row."""

    unit = unit_from("unit_")
    what = serializers.ChoiceField(
        choices=LATE_KINDS, help_text="declaration, self_sheet, review or rectification"
    )
    assessment = serializers.IntegerField(allow_null=True, help_text="null for a declaration not made")
    target = serializers.ChoiceField(choices=Target.choices, source="aim")
    due = serializers.DateField()
    days_late = serializers.IntegerField()
    who_must_act = WhoMustActSerializer(source="*")


class ReasonSerializer(serializers.Serializer):
    action = serializers.ChoiceField(choices=MANAGEMENT_ACTIONS)
    at = UtcDateTimeField()
    reason = serializers.CharField(allow_blank=True)
    deadline = serializers.DateField(allow_null=True, help_text="the deadline a rectification order set")


class TitleRegisterSerializer(serializers.Serializer):
    """One ``title_details`` row."""

    id = serializers.IntegerField()
    unit = unit_from("org__")
    title = serializers.ChoiceField(
        choices=Target.choices, source="kind", help_text="the title: 达标 or 示范"
    )
    round = serializers.IntegerField(source="round_id")
    year = serializers.IntegerField(source="round__year")
    status = serializers.ChoiceField(choices=TITLE_STATUSES, source="register_status")
    granted_at = UtcDateTimeField()
    revoked_at = UtcDateTimeField(allow_null=True)
    deadline = serializers.DateField(allow_null=True, help_text="rectify by (while under rectification)")
    warnings = serializers.IntegerField(help_text="how many times criticised (通报批评)")
    reasons = ReasonSerializer(
        many=True, help_text="warnings, rectification orders and revocation, oldest first"
    )


class LatePageQuerySerializer(LateQuerySerializer):
    """The page's query: the API's, and ``org``, the unit whose subtree the page shows."""

    org = WholeNumberField(required=False, help_text="the unit; defaults to the caller's unit")


class TitlePageQuerySerializer(TitleQuerySerializer):
    org = WholeNumberField(required=False, help_text="the unit; defaults to the caller's unit")
