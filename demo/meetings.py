"""Demo progress meetings (工作推进会) of the city: the last eight months, each hosted by another
county (one host chosen over the rota's proposal, with its reason), recorded and held, so that the
year view shows real-looking months and the rota proposes next month's host. Written through the
same services as the pages and the API. Idempotent: a city that has meetings is left alone."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from monthly import selectors, services
from monthly.models import Meeting
from orgs.models import Organisation, User

OVERRIDE = ("530427", "新平县建兴乡、平甸乡桃孔村示范点建成，安排集中观摩学习")
# county code → (place, sites visited, topic)
RECORDS = {
    "530402": ("红塔区玉兴街道", "玉兴街道示范社区\n大营街街道居民小区党支部", "城市基层党建引领基层治理"),
    "530403": ("江川区江城镇", "江城镇村级党群服务中心\n星云湖沿岸村民小组", "党建引领乡村振兴：产业与生态"),
    "530423": (
        "通海县里山彝族乡",
        "里山乡大黑冲村下打马坎村民小组\n杨广镇云龙村",
        "小组创三好、村社创四优现场推进",
    ),
    "530424": ("华宁县宁州街道", "宁州街道示范社区\n盘溪镇产业示范村", "乡镇创五强：服务能力与经济发展"),
    "530425": ("易门县龙泉街道", "龙泉街道居民小区\n浦贝彝族乡村级活动场所", "软弱涣散党组织整顿提升"),
    "530426": ("峨山彝族自治县双江街道", "双江街道民族团结示范社区", "民族地区基层治理与服务群众"),
    "530427": (
        "新平县桂山街道",
        "桂山街道青龙社区财富广场小区\n建兴乡\n平甸乡桃孔村",
        "居民小区党建与示范点建设",
    ),
    "530428": ("元江县澧江街道", "澧江街道示范社区\n甘庄街道产业示范村", "县区创六先：责任落实机制"),
    "530481": ("澄江市凤麓街道", "凤麓街道示范社区\n抚仙湖沿岸村民小组", "党建引领抚仙湖保护治理"),
}
ATTENDEES = "市委组织部分管领导，各县（市、区）委组织部部长、组织科科长，承办县乡镇（街道）党（工）委书记"


def _months_back(today: dt.date, count: int) -> list[tuple[int, int]]:
    """The ``count`` months up to and including ``today``'s, oldest first."""
    year, month, out = today.year, today.month, []
    for _ in range(count):
        out.append((year, month))
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    return out[::-1]


def seed_meetings(today: dt.date | None = None) -> int:
    """The city's meetings of the last eight months (this month's included, held by today); how
    many were new."""
    today = today or timezone.localdate()
    city = Organisation.objects.filter(code="530400").first()
    admin = User.objects.filter(username="admin", org=city).first()
    if city is None or admin is None or Meeting.objects.filter(organiser=city).exists():
        return 0
    made = 0
    for i, (year, month) in enumerate(_months_back(today, 8)):
        override = i == 2
        if override:
            host = Organisation.objects.get(code=OVERRIDE[0])
        else:
            host = selectors.meeting_proposal(city, year, month, today=today).host
        day = 18 if (year, month) != (today.year, today.month) else min(today.day, 16)
        place, sites, topic = RECORDS[host.code]
        meeting = services.meeting_schedule(
            organiser_id=city.pk,
            year=year,
            month=month,
            host_id=host.pk,
            reason=OVERRIDE[1] if override else "",
            actor=admin,
        )
        services.meeting_update(
            meeting_id=meeting.pk,
            actor=admin,
            date=dt.date(year, month, day),
            place=place,
            sites=sites,
            topic=topic,
            attendance_count=60 + (i * 7) % 30,
            attendees=ATTENDEES,
            minutes=(
                f"{host.name}汇报了“四级联创”推进情况，与会人员现场观摩了{sites.replace(chr(10), '、')}。"
                "会议通报了上月各县（市、区）现场观摩评分情况，开展“擂台比武”，部署下月重点工作。"
            ),
            status="held",
        )
        made += 1
    return made
