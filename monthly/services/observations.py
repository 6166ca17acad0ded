"""Writes of the on-site observations (现场观摩): record and change an observation, add photos,
answer a problem, and the month-end check of 必查必评. Each is one durable transaction that locks
the row it changes (within the actor's scope), checks the rule in ``policy``, validates
everything before writing anything and appends an event to the log."""

from __future__ import annotations

import datetime as dt
import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.utils import timezone

from assessments.models import Notification
from orgs.models import Organisation, User
from orgs.selectors import orgs_for_user
from yuxi_campaign.core.errors import InvalidInput, NotAllowed, OutOfScope, WrongState

from .. import policy, selectors
from ..models import (
    Observation,
    ObservationEvent,
    ObservationMiss,
    ObservationPhoto,
    ObservationProblem,
    ObservationScore,
    RubricItem,
)
from .observation_photos import image_store, images_delete

DEFAULT_RUBRIC = [
    ("推进进度（对照节奏）", "对照“四级联创”年度节奏，看创建进度是否达到序时要求", "30"),
    ("工作亮点", "有无可复制推广的特色做法和看点", "25"),
    ("上次问题整改", "上次观摩发现问题的整改是否按期、到位", "25"),
    ("群众评价", "随机走访群众，了解群众对基层组织和服务的评价", "20"),
]
MAX_INSPECTORS = 30
MAX_NAME = 30
MAX_TEXT = 5000
MAX_PROBLEMS = 30
MAX_PHOTOS = 40
SCORE_TEXT = re.compile(r"^[0-9]{1,3}(\.[0-9])?$")  # plain ASCII decimal notation, one decimal place
INSPECTOR_SPLIT = re.compile(r"[、,，;；\n\r]+")


def rubric_install_default() -> int:
    """Install the default rubric when there is none (what the migration does); how many items
    were added."""
    with transaction.atomic():
        if RubricItem.objects.select_for_update().exists():
            return 0
        RubricItem.objects.bulk_create(
            RubricItem(title=title, guide=guide, max_score=Decimal(top), order=order)
            for order, (title, guide, top) in enumerate(DEFAULT_RUBRIC, start=1)
        )
    return len(DEFAULT_RUBRIC)


def _record(action: str, actor: User | None, unit_id: int, observation=None, **data) -> ObservationEvent:
    return ObservationEvent.objects.create(
        action=action, actor=actor, unit_id=unit_id, observation=observation, data=data
    )


# ---------------------------------------------------------------------------------------------
# Input cleaning: each returns the clean value or raises InvalidInput naming the field.


def _invalid(field: str, message: str):
    raise InvalidInput(message, fields={field: [message]})


def _text(value, field: str, label: str, *, limit: int = MAX_TEXT, required: bool = False) -> str:
    if value is None:
        value = ""
    if not isinstance(value, str):
        _invalid(field, f"“{label}”应为文字")
    if "\x00" in value:
        _invalid(field, f"“{label}”含有无效字符")
    value = value.strip()
    if required and not value:
        _invalid(field, f"请填写“{label}”")
    if len(value) > limit:
        _invalid(field, f"“{label}”不能超过 {limit} 字")
    return value


def _date(value, field: str, label: str) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value.strip()):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            pass
    _invalid(field, f"“{label}”应为有效日期（如 2024-03-15）")


def _whole(value, field: str, label: str) -> int:
    if isinstance(value, bool):
        _invalid(field, f"“{label}”应为整数")
    if isinstance(value, int):
        return value
    if (
        isinstance(value, str)
        and value.strip().isascii()
        and value.strip().isdigit()
        and len(value.strip()) < 10
    ):
        return int(value.strip())
    _invalid(field, f"“{label}”应为整数")


def clean_inspectors(value) -> list[str]:
    """A list of names, or text of names separated by 、，; or new lines."""
    if isinstance(value, str):
        value = INSPECTOR_SPLIT.split(value)
    if not isinstance(value, list | tuple):
        _invalid("inspectors", "“观摩人员”应为姓名列表")
    names = []
    for name in value:
        name = _text(name, "inspectors", "观摩人员", limit=MAX_NAME)
        if name and name not in names:
            names.append(name)
    if not names:
        _invalid("inspectors", "请填写至少一名观摩人员")
    if len(names) > MAX_INSPECTORS:
        _invalid("inspectors", f"观摩人员不能超过 {MAX_INSPECTORS} 人")
    return names


