"""Every structural write of the organisation tree goes through this module.

django-mptt keeps lft/rght in every row and shifts them on each insert or move; two of those at
once corrupt the tree. So each write here takes one lock (a row of TreeWriteLock, SELECT … FOR
UPDATE; SQLite serialises writers with IMMEDIATE transactions), re-reads the nodes it touches
after the lock, and only then lets mptt do its bookkeeping. Bulk loads skip mptt entirely and
compute lft/rght/depth in one depth-first pass."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Max

from yuxi_campaign.core.errors import InvalidInput, NotAllowed

from . import loads, permissions, rollups, rules
from .models import Organisation, Role, TreeWriteLock, User, phone_validator
from .selectors import subtree_filter

LOCK_NAME = "org-tree"
CODE_RE = re.compile(r"^\d{6,15}$")
ANCESTOR_FIELDS = {"county": "county_id", "township": "township_id", "village": "village_id"}


def lock_tree() -> None:
    """Take the one lock of structural tree writes (until the transaction ends)."""
    TreeWriteLock.objects.get_or_create(name=LOCK_NAME)
    TreeWriteLock.objects.select_for_update().get(name=LOCK_NAME)


def validate_code(code: str) -> str:
    code = (code or "").strip()
    if not code:
        raise InvalidInput("编码不能为空", fields={"code": ["编码不能为空"]})
    if not CODE_RE.match(code):
        raise InvalidInput(
            f"编码“{code}”无效：应为 6–15 位数字（行政区划代码样式）",
            fields={"code": ["编码应为 6–15 位数字"]},
        )
    return code


def validate_name(name: str) -> str:
    name = (name or "").strip()
    if not name:
        raise InvalidInput("名称不能为空", fields={"name": ["名称不能为空"]})
    if len(name) > 100:
        raise InvalidInput("名称不能超过 100 个字", fields={"name": ["名称不能超过 100 个字"]})
    return name


def level_error(*, parent_level: str | None, level: str) -> str | None:
    """The Chinese message for a level that does not sit exactly one below its parent, or None."""
    if parent_level is None:
        if level != "city":
            return f"只有市级单位可以没有上级，{rules.LEVEL_LABELS_ZH.get(level, level)}必须有上级"
        return None
    expected = rules.child_level(parent_level)
    if expected is None:
        return f"{rules.LEVEL_LABELS_ZH[parent_level]}是最底层，不能再有下级"
    if level != expected:
        return (
            f"层级错误：上级是{rules.LEVEL_LABELS_ZH[parent_level]}，本单位应为"
            f"{rules.LEVEL_LABELS_ZH[expected]}，而不是{rules.LEVEL_LABELS_ZH.get(level, level)}"
        )
    return None


def kind_error(*, kind: str, level: str) -> str | None:
    if kind not in rules.ALL_KINDS:
        return f"未知类型“{kind}”：可选 {'、'.join(rules.ALL_KINDS)}"
    if not rules.kind_fits_level(kind, level):
        allowed = "、".join(rules.KINDS_BY_LEVEL[level])
        return f"类型“{kind}”不适用于{rules.LEVEL_LABELS_ZH[level]}：可选 {allowed}"
    return None


def _ancestor_ids(parent: Organisation | None) -> dict[str, int | None]:
    """county/township/village ids for a child of ``parent``."""
    values: dict[str, int | None] = {"county_id": None, "township_id": None, "village_id": None}
    if parent is None:
        return values
    for level, attr in ANCESTOR_FIELDS.items():
        values[attr] = parent.pk if parent.level == level else getattr(parent, attr)
    return values


@transaction.atomic
def org_create(
    *, parent: Organisation | int, code: str, name: str, kind: str, level: str | None = None
) -> Organisation:
    """Add a unit under ``parent``: its level is the one below the parent's."""
    code = validate_code(code)
    name = validate_name(name)
    lock_tree()
    parent_id = parent.pk if isinstance(parent, Organisation) else parent
    try:
        fresh_parent = Organisation.objects.get(pk=parent_id)
    except Organisation.DoesNotExist:
        raise InvalidInput("上级单位不存在", fields={"parent": ["上级单位不存在"]}) from None
    child = rules.child_level(fresh_parent.level)
    if level is not None and (msg := level_error(parent_level=fresh_parent.level, level=level)):
        raise InvalidInput(msg, fields={"level": [msg]})
    if child is None:
        msg = level_error(parent_level=fresh_parent.level, level="group")
        raise InvalidInput(msg or "", fields={"parent": [msg or ""]})
    if msg := kind_error(kind=kind, level=child):
        raise InvalidInput(msg, fields={"kind": [msg]})
    if not fresh_parent.is_active:
        raise InvalidInput(
            f"上级单位“{fresh_parent.name}”已停用，不能新增下级", fields={"parent": ["上级单位已停用"]}
        )
    if Organisation.objects.filter(code=code).exists():
        raise InvalidInput(f"编码“{code}”已被使用", fields={"code": [f"编码“{code}”已被使用"]})
    org = Organisation(
        code=code,
        name=name,
        level=child,
        kind=kind,
        area_type=rules.area_type_for(kind),
        parent=fresh_parent,
        **_ancestor_ids(fresh_parent),
    )
    org.save()
    rollups.unit_added(org)
    return org


