"""The mutants: each is one exact snippet of a rule module replaced by a plausible wrong version.
A snippet must occur exactly once in its file (a test checks that the list has not rotted). A mutant
that cannot change behaviour is marked ``equivalent`` with the reason, and is not run."""

from __future__ import annotations

from dataclasses import dataclass

POLICY = "assessments/policy.py"
SCORING = "indicators/scoring.py"
SELECTORS = "assessments/selectors.py"
ROLLUPS = "assessments/rollups.py"
UNIT_ROLLUPS = "orgs/rollups.py"
SERIALIZERS = "assessments/api/serializers.py"
CAMPAIGN = "assessments/services/campaign.py"
BASE = "assessments/services/_base.py"
SHEETS = "assessments/services/sheets.py"


@dataclass(frozen=True)
class Mutant:
    file: str
    original: str
    replacement: str
    description: str
    equivalent: str = ""  # why the change cannot be seen, if it cannot

    @property
    def key(self) -> str:
        return f"{self.file}: {self.description}"


def _rule(action: str, original: str, replacement: str, description: str) -> Mutant:
    return Mutant(POLICY, original, replacement, f"{action}: {description}")


SUBMIT = '"submit": Rule(frozenset({State.DRAFT}), (State.SUBMITTED,), Relation.OWN, OPERATOR, proxy=True)'
REVIEW = '"review": Rule(frozenset({State.SUBMITTED}), (State.REVIEWED,), Relation.PARENT, REVIEWERS)'
ACCEPT = '"accept": Rule(frozenset({State.REVIEWED}), (State.ACCEPTED,), Relation.PARENT, LEADER)'
RECHECK = '"recheck": Rule(frozenset({State.ACCEPTED}), (State.RECHECKED,), Relation.RECHECK, REVIEWERS)'
PUBLISH = '"publish": Rule(frozenset({State.RECHECKED}), (State.IN_NOTICE,), Relation.PARENT, LEADER)'
WARN = '"warn": Rule(frozenset({State.NAMED}), (State.NAMED,), Relation.PARENT, LEADER, reason_required=True)'
RECTIFIED = '"rectified": Rule(frozenset({State.RECTIFYING}), (State.NAMED,), Relation.PARENT, LEADER)'
RETURN_SOURCES = "frozenset({State.SUBMITTED, State.REVIEWED}),\n        (State.DRAFT,)"
RETURN_WHO = "(State.DRAFT,),\n        Relation.PARENT,\n        LEADER,\n        reason_required=True,"
FAIL_SOURCES = "frozenset({State.REVIEWED, State.ACCEPTED, State.RECHECKED}),\n        (State.FAILED,)"
FAIL_WHO = "(State.FAILED,),\n        Relation.PARENT,\n        LEADER,\n        reason_required=True,"
CLOSE = "frozenset({State.IN_NOTICE}), (State.NAMED, State.REJECTED), Relation.PARENT, LEADER, automatic=True"
RECTIFY = "(State.RECTIFYING,),\n        Relation.PARENT,\n        LEADER,\n        reason_required=True,\n"
RECTIFY += "        deadline_required=True,"
REVOKE_SOURCES = "frozenset({State.NAMED, State.RECTIFYING}),\n        (State.REVOKED,)"
REVOKE_WHO = "(State.REVOKED,),\n        Relation.PARENT,\n        LEADER,\n        reason_required=True,"