def _plain(number: Decimal) -> str:
    """30, 22.5: no trailing zeros, no exponent."""
    return format(number.normalize(), "f")


def _score(value, item: RubricItem) -> Decimal:
    text = (
        str(value).strip() if isinstance(value, int | str | Decimal) and not isinstance(value, bool) else ""
    )
    if isinstance(value, float):
        text = repr(value)
    if not SCORE_TEXT.match(text):
        _invalid("scores", f"“{item.title}”的得分应为数字（最多一位小数），如 25 或 22.5")
    try:
        score = Decimal(text)
    except InvalidOperation:
        _invalid("scores", f"“{item.title}”的得分应为数字")
    if score > item.max_score:
        _invalid(
            "scores",
            f"“{item.title}”的得分 {_plain(score)} 超过该项满分 {_plain(item.max_score)}",
        )
    return score


def clean_scores(value, *, complete: bool) -> dict[int, tuple[RubricItem, Decimal]]:
    """``[{item, score}]`` (or ``{item_id: score}``) against the rubric in use: every item when
    ``complete``; an unknown item, a repeated one or a score outside 0…max is refused."""
    items = {i.pk: i for i in selectors.rubric_items()}
    if not items:
        _invalid("scores", "尚未设置观摩评分细则，请管理员先在后台添加评分项")
    if isinstance(value, dict):
        value = [{"item": k, "score": v} for k, v in value.items()]
    if value is None:
        value = []
    if not isinstance(value, list | tuple):
        _invalid("scores", "“评分”应为列表：[{item, score}]")
    scores: dict[int, tuple[RubricItem, Decimal]] = {}
    for row in value:
        if not isinstance(row, dict):
            _invalid("scores", "“评分”的每一项应为 {item, score}")
        try:
            item = items[_whole(row.get("item"), "scores", "评分项")]
        except KeyError:
            _invalid("scores", "评分项不存在或已停用")
        if item.pk in scores:
            _invalid("scores", f"“{item.title}”重复评分")
        scores[item.pk] = (item, _score(row.get("score"), item))
    if complete:
        missing = [i.title for pk, i in items.items() if pk not in scores]
        if missing:
            _invalid("scores", f"请为每一评分项打分，尚缺：{'、'.join(missing)}")
    return scores


def clean_problems(value, *, visit: dt.date) -> list[tuple[str, dt.date]]:
    """``[{description, deadline}]``: each described, with a deadline on or after the visit."""
    if value is None:
        return []
    if not isinstance(value, list | tuple):
        _invalid("problems", "“发现问题”应为列表：[{description, deadline}]")
    if len(value) > MAX_PROBLEMS:
        _invalid("problems", f"一次观摩最多记录 {MAX_PROBLEMS} 个问题")
    problems = []
    for row in value:
        if not isinstance(row, dict):
            _invalid("problems", "“发现问题”的每一项应为 {description, deadline}")
        description = _text(row.get("description"), "problems", "问题描述", required=True, limit=1000)
        deadline = _date(row.get("deadline"), "problems", "整改期限")
        if deadline < visit:
            _invalid("problems", f"整改期限 {deadline} 早于观摩日期 {visit}")
        problems.append((description, deadline))
    return problems


def _total(scores) -> Decimal:
    """Out of 100: the scores' sum over their maxima's sum (the default rubric sums to 100)."""
    top = sum((s.max_score for s in scores), Decimal(0))
    got = sum((s.score for s in scores), Decimal(0))
    if not top:
        return Decimal(0)
    return (got * 100 / top).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def _month_of(visit: dt.date, year, month) -> tuple[int, int]:
    year = visit.year if year in (None, "") else _whole(year, "year", "年份")
    month = visit.month if month in (None, "") else _whole(month, "month", "月份")
    if not 1 <= month <= 12:
        _invalid("month", "月份应为 1 到 12")
    if (visit.year, visit.month) != (year, month):
        _invalid("date", f"观摩日期 {visit} 不在 {year} 年 {month} 月")
    if visit > timezone.localdate():
        _invalid("date", f"观摩日期 {visit} 晚于今天")
    return year, month