@transaction.atomic
def org_update(*, org: Organisation, name: str | None = None, is_active: bool | None = None) -> Organisation:
    """Rename a unit, or deactivate it (with everything below it) or reactivate it."""
    lock_tree()
    org = Organisation.objects.get(pk=org.pk)
    fields: list[str] = []
    if name is not None:
        org.name = validate_name(name)
        fields.append("name")
    if is_active is not None and is_active != org.is_active:
        if is_active:
            if org.parent_id and not Organisation.objects.filter(pk=org.parent_id, is_active=True).exists():
                raise InvalidInput(
                    "上级单位已停用，不能单独启用下级", fields={"is_active": ["上级单位已停用"]}
                )
            org.is_active = True
            fields.append("is_active")
        else:
            Organisation.objects.filter(**subtree_filter(org)).update(is_active=False)
            org.is_active = False
            fields.append("is_active")
    if fields:
        org.save(update_fields=fields)
    if "is_active" in fields:
        (rollups.unit_reactivated if org.is_active else rollups.unit_deactivated)(org)
    return org


@transaction.atomic
def org_move(*, org: Organisation, new_parent: Organisation) -> Organisation:
    """Move a unit (and its subtree) under another parent of the same level."""
    lock_tree()
    org = Organisation.objects.get(pk=org.pk)
    new_parent = Organisation.objects.get(pk=new_parent.pk)
    if org.parent_id is None:
        raise InvalidInput("市级单位不能移动", fields={"parent": ["市级单位不能移动"]})
    if msg := level_error(parent_level=new_parent.level, level=org.level):
        raise InvalidInput(msg, fields={"parent": [msg]})
    if not new_parent.is_active:
        raise InvalidInput("新的上级单位已停用", fields={"parent": ["新的上级单位已停用"]})
    old_path, old_parent_id = rollups.path_ids(org), org.parent_id
    org.parent = new_parent
    org.save()  # mptt moves the subtree, keeping siblings in code order
    org = Organisation.objects.get(pk=org.pk)
    updates = {
        attr: value
        for attr, value in _ancestor_ids(new_parent).items()
        if rules.LEVEL_DEPTH[attr.removesuffix("_id")] < rules.LEVEL_DEPTH[org.level]
    }
    if updates:
        Organisation.objects.filter(**subtree_filter(org)).update(**updates)
    org = Organisation.objects.get(pk=org.pk)
    rollups.unit_moved(org, old_path=old_path, old_parent_id=old_parent_id)
    return org


# ---------------------------------------------------------------------------------------------
# Bulk loads: no mptt bookkeeping per row; positions computed in one pass per tree.


@dataclass(frozen=True)
class NewOrg:
    code: str
    name: str
    level: str
    kind: str
    parent_code: str | None


@dataclass
class BulkLoadResult:
    created: int = 0
    renamed: int = 0
    unchanged: int = 0
    repositioned: int = 0