RULE_MUTANTS = [
    # submit
    _rule(
        "submit",
        SUBMIT,
        SUBMIT.replace("{State.DRAFT}", "{State.DRAFT, State.SUBMITTED}"),
        "also from submitted",
    ),
    _rule("submit", SUBMIT, SUBMIT.replace("OPERATOR", "REVIEWERS"), "the unit's reviewer or leader submits"),
    _rule("submit", SUBMIT, SUBMIT.replace("Relation.OWN", "Relation.PARENT"), "the parent submits"),
    _rule("submit", SUBMIT, SUBMIT.replace(", proxy=True", ""), "the village may not submit for its groups"),
    _rule("submit", SUBMIT, SUBMIT.replace("(State.SUBMITTED,)", "(State.REVIEWED,)"), "leads to reviewed"),
    # return
    _rule("return", RETURN_SOURCES, RETURN_SOURCES.replace(", State.REVIEWED", ""), "not from reviewed"),
    _rule(
        "return", RETURN_SOURCES, RETURN_SOURCES.replace("State.REVIEWED", "State.ACCEPTED"), "from accepted"
    ),
    _rule("return", RETURN_SOURCES, RETURN_SOURCES.replace("State.SUBMITTED, ", ""), "not from submitted"),
    _rule("return", RETURN_WHO, RETURN_WHO.replace("LEADER", "REVIEWERS"), "the parent's reviewer returns"),
    _rule("return", RETURN_WHO, RETURN_WHO.replace("Relation.PARENT", "Relation.RECHECK"), "the recheck org"),
    _rule(
        "return", RETURN_WHO, RETURN_WHO.replace("\n        reason_required=True,", ""), "no reason needed"
    ),
    # review
    _rule(
        "review", REVIEW, REVIEW.replace("{State.SUBMITTED}", "{State.SUBMITTED, State.DRAFT}"), "from draft"
    ),
    _rule("review", REVIEW, REVIEW.replace("{State.SUBMITTED}", "{State.REVIEWED}"), "from reviewed"),
    _rule("review", REVIEW, REVIEW.replace("REVIEWERS", "LEADER"), "the reviewer may not review"),
    _rule("review", REVIEW, REVIEW.replace("REVIEWERS", "frozenset({Role.REVIEWER})"), "the leader may not"),
    _rule("review", REVIEW, REVIEW.replace("Relation.PARENT", "Relation.RECHECK"), "the recheck org reviews"),
    # accept
    _rule(
        "accept",
        ACCEPT,
        ACCEPT.replace("{State.REVIEWED}", "{State.REVIEWED, State.SUBMITTED}"),
        "from submitted",
    ),
    _rule("accept", ACCEPT, ACCEPT.replace("LEADER", "REVIEWERS"), "the parent's reviewer accepts"),
    _rule(
        "accept", ACCEPT, ACCEPT.replace("Relation.PARENT", "Relation.OWN"), "the unit's own leader accepts"
    ),
    _rule("accept", ACCEPT, ACCEPT.replace("(State.ACCEPTED,)", "(State.RECHECKED,)"), "skips the recheck"),
    # fail
    _rule("fail", FAIL_SOURCES, FAIL_SOURCES.replace(", State.RECHECKED", ""), "not from rechecked"),
    _rule("fail", FAIL_SOURCES, FAIL_SOURCES.replace("State.ACCEPTED, ", ""), "not from accepted"),
    _rule("fail", FAIL_SOURCES, FAIL_SOURCES.replace("State.REVIEWED, ", ""), "not from reviewed"),
    _rule("fail", FAIL_SOURCES, FAIL_SOURCES.replace("State.RECHECKED", "State.IN_NOTICE"), "from in notice"),
    _rule("fail", FAIL_SOURCES, FAIL_SOURCES.replace("State.REVIEWED", "State.SUBMITTED"), "from submitted"),
    _rule("fail", FAIL_WHO, FAIL_WHO.replace("LEADER", "REVIEWERS"), "the parent's reviewer fails"),
    _rule(
        "fail", FAIL_WHO, FAIL_WHO.replace("Relation.PARENT", "Relation.OWN"), "the unit's own leader fails"
    ),
    _rule("fail", FAIL_WHO, FAIL_WHO.replace("\n        reason_required=True,", ""), "no reason needed"),
    # recheck
    _rule("recheck", RECHECK, RECHECK.replace("Relation.RECHECK", "Relation.PARENT"), "the parent rechecks"),
    _rule("recheck", RECHECK, RECHECK.replace("REVIEWERS", "LEADER"), "the recheck org's reviewer may not"),
    _rule("recheck", RECHECK, RECHECK.replace("{State.ACCEPTED}", "{State.REVIEWED}"), "from reviewed"),
    _rule(
        "recheck", RECHECK, RECHECK.replace("{State.ACCEPTED}", "{State.ACCEPTED, State.RECHECKED}"), "twice"
    ),
    # publish
    _rule("publish", PUBLISH, PUBLISH.replace("LEADER", "REVIEWERS"), "the township reviewer publishes"),
    _rule("publish", PUBLISH, PUBLISH.replace("Relation.PARENT", "Relation.RECHECK"), "the recheck org"),
    _rule("publish", PUBLISH, PUBLISH.replace("Relation.PARENT", "Relation.OWN"), "the unit's own leader"),
    _rule(
        "publish",
        PUBLISH,
        PUBLISH.replace("{State.RECHECKED}", "{State.RECHECKED, State.ACCEPTED}"),
        "unrechecked",
    ),
    # close_notice
    _rule("close_notice", CLOSE, CLOSE.replace("Relation.PARENT", "Relation.OWN"), "the unit's own leader"),
    _rule("close_notice", CLOSE, CLOSE.replace("LEADER", "REVIEWERS"), "the parent's reviewer closes"),
    _rule("close_notice", CLOSE, CLOSE.replace(", automatic=True", ""), "never automatic"),
    _rule(
        "close_notice",
        CLOSE,
        CLOSE.replace("{State.IN_NOTICE}", "{State.IN_NOTICE, State.RECHECKED}"),
        "early",
    ),
    # warn
    _rule("warn", WARN, WARN.replace(", reason_required=True", ""), "no reason needed"),
    _rule("warn", WARN, WARN.replace("LEADER", "REVIEWERS"), "the parent's reviewer warns"),
    _rule("warn", WARN, WARN.replace("{State.NAMED}", "{State.NAMED, State.RECTIFYING}"), "while rectifying"),
    # rectify_order
    _rule("rectify_order", RECTIFY, RECTIFY.replace("\n        deadline_required=True,", ""), "no deadline"),
    _rule("rectify_order", RECTIFY, RECTIFY.replace("\n        reason_required=True,", ""), "no reason"),
    _rule("rectify_order", RECTIFY, RECTIFY.replace("LEADER", "REVIEWERS"), "the parent's reviewer orders"),
    # rectified
    _rule(
        "rectified",
        RECTIFIED,
        RECTIFIED.replace("{State.RECTIFYING}", "{State.RECTIFYING, State.NAMED}"),
        "named",
    ),
    _rule("rectified", RECTIFIED, RECTIFIED.replace("LEADER", "REVIEWERS"), "the parent's reviewer"),
    _rule("rectified", RECTIFIED, RECTIFIED.replace("Relation.PARENT", "Relation.OWN"), "the unit itself"),
    # revoke
    _rule("revoke", REVOKE_SOURCES, REVOKE_SOURCES.replace(", State.RECTIFYING", ""), "not while rectifying"),
    _rule("revoke", REVOKE_SOURCES, REVOKE_SOURCES.replace("State.NAMED, ", ""), "not from named"),
    _rule("revoke", REVOKE_WHO, REVOKE_WHO.replace("LEADER", "REVIEWERS"), "the parent's reviewer revokes"),
    _rule(
        "revoke", REVOKE_WHO, REVOKE_WHO.replace("\n        reason_required=True,", ""), "no reason needed"
    ),
]

