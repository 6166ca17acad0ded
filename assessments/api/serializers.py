"""What the workflow's endpoints read and write. Output serializers are light (plain
``Serializer``), fed by the selectors' querysets and ``.values()`` rows; they format once:
decimals as strings, instants in UTC, blanks as null. Input serializers validate a request's
shape; the service they feed checks the rules."""

from __future__ import annotations

import json

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field, extend_schema_serializer
from rest_framework import serializers

from orgs.models import Level
from yuxi_campaign.core.api import (
    BlankAsNullChoiceField,
    TextField,
    UtcDateTimeField,
    WholeNumberField,
    whole_number,
)

from .. import listing, policy, selectors
from ..models import ObjectionStatus, Outcome, Round, RoundExtension, Stage, State, Target, TitleStatus


def total_field(**kwargs) -> serializers.DecimalField:
    """A sheet total or final score (out of 100, two places), as a string."""
    return serializers.DecimalField(max_digits=6, decimal_places=2, allow_null=True, **kwargs)


# ---------------------------------------------------------------------------------------------
# Assessments


class AssessmentSerializer(serializers.Serializer):
    """One assessment, from ``selectors.with_detail``; ``allowed_actions`` for the context's
    ``user`` at the context's ``now``."""

    id = serializers.IntegerField()
    org = serializers.IntegerField(source="org_id")
    org_code = serializers.CharField(source="org.code")
    org_name = serializers.CharField(source="org.name")
    level = serializers.ChoiceField(choices=Level.choices, source="org.level")
    round = serializers.IntegerField(source="round_id")
    year = serializers.IntegerField(source="round.year")
    target = serializers.ChoiceField(choices=Target.choices)
    state = serializers.ChoiceField(choices=State.choices)
    version = serializers.IntegerField()
    self_total = total_field()
    review_total = total_field()
    recheck_total = total_field()
    final_score = total_field()
    veto_failed = serializers.BooleanField()
    outcome = BlankAsNullChoiceField(choices=Outcome.choices)
    notice_ends_at = UtcDateTimeField(allow_null=True)
    rectify_deadline = serializers.DateField(allow_null=True)
    allowed_actions = serializers.SerializerMethodField()

    @extend_schema_field(serializers.ListField(child=serializers.ChoiceField(choices=policy.ACTIONS)))
    def get_allowed_actions(self, a) -> list[str]:
        pending = getattr(a, "has_pending_objection", False)
        return policy.allowed_actions(
            self.context["user"], a, now=self.context["now"], has_pending_objection=pending
        )


class AssessmentRowWriter:
    """Writes list rows (``listing.json_rows``) as the JSON objects ``AssessmentSerializer`` would
    write for the same assessments (a test holds the two equal): the database has written every
    field but ``allowed_actions``, which this adds (``listing.Actions``; its JSON written once per
    distinct case)."""

    def __init__(self, *, user, now):
        self.actions = listing.Actions(user, now)
        self.actions_json: dict[tuple, str] = {}

    def __call__(self, row: dict) -> str:
        case = self.actions.case(row)
        actions = self.actions_json.get(case)
        if actions is None:
            actions = self.actions_json[case] = json.dumps(self.actions(row))
        return f'{row["row_json"][:-1]},"allowed_actions":{actions}}}'


class DeclareSerializer(serializers.Serializer):
    org = WholeNumberField()
    round = WholeNumberField()
    target = serializers.ChoiceField(choices=Target.choices)


class ScoreSerializer(serializers.Serializer):
    """One saved score, from a ``.values()`` row of Score."""

    indicator = serializers.IntegerField(source="indicator_id")
    score = serializers.DecimalField(max_digits=5, decimal_places=1)
    comment = serializers.CharField()
    veto_passed = serializers.BooleanField(allow_null=True)


class ScoreInSerializer(serializers.Serializer):
    indicator = WholeNumberField()
    score = serializers.DecimalField(max_digits=5, decimal_places=1)
    comment = TextField(required=False, allow_blank=True)
    veto_passed = serializers.BooleanField(required=False, allow_null=True)


class SheetSaveSerializer(serializers.Serializer):
    """The request of a sheet save (the service checks every row and says which one is wrong)."""

    version = WholeNumberField()
    scores = ScoreInSerializer(many=True)


class SheetSavedSerializer(serializers.Serializer):
    version = serializers.IntegerField()
    stage = serializers.ChoiceField(choices=Stage.choices)
    total = total_field(help_text="this sheet's total")
    final_score = total_field()
    outcome = BlankAsNullChoiceField(choices=Outcome.choices)


class EvidenceSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    indicator = serializers.IntegerField(source="indicator_id")
    original_name = serializers.CharField()
    content_type = serializers.CharField()
    size = serializers.IntegerField()
    uploaded_at = UtcDateTimeField()
    download = serializers.SerializerMethodField()

    def get_download(self, e) -> str:
        return reverse("assessment-evidence-download", kwargs={"pk": e.assessment_id, "eid": e.pk})


class EvidenceUploadSerializer(serializers.Serializer):
    indicator = WholeNumberField()
    file = serializers.FileField()


VERSION_MAX = 2**31 - 1  # the version column is a positive integer


def version_field(**kwargs) -> serializers.IntegerField:
    return serializers.IntegerField(min_value=1, max_value=VERSION_MAX, **kwargs)


class TransitionSerializer(serializers.Serializer):
    action = serializers.ChoiceField(choices=policy.ACTIONS)
    reason = TextField(required=False, allow_blank=True, max_length=1000)
    deadline = serializers.DateField(required=False, allow_null=True)
    version = version_field(
        required=False,
        help_text=(
            "the assessment's `version` the caller read; when the assessment changed since, the "
            "action is refused with 409 (`stale_version`) and nothing is done. Without it the "
            "action is taken from whatever state the assessment is in now."
        ),
    )


class BulkTransitionSerializer(TransitionSerializer):
    ids = serializers.ListField(child=WholeNumberField(), min_length=1, max_length=500)
    version = None  # one version cannot fit many assessments: see ``versions``
    versions = serializers.DictField(
        child=version_field(),
        required=False,
        help_text=(
            "id → the `version` the caller read, for any of `ids`; a row whose assessment changed "
            "since is refused with status 409 and the others go ahead. Ids without a version are "
            "taken as they are."
        ),
    )

    def validate_versions(self, value: dict) -> dict[int, int]:
        try:
            return {whole_number(key): version for key, version in value.items()}
        except ValueError:
            raise serializers.ValidationError("键应为评估的 id（整数）") from None


class BulkRowSerializer(serializers.Serializer):
    """One id's result (a ``services.BulkResult``): ``state`` when applied, else ``status`` and
    ``detail`` as the single action would have answered."""

    id = serializers.IntegerField()
    ok = serializers.BooleanField()
    state = serializers.ChoiceField(choices=State.choices, required=False)
    status = serializers.IntegerField(required=False)
    detail = serializers.CharField(required=False)

    def to_representation(self, instance):
        return {k: v for k, v in super().to_representation(instance).items() if v is not None}


class BulkResultSerializer(serializers.Serializer):
    results = BulkRowSerializer(many=True)


class EventSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    at = UtcDateTimeField()
    action = serializers.CharField()
    actor = serializers.CharField(source="actor.username", allow_null=True)
    from_state = serializers.CharField()
    to_state = serializers.CharField()
    reason = serializers.CharField()
    data = serializers.JSONField()


# ---------------------------------------------------------------------------------------------
# Public notices and objections


class NoticeSerializer(serializers.Serializer):
    """An assessment in public notice, from ``selectors.notices``."""

    id = serializers.IntegerField()
    org_code = serializers.CharField(source="org.code")
    org_name = serializers.CharField(source="org.name")
    path = serializers.SerializerMethodField()
    level = serializers.ChoiceField(choices=Level.choices, source="org.level")
    year = serializers.IntegerField(source="round.year")
    target = serializers.ChoiceField(choices=Target.choices)
    final_score = total_field()
    notice_started_at = UtcDateTimeField(allow_null=True)
    notice_ends_at = UtcDateTimeField()

    def get_path(self, a) -> str:
        return selectors.notice_path(a)


class ObjectionSerializer(serializers.Serializer):
    """An objection, from ``selectors.objections_for_user``; ``contact`` for the context's ``user``."""

    id = serializers.IntegerField()
    assessment = serializers.IntegerField(source="assessment_id")
    org_name = serializers.CharField(source="assessment.org.name")
    content = serializers.CharField()
    contact = serializers.SerializerMethodField(
        help_text="The citizen's contact details (may be blank), only for who decides the objection: the "
        "parent unit's leaders and the organisation department; null for everyone else."
    )
    created_at = UtcDateTimeField()
    status = serializers.ChoiceField(choices=ObjectionStatus.choices)
    decision_reason = serializers.CharField()

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_contact(self, o) -> str | None:
        return o.contact if policy.may_see_objection_contact(self.context["user"], o.assessment) else None


class ObjectionInSerializer(serializers.Serializer):
    content = TextField(max_length=2000)
    contact = TextField(max_length=100, required=False, allow_blank=True)


class ObjectionReceivedSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    detail = serializers.CharField()


class ObjectionDecisionSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(choices=["upheld", "dismissed"])
    reason = TextField(max_length=1000)


# ---------------------------------------------------------------------------------------------
# Results, rankings, progress


