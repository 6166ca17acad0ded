"""The demo tree: Yuxi's real divisions (shipped in demo/data) plus generated groups below every
village, deterministic so that seeding twice gives the same database."""

from __future__ import annotations

import csv
import random
from pathlib import Path

from orgs.services import NewOrg

DATA = Path(__file__).resolve().parent / "data" / "yuxi-divisions.csv"
NUMERALS = "一二三四五六七八九十"
COMPOUNDS = (
    "金苑",
    "玉泉",
    "锦绣",
    "阳光",
    "聂耳",
    "翠湖",
    "和谐",
    "星光",
    "滨河",
    "东风",
    "凤凰",
    "红塔",
    "康居",
    "紫荆",
    "书香",
    "幸福",
    "秀山",
    "文苑",
    "华庭",
    "春和",
)
# Units the newspaper report names: (village code, group name, group kind)
ARTICLE_GROUPS = {
    "530427001003": ("财富广场小区", "居民小区"),  # 新平县桂山街道青龙社区
    "530423201202": ("下打马坎村民小组", "村民小组"),  # 通海县里山乡大黑冲村
}


def numeral(n: int) -> str:
    if n <= 10:
        return NUMERALS[n - 1]
    if n < 20:
        return "十" + NUMERALS[n - 11]
    tens, ones = divmod(n, 10)
    return NUMERALS[tens - 1] + "十" + (NUMERALS[ones - 1] if ones else "")


def division_rows(path: Path = DATA) -> list[NewOrg]:
    with path.open(encoding="utf-8") as handle:
        return [
            NewOrg(
                code=row["code"],
                name=row["name"],
                level=row["level"],
                kind=row["kind"],
                parent_code=row["parent_code"] or None,
            )
            for row in csv.DictReader(handle)
        ]


def generated_groups(villages: list[NewOrg]) -> list[NewOrg]:
    """8–12 groups under every village: 村民小组 under a 村; 居民小组 and 居民小区 under a 社区."""
    rows: list[NewOrg] = []
    for village in villages:
        rng = random.Random(int(village.code))  # noqa: S311 - demo names, not secrets
        count = rng.randint(8, 12)
        special = ARTICLE_GROUPS.get(village.code)
        compounds = rng.sample(COMPOUNDS, k=len(COMPOUNDS))
        for n in range(1, count + 1):
            code = f"{village.code}{n:03d}"
            if village.kind == "村":
                name, kind = f"第{numeral(n)}村民小组", "村民小组"
            elif n <= count // 2:
                name, kind = f"第{numeral(n)}居民小组", "居民小组"
            else:
                name, kind = f"{compounds[n % len(compounds)]}小区", "居民小区"
            if special and n == count:
                name, kind = special
            rows.append(NewOrg(code=code, name=name, level="group", kind=kind, parent_code=village.code))
    return rows


def demo_tree_rows() -> list[NewOrg]:
    divisions = division_rows()
    return divisions + generated_groups([r for r in divisions if r.level == "village"])