RELATION_MUTANTS = [
    Mutant(
        POLICY,
        "return parent.parent_id or parent.pk",
        "return parent.parent_id",
        "county assessments get no recheck unit",
    ),
    Mutant(
        POLICY, "return parent.parent_id or parent.pk", "return parent.pk", "the parent is the recheck unit"
    ),
    Mutant(
        POLICY,
        "    if parent is None:\n        return None\n    return parent.parent_id",
        "    return parent.parent_id",
        "a unit without a parent has no recheck unit",
        equivalent="no assessment of a root unit exists: declaring one is refused (市级单位不参加评估), "
        "so recheck_org_id never sees a unit without a parent",
    ),
    Mutant(
        POLICY,
        "return user.is_authenticated and (user.org_id is not None or user.is_superuser)",
        "return user.is_authenticated and user.org_id is not None",
        "a superuser without a unit is refused everything",
    ),
    Mutant(
        POLICY,
        "        return user.org_id == assessment.org_id\n",
        "        return user.org_id in (assessment.org_id, assessment.org.parent_id)\n",
        "the parent counts as the unit itself",
    ),
    Mutant(
        POLICY,
        "        return True  # the organisation department acts for any parent in its tree\n",
        "        pass\n",
        "the organisation department acts for no parent",
    ),
    Mutant(
        POLICY,
        "return user.org_id is not None and user.org_id == assessment.org.parent_id",
        "return user.org_id is not None and user.org_id in (assessment.org.parent_id, assessment.org_id)",
        "the unit itself counts as its parent",
    ),
    Mutant(
        POLICY,
        "return user.org_id is not None and user.org_id == recheck_org_id(assessment)",
        "return user.org_id is not None and user.org_id == assessment.org.parent_id",
        "the parent counts as the recheck org",
    ),
    Mutant(
        POLICY,
        "return user.org_id is not None and user.org_id == recheck_org_id(assessment)",
        "return user.org_id is not None and user.org_id in (recheck_org_id(assessment), assessment.org_id)",
        "the unit itself counts as its recheck org",
    ),
    Mutant(
        POLICY,
        'return Q(**{f"{org}parent_id": user.org_id})',
        'return Q(**{f"{org}parent__parent_id": user.org_id})',
        "the list filter of the parent relation takes the grandparent",
    ),
    Mutant(
        POLICY,
        ' | Q(\n        **{f"{org}parent_id": user.org_id, f"{org}parent__parent__isnull": True}\n    )',
        "",
        "the list filter of the recheck relation forgets the city rechecking counties",
    ),
    Mutant(
        POLICY,
        "    if user.is_campaign_admin:\n        return Q()\n",
        "",
        "the list filters leave out the organisation department",
    ),
    Mutant(
        POLICY,
        "if relation not in SIDE_OF_THE_UNIT and user.is_campaign_admin:",
        "if user.is_campaign_admin:",
        "the department's role counts for the unit's own actions",
    ),
    Mutant(
        POLICY,
        "if relation not in SIDE_OF_THE_UNIT and user.is_campaign_admin:",
        "if relation not in SIDE_OF_THE_UNIT and user.is_superuser:",
        "the city admin role is not the department",
    ),
    Mutant(
        POLICY,
        "return user.org_id is not None and user.org_id == org.parent_id and org.level == Level.GROUP",
        "return user.org_id is not None and user.org_id == org.parent_id",
        "a township fills its villages' sheets on their behalf",
    ),
    Mutant(
        POLICY,
        "return user.org_id is not None and user.org_id == org.parent_id and org.level == Level.GROUP",
        "return user.org_id is not None and org.level == Level.GROUP",
        "any village fills any group's sheet",
    ),
    Mutant(
        POLICY,
        'return Q(**{f"{org}parent_id": user.org_id, f"{org}level": Level.GROUP})',
        'return Q(**{f"{org}parent_id": user.org_id})',
        "the list filter of the proxy relation forgets the level",
    ),
    Mutant(
        POLICY,
        "return permission.proxy and by_proxy(user, permission.roles, assessment)",
        "return False",
        "the village may not fill its groups' sheets",
    ),
    Mutant(
        POLICY,
        "return relation_holds(user, assessment, Relation.PROXY) and role_holds(user, roles, Relation.PROXY)",
        "return relation_holds(user, assessment, Relation.PROXY)",
        "the village's reviewer fills its groups' self sheets",
    ),
    Mutant(POLICY, "    return user.role in roles\n", "    return True\n", "any role will do"),
    Mutant(
        POLICY,
        "if relation_holds(user, assessment, permission.relation) and role_holds(",
        "if relation_holds(user, assessment, permission.relation) or role_holds(",
        "relation or role suffices",
    ),
]

