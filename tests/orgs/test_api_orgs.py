import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from orgs.models import Organisation
from orgs.services import orgs_bulk_load
from tests.helpers import tree_rows


def ids(response):
    return {row["id"] for row in response.json()["results"]}


def test_a_township_leader_lists_exactly_the_township_and_everything_below_it(tree, user_factory, api_for):
    leader = user_factory(tree.township, "leader")
    response = api_for(leader).get("/api/v1/orgs/", {"page_size": 1000})
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"count", "next", "previous", "results"}
    expected = set(
        Organisation.objects.filter(
            tree_id=tree.township.tree_id, lft__gte=tree.township.lft, lft__lte=tree.township.rght
        ).values_list("id", flat=True)
    )
    assert ids(response) == expected and body["count"] == 7
    row = next(r for r in body["results"] if r["id"] == tree.village.pk)
    assert row == {
        "id": tree.village.pk,
        "code": "530401001001",
        "name": tree.village.name,
        "level": "village",
        "kind": "村",
        "area_type": "rural",
        "parent": tree.township.pk,
        "is_active": True,
    }


def test_a_colleague_elsewhere_does_not_see_this_township(tree, user_factory, api_for):
    colleague = user_factory(tree.far_township, "leader")
    client = api_for(colleague)
    assert tree.village.pk not in ids(client.get("/api/v1/orgs/", {"page_size": 1000}))
    response = client.get(f"/api/v1/orgs/{tree.village.pk}/")
    assert response.status_code == 404
    assert "不在您的权限范围内" in response.json()["detail"]


def test_an_outsider_without_login_gets_403(tree, api_for):
    """Session authentication comes first and sends no WWW-Authenticate challenge, so DRF answers
    403, not 401, when no credentials were given."""
    response = api_for(None).get("/api/v1/orgs/")
    assert response.status_code == 403
    assert response.json()["detail"]


def test_detail_gives_the_path_from_the_root(tree, user_factory, api_for):
    operator = user_factory(tree.village, "operator")
    body = api_for(operator).get(f"/api/v1/orgs/{tree.group.pk}/").json()
    assert [p["name"] for p in body["path"]] == [
        "玉溪市",
        "第1县",
        tree.township.name,
        tree.village.name,
        tree.group.name,
    ]
    assert body["parent"] == tree.village.pk


def test_a_unit_above_the_users_own_is_out_of_scope(tree, user_factory, api_for):
    operator = user_factory(tree.village, "operator")
    assert api_for(operator).get(f"/api/v1/orgs/{tree.township.pk}/").status_code == 404


@pytest.mark.parametrize(
    ("params", "expected_codes"),
    [
        ({"level": "township"}, {"530401001", "530401002", "530402001", "530402002"}),
        ({"code": "530401002"}, {"530401002"}),
        ({"search": "1-1-1村"}, {"530401001001"}),
        ({"search": "53040200", "level": "township"}, {"530402001", "530402002"}),
    ],
)
def test_filters(tree, user_factory, api_for, params, expected_codes):
    admin = user_factory(tree.city, "admin")
    rows = api_for(admin).get("/api/v1/orgs/", {**params, "page_size": 1000}).json()["results"]
    assert {r["code"] for r in rows} == expected_codes


def test_parent_and_within_filters(tree, user_factory, api_for):
    admin = user_factory(tree.city, "admin")
    client = api_for(admin)
    children = client.get("/api/v1/orgs/", {"parent": tree.township.pk}).json()["results"]
    assert {r["id"] for r in children} == {tree.village.pk, tree.sibling_village.pk}
    within = client.get("/api/v1/orgs/", {"within": tree.village.pk}).json()["results"]
    assert {r["code"] for r in within} == {"530401001001", "530401001001001", "530401001001002"}


def test_within_a_unit_outside_scope_gives_nothing(tree, user_factory, api_for):
    leader = user_factory(tree.township, "leader")
    assert api_for(leader).get("/api/v1/orgs/", {"within": tree.far_village.pk}).json()["count"] == 0


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"level": "planet"}, "level"),
        ({"parent": "abc"}, "parent"),
        ({"page_size": "1001"}, "page_size"),
        ({"page_size": "0"}, "page_size"),
    ],
)
def test_bad_query_parameters_answer_400_with_the_field(tree, user_factory, api_for, params, field):
    admin = user_factory(tree.city, "admin")
    response = api_for(admin).get("/api/v1/orgs/", params)
    assert response.status_code == 400
    assert field in response.json() and response.json()["detail"]


