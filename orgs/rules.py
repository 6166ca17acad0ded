"""The rules of the organisation tree: levels, the kinds each level may have and their area type.

Pure data and functions, shared by the models' constraints, the services and the importer."""

from __future__ import annotations

LEVELS: tuple[str, ...] = ("city", "county", "township", "village", "group")
LEVEL_DEPTH: dict[str, int] = {level: depth for depth, level in enumerate(LEVELS)}

LEVEL_LABELS_ZH: dict[str, str] = {
    "city": "市",
    "county": "县（市、区）",
    "township": "乡镇（街道）",
    "village": "村（社区）",
    "group": "小组（小区）",
}

KINDS_BY_LEVEL: dict[str, tuple[str, ...]] = {
    "city": ("市", "州"),
    "county": ("县", "区", "市"),
    "township": ("乡", "镇", "街道"),
    "village": ("村", "社区"),
    "group": ("村民小组", "居民小组", "居民小区"),
}
ALL_KINDS: tuple[str, ...] = tuple(dict.fromkeys(k for kinds in KINDS_BY_LEVEL.values() for k in kinds))

URBAN_KINDS = frozenset({"社区", "街道", "居民小组", "居民小区"})
RURAL_KINDS = frozenset({"村", "乡", "镇", "村民小组"})


def child_level(level: str) -> str | None:
    depth = LEVEL_DEPTH[level]
    return LEVELS[depth + 1] if depth + 1 < len(LEVELS) else None


def parent_level(level: str) -> str | None:
    depth = LEVEL_DEPTH[level]
    return LEVELS[depth - 1] if depth > 0 else None


def area_type_for(kind: str) -> str:
    """社区, 街道, 居民小组, 居民小区 are urban; 村, 乡, 镇, 村民小组 rural; cities and counties mixed."""
    if kind in URBAN_KINDS:
        return "urban"
    if kind in RURAL_KINDS:
        return "rural"
    return "mixed"


def kind_fits_level(kind: str, level: str) -> bool:
    return kind in KINDS_BY_LEVEL.get(level, ())