ALLOWED_MUTANTS = [
    Mutant(
        POLICY,
        "if assessment.state not in rule.sources or not may_take(user, action, assessment):",
        "if not may_take(user, action, assessment):",
        "allowed_actions ignores the state",
    ),
    Mutant(
        POLICY,
        'if action == "close_notice" and not notice_may_close(assessment, now, has_pending_objection):',
        "if False and not notice_may_close(assessment, now, has_pending_objection):",
        "allowed_actions offers close_notice during the notice",
    ),
    Mutant(
        POLICY,
        "ended = assessment.notice_ends_at is not None and now >= assessment.notice_ends_at",
        "ended = assessment.notice_ends_at is not None and now > assessment.notice_ends_at",
        "the notice is not over at its very end",
    ),
    Mutant(
        POLICY,
        "return assessment.state == State.IN_NOTICE and ended and not has_pending_objection",
        "return assessment.state == State.IN_NOTICE and ended",
        "a notice closes while an objection waits",
    ),
    Mutant(
        POLICY,
        "Q(state=State.IN_NOTICE, notice_ends_at__lte=now) & ~Exists(pending)",
        "Q(state=State.IN_NOTICE, notice_ends_at__lte=now)",
        "the periodic job closes a notice while an objection waits",
    ),
    Mutant(
        POLICY,
        "Q(state=State.IN_NOTICE, notice_ends_at__lte=now) & ~Exists(pending)",
        "Q(state=State.IN_NOTICE, notice_ends_at__gte=now) & ~Exists(pending)",
        "the periodic job closes running notices",
    ),
]

