"""Reads of the organisation tree. Scope lives here: a user reads their own unit's subtree."""

from __future__ import annotations

from django.db.models import QuerySet

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


def org_path(org: Organisation) -> list[dict]:
    """Ancestors from the root down to ``org`` (one query)."""
    rows = Organisation.objects.filter(tree_id=org.tree_id, lft__lte=org.lft, rght__gte=org.rght).order_by(
        "lft"
    )
    return [{"id": r.pk, "code": r.code, "name": r.name, "level": r.level} for r in rows]