# ---------------------------------------------------------------------------------------------
# Writes


def _lock_unit(actor: User, unit_id) -> Organisation:
    """The observed unit, locked (two observers saving the same month wait for each other);
    outside the actor's scope and missing answer alike (404)."""
    unit_id = _whole(unit_id, "unit", "被观摩单位")
    qs = Organisation.objects.all() if actor.is_superuser and actor.org_id is None else orgs_for_user(actor)
    unit = qs.select_for_update(of=("self",)).select_related("parent").filter(pk=unit_id).first()
    if unit is None:
        raise OutOfScope("未找到该单位，或不在您的权限范围内")
    return unit


@transaction.atomic(durable=True)
def observation_create(
    *,
    actor: User,
    unit_id,
    date,
    scores,
    inspectors,
    year=None,
    month=None,
    comments: str = "",
    sites_visited: str = "",
    problems=None,
) -> Observation:
    """Record the month's observation of ``unit_id`` by its parent: every item scored, the total
    computed. A second one of the same unit and month is refused (409), as is a unit that is not
    a child of the actor's unit (403)."""
    unit = _lock_unit(actor, unit_id)
    if unit.level not in policy.OBSERVED_LEVELS or unit.parent_id is None:
        raise NotAllowed(f"“{unit.name}”不是县（市、区）或乡镇（街道），不开展现场观摩")
    if not policy.may_observe(actor, unit):
        raise NotAllowed(
            f"“{unit.name}”不是本单位的直接下级，只有其上级单位的负责人、评审员或管理员可以观摩评分"
        )
    visit = _date(date, "date", "观摩日期")
    year, month = _month_of(visit, year, month)
    clean = clean_scores(scores, complete=True)
    names = clean_inspectors(inspectors)
    comments = _text(comments, "comments", "观摩意见")
    sites_visited = _text(sites_visited, "sites_visited", "观摩点位", limit=2000)
    found = clean_problems(problems, visit=visit)
    existing = Observation.objects.filter(unit=unit, year=year, month=month).first()
    if existing is not None:
        raise WrongState(
            f"{unit.name} {year} 年 {month} 月已有现场观摩记录（{existing.date}），"
            "每月只观摩评分一次；请修改原记录",
            code="duplicate",
        )
    try:
        with transaction.atomic():
            observation = Observation.objects.create(
                observer_id=unit.parent_id,
                unit=unit,
                year=year,
                month=month,
                date=visit,
                inspectors=names,
                comments=comments,
                sites_visited=sites_visited,
                created_by=actor,
            )
    except IntegrityError:
        raise WrongState(f"{unit.name} {year} 年 {month} 月已有现场观摩记录", code="duplicate") from None
    rows = ObservationScore.objects.bulk_create(
        ObservationScore(observation=observation, item=item, max_score=item.max_score, score=score)
        for item, score in clean.values()
    )
    observation.total = _total(rows)
    observation.save(update_fields=["total"])
    ObservationProblem.objects.bulk_create(
        ObservationProblem(observation=observation, description=d, deadline=when) for d, when in found
    )
    _notify_unit(observation, len(found))
    _record(
        "observation_create",
        actor,
        unit.pk,
        observation,
        year=year,
        month=month,
        total=str(observation.total),
        problems=len(found),
    )
    return observation


def _notify_unit(observation: Observation, problems: int) -> None:
    """Tell the observed unit's officials its score and the problems to answer, in the same
    transaction as the observation."""
    tail = f"，发现问题 {problems} 个，请在整改期限内答复整改情况" if problems else "，未发现问题"
    message = (
        f"{observation.year}年{observation.month}月现场观摩：{observation.unit.name}"
        f"得分 {_plain(observation.total)}{tail}"
    )
    users = User.objects.filter(org_id=observation.unit_id, is_active=True).values_list("pk", flat=True)
    Notification.objects.bulk_create(
        Notification(user_id=pk, kind="observation_recorded", message=message[:300]) for pk in users
    )


