"""The province's tree: Yunnan's real divisions, one tree per prefecture, with the demo's generated
groups below every village."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from pathlib import Path

import demo
from demo.tree import division_rows, generated_groups
from orgs.services import NewOrg

DATA = Path(demo.__file__).resolve().parent / "data" / "yunnan-divisions.csv"


def province_rows(
    *, prefectures: Collection[str] | None = None, limit_counties: int | None = None, path: Path = DATA
) -> dict[str, list[NewOrg]]:
    """Division rows per prefecture code (in code order), parents before children, with the
    generated groups below every village. ``prefectures`` restricts to those codes (all when None);
    ``limit_counties`` keeps only the first N counties (by code) of each prefecture, for tests."""
    rows = division_rows(path)
    roots = sorted(r.code for r in rows if r.parent_code is None)
    unknown = sorted(set(prefectures or ()) - set(roots))
    if unknown:
        raise ValueError(f"不是云南省的州市编码：{', '.join(unknown)}（可选 {', '.join(roots)}）")
    wanted = [code for code in roots if prefectures is None or code in prefectures]
    children: dict[str, list[NewOrg]] = defaultdict(list)
    for row in rows:
        if row.parent_code is not None:
            children[row.parent_code].append(row)
    by_code = {r.code: r for r in rows}
    result: dict[str, list[NewOrg]] = {}
    for root in wanted:
        units = [by_code[root]]
        counties = sorted(children[root], key=lambda r: r.code)
        if limit_counties is not None:
            counties = counties[:limit_counties]
        frontier = counties
        while frontier:  # breadth-first: every level after its parents
            units.extend(frontier)
            frontier = [c for parent in frontier for c in sorted(children[parent.code], key=lambda r: r.code)]
        units.extend(generated_groups([u for u in units if u.level == "village"]))
        result[root] = units
    return result