SHEET_MUTANTS = [
    Mutant(
        POLICY,
        "if stage != Stage.SELF and user.org_id == assessment.org_id:",
        "if False and user.org_id == assessment.org_id:",
        "an official of the unit may score its review sheet",
    ),
    Mutant(
        POLICY,
        "Stage.SELF: Sheet(Permission(Relation.OWN, OPERATOR, proxy=True), State.DRAFT,",
        "Stage.SELF: Sheet(Permission(Relation.OWN, REVIEWERS, proxy=True), State.DRAFT,",
        "the unit's leader fills the self sheet",
    ),
    Mutant(
        POLICY,
        "Stage.REVIEW: Sheet(Permission(Relation.PARENT, REVIEWERS), State.SUBMITTED,",
        "Stage.REVIEW: Sheet(Permission(Relation.PARENT, REVIEWERS), State.REVIEWED,",
        "the review sheet is open after the review",
    ),
    Mutant(
        POLICY,
        "Stage.REVIEW: Sheet(Permission(Relation.PARENT, REVIEWERS), State.SUBMITTED,",
        "Stage.REVIEW: Sheet(Permission(Relation.PARENT, LEADER), State.SUBMITTED,",
        "the parent's reviewer may not fill the review sheet",
    ),
    Mutant(
        POLICY,
        "Stage.RECHECK: Sheet(Permission(Relation.RECHECK, REVIEWERS), State.ACCEPTED,",
        "Stage.RECHECK: Sheet(Permission(Relation.PARENT, REVIEWERS), State.ACCEPTED,",
        "the parent fills the recheck sheet",
    ),
    Mutant(
        POLICY,
        "if may_score(user, stage, assessment) and assessment.state == sheet_open_state(stage)",
        "if may_score(user, stage, assessment)",
        "sheets are offered in any state",
    ),
    Mutant(
        POLICY,
        "return may_score(user, Stage.SELF, assessment)",
        "return may_score(user, Stage.REVIEW, assessment)",
        "the reviewer handles the unit's evidence",
    ),
    Mutant(
        POLICY,
        "DECIDE_OBJECTION = Permission(Relation.PARENT, LEADER)",
        "DECIDE_OBJECTION = Permission(Relation.PARENT, REVIEWERS)",
        "the parent's reviewer decides objections",
    ),
    Mutant(
        POLICY,
        'return user.is_authenticated and permissions.may(user, "assessments.round", permissions.CHANGE)',
        'return user.is_authenticated and permissions.may(user, "assessments.round", permissions.VIEW)',
        "a county admin may manage rounds",
    ),
]

