"""Demo on-site observations (现场观摩): the city observes each of the nine Yuxi counties every
month for the past year up to this month (this month: only those already visited), with problems
found, most answered by the county with a photo (some late), one overdue and unanswered, and
photos of the visits of the last months. Written through the same services as the pages, each at
the moment it happened (the clock is set to the visit's day). Idempotent: a county and month that
already has an observation is left alone."""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import random
from unittest import mock
from zoneinfo import ZoneInfo

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image, ImageDraw

from monthly import services
from monthly.models import Observation, RubricItem
from orgs.models import Organisation, Role, User

from .assessments import _official

LOCAL = ZoneInfo("Asia/Shanghai")
INSPECTORS = ["张明", "李华", "王丽", "赵强", "陈静", "杨帆", "刘洋", "周敏"]
PROBLEMS = [
    "村级组织活动场所标识标牌不规范",
    "党员积分管理台账更新不及时",
    "示范点“看点”提炼不够，展示内容同质化",
    "小组议事会记录不完整",
    "创建进度滞后于年度节奏",
    "群众对便民服务站开放时间反映意见较多",
    "上次观摩问题整改不彻底",
]
SITES = ["桂山街道青龙社区财富广场小区", "建兴乡", "平甸乡桃孔村", "里山乡大黑冲村下打马坎村民小组"]
VERDICTS = ["亮点突出", "进度符合节奏", "整改到位"]
ANSWERS = ["已按要求完成整改，并建立长效机制", "已更新台账并明确专人负责", "已重新设计展示内容"]
PHOTO_MONTHS = 3  # photos of the visits of the last three months
UNVISITED_THIS_MONTH = 3  # this month, the last counties (by code) are still to be visited


@contextlib.contextmanager
def clock(moment: dt.datetime):
    """Everything written inside happens at ``moment`` (what the services read as now)."""
    with mock.patch("django.utils.timezone.now", return_value=moment.astimezone(dt.UTC)):
        yield


def demo_photo(text: str, seed: int, fmt: str = "JPEG") -> SimpleUploadedFile:
    """A small real image: a coloured field with a stripe, as a visit's or a rectification's photo."""
    rng = random.Random(seed)  # noqa: S311 - demo pictures, not secrets
    colour = tuple(rng.randrange(60, 200) for _ in range(3))
    image = Image.new("RGB", (320, 240), colour)
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 170, 320, 240), fill=(250, 250, 245))
    draw.ellipse((rng.randrange(20, 200), 30, rng.randrange(220, 300), 150), fill=(200, 40, 40))
    draw.text((12, 190), text.encode("ascii", "ignore").decode() or "Yuxi", fill=(20, 20, 20))
    out = io.BytesIO()
    image.save(out, fmt, quality=80)
    extension = "jpg" if fmt == "JPEG" else fmt.lower()
    return SimpleUploadedFile(f"{text}.{extension}", out.getvalue(), content_type=f"image/{extension}")


def _months(today: dt.date, count: int = 12) -> list[tuple[int, int]]:
    index = today.year * 12 + today.month - 1
    return [((index - back) // 12, (index - back) % 12 + 1) for back in range(count - 1, -1, -1)]


def _at(day: dt.date, hour: int = 15) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, tzinfo=LOCAL)


def seed_observations() -> int:
    """How many observations were new."""
    services.rubric_install_default()
    items = list(RubricItem.objects.filter(is_active=True).order_by("order", "pk"))
    city = Organisation.objects.get(code="530400")
    counties = list(Organisation.objects.filter(parent=city, level="county", is_active=True).order_by("code"))
    admin = User.objects.filter(org=city, role=Role.ADMIN).order_by("pk").first()
    admin = admin or _official(city, Role.ADMIN)
    today = timezone.localdate()
    months = _months(today)
    rng = random.Random(20240101)  # noqa: S311 - demo data, not secrets
    overdue_done = False
    created = 0
    for year, month in months:
        current = (year, month) == (today.year, today.month)
        visiting = counties[:-UNVISITED_THIS_MONTH] if current else counties
        for n, county in enumerate(visiting):
            day = min(8 + n * 2, 28)
            visit = dt.date(year, month, day)
            if visit > today:
                continue
            if Observation.objects.filter(unit=county, year=year, month=month).exists():
                continue
            strength = rng.uniform(0.72, 0.97)
            scores = [
                {"item": i.pk, "score": str(min(i.max_score, round(float(i.max_score) * strength * 2) / 2))}
                for i in items
            ]
            problems = [
                {"description": text, "deadline": visit + dt.timedelta(days=rng.choice([20, 30, 45]))}
                for text in rng.sample(PROBLEMS, rng.choice([0, 1, 1, 2]))
            ]
            with clock(_at(visit)):
                o = services.observation_create(
                    actor=admin,
                    unit_id=county.pk,
                    date=visit,
                    inspectors=rng.sample(INSPECTORS, 3),
                    scores=scores,
                    comments=f"{county.name}“四级联创”推进有力，{rng.choice(VERDICTS)}。",
                    sites_visited="、".join(rng.sample(SITES, 2)),
                    problems=problems,
                )
                if (year, month) in months[-PHOTO_MONTHS:]:
                    services.observation_photo_add(
                        actor=admin,
                        observation_id=o.pk,
                        upload=demo_photo(f"visit-{county.code}-{month}", o.pk),
                        caption=f"{county.name}示范点现场",
                    )
            created += 1
            answerer = _official(county, Role.LEADER)
            for problem in o.problems.all():
                if problem.deadline >= today and rng.random() < 0.6:
                    continue  # still time to answer
                if problem.deadline < today and not overdue_done:
                    overdue_done = True  # the one overdue problem nobody answered
                    continue
                late = rng.random() < 0.2
                shift = rng.randint(2, 6) if late else -rng.randint(1, 10)
                answered = problem.deadline + dt.timedelta(days=shift)
                answered = max(answered, visit + dt.timedelta(days=1))
                if answered > today:
                    continue
                with clock(_at(answered, 10)):
                    services.problem_answer(
                        actor=answerer,
                        observation_id=o.pk,
                        problem_id=problem.pk,
                        note=rng.choice(ANSWERS),
                        upload=demo_photo(f"fix-{problem.pk}", problem.pk, fmt="PNG"),
                    )
    return created
