"""村评组: a village's (or community's) table of its groups' assessments for one round, read in a
fixed number of queries whatever the number of groups: per group its assessment, state, totals,
what is still missing (self scores, evidence, review scores), who filled the self sheet (the group
itself, or the village on its behalf), what it may still declare, and what the caller may do."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.utils import timezone

from indicators.models import Indicator, IndicatorSet, applies
from orgs.models import Level, Organisation, User

from . import policy, selectors
from .models import Assessment, Evidence, Round, Score, Stage, State, Title, TitleStatus
from .services import lacking_evidence


@dataclass
class GroupRow:
    group: Organisation
    assessment: Assessment | None = None
    missing_scores: list[str] = field(default_factory=list)  # self sheet, codes
    missing_evidence: list[str] = field(default_factory=list)
    missing_review: list[str] = field(default_factory=list)  # review sheet, once submitted
    filled_by: str = ""  # who last saved the self sheet
    by_proxy: bool = False  # … from the village, on the group's behalf
    actions: list[str] = field(default_factory=list)  # what the caller may do now
    sheets: list[str] = field(default_factory=list)  # the sheets the caller may fill now
    declarable: list[str] = field(default_factory=list)  # targets the caller may declare the group for

    @property
    def ready(self) -> str:
        """The bulk action this row is ready for, for the caller: declare, submit, review or ''."""
        if self.assessment is None:
            return "declare" if self.declarable else ""
        if "submit" in self.actions and not (self.missing_scores or self.missing_evidence):
            return "submit"
        if "review" in self.actions and not self.missing_review:
            return "review"
        return ""


def village_groups_of(user: User, village: Organisation, round_: Round) -> list[GroupRow]:
    """The rows of ``village``'s groups for ``round_`` (the village already scope-checked). A group
    with two assessments in the round (达标 and 示范) has two rows. Queries: groups, assessments,
    indicators, scores, evidence, titles, indicator set: seven, whatever the number of groups."""
    groups = list(
        Organisation.objects.filter(parent=village, level=Level.GROUP, is_active=True).order_by("lft")
    )
    assessments = list(
        selectors.with_detail(
            Assessment.objects.filter(org__parent=village, org__level=Level.GROUP, round=round_)
        ).order_by("org__lft", "target")
    )
    ids = [a.pk for a in assessments]
    indicators: dict[int, list[Indicator]] = defaultdict(list)
    for i in Indicator.objects.filter(
        indicator_set_id__in={a.indicator_set_id for a in assessments}
    ).order_by("order"):
        indicators[i.indicator_set_id].append(i)
    scores: dict[tuple[int, str], dict[int, bool | None]] = defaultdict(dict)
    last_self: dict[int, tuple] = {}
    for a_id, stage, indicator_id, veto, at, user_org, username, first, last in Score.objects.filter(
        assessment_id__in=ids, stage__in=(Stage.SELF, Stage.REVIEW)
    ).values_list(
        "assessment_id",
        "stage",
        "indicator_id",
        "veto_passed",
        "updated_at",
        "updated_by__org_id",
        "updated_by__username",
        "updated_by__first_name",
        "updated_by__last_name",
    ):
        scores[(a_id, stage)][indicator_id] = veto
        if stage == Stage.SELF and username and (a_id not in last_self or at > last_self[a_id][0]):
            last_self[a_id] = (at, user_org, f"{last}{first}".strip() or username)
    with_files: dict[int, set[int]] = defaultdict(set)
    for a_id, indicator_id in Evidence.objects.filter(assessment_id__in=ids).values_list(
        "assessment_id", "indicator_id"
    ):
        with_files[a_id].add(indicator_id)
    titles: dict[int, set[str]] = defaultdict(set)
    for org_id, kind in Title.objects.filter(
        org__parent=village, org__level=Level.GROUP, status=TitleStatus.ACTIVE
    ).values_list("org_id", "kind"):
        titles[org_id].add(kind)
    has_set = IndicatorSet.objects.filter(level=Level.GROUP, year=round_.year).exists()

    by_group: dict[int, list[Assessment]] = defaultdict(list)
    for a in assessments:
        by_group[a.org_id].append(a)
    now = timezone.now()
    rows = []
    for group in groups:
        declarable = []
        if policy.may_declare(user, group):
            declarable = policy.declarable_targets(
                org=group,
                year=round_.year,
                active_titles=titles[group.pk],
                declared=[a.target for a in by_group[group.pk]],
                has_indicator_set=has_set,
            )
        if not by_group[group.pk]:
            rows.append(GroupRow(group, declarable=declarable))
            continue
        for a in by_group[group.pk]:
            applicable = [i for i in indicators[a.indicator_set_id] if applies(i.applies_to, group.area_type)]
            row = GroupRow(group, a, declarable=declarable)
            if a.state == State.DRAFT:
                row.missing_scores = _missing(applicable, scores[(a.pk, Stage.SELF)])
                row.missing_evidence = [i.code for i in lacking_evidence(applicable, with_files[a.pk])]
            elif a.state == State.SUBMITTED:
                row.missing_review = _missing(applicable, scores[(a.pk, Stage.REVIEW)])
            if a.pk in last_self:
                _at, user_org, name = last_self[a.pk]
                row.filled_by, row.by_proxy = name, user_org != group.pk
            row.actions = policy.allowed_actions(
                user, a, now=now, has_pending_objection=a.has_pending_objection
            )
            row.sheets = policy.open_sheets(user, a)
            rows.append(row)
    return rows


def _missing(applicable: list[Indicator], saved: dict[int, bool | None]) -> list[str]:
    """Codes of the applicable indicators without a score (or, for a veto item, without an answer):
    the rule of ``services.missing_scores``, over rows already read."""
    return [i.code for i in applicable if i.pk not in saved or (i.is_veto and saved[i.pk] is None)]