DECLARATION_MUTANTS = [
    Mutant(
        POLICY,
        "return user.is_campaign_admin or user.org_id in (org.pk, org.parent_id)",
        "return user.org_id in (org.pk, org.parent_id)",
        "the department may not declare",
    ),
    Mutant(
        POLICY,
        "return user.is_campaign_admin or user.org_id in (org.pk, org.parent_id)",
        "return user.is_campaign_admin or user.org_id == org.pk",
        "the parent may not declare",
    ),
    Mutant(
        POLICY,
        "return user.is_campaign_admin or user.org_id in (org.pk, org.parent_id)",
        "return user.is_campaign_admin or user.org_id in (org.pk, org.parent_id, org.parent.parent_id)",
        "the grandparent may declare",
    ),
    Mutant(POLICY, "if not org.is_active:", "if False:", "a deactivated unit may declare"),
    Mutant(POLICY, "if not has_indicator_set:", "if False:", "a unit may declare without an indicator set"),
    Mutant(
        POLICY,
        "if target == Target.DEMONSTRATION and Target.STANDARD not in titles:",
        "if False:",
        "示范 without an active 达标 title",
    ),
    Mutant(POLICY, "if target in titles:", "if False:", "a title held may be declared again"),
    Mutant(POLICY, "if t not in done", "if True", "a target already declared is offered again"),
]

SCORING_MUTANTS = [
    Mutant(
        SCORING,
        "value.quantize(TWO_PLACES, rounding=ROUND_HALF_UP)",
        'value.quantize(TWO_PLACES, rounding="ROUND_HALF_EVEN")',
        "totals rounded half-even",
    ),
    Mutant(
        SCORING,
        "value.quantize(TWO_PLACES, rounding=ROUND_HALF_UP)",
        'value.quantize(TWO_PLACES, rounding="ROUND_DOWN")',
        "totals truncated",
    ),
    Mutant(
        SCORING,
        "value.quantize(TWO_PLACES, rounding=ROUND_HALF_UP)",
        'value.quantize(TWO_PLACES, rounding="ROUND_UP")',
        "totals rounded up",
    ),
    Mutant(SCORING, 'TWO_PLACES = Decimal("0.01")', 'TWO_PLACES = Decimal("0.1")', "totals to one place"),
    Mutant(
        SCORING,
        "return Decimal(total_score) / raw",
        "return Decimal(100) / raw",
        "a set whose total is not 100 is scaled as if it were",
    ),
    Mutant(
        SCORING, "    if raw == 0:\n        return Decimal(0)\n", "", "a unit that sees no item divides by 0"
    ),
    Mutant(
        SCORING,
        "return sum((i.max_score for i in indicators if applies(i.applies_to, area_type)), Decimal(0))",
        "return sum((i.max_score for i in indicators), Decimal(0))",
        "items that do not apply count in the unit's max",
    ),
    Mutant(
        SCORING,
        "(scores[i.pk] for i in indicators if i.pk in scores and applies(i.applies_to, area_type)),",
        "(scores[i.pk] for i in indicators if i.pk in scores),",
        "scores of items that do not apply count",
    ),
    Mutant(
        SCORING,
        "return to_cents(raw * scale_factor(indicators, area_type, total_score))",
        "return raw * scale_factor(indicators, area_type, total_score)",
        "totals not rounded",
    ),
    Mutant(
        SCORING,
        "return to_cents(indicator.max_score * factor)",
        "return indicator.max_score * factor",
        "scaled maxima not rounded",
    ),
]

