"""The default kinds of model site (示范点), from the campaign's "组有看点、村有亮点、乡有重点、县有特点":
pure data, read by the migration that installs them and by ``site_kinds_install_defaults``."""

from __future__ import annotations

TAGLINES: dict[str, str] = {
    "group": "组有看点",
    "village": "村有亮点",
    "township": "乡有重点",
    "county": "县有特点",
}

# (name, level, area type: "" any, "rural" or "urban")
DEFAULT_SITE_KINDS: tuple[tuple[str, str, str], ...] = (
    ("村民小组", "group", "rural"),
    ("村", "village", "rural"),
    ("社区", "village", "urban"),
    ("居民小区", "group", "urban"),
    ("乡镇（街道）", "township", ""),
    ("县级示范片区", "county", ""),
)


def default_kind_rows() -> list[dict]:
    return [
        {"name": name, "level": level, "area_type": area, "tagline": TAGLINES[level], "order": i}
        for i, (name, level, area) in enumerate(DEFAULT_SITE_KINDS, start=1)
    ]
