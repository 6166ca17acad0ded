"""The to-do list after login: each concrete piece of work that waits for this official (the sheet
to fill, the submission to review, the decision to take, the notice to close, the objection to
decide, the rectification due, the declaration still possible), with its unit, its deadline and
the address of the work itself, and a count per kind as a summary.

Who may do what is policy's (``policy.SHEETS``, ``policy.RULES``, ``policy.relation_q``,
``policy.role_holds``); this module only puts those rules together as filters. The cost is a fixed
number of queries whatever the number of items, set by the user's role alone: the round, one
grouped count of every kind, one capped query per kind the role has (the first ``CAP`` items, by
deadline then unit), the rounds' extensions (a unit's own extension moves its deadline), and the
objections counted and listed."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext, ngettext, pgettext
from django.utils.translation import gettext_lazy as _

from indicators.models import IndicatorSet
from orgs.models import User

from . import policy, selectors, windows
from .labels import TARGET_LABELS
from .models import Assessment, ObjectionStatus, Round, Stage, State, Window

CAP = 20  # items shown per kind; the rest are one link away in the filtered list
# The deadlines read from a round's window: a unit's own extension moves them.
WINDOW_OF = {
    "round__self_assessment_closes": Window.SELF_ASSESSMENT,
    "round__review_closes": Window.REVIEW,
}


@dataclass
class Entry:
    """One piece of work: the unit (and its parent), the deadline and one button to the work."""

    assessment_id: int
    unit: str
    parent: str
    year: int
    target: str  # lazily translated
    url: str
    deadline: dt.date | None = None
    due: str = ""  # "截止 11月30日，还剩 3 天"
    overdue: bool = False
    soon: bool = False  # due within SOON_DAYS
    note: str = ""  # the objection's text, the rectification order


@dataclass
class TodoItem:
    """One kind of work: its count (the summary), the link to the whole filtered list, and the
    first ``CAP`` items."""

    key: str
    label: str  # lazily translated
    count: int
    url: str  # the filtered list of all of them
    urgent: bool = False
    button: str = ""  # the label of each item's button
    entries: list[Entry] = field(default_factory=list)

    @property
    def more(self) -> bool:
        return self.count > len(self.entries)


@dataclass
class Todo:
    items: list[TodoItem] = field(default_factory=list)
    declarable: list[str] = field(default_factory=list)  # targets the own unit may declare for now
    declaration_closes: dt.date | None = None  # the own unit's last day to declare, when it may
    round: Round | None = None
    declaration_due: str = ""
    declaration_overdue: bool = False
    next_date: str = ""  # the round's next date, as "自评截止 10月31日，还剩 5 天"

    @property
    def total(self) -> int:
        return sum(i.count for i in self.items)

    @property
    def working(self) -> list[TodoItem]:
        """The kinds that have items, in the order of the summary."""
        return [i for i in self.items if i.entries]


SOON_DAYS = 7


def _list_url(**params) -> str:
    return reverse("assessment_list") + "?" + urlencode(params)


def _day(d: dt.date, today: dt.date) -> str:
    if d.year == today.year:
        return formats.date_format(d, pgettext("month and day", "N j"))
    return formats.date_format(d, pgettext("date with year", "N j, Y"))


def due_text(deadline: dt.date | None, today: dt.date) -> str:
    """“截止 11月30日，还剩 3 天”, “今天截止（11月30日）” or “截止 11月30日，已逾期 2 天”."""
    if deadline is None:
        return ""
    days, date = (deadline - today).days, _day(deadline, today)
    if days > 0:
        return ngettext("Due %(date)s, %(days)d day left", "Due %(date)s, %(days)d days left", days) % {
            "date": date,
            "days": days,
        }
    if days == 0:
        return gettext("Due today (%(date)s)") % {"date": date}
    return ngettext("Due %(date)s, %(days)d day overdue", "Due %(date)s, %(days)d days overdue", -days) % {
        "date": date,
        "days": -days,
    }


@dataclass(frozen=True)
class Kind:
    """A kind of work on assessments: who may do it (a permission or rule of policy), in which
    states, the deadline it is measured against, and where its button leads."""

    key: str
    label: object
    button: object
    permission: policy.Permission | policy.Rule
    states: frozenset[str]
    deadline: str  # the field of Assessment (or of its round) the deadline is read from
    list_params: tuple[tuple[str, str], ...]
    stage: str | None = None  # the sheet the button opens; None: the assessment page's actions
    anchor: str = "actions"


def _kinds() -> list[Kind]:
    sheets, rules = policy.SHEETS, policy.RULES
    self_sheet = sheets[Stage.SELF]
    return [
        Kind(
            "fill",
            _("Self-assessment sheets to fill"),
            _("Fill in the self-assessment"),
            self_sheet.permission,
            frozenset({self_sheet.open_state}),
            "round__self_assessment_closes",
            (("state", self_sheet.open_state), ("mine", "1")),
            stage=Stage.SELF,
        ),
        Kind(
            "rectify",
            _("Rectifications under way"),
            _("See the rectification"),
            # the unit's own officials who fill its sheets carry out the rectification
            policy.Permission(policy.Relation.OWN, self_sheet.permission.roles),
            rules["rectified"].sources,
            "rectify_deadline",
            (("state", State.RECTIFYING), ("mine", "1")),
            anchor="",
        ),
        Kind(
            "review",
            _("Submissions to review"),
            _("Review"),
            sheets[Stage.REVIEW].permission,
            frozenset({sheets[Stage.REVIEW].open_state}),
            "round__review_closes",
            (("state", sheets[Stage.REVIEW].open_state),),
            stage=Stage.REVIEW,
        ),
        Kind(
            "recheck",
            _("Accepted units to recheck"),
            _("Recheck"),
            sheets[Stage.RECHECK].permission,
            frozenset({sheets[Stage.RECHECK].open_state}),
            "round__review_closes",
            (("state", sheets[Stage.RECHECK].open_state),),
            stage=Stage.RECHECK,
        ),
        Kind(
            "decide",
            _("Reviewed units waiting for a decision"),
            _("Decide"),
            rules["accept"],
            rules["accept"].sources,
            "round__review_closes",
            (("state", State.REVIEWED),),
        ),
        Kind(
            "publish",
            _("Rechecked units to publish"),
            _("Publish for notice"),
            rules["publish"],
            rules["publish"].sources,
            "round__review_closes",
            (("state", State.RECHECKED),),
        ),
        Kind(
            "close",
            _("Notices that have ended"),
            _("Close the notice"),
            rules["close_notice"],
            rules["close_notice"].sources,
            "notice_ends_at",
            (("state", State.IN_NOTICE),),
        ),
        Kind(
            "rectifying",
            _("Rectification deadlines"),
            _("Check the rectification"),
            rules["rectified"],
            rules["rectified"].sources,
            "rectify_deadline",
            (("state", State.RECTIFYING),),
        ),
    ]


def _kind_q(user: User, kind: Kind, now) -> Q:
    permission = kind.permission
    where = policy.relation_q(user, permission.relation)
    if permission.proxy and policy.role_holds(user, permission.roles, policy.Relation.PROXY):
        where |= policy.relation_q(user, policy.Relation.PROXY)  # a village's operator, for its groups
    q = where & Q(state__in=sorted(kind.states))
    if kind.stage is not None and kind.stage != Stage.SELF:
        q &= ~Q(org_id=user.org_id)  # policy.may_score: nobody scores the own unit's other sheets
    if kind.key == "close":
        q &= policy.notices_closable_q(now)
    return q


def _deadline(a: Assessment, path: str) -> dt.date | None:
    value = a
    for part in path.split("__"):
        value = getattr(value, part)
    if isinstance(value, dt.datetime):
        return timezone.localdate(value)
    return value


def _entry(a: Assessment, url: str, deadline: dt.date | None, today: dt.date, due: str = "") -> Entry:
    parent = a.org.parent
    days = None if deadline is None else (deadline - today).days
    return Entry(
        assessment_id=a.pk,
        unit=a.org.name,
        parent=parent.name if parent is not None else "",
        year=a.round.year,
        target=TARGET_LABELS[a.target],
        url=url,
        deadline=deadline,
        due=due or due_text(deadline, today),
        overdue=days is not None and days < 0,
        soon=days is not None and 0 <= days <= SOON_DAYS,
    )


def _url(a_pk: int, kind: Kind) -> str:
    if kind.stage is not None:
        return reverse("assessment_sheet", args=[a_pk, kind.stage])
    page = reverse("assessment_detail", args=[a_pk])
    return f"{page}#{kind.anchor}" if kind.anchor else page


def todo_for(user: User) -> Todo:
    todo = Todo(round=Round.objects.order_by("-year").first())
    if user.org_id is None and not user.is_superuser:
        return todo
    now = timezone.now()
    today = timezone.localdate(now)
    scope = selectors.assessments_for_user(user)
    kinds = [
        k
        for k in _kinds()
        if policy.role_holds(user, k.permission.roles, k.permission.relation)
        and (k.permission.relation != policy.Relation.OWN or user.org_id is not None)
    ]
    filters = {k.key: _kind_q(user, k, now) for k in kinds}
    closes = windows.AllCloses() if kinds else None  # the extensions of every round: one query
    counts = scope.aggregate(**{key: Count("id", filter=q) for key, q in filters.items()}) if filters else {}
    for kind in kinds:
        item = TodoItem(kind.key, kind.label, counts[kind.key], _list_url(**dict(kind.list_params)))
        item.button = kind.button
        # queried even when the count is nil: the page costs the same queries for any data
        rows = (
            scope.filter(filters[kind.key])
            .select_related("org__parent", "round")
            .order_by(kind.deadline, "org__code", "pk")[:CAP]
        )
        entries = []
        for a in rows:
            deadline = _deadline(a, kind.deadline)
            if kind.deadline in WINDOW_OF:
                deadline = closes.close(a.round, WINDOW_OF[kind.deadline], a.org_id)
            due = ""
            if kind.key == "close" and deadline is not None:
                due = gettext("Notice ended %(date)s") % {"date": _day(deadline, today)}
            entries.append(_entry(a, _url(a.pk, kind), deadline, today, due))
        # by the unit's own deadline, an extension included, then as the query gave them
        item.entries = sorted(entries, key=lambda e: e.deadline or dt.date.max)
        # an overdue rectification, or any work past its date, marks the kind urgent
        item.urgent = kind.key != "close" and any(e.overdue for e in item.entries)
        todo.items.append(item)
        if kind.key == "rectifying":
            _objections(todo, user, today)
    _declaration(todo, user, today)
    _next_date(todo, today)
    return todo


def _objections(todo: Todo, user: User, today: dt.date) -> None:
    """Objections waiting for the decision of this user (policy.DECIDE_OBJECTION), on assessments
    still in notice; their button opens the assessment page at its objections."""
    permission = policy.DECIDE_OBJECTION
    if not policy.role_holds(user, permission.roles, permission.relation):
        return
    qs = selectors.objections_for_user(user).filter(
        policy.relation_q(user, permission.relation, prefix="assessment__"),
        status=ObjectionStatus.PENDING,
        assessment__state=State.IN_NOTICE,
    )
    item = TodoItem(
        "objections",
        _("Objections to decide"),
        qs.count(),
        reverse("objection_list") + "?" + urlencode({"status": ObjectionStatus.PENDING}),
        button=_("Decide the objection"),
    )
    rows = qs.select_related("assessment__org__parent").order_by(
        "assessment__notice_ends_at", "assessment__org__code", "created_at", "pk"
    )[:CAP]
    for o in rows:
        a = o.assessment
        url = reverse("assessment_detail", args=[a.pk]) + "#objections"
        deadline = timezone.localdate(a.notice_ends_at) if a.notice_ends_at else None
        entry = _entry(a, url, deadline, today)
        entry.note = o.content[:80] + ("…" if len(o.content) > 80 else "")
        item.entries.append(entry)
    item.urgent = bool(item.count)
    todo.items.append(item)


def _declaration(todo: Todo, user: User, today: dt.date) -> None:
    """The targets the own unit may still declare for in the latest round, and its deadline."""
    org, round_ = user.org, todo.round
    if round_ is None or org is None or not policy.may_declare(user, org):
        return
    closes = windows.close_for(round_, Window.DECLARATION, org.pk)
    if not round_.declaration_opens <= windows.today() <= closes:  # the unit's window is not open
        return
    todo.declaration_closes = closes
    todo.declarable = policy.declarable_targets(
        org=org,
        year=round_.year,
        active_titles=selectors.active_title_kinds(org.pk),
        declared=Assessment.objects.filter(org=org, round=round_).values_list("target", flat=True),
        has_indicator_set=IndicatorSet.objects.filter(level=org.level, year=round_.year).exists(),
    )
    if todo.declarable:
        todo.declaration_due = due_text(closes, today)
        todo.declaration_overdue = closes < today


def _next_date(todo: Todo, today: dt.date) -> None:
    """The latest round's next date still ahead (declaration, self-assessment, review close)."""
    r = todo.round
    if r is None:
        return
    dates = [
        (r.declaration_closes, _("Declaration")),
        (r.self_assessment_closes, _("Self-assessment")),
        (r.review_closes, _("Review")),
    ]
    ahead = [(d, label) for d, label in dates if d >= today]
    if ahead:
        d, label = ahead[0]
        todo.next_date = f"{label} · {due_text(d, today)}"