def _lock_observation(actor: User, observation_id) -> Observation:
    try:
        return (
            selectors.observations_for_user(actor)
            .select_for_update(of=("self",))
            .select_related("unit", "observer")
            .get(pk=observation_id)
        )
    except (Observation.DoesNotExist, ValueError, TypeError):
        raise OutOfScope(selectors.OBSERVATION_NOT_FOUND) from None


def _check_editor(actor: User, observation: Observation, verb: str) -> None:
    if not policy.may_edit_observation(actor, observation):
        raise NotAllowed(f"只有观摩单位（{observation.observer.name}）的负责人、评审员或管理员可以{verb}")


UPDATABLE = ("date", "inspectors", "scores", "comments", "sites_visited", "problems")


@transaction.atomic(durable=True)
def observation_update(*, actor: User, observation_id, changes: dict) -> Observation:
    """Change what is given of: date (within the same month), inspectors, scores (the items
    given), comments, sites visited; ``problems`` adds newly found problems."""
    observation = _lock_observation(actor, observation_id)
    _check_editor(actor, observation, "修改观摩记录")
    unknown = sorted(set(changes) - set(UPDATABLE))
    if unknown:
        _invalid(unknown[0], f"不能修改“{unknown[0]}”：可修改 {'、'.join(UPDATABLE)}")
    fields, changed = [], {}
    if "date" in changes:
        visit = _date(changes["date"], "date", "观摩日期")
        _month_of(visit, observation.year, observation.month)
        observation.date = visit
        fields.append("date")
    if "inspectors" in changes:
        observation.inspectors = clean_inspectors(changes["inspectors"])
        fields.append("inspectors")
    for name, label, limit in (("comments", "观摩意见", MAX_TEXT), ("sites_visited", "观摩点位", 2000)):
        if name in changes:
            setattr(observation, name, _text(changes[name], name, label, limit=limit))
            fields.append(name)
    clean = clean_scores(changes["scores"], complete=False) if "scores" in changes else {}
    found = clean_problems(changes.get("problems"), visit=observation.date)
    current = {s.item_id: s for s in observation.scores.all()}
    for item, score in clean.values():
        row = current.get(item.pk)
        if row is None:
            current[item.pk] = ObservationScore.objects.create(
                observation=observation, item=item, max_score=item.max_score, score=score
            )
            changed[item.title] = [None, str(score)]
        elif row.score != score or row.max_score != item.max_score:
            changed[item.title] = [str(row.score), str(score)]
            row.score, row.max_score = score, item.max_score
            row.save(update_fields=["score", "max_score"])
    if clean:
        observation.total = _total(current.values())
        fields.append("total")
    observation.save(update_fields=[*fields, "updated_at"])
    ObservationProblem.objects.bulk_create(
        ObservationProblem(observation=observation, description=d, deadline=when) for d, when in found
    )
    _record(
        "observation_update",
        actor,
        observation.unit_id,
        observation,
        fields=fields,
        scores=changed,
        problems_added=len(found),
    )
    return observation


def _with_files(write):
    """Run ``write(written)`` in a durable transaction; remove the files it wrote if it fails."""
    written: list[str] = []
    try:
        with transaction.atomic(durable=True):
            return write(written)
    except BaseException:
        images_delete(written)
        raise


def observation_photo_add(*, actor: User, observation_id, upload, caption: str = "") -> ObservationPhoto:
    """A photo of the visit, by the observers."""

    def write(written):
        observation = _lock_observation(actor, observation_id)
        _check_editor(actor, observation, "上传观摩照片")
        text = _text(caption, "caption", "照片说明", limit=200)
        if observation.photos.count() >= MAX_PHOTOS:
            _invalid("photo", f"每次观摩最多 {MAX_PHOTOS} 张照片")
        image = image_store(upload, written)
        photo = ObservationPhoto.objects.create(
            observation=observation, caption=text, uploaded_by=actor, **image.__dict__
        )
        _record(
            "photo_add", actor, observation.unit_id, observation, photo=photo.pk, file=image.original_name
        )
        return photo

    return _with_files(write)