class ResultSerializer(serializers.Serializer):
    """A flat result row, from a ``.values()`` row of ``selectors.results_for_user``."""

    assessment = serializers.IntegerField(source="id")
    org = serializers.IntegerField(source="org_id")
    org_code = serializers.CharField()
    org_name = serializers.CharField()
    level = serializers.ChoiceField(choices=Level.choices)
    year = serializers.IntegerField()
    target = serializers.ChoiceField(choices=Target.choices)
    final_score = total_field()
    outcome = BlankAsNullChoiceField(choices=Outcome.choices)
    state = serializers.ChoiceField(choices=State.choices)
    title = serializers.SerializerMethodField()
    title_status = serializers.ChoiceField(choices=TitleStatus.choices, allow_null=True)
    rank = serializers.SerializerMethodField()

    @extend_schema_field(serializers.ChoiceField(choices=Target.choices, allow_null=True))
    def get_title(self, row) -> str | None:
        """The title the unit holds from this assessment (an active one only)."""
        return row["title_kind"] if row["title_status"] == TitleStatus.ACTIVE else None

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_rank(self, row) -> int | None:
        return row["rank"] if row["final_score"] is not None else None


class ProgressQuerySerializer(serializers.Serializer):
    org = WholeNumberField(required=False, help_text="the unit; defaults to the caller's unit")
    year = WholeNumberField(required=False, help_text="defaults to the latest round")


class ProgressUnitSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()
    level = serializers.ChoiceField(choices=Level.choices)


class LevelProgressSerializer(serializers.Serializer):
    """One level below a unit: how many units, how many titled (cumulative), the targets."""

    level = serializers.ChoiceField(choices=Level.choices)
    units = serializers.IntegerField()
    standard = serializers.IntegerField()
    demonstration = serializers.IntegerField()
    standard_target = serializers.IntegerField()
    demonstration_target = serializers.IntegerField()
    standard_rate = serializers.FloatField(allow_null=True, help_text="percent of the units, one place")
    demonstration_rate = serializers.FloatField(allow_null=True, help_text="percent of the units, one place")
    standard_on_pace = serializers.BooleanField()
    demonstration_on_pace = serializers.BooleanField()


class ChildProgressSerializer(ProgressUnitSerializer):
    levels = LevelProgressSerializer(many=True)


@extend_schema_serializer(many=False)
class ProgressSerializer(serializers.Serializer):
    """What ``selectors.progress_for`` computes: one object, not a list. Without ``org`` for a
    caller who sees every tree, ``org`` is null, ``children`` are the roots (the prefectures) and
    ``levels`` their sums."""

    org = ProgressUnitSerializer(allow_null=True)
    year = serializers.IntegerField()
    standard_percent = serializers.IntegerField(help_text="cumulative target, percent of units")
    demonstration_percent = serializers.IntegerField(help_text="cumulative target, percent of units")
    levels = LevelProgressSerializer(many=True)
    children = ChildProgressSerializer(many=True)


# ---------------------------------------------------------------------------------------------
# Notifications and rounds


class NotificationSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    message = serializers.CharField()
    assessment = serializers.IntegerField(source="assessment_id", allow_null=True)
    created_at = UtcDateTimeField()
    read = serializers.SerializerMethodField()

    def get_read(self, n) -> bool:
        return n.read_at is not None


class NotificationReadSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    read = serializers.BooleanField()


class RoundSerializer(serializers.ModelSerializer):
    class Meta:
        model = Round
        fields = [
            "id",
            "year",
            "campaign",
            "notice_days",
            "declaration_opens",
            "declaration_closes",
            "self_assessment_closes",
            "review_closes",
        ]
        read_only_fields = ["id", "year", "campaign"]


class RoundUpdateSerializer(serializers.Serializer):
    notice_days = WholeNumberField(required=False, min_value=1, max_value=30)
    declaration_opens = serializers.DateField(required=False)
    declaration_closes = serializers.DateField(required=False)
    self_assessment_closes = serializers.DateField(required=False)
    review_closes = serializers.DateField(required=False)


class RoundExtendSerializer(serializers.Serializer):
    window = serializers.CharField(help_text="declaration, self_assessment or review")
    org = WholeNumberField(required=False, allow_null=True, help_text="the unit; none: all units")
    closes = serializers.CharField(help_text="the new close date, YYYY-MM-DD")
    reason = serializers.CharField(required=False, allow_blank=True, max_length=1000)


class RoundExtensionSerializer(serializers.ModelSerializer):
    year = serializers.IntegerField(source="round.year", read_only=True)
    created_by = serializers.CharField(source="created_by.username", read_only=True, allow_null=True)

    class Meta:
        model = RoundExtension
        fields = ["id", "round", "year", "window", "org", "closes", "reason", "created_by", "created_at"]