SELECTOR_MUTANTS = [
    Mutant(
        SELECTORS,
        'order_by=F("final_score").desc(nulls_last=True)',
        'order_by=F("final_score").asc(nulls_last=True)',
        "ranks from the lowest score",
    ),
    Mutant(
        SELECTORS,
        'partition_by=[F("round__year"), F("org__level"), F("target")]',
        'partition_by=[F("round__year"), F("org__level")]',
        "达标 and 示范 ranked together",
    ),
    Mutant(
        SELECTORS,
        'partition_by=[F("round__year"), F("org__level"), F("target")]',
        'partition_by=[F("round__year"), F("target")]',
        "levels ranked together",
    ),
    Mutant(
        SELECTORS,
        "    rank = Window(\n        Rank(),",
        "    rank = Window(\n        "
        '__import__("django.db.models.functions", fromlist=["DenseRank"]).DenseRank(),',
        "ranks 1, 2, 2, 3 instead of 1, 2, 2, 4",
    ),
    Mutant(
        SELECTORS,
        "JOIN r ON p.year <= r.year GROUP BY p.target",
        "JOIN r ON p.year = r.year GROUP BY p.target",
        "pace targets not cumulative",
    ),
    Mutant(
        SELECTORS,
        "JOIN r ON p.year <= r.year GROUP BY p.target",
        "JOIN r ON p.year <= r.year AND p.year < 2024 GROUP BY p.target",
        "the final year's targets are not added",
    ),
    Mutant(
        SELECTORS,
        "return {k: min(v, 100) for k, v in totals.items()}",
        "return dict(totals)",
        "cumulative targets past 100 % are not capped",
    ),
    Mutant(
        SELECTORS,
        "JOIN r ON a.year <= r.year",
        "JOIN r ON a.year = r.year",
        "titles of earlier years are not counted",
    ),
    Mutant(
        ROLLUPS,
        "return year, (timezone.localtime(revoked_at).year if revoked_at else year)",
        "return year, year",
        "a title revoked later does not count for the years it was held",
    ),
    Mutant(
        ROLLUPS,
        "return year, (timezone.localtime(revoked_at).year if revoked_at else year)",
        "return year, (timezone.localtime(revoked_at).year + 1 if revoked_at else year)",
        "a title revoked during the year still counts for it",
    ),
    Mutant(
        SELECTORS,
        'if place["parent_id"] == org_id and place["is_active"]',
        'if place["parent_id"] == org_id',
        "deactivated children are listed",
    ),
    Mutant(
        UNIT_ROLLUPS,
        "    subtree_shift(root_id=org.pk, ancestor_ids=above, sign=-1)\n",
        "",
        "deactivated units are counted",
    ),
    Mutant(
        SELECTORS,
        "sum(parents * ((2 * k * percent + 100) // 200) for k, parents in fanouts.items())",
        "sum(parents * round(k * percent / 100) for k, parents in fanouts.items())",
        "targets rounded half-even",
    ),
    Mutant(
        SELECTORS,
        "sum(parents * ((2 * k * percent + 100) // 200) for k, parents in fanouts.items())",
        "sum(parents * ((k * percent + 99) // 100) for k, parents in fanouts.items())",
        "targets rounded up",
    ),
    Mutant(
        SELECTORS,
        '"standard_rate": _rate(n["standard"], n["units"]),',
        '"standard_rate": _rate(n["demonstration"], n["units"]),',
        "the 达标 rate computed from 示范 titles",
    ),
    Mutant(
        SELECTORS,
        '"demonstration_rate": _rate(n["demonstration"], n["units"]),',
        '"demonstration_rate": _rate(n["standard"], n["units"]),',
        "the 示范 rate computed from 达标 titles",
    ),
    Mutant(
        SELECTORS,
        "return round(part * 100 / whole, 1) if whole else None",
        "return round(part * 100 / whole) if whole else None",
        "rates without their decimal",
    ),
    Mutant(
        SELECTORS,
        "return round(part * 100 / whole, 1) if whole else None",
        "return round(part * 100 / whole, 1) if whole else 0",
        "a level without units has a rate of 0",
    ),
    Mutant(
        SELECTORS,
        '"standard_on_pace": n["standard"] >= n["standard_target"],',
        '"standard_on_pace": n["standard"] > n["standard_target"],',
        "exactly on the 达标 target is behind",
    ),
    Mutant(
        SELECTORS,
        '"demonstration_on_pace": n["demonstration"] >= n["demonstration_target"],',
        '"demonstration_on_pace": n["demonstration"] > n["demonstration_target"],',
        "exactly on the 示范 target is behind",
    ),
    Mutant(
        SELECTORS,
        "Title.objects.filter(org_id=org_id, status=TitleStatus.ACTIVE)",
        "Title.objects.filter(org_id=org_id)",
        "a revoked title still stops a new declaration",
    ),
    Mutant(
        SERIALIZERS,
        'return row["title_kind"] if row["title_status"] == TitleStatus.ACTIVE else None',
        'return row["title_kind"]',
        "revoked titles show in results",
    ),
    Mutant(
        SERIALIZERS,
        'return row["rank"] if row["final_score"] is not None else None',
        'return row["rank"]',
        "units without a score get a rank",
    ),
    Mutant(
        CAMPAIGN,
        "STANDARD_PACE = {2022: 30, 2023: 40, 2024: 30}",
        "STANDARD_PACE = {2022: 30, 2023: 40, 2024: 20}",
        "the final year's 达标 pace is wrong",
    ),
]