def orgs_bulk_load(*, rows: Iterable[NewOrg]) -> BulkLoadResult:
    """Create the units that are new and rename those whose name changed. Rows must already be
    valid (the importer checks them). Re-loading the same rows changes nothing.

    Each new unit is written once with its final id, tree_id, lft/rght, depth and ancestors
    (``loads.tree_plan``: one depth-first pass per tree; COPY on PostgreSQL); existing units of
    a tree that gains units are renumbered in the same pass and only those that moved are
    rewritten. Afterwards the table's statistics are refreshed (PostgreSQL)."""
    rows = list(rows)
    result = BulkLoadResult()
    with transaction.atomic(), loads.gc_paused():
        lock_tree()
        existing = _stored_names([r.code for r in rows])
        new: list[NewOrg] = []
        renames: list[tuple[str, str]] = []
        for row in rows:
            if row.code not in existing:
                new.append(row)
            elif existing[row.code] != row.name:
                renames.append((row.name, row.code))
            else:
                result.unchanged += 1
        touched_trees: set[int] = set()
        if new:
            result.repositioned, touched_trees = _load_new(new)
            result.created = len(new)
        if renames:
            with connection.cursor() as cursor:
                cursor.executemany(
                    f"UPDATE {Organisation._meta.db_table} SET name = %s WHERE code = %s",  # noqa: S608 - our table
                    renames,
                )
            result.renamed = len(renames)
        if new:
            rollups.unit_rollups_rebuild(sorted(touched_trees))  # new units have no assessments
            loads.tables_analyze(Organisation._meta.db_table)
    return result


def _stored_names(codes: list[str]) -> dict[str, str]:
    """Code → name of the stored units among ``codes``. When fewer units are stored than codes
    come in (a first load, or a small tree growing), every stored unit is read once and matched
    here: looking 164,000 codes up one by one in an empty table took a second."""
    if Organisation.objects.count() <= len(codes):
        wanted = set(codes)
        stored = Organisation.objects.values_list("code", "name").iterator(chunk_size=5000)
        return {code: name for code, name in stored if code in wanted}
    return dict(Organisation.objects.filter(loads.codes_q(codes)).values_list("code", "name"))


def _load_new(new: list[NewOrg]) -> tuple[int, set[int]]:
    """Write the ``new`` units (parents in the rows or already stored) with their final
    positions; renumber the existing units of the trees they join. Returns how many existing
    units moved, and the trees written. Call with the tree lock held."""
    new_codes = {r.code for r in new}
    outside_parents = {r.parent_code for r in new if r.parent_code and r.parent_code not in new_codes}
    stored_parents = dict(
        Organisation.objects.filter(loads.codes_q(outside_parents)).values_list("code", "tree_id")
    )
    trees = _stored_nodes(set(stored_parents.values()))
    tree_of_code = {node.code: tree_id for tree_id, nodes in trees.items() for node, _ in nodes}
    next_tree = (Organisation.objects.aggregate(m=Max("tree_id"))["m"] or 0) + 1
    depth, node = rules.LEVEL_DEPTH, loads.Node
    for row in sorted(new, key=lambda r: depth[r.level]):  # parents before children
        code, parent_code, level = row.code, row.parent_code, row.level
        if parent_code is None:
            tree_id = next_tree
            next_tree += 1
        else:
            tree_id = tree_of_code[parent_code]
        tree_of_code[code] = tree_id
        # positional (pk, code, level, old, row): 164,000 of them for a province
        trees[tree_id].append((node(None, code, level, None, (code, row.name, level, row.kind)), parent_code))
    plan = loads.tree_plan(trees=trees, ids=loads.ids_reserve(Organisation, len(new), exclusive=True))
    loads.rows_copy(table=Organisation._meta.db_table, columns=loads.ORG_COLUMNS, rows=plan.new_rows)
    if plan.moved:
        _write_positions(Organisation._meta.db_table, plan.moved)
    return len(plan.moved), {tree_of_code[r.code] for r in new}