def test_page_size_up_to_1000_is_honoured(tree, user_factory, api_for):
    admin = user_factory(tree.city, "admin")
    body = api_for(admin).get("/api/v1/orgs/", {"page_size": 5}).json()
    assert len(body["results"]) == 5 and body["next"].endswith("page=2&page_size=5")


def _list_queries(client) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get("/api/v1/orgs/", {"page_size": 1000})
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_the_list_costs_the_same_queries_for_10_and_1000_units(db, user_factory, api_for):
    orgs_bulk_load(rows=tree_rows(counties=1, townships=1, villages=2, groups=3))
    admin = user_factory(Organisation.objects.get(code="530400"), "admin")
    client = api_for(admin)
    small = _list_queries(client)
    assert Organisation.objects.count() == 11
    orgs_bulk_load(rows=tree_rows(counties=3, townships=6, villages=6, groups=9))
    assert Organisation.objects.count() > 1000
    # count + one page of rows; the user is force-authenticated
    assert _list_queries(client) == small == 2


def test_only_admins_may_add_units(tree, user_factory, api_for):
    leader = user_factory(tree.township, "leader")
    response = api_for(leader).post(
        "/api/v1/orgs/",
        {"parent": tree.village.pk, "code": "530401001001009", "name": "新组", "kind": "村民小组"},
    )
    assert response.status_code == 403
    assert "只有组织部管理员" in response.json()["detail"]
    assert not Organisation.objects.filter(code="530401001001009").exists()


def test_an_admin_adds_a_unit_and_gets_it_back_with_its_path(tree, user_factory, api_for):
    admin = user_factory(tree.city, "admin")
    response = api_for(admin).post(
        "/api/v1/orgs/",
        {"parent": tree.village.pk, "code": "530401001001009", "name": "新组", "kind": "村民小组"},
        format="json",
    )
    assert response.status_code == 201
    body = response.json()
    assert (body["level"], body["area_type"], body["parent"]) == ("group", "rural", tree.village.pk)
    assert body["path"][-1]["name"] == "新组"


def test_an_admin_gets_a_chinese_400_for_a_bad_unit_and_nothing_is_added(tree, user_factory, api_for):
    admin = user_factory(tree.city, "admin")
    before = Organisation.objects.count()
    response = api_for(admin).post(
        "/api/v1/orgs/",
        {"parent": tree.village.pk, "code": "530401001001009", "name": "错组", "kind": "社区"},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["kind"] == ["类型“社区”不适用于小组（小区）：可选 村民小组、居民小组、居民小区"]
    assert Organisation.objects.count() == before


def test_an_admin_renames_deactivates_and_moves_a_unit(tree, user_factory, api_for):
    client = api_for(user_factory(tree.city, "admin"))
    url = f"/api/v1/orgs/{tree.village.pk}/"
    assert client.patch(url, {"name": "改名村"}, format="json").json()["name"] == "改名村"
    assert client.patch(url, {"is_active": False}, format="json").json()["is_active"] is False
    assert not Organisation.objects.get(pk=tree.group.pk).is_active
    moved = client.patch(
        f"/api/v1/orgs/{tree.sibling_village.pk}/", {"parent": tree.far_township.pk}, format="json"
    )
    assert moved.status_code == 200 and moved.json()["parent"] == tree.far_township.pk


def test_a_leader_cannot_rename_a_unit(tree, user_factory, api_for):
    response = api_for(user_factory(tree.township, "leader")).patch(
        f"/api/v1/orgs/{tree.village.pk}/", {"name": "x"}, format="json"
    )
    assert response.status_code == 403
    assert Organisation.objects.get(pk=tree.village.pk).name == tree.village.name


def test_token_auth(tree, user_factory, client):
    user_factory(tree.township, "reviewer", username="rev")
    bad = client.post("/api/v1/auth/token/", {"username": "rev", "password": "wrong"})
    assert bad.status_code == 400 and bad.json()["detail"]
    token = client.post(
        "/api/v1/auth/token/", {"username": "rev", "password": "correct-horse-battery"}
    ).json()["token"]
    response = client.get("/api/v1/orgs/", HTTP_AUTHORIZATION=f"Token {token}")
    assert response.status_code == 200 and response.json()["count"] == 7