# The hardening rules: who sees an objector's contact, stale versions, plain decimal scores.
HARDENING_MUTANTS = [
    Mutant(
        POLICY,
        "    return may_decide_objection(user, assessment)\n\n\ndef may_see_objections",
        "    return True\n\n\ndef may_see_objections",
        "everyone in scope sees the objector's contact",
    ),
    Mutant(
        BASE,
        "    if version is None and not required:",
        "    if not required:",
        "a stale decision goes ahead",
    ),
    Mutant(
        BASE,
        "    if version != assessment.version:",
        "    if version < assessment.version:",
        "a version from the future is taken",
    ),
    Mutant(
        SHEETS,
        "match = PLAIN_SCORE.fullmatch(raw)",
        "match = PLAIN_SCORE.match(raw)",
        "trailing junk after a score",
    ),
    Mutant(SHEETS, r"(?:\.[0-9]{1,2})?", r"(?:\.[0-9]+)?", "any number of decimals"),
    Mutant(
        SHEETS,
        "if match is None:\n            return None, NOT_A_NUMBER",
        "if False:\n            pass",
        "any text Decimal reads",
    ),
]

MUTANTS: list[Mutant] = [
    *RULE_MUTANTS,
    *RELATION_MUTANTS,
    *ALLOWED_MUTANTS,
    *SHEET_MUTANTS,
    *DECLARATION_MUTANTS,
    *SCORING_MUTANTS,
    *SELECTOR_MUTANTS,
    *HARDENING_MUTANTS,
]

# The tests each file's mutants run against, in stages: one pytest run each, fastest and most
# specific first; the first stage that fails kills the mutant. (Stages, not one run with -x:
# pytest-django runs the tests without a database last, whatever the order of the files.)
# Only SQLite and no browser.
TESTS: dict[str, list[list[str]]] = {
    POLICY: [
        ["tests/assessments/test_policy.py"],
        [
            "tests/assessments/test_objection_contact.py",
            "tests/assessments/test_actions.py",
            "tests/assessments/test_scores.py",
            "tests/assessments/test_evidence.py",
            "tests/assessments/test_titles.py",
            "tests/assessments/test_notice.py",
            "tests/assessments/test_jobs.py",
            "tests/assessments/test_rounds.py",
            "tests/assessments/test_proxy.py",
        ],
        ["tests/assessments/test_permission_matrix.py::test_every_official_every_action_every_state[api]"],
    ],
    SCORING: [["tests/indicators/"], ["tests/assessments/test_scores.py"]],
    SELECTORS: [["tests/assessments/test_results.py"], ["tests/assessments/test_titles.py"]],
    ROLLUPS: [["tests/assessments/test_results.py"], ["tests/assessments/test_rollups.py"]],
    UNIT_ROLLUPS: [["tests/assessments/test_results.py"], ["tests/assessments/test_rollups.py"]],
    SERIALIZERS: [["tests/assessments/test_results.py"]],
    CAMPAIGN: [["tests/assessments/test_results.py"]],
    BASE: [["tests/assessments/test_versions.py"], ["tests/assessments/test_scores.py"]],
    SHEETS: [["tests/assessments/test_score_notation.py"], ["tests/assessments/test_scores.py"]],
}
