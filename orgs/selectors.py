"""Reads of the organisation tree. Scope lives here: a user reads their own unit's subtree."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from yuxi_campaign.core.errors import OutOfScope

from .models import Organisation, User


def subtree_filter(node, prefix: str = "") -> dict:
    """Filters for ``node`` (a unit, or a dict of its tree_id/lft/rght) and everything below it:
    the one subtree filter that scope, ``within`` and rollups use."""
    get = node.get if isinstance(node, dict) else lambda name: getattr(node, name)
    return {
        f"{prefix}tree_id": get("tree_id"),
        f"{prefix}lft__gte": get("lft"),
        f"{prefix}lft__lte": get("rght"),
    }


def scope_filter(user: User, prefix: str = "") -> dict | None:
    """Filters selecting the user's subtree, ``{}`` for everything, ``None`` for nothing."""
    if not user.is_authenticated:
        return None
    if user.is_superuser and user.org_id is None:
        return {}
    if user.org_id is None:
        return None
    return subtree_filter(user.org, prefix)


def within_filter(org_id, prefix: str = "") -> dict:
    """The subtree filter of the unit ``org_id``, or an impossible filter if there is none."""
    node = Organisation.objects.filter(pk=org_id).values("tree_id", "lft", "rght").first()
    return {f"{prefix}pk": -1} if node is None else subtree_filter(node, prefix)


def orgs_for_user(user: User) -> QuerySet[Organisation]:
    filters = scope_filter(user)
    if filters is None:
        return Organisation.objects.none()
    return Organisation.objects.filter(**filters)


def org_get_for_user(user: User, pk: int) -> Organisation:
    try:
        return orgs_for_user(user).get(pk=pk)
    except (Organisation.DoesNotExist, ValueError, TypeError):
        raise OutOfScope("未找到该单位，或不在您的权限范围内") from None


def in_subtree(node: dict, top: dict) -> bool:
    """``node`` is ``top`` or below it (both dicts of tree_id/lft/rght): the rule of
    ``subtree_filter`` for two units already read."""
    return node["tree_id"] == top["tree_id"] and top["lft"] <= node["lft"] <= top["rght"]


UNIT_FIELDS = ("id", "code", "name", "level")
PLACE_FIELDS = ("parent_id", "is_active", "tree_id", "lft", "rght")


def org_and_children_for_user(user: User, pk: int) -> tuple[dict, list[dict]]:
    """The unit ``pk`` in the user's scope and its active children by code, as ``UNIT_FIELDS``
    dicts, in one query that reads the user's unit too. OutOfScope when the unit is not in scope
    (its children may be: the user's own unit)."""
    everything = user.org_id is None and scope_filter(user) == {}
    if user.org_id is None and not everything:
        raise OutOfScope("未找到该单位，或不在您的权限范围内")
    wanted = Q(pk=pk) | Q(parent_id=pk, is_active=True)
    if not everything:
        wanted |= Q(pk=user.org_id)
    rows = Organisation.objects.filter(wanted).order_by("code").values(*UNIT_FIELDS, *PLACE_FIELDS)
    head, mine, children = None, None, []
    for row in rows:
        place = {name: row.pop(name) for name in PLACE_FIELDS}
        if row["id"] == pk:
            head = (row, place)
        if row["id"] == user.org_id:
            mine = place
        if place["parent_id"] == pk and place["is_active"]:
            children.append(row)
    if head is None or not (everything or in_subtree(head[1], mine)):
        raise OutOfScope("未找到该单位，或不在您的权限范围内")
    return head[0], children


def roots() -> list[dict]:
    """The active roots (the prefectures) by code, as ``UNIT_FIELDS`` dicts."""
    rows = Organisation.objects.filter(parent=None, is_active=True).order_by("code")
    return list(rows.values(*UNIT_FIELDS))


def org_path(org: Organisation) -> list[dict]:
    """Ancestors from the root down to ``org`` (one query)."""
    rows = Organisation.objects.filter(tree_id=org.tree_id, lft__lte=org.lft, rght__gte=org.rght).order_by(
        "lft"
    )
    return [{"id": r.pk, "code": r.code, "name": r.name, "level": r.level} for r in rows]