def renumber_trees(*, tree_ids: Iterable[int]) -> int:
    """Recompute lft/rght/depth and the denormalised ancestors of whole trees in one depth-first
    pass each (children ordered by code, as ``order_insertion_by`` does); write only rows that
    changed. Call with the tree lock held. Returns the number of rows rewritten."""
    trees = _stored_nodes(set(tree_ids))
    moved = loads.tree_plan(trees=trees, ids=()).moved
    if moved:
        _write_positions(Organisation._meta.db_table, moved)
    return len(moved)


def _stored_nodes(tree_ids: set[int]) -> dict[int, list[tuple[loads.Node, str | None]]]:
    """The stored units of ``tree_ids`` as numbering nodes with their parents' codes."""
    trees: dict[int, list[tuple[loads.Node, str | None]]] = defaultdict(list)
    for pk, parent_code, code, tree_id, level, *old in Organisation.objects.filter(
        tree_id__in=tree_ids
    ).values_list(
        "pk",
        "parent__code",
        "code",
        "tree_id",
        "level",
        "lft",
        "rght",
        "depth",
        "county_id",
        "township_id",
        "village_id",
    ):
        trees[tree_id].append((loads.Node(pk=pk, code=code, level=level, old=tuple(old)), parent_code))
    return trees


def _write_positions(table: str, rows: list[tuple]) -> None:
    """Write (lft, rght, depth, county, township, village, id) rows. PostgreSQL: one
    UPDATE … FROM (VALUES …) per 1,000 rows (one statement a row took 40 s for the province);
    SQLite: executemany, which is already fast in process."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            for start in range(0, len(rows), 1000):
                batch = rows[start : start + 1000]
                values = ", ".join(
                    ["(%s::int, %s::int, %s::int, %s::bigint, %s::bigint, %s::bigint, %s::bigint)"]
                    * len(batch)
                )
                cursor.execute(
                    f"UPDATE {table} AS o SET lft = v.lft, rght = v.rght, depth = v.depth, "  # noqa: S608 - our table
                    "county_id = v.county_id, township_id = v.township_id, village_id = v.village_id "
                    f"FROM (VALUES {values}) AS v(lft, rght, depth, county_id, township_id, village_id, id) "
                    "WHERE o.id = v.id",
                    [value for row in batch for value in row],
                )
        else:
            cursor.executemany(
                f"UPDATE {table} SET lft = %s, rght = %s, depth = %s, county_id = %s, "  # noqa: S608 - our table
                "township_id = %s, village_id = %s WHERE id = %s",
                rows,
            )


# ---------------------------------------------------------------------------------------------
# Officials


def password_check(*, password: str, user: User) -> None:
    """Django's password validators (settings.AUTH_PASSWORD_VALIDATORS), as every password change
    applies them: InvalidInput listing every problem, before anything is written."""
    try:
        validate_password(password, user)
    except ValidationError as exc:
        problems = list(exc.messages)
        raise InvalidInput("密码不符合要求：" + "；".join(problems), fields={"password": problems}) from None


def official_details_check(*, name: str | None, phone: str | None) -> dict[str, str]:
    """The real name (姓名) and the optional mobile number (手机号), cleaned; InvalidInput otherwise."""
    values: dict[str, str] = {}
    if name is not None:
        name = name.strip()
        if len(name) > 50:
            raise InvalidInput("姓名不能超过 50 个字", fields={"name": ["姓名不能超过 50 个字"]})
        values["name"] = name
    if phone is not None:
        phone = phone.strip()
        if phone:
            try:
                phone_validator(phone)
            except ValidationError as exc:
                raise InvalidInput(exc.messages[0], fields={"phone": list(exc.messages)}) from None
        values["phone"] = phone
    return values


@transaction.atomic
def official_save(
    *,
    username: str,
    org_code: str,
    role: str,
    password: str | None = None,
    name: str | None = None,
    phone: str | None = None,
) -> tuple[User, bool]:
    """Create or update the user ``username`` bound to the unit ``org_code`` with ``role``."""
    username = (username or "").strip()
    if not username:
        raise InvalidInput("用户名不能为空", fields={"username": ["用户名不能为空"]})
    if role not in Role.values:
        raise InvalidInput(f"未知角色“{role}”：可选 {', '.join(Role.values)}", fields={"role": ["未知角色"]})
    details = official_details_check(name=name, phone=phone)
    try:
        org = Organisation.objects.get(code=org_code)
    except Organisation.DoesNotExist:
        raise InvalidInput(f"编码为“{org_code}”的单位不存在", fields={"org": ["单位不存在"]}) from None
    if not org.is_active:
        raise InvalidInput(f"单位“{org.name}”已停用", fields={"org": ["单位已停用"]})
    if role == Role.ADMIN and org.level not in permissions.ADMIN_LEVELS:
        raise NotAllowed(
            "管理员只能设在市级或县级组织部（市、县单位）", fields={"role": ["管理员只能属于市级或县级单位"]}
        )
    user = User.objects.filter(username=username).first()
    created = user is None
    if created:
        user = User(username=username, org=org, role=role)
    new_password = bool(password) and (created or not user.check_password(password))
    if new_password:
        password_check(password=password, user=user)
    changed = created or user.org_id != org.pk or user.role != role or user.is_staff != (role == Role.ADMIN)
    changed = changed or any(getattr(user, key) != value for key, value in details.items())
    for key, value in details.items():
        setattr(user, key, value)
    user.org = org
    user.role = role
    user.is_staff = role == Role.ADMIN
    if new_password:
        user.set_password(password)
        changed = True
    elif created and not password:
        user.set_unusable_password()
    if changed:
        user.save()
    return user, created


def _official_binding_check(*, actor: User, org: Organisation | None, role: str) -> Organisation:
    """The unit (re-read) and role an administrator gives an official: in the actor's subtree,
    active, and a role the actor may grant (``orgs.permissions``)."""
    if org is not None:
        org = Organisation.objects.filter(pk=org.pk).first()
    if msg := permissions.grant_error(actor, org=org, role=role):
        field = "org" if org is None or not permissions.in_scope(actor, org) else "role"
        raise NotAllowed(msg, fields={field: [msg]})
    if not org.is_active:
        raise InvalidInput(f"单位“{org.name}”已停用", fields={"org": ["单位已停用"]})
    return org


@transaction.atomic
def official_create(
    *,
    actor: User,
    username: str,
    org: Organisation | None,
    role: str,
    password: str | None,
    name: str = "",
    phone: str = "",
) -> User:
    """An administrator adds an official in its subtree (系统管理). Nothing is written unless the
    unit, the role, the name, the phone and the password all pass."""
    username = (username or "").strip()
    if not username:
        raise InvalidInput("用户名不能为空", fields={"username": ["用户名不能为空"]})
    if User.objects.filter(username=username).exists():
        raise InvalidInput(f"登录名“{username}”已被使用", fields={"username": ["登录名已被使用"]})
    org = _official_binding_check(actor=actor, org=org, role=role)
    details = official_details_check(name=name, phone=phone)
    user = User(username=username, org=org, role=role, is_staff=role == Role.ADMIN, **details)
    if password:
        password_check(password=password, user=user)
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.save()
    return user


@transaction.atomic
def official_update(
    *,
    actor: User,
    official: User,
    org: Organisation | None,
    role: str,
    name: str,
    phone: str,
    is_active: bool,
) -> User:
    """An administrator changes an official's unit, role, name, phone or active flag. The official
    must be one the actor manages (``permissions.may_manage_official``), before and after."""
    official = User.objects.select_for_update().get(pk=official.pk)
    if not permissions.may_manage_official(actor, official):
        raise NotAllowed("您不能修改该账号：它不在您的管理范围内，或其角色不是您可以授予的")
    if official.pk == actor.pk and not is_active:
        raise NotAllowed("不能停用自己的账号", fields={"is_active": ["不能停用自己的账号"]})
    org = _official_binding_check(actor=actor, org=org, role=role)
    details = official_details_check(name=name, phone=phone)
    for key, value in details.items():
        setattr(official, key, value)
    official.org, official.role, official.is_active = org, role, is_active
    official.is_staff = role == Role.ADMIN or official.is_superuser
    official.save(update_fields=["org", "role", "is_active", "is_staff", *details])
    return official