def problem_answer(*, actor: User, observation_id, problem_id, note, upload) -> ObservationProblem:
    """The observed unit answers a problem: rectified, with a note and a photo. Only its own
    officials may; once only; after the deadline the answer is kept and marked late."""

    def write(written):
        observation = _lock_observation(actor, observation_id)
        try:
            problem = ObservationProblem.objects.select_for_update().get(
                pk=_whole(problem_id, "problem", "问题"), observation=observation
            )
        except (ObservationProblem.DoesNotExist, InvalidInput):
            raise OutOfScope("未找到该问题") from None
        if not policy.may_answer_problem(actor, observation):
            raise NotAllowed(f"只有被观摩单位（{observation.unit.name}）本单位的人员可以答复整改情况")
        if problem.answered_at is not None:
            raise WrongState(
                f"该问题已于 {timezone.localtime(problem.answered_at):%Y-%m-%d} 答复，不能重复答复"
            )
        text = _text(note, "note", "整改说明", required=True, limit=2000)
        image = image_store(upload, written)
        now = timezone.now()
        problem.answer_note, problem.answered_at, problem.answered_by = text, now, actor
        problem.answered_late = timezone.localdate(now) > problem.deadline
        problem.save(update_fields=["answer_note", "answered_at", "answered_by", "answered_late"])
        ObservationPhoto.objects.create(
            observation=observation, problem=problem, uploaded_by=actor, caption="整改照片", **image.__dict__
        )
        _record(
            "problem_answer",
            actor,
            observation.unit_id,
            observation,
            problem=problem.pk,
            deadline=str(problem.deadline),
            late=problem.answered_late,
        )
        return problem

    return _with_files(write)


# ---------------------------------------------------------------------------------------------
# 必查必评: the month-end check


def previous_month(today: dt.date) -> tuple[int, int]:
    first = today.replace(day=1) - dt.timedelta(days=1)
    return first.year, first.month


@transaction.atomic(durable=True)
def observations_flag_missing(*, today: dt.date | None = None) -> list[int]:
    """Flag every county its city did not observe last month (relative to ``today``, local
    time), once, and tell the city's admins and leaders in the same transaction. Safe to run
    again and at once (the cities are locked); the ids of the units newly flagged."""
    today = today or timezone.localdate()
    year, month = previous_month(today)
    cities = list(Organisation.objects.select_for_update().filter(level="city").order_by("pk"))
    if not cities:
        return []
    missing = list(
        Organisation.objects.filter(selectors.observed_children_q(), parent__in=cities)
        .exclude(pk__in=Observation.objects.filter(year=year, month=month).values("unit_id"))
        .exclude(pk__in=ObservationMiss.objects.filter(year=year, month=month).values("unit_id"))
        .order_by("parent_id", "code")
        .values("pk", "name", "parent_id")
    )
    if not missing:
        return []
    ObservationMiss.objects.bulk_create(
        ObservationMiss(observer_id=u["parent_id"], unit_id=u["pk"], year=year, month=month) for u in missing
    )
    ObservationEvent.objects.bulk_create(
        ObservationEvent(action="observation_missing", unit_id=u["pk"], data={"year": year, "month": month})
        for u in missing
    )
    by_observer: dict[int, list[str]] = {}
    for u in missing:
        by_observer.setdefault(u["parent_id"], []).append(u["name"])
    users = User.objects.filter(
        org_id__in=list(by_observer), role__in=sorted(policy.MISS_NOTIFIED_ROLES), is_active=True
    ).values_list("pk", "org_id")
    Notification.objects.bulk_create(
        Notification(
            user_id=pk,
            kind="observation_missing",
            message=(
                f"{year}年{month}月现场观摩（必查必评）未覆盖 {len(by_observer[org_id])} 个县（市、区）："
                f"{'、'.join(by_observer[org_id])}"
            )[:300],
        )
        for pk, org_id in users
    )
    return [u["pk"] for u in missing]
