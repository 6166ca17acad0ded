"""Model sites (示范点): who designates and edits them (a county its own, the city all, nobody
else), what the public sees (the showcase and the public fields, never status, notes or names),
photos checked by their content, bad input refused with nothing changed, and query counts that
do not grow with the number of sites."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from assessments.storage import evidence_storage
from monthly import services
from monthly.models import ModelSite, MonthlyEvent, SiteKind, SitePhoto, SiteVisit
from monthly.photos import THUMB_EDGE
from orgs.models import Organisation
from tests.helpers import at_once, login, make_user

API = "/api/v1/model-sites/"


def image_bytes(fmt: str = "PNG", size: tuple[int, int] = (800, 500), colour=(200, 40, 40)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, format=fmt)
    return out.getvalue()


def upload(name: str = "photo.png", content: bytes | None = None, content_type: str = "image/png"):
    return SimpleUploadedFile(name, image_bytes() if content is None else content, content_type=content_type)


def stored_files() -> list[str]:
    root = Path(evidence_storage().location) / "sites"
    return sorted(p.name for p in root.glob("*")) if root.exists() else []


class People:
    def __init__(self, tree):
        self.county_leader = make_user(tree.county, "leader", "county-leader")
        self.county_admin = make_user(tree.county, "admin", "county-admin")
        self.county_reviewer = make_user(tree.county, "reviewer", "county-reviewer")
        self.other_leader = make_user(tree.other_county, "leader", "other-leader")
        self.township_leader = make_user(tree.township, "leader", "township-leader")
        self.operator = make_user(tree.village, "operator", "village-operator")
        self.city_admin = make_user(tree.city, "admin", "city-admin")


@pytest.fixture
def kinds(db) -> dict[str, SiteKind]:
    services.site_kinds_install_defaults()
    return {k.name: k for k in SiteKind.objects.all()}


@pytest.fixture
def people(tree) -> People:
    return People(tree)


def designate(actor, org, kind, highlight="党建引领产业兴旺", **extra) -> ModelSite:
    return services.site_create(actor=actor, org_id=org.pk, kind=kind, highlight=highlight, **extra)


@pytest.fixture
def village_site(tree, people, kinds) -> ModelSite:
    return designate(
        people.county_leader,
        tree.village,
        kinds["村"],
        description="村党支部领办合作社",
        internal_note="验收材料待补齐",
        contact="张书记",
    )


@pytest.fixture
def far_site(tree, people, kinds) -> ModelSite:
    return designate(people.other_leader, tree.far_village, kinds["村"], highlight="芒果产业富了山坡")


# --- the kinds ------------------------------------------------------------------------------


def test_the_six_default_kinds_carry_the_tagline_of_their_level(kinds):
    assert [(k.name, k.level, k.area_type, k.tagline) for k in SiteKind.objects.order_by("order")] == [
        ("村民小组", "group", "rural", "组有看点"),
        ("村", "village", "rural", "村有亮点"),
        ("社区", "village", "urban", "村有亮点"),
        ("居民小区", "group", "urban", "组有看点"),
        ("乡镇（街道）", "township", "", "乡有重点"),
        ("县级示范片区", "county", "", "县有特点"),
    ]
    assert services.site_kinds_install_defaults() == 0  # idempotent


# --- scope: who designates and edits ---------------------------------------------------------


@pytest.mark.parametrize("who", ["county_leader", "county_admin", "city_admin"])
def test_county_and_city_designate_a_site_through_the_api(tree, people, kinds, who):
    response = Client()
    client = login(getattr(people, who))
    response = client.post(
        API,
        {
            "org": tree.village.pk,
            "kind": kinds["村"].pk,
            "highlight": "村办公司带富一方",
            "contact": "李主任",
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["org"]["name"] == tree.village.name
    assert body["status"] == "building" and body["contact"] == "李主任"
    assert body["path"] == f"{tree.county.name} · {tree.township.name}"
    site = ModelSite.objects.get()
    assert site.county == tree.county
    event = MonthlyEvent.objects.get()
    assert (event.action, event.object_id, event.org_id, event.actor) == (
        "site_create",
        site.pk,
        tree.village.pk,
        getattr(people, who),
    )


def test_a_county_cannot_designate_a_unit_of_another_county(tree, people, kinds):
    response = login(people.county_leader).post(
        API,
        {"org": tree.far_village.pk, "kind": kinds["村"].pk, "highlight": "亮点"},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json()["org"] == [f"“{tree.far_village.name}”不在您可以指定示范点的县（市、区）范围内"]
    assert not ModelSite.objects.exists() and not MonthlyEvent.objects.exists()


@pytest.mark.parametrize("who", ["township_leader", "operator", "county_reviewer"])
def test_officials_below_the_county_or_without_the_role_cannot_designate(tree, people, kinds, who):
    response = login(getattr(people, who)).post(
        API,
        {"org": tree.village.pk, "kind": kinds["村"].pk, "highlight": "亮点"},
        content_type="application/json",
    )
    assert response.status_code == 403
    assert "负责人或组织部管理员" in response.json()["detail"]
    assert not ModelSite.objects.exists()


def test_the_public_cannot_write(tree, kinds, village_site):
    client = Client()
    body = {"org": tree.group.pk, "kind": kinds["村民小组"].pk, "highlight": "亮点"}
    assert client.post(API, body, content_type="application/json").status_code == 403
    assert (
        client.patch(
            f"{API}{village_site.pk}/", {"highlight": "改"}, content_type="application/json"
        ).status_code
        == 403
    )
    assert client.post(f"{API}{village_site.pk}/photos/", {"file": upload()}).status_code == 403
    assert ModelSite.objects.count() == 1 and ModelSite.objects.get().highlight == "党建引领产业兴旺"
    assert not SitePhoto.objects.exists()


def test_a_county_edits_its_own_site_and_the_change_is_logged(people, village_site):
    response = login(people.county_leader).patch(
        f"{API}{village_site.pk}/",
        {"status": "accepted", "highlight": "合作社年收入翻番"},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "accepted"
    village_site.refresh_from_db()
    assert (village_site.status, village_site.highlight) == ("accepted", "合作社年收入翻番")
    event = MonthlyEvent.objects.get(action="site_update")
    assert event.data == {
        "highlight": {"old": "党建引领产业兴旺", "new": "合作社年收入翻番"},
        "status": {"old": "building", "new": "accepted"},
    }


def test_another_countys_site_is_not_found_for_a_county_but_editable_by_the_city(people, far_site):
    url = f"{API}{far_site.pk}/"
    response = login(people.county_leader).patch(url, {"highlight": "改掉"}, content_type="application/json")
    assert response.status_code == 404
    assert (
        login(people.city_admin)
        .patch(url, {"highlight": "市里改"}, content_type="application/json")
        .status_code
        == 200
    )
    far_site.refresh_from_db()
    assert far_site.highlight == "市里改"


def test_a_township_leader_sees_the_site_in_scope_but_may_not_edit_it(people, village_site):
    client = login(people.township_leader)
    assert client.get(f"{API}{village_site.pk}/").json()["status"] == "building"
    response = client.patch(f"{API}{village_site.pk}/", {"highlight": "改"}, content_type="application/json")
    assert response.status_code == 403
    village_site.refresh_from_db()
    assert village_site.highlight == "党建引领产业兴旺"


# --- what the public sees ------------------------------------------------------------------


def test_the_public_reads_public_fields_only(village_site):
    row = Client().get(API).json()["results"][0]
    assert row["highlight"] == "党建引领产业兴旺" and row["description"] == "村党支部领办合作社"
    assert (row["status"], row["internal_note"], row["contact"]) == (None, None, None)
    detail = Client().get(f"{API}{village_site.pk}/").json()
    assert detail["visits"] is None and detail["contact"] is None


def test_officials_read_internal_fields_of_their_scope_only(people, village_site, far_site):
    rows = {r["id"]: r for r in login(people.county_leader).get(API).json()["results"]}
    assert rows[village_site.pk]["internal_note"] == "验收材料待补齐"
    assert rows[village_site.pk]["contact"] == "张书记"
    assert (rows[far_site.pk]["status"], rows[far_site.pk]["internal_note"]) == (None, None)
    assert all(r["status"] is not None for r in login(people.city_admin).get(API).json()["results"])


def test_the_showcase_shows_no_status_notes_or_names(people, village_site):
    html = Client().get("/showcase/").content.decode()
    assert "党建引领产业兴旺" in html and village_site.org.name in html
    assert "村有亮点" in html
    for secret in ("验收材料待补齐", "张书记", "建设中", "county-leader"):
        assert secret not in html
    detail = Client().get(f"/showcase/{village_site.pk}/").content.decode()
    assert "村党支部领办合作社" in detail
    assert "验收材料待补齐" not in detail and "张书记" not in detail and "建设中" not in detail


def test_internal_pages_need_a_login_and_keep_to_the_scope(people, village_site, far_site):
    assert Client().get("/sites/").status_code == 302
    client = login(people.county_leader)
    html = client.get("/sites/").content.decode()
    assert village_site.org.name in html and far_site.org.name not in html
    assert client.get(f"/sites/{far_site.pk}/").status_code == 404
    page = client.get(f"/sites/{village_site.pk}/").content.decode()
    assert "验收材料待补齐" in page and "张书记" in page


# --- bad input: a clear message, nothing changed ---------------------------------------------


@pytest.mark.parametrize(
    ("unit", "kind", "message"),
    [
        ("village", "社区", "只适用于城镇村（社区）级单位"),
        ("village", "村民小组", "只适用于农村小组（小区）级单位"),
        ("group", "居民小区", "只适用于城镇小组（小区）级单位"),
        ("township", "县级示范片区", "只适用于县（市、区）级单位"),
    ],
)
def test_a_kind_that_does_not_fit_the_unit_is_refused(tree, people, kinds, unit, kind, message):
    org = getattr(tree, unit)
    response = login(people.county_leader).post(
        API, {"org": org.pk, "kind": kinds[kind].pk, "highlight": "亮点"}, content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["kind"] == [
        f"“{org.name}”是{org.kind}，不能指定为“{kind}”类示范点：该类型{message}"
    ]
    assert not ModelSite.objects.exists()


@pytest.mark.parametrize(
    ("highlight", "message"),
    [
        ("亮" * 41, "亮点不能超过 40 字（现有 41 字）"),
        ("第一行\n第二行", "亮点只能写一行"),
        ("   ", "请填写亮点"),
    ],
)
def test_a_bad_highlight_is_refused_and_the_site_is_unchanged(people, village_site, highlight, message):
    response = login(people.county_leader).patch(
        f"{API}{village_site.pk}/",
        {"highlight": highlight, "status": "accepted"},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json()["highlight"] == [message]
    village_site.refresh_from_db()
    assert (village_site.highlight, village_site.status) == ("党建引领产业兴旺", "building")
    assert not MonthlyEvent.objects.filter(action="site_update").exists()


def test_a_unit_is_designated_once(tree, people, kinds, village_site):
    with pytest.raises(Exception) as raised:
        designate(people.city_admin, tree.village, kinds["村"])
    assert raised.value.status_code == 409 and "已是示范点" in raised.value.detail
    assert ModelSite.objects.count() == 1


def test_an_unknown_kind_is_refused(tree, people):
    response = login(people.county_leader).post(
        API, {"org": tree.village.pk, "kind": 99999, "highlight": "亮点"}, content_type="application/json"
    )
    assert response.status_code == 400 and response.json()["kind"] == ["请选择有效的示范点类型"]
    assert not ModelSite.objects.exists()


# --- photos -------------------------------------------------------------------------------


def test_a_photo_is_stored_re_encoded_with_a_thumbnail(people, village_site):
    response = login(people.county_leader).post(
        f"{API}{village_site.pk}/photos/",
        {"file": upload(content=image_bytes("PNG", (2400, 1500))), "caption": "合作社"},
    )
    assert response.status_code == 201, response.content
    photo = SitePhoto.objects.get()
    assert (photo.width, photo.height, photo.caption) == (1600, 1000, "合作社")
    with evidence_storage().open(photo.thumb_name) as handle, Image.open(handle) as thumb:
        assert thumb.format == "JPEG" and max(thumb.size) == THUMB_EDGE
    served = Client().get(response.json()["thumbnail_url"])
    assert served.status_code == 200 and served["Content-Type"] == "image/jpeg"
    assert len(stored_files()) == 2
    assert MonthlyEvent.objects.filter(action="site_photo_add").count() == 1


def test_a_photo_loses_its_gps_metadata(people, village_site):
    original = Image.new("RGB", (300, 200), (10, 120, 40))
    exif = Image.Exif()
    exif[0x8825] = {1: "N", 2: (24.0, 21.0, 0.0)}  # GPS IFD
    exif[0x010F] = "CameraMaker"
    out = io.BytesIO()
    original.save(out, format="JPEG", exif=exif)
    assert b"CameraMaker" in out.getvalue()
    services.site_photo_add(
        actor=people.county_leader, site_id=village_site.pk, upload=upload("a.jpg", out.getvalue())
    )
    photo = SitePhoto.objects.get()
    with evidence_storage().open(photo.stored_name) as handle:
        data = handle.read()
    assert b"CameraMaker" not in data
    with Image.open(io.BytesIO(data)) as stored:
        assert not stored.getexif()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("notes.jpg", "这不是照片，只是文字".encode(), "文件内容不是图片：只接受 jpg、png、webp 照片"),
        ("empty.png", b"", "照片文件是空的"),
        ("cut.jpg", image_bytes("JPEG")[:200], "图片文件已损坏，无法读取"),
        ("anim.gif", image_bytes("GIF"), "不支持的图片格式（GIF）：只接受 jpg、png、webp 照片"),
    ],
)
def test_a_file_that_is_not_a_photo_is_refused_and_nothing_is_stored(
    people, village_site, name, content, message
):
    response = login(people.county_leader).post(
        f"{API}{village_site.pk}/photos/",
        {"file": SimpleUploadedFile(name, content, content_type="image/jpeg")},
    )
    assert response.status_code == 400, response.content
    assert response.json()["file"] == [message]
    assert not SitePhoto.objects.exists() and stored_files() == []
    assert not MonthlyEvent.objects.filter(action="site_photo_add").exists()


def test_a_photo_over_the_size_cap_is_refused(settings, people, village_site):
    settings.PHOTO_MAX_BYTES = 1024 * 1024
    big = SimpleUploadedFile(
        "big.png", b"\x89PNG\r\n\x1a\n" + b"0" * (1024 * 1024 + 1), content_type="image/png"
    )
    response = login(people.county_leader).post(f"{API}{village_site.pk}/photos/", {"file": big})
    assert response.status_code == 400
    assert response.json()["file"] == ["照片过大（1.0 MB）：不能超过 1 MB"]
    assert not SitePhoto.objects.exists() and stored_files() == []


def test_a_photo_of_another_countys_site_is_refused(people, far_site):
    response = login(people.county_leader).post(f"{API}{far_site.pk}/photos/", {"file": upload()})
    assert response.status_code == 404
    assert not SitePhoto.objects.exists() and stored_files() == []


def test_a_failed_write_removes_the_files_it_wrote(people, village_site, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("database gone")

    monkeypatch.setattr(services.sites, "_record", broken)
    with pytest.raises(RuntimeError):
        services.site_photo_add(actor=people.county_leader, site_id=village_site.pk, upload=upload())
    assert not SitePhoto.objects.exists() and stored_files() == []


def test_removing_a_photo_removes_its_files(people, village_site, django_capture_on_commit_callbacks):
    photo = services.site_photo_add(actor=people.county_leader, site_id=village_site.pk, upload=upload())
    assert len(stored_files()) == 2
    with django_capture_on_commit_callbacks(execute=True):
        response = login(people.county_leader).delete(f"{API}{village_site.pk}/photos/{photo.pk}/")
    assert response.status_code == 204
    assert not SitePhoto.objects.exists() and stored_files() == []


# --- the pages of the officials -------------------------------------------------------------


def test_a_county_designates_on_the_page_and_adds_a_photo_and_a_visit(tree, people, kinds):
    client = login(people.county_leader)
    response = client.post(
        "/sites/new/",
        {
            "org_code": tree.group.code,
            "kind": kinds["村民小组"].pk,
            "highlight": "积分超市",
            "status": "building",
        },
    )
    site = ModelSite.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/sites/{site.pk}/"
    client.post(f"/sites/{site.pk}/photos/", {"file": upload(), "caption": "积分超市"})
    client.post(f"/sites/{site.pk}/visits/", {"date": "2024-05-20", "note": "5月现场观摩"})
    assert SitePhoto.objects.filter(site=site).count() == 1
    assert list(SiteVisit.objects.values_list("note", flat=True)) == ["5月现场观摩"]
    page = client.get(f"/sites/{site.pk}/").content.decode()
    assert "5月现场观摩" in page and "积分超市" in page


def test_the_page_refuses_a_unit_of_another_county_with_its_message(tree, people, kinds):
    response = login(people.county_leader).post(
        "/sites/new/", {"org_code": tree.far_village.code, "kind": kinds["村"].pk, "highlight": "亮点"}
    )
    assert response.status_code == 400
    assert "不在您可以指定示范点的县（市、区）范围内" in response.content.decode()
    assert not ModelSite.objects.exists()


def test_the_page_refuses_an_unknown_code(people, kinds):
    response = login(people.county_leader).post(
        "/sites/new/", {"org_code": "999999", "kind": kinds["村"].pk, "highlight": "亮点"}
    )
    assert response.status_code == 400 and "999999" in response.content.decode()
    assert not ModelSite.objects.exists()


def test_the_page_refuses_a_text_file_as_a_photo(people, village_site):
    client = login(people.county_leader)
    response = client.post(
        f"/sites/{village_site.pk}/photos/",
        {"file": SimpleUploadedFile("fake.jpg", b"plain text", content_type="image/jpeg")},
        follow=True,
    )
    assert "文件内容不是图片" in response.content.decode()
    assert not SitePhoto.objects.exists() and stored_files() == []


def test_a_bad_visit_date_is_refused(people, village_site):
    response = login(people.county_leader).post(
        f"/sites/{village_site.pk}/visits/", {"date": "2024-13-40", "note": "观摩"}, follow=True
    )
    assert "请填写有效的日期" in response.content.decode()
    assert not SiteVisit.objects.exists()


# --- the showcase ---------------------------------------------------------------------------


@pytest.fixture
def spread(tree, people, kinds, village_site, far_site) -> dict[str, ModelSite]:
    """Sites of three kinds in two counties."""
    return {
        "village": village_site,
        "far": far_site,
        "community": designate(people.county_leader, tree.community, kinds["社区"], highlight="网格党建"),
        "group": designate(people.county_leader, tree.group, kinds["村民小组"], highlight="积分超市"),
    }


def names_on(html: str, sites: dict[str, ModelSite]) -> set[str]:
    return {key for key, s in sites.items() if f'href="/showcase/{s.pk}/"' in html}


def test_the_showcase_filters_by_county_and_kind(tree, kinds, spread):
    client = Client()
    assert names_on(client.get("/showcase/").content.decode(), spread) == set(spread)
    html = client.get("/showcase/", {"county": tree.other_county.pk}).content.decode()
    assert names_on(html, spread) == {"far"}
    html = client.get("/showcase/", {"kind": kinds["村"].pk}).content.decode()
    assert names_on(html, spread) == {"village", "far"}
    html = client.get("/showcase/", {"county": tree.county.pk, "kind": kinds["村"].pk}).content.decode()
    assert names_on(html, spread) == {"village"}
    # a value that is not an id is ignored, not an error
    assert names_on(client.get("/showcase/", {"county": "x"}).content.decode(), spread) == set(spread)


def test_the_api_filters_by_county_and_kind(tree, kinds, spread):
    ids = {
        r["id"]
        for r in Client().get(API, {"county": tree.county.pk, "kind": kinds["社区"].pk}).json()["results"]
    }
    assert ids == {spread["community"].pk}
    assert Client().get(API, {"county": "x"}).status_code == 400


def add_sites(people, kinds, n: int) -> None:
    """``n`` more group sites with two photos each, across both counties."""
    groups = Organisation.objects.filter(kind="村民小组", model_site__isnull=True).order_by("-code")[:n]
    for org in groups:
        site = designate(people.city_admin, org, kinds["村民小组"], highlight=f"{org.name}亮点")
        for _ in range(2):
            services.site_photo_add(actor=people.city_admin, site_id=site.pk, upload=upload())


def test_the_showcase_costs_the_same_queries_for_2_and_6_sites(people, kinds, django_assert_num_queries):
    add_sites(people, kinds, 2)
    client = Client()
    # Queries: counties of the filter, kinds of the filter, count, one page of sites (unit,
    # county, township and kind joined), their photos.
    with django_assert_num_queries(5):
        html = client.get("/showcase/").content.decode()
    assert html.count('class="card site-card"') == 2
    add_sites(people, kinds, 4)
    with django_assert_num_queries(5):
        html = client.get("/showcase/").content.decode()
    assert html.count('class="card site-card"') == 6 and html.count("/thumb/") == 6


def test_the_api_list_costs_the_same_queries_for_2_and_6_sites(people, kinds, django_assert_num_queries):
    add_sites(people, kinds, 2)
    client = Client()
    # Queries: count, one page of sites (unit, county, township and kind joined), their photos.
    with django_assert_num_queries(3):
        assert len(client.get(API).json()["results"]) == 2
    add_sites(people, kinds, 4)
    with django_assert_num_queries(3):
        assert len(client.get(API).json()["results"]) == 6
    official = login(people.county_leader)
    # Queries: session, user, the user's unit (for the internal fields), count, page, photos.
    with django_assert_num_queries(6):
        rows = official.get(API).json()["results"]
    assert len(rows) == 6 and {r["status"] is None for r in rows} == {True, False}


def test_the_showcase_detail_shows_photos_and_description(people, village_site):
    services.site_photo_add(
        actor=people.county_leader, site_id=village_site.pk, upload=upload(), caption="合作社大棚"
    )
    html = Client().get(f"/showcase/{village_site.pk}/").content.decode()
    assert "合作社大棚" in html and "村党支部领办合作社" in html and "/thumb/" in html
    assert Client().get("/showcase/999999/").status_code == 404


def test_the_schema_documents_the_model_sites(db):
    schema = Client().get("/api/schema/?format=json").json()
    paths = schema["paths"]
    assert set(paths["/api/v1/model-sites/"]) >= {"get", "post"}
    assert "patch" in paths["/api/v1/model-sites/{id}/"]
    assert (
        "multipart/form-data" in paths["/api/v1/model-sites/{id}/photos/"]["post"]["requestBody"]["content"]
    )


# --- simultaneous writes --------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_two_designations_of_one_unit_at_once_make_one_site(tree, people, kinds):
    jobs = [
        lambda: designate(people.county_leader, tree.village, kinds["村"], highlight="县里指定"),
        lambda: designate(people.city_admin, tree.village, kinds["村"], highlight="市里指定"),
    ]
    outcomes = sorted(type(exc).__name__ if exc else "ok" for exc in at_once(jobs))
    assert outcomes == ["WrongState", "ok"]
    assert ModelSite.objects.count() == 1
    assert MonthlyEvent.objects.filter(action="site_create").count() == 1


@pytest.mark.django_db(transaction=True)
def test_photos_uploaded_at_once_never_pass_the_cap(tree, people, kinds, monkeypatch):
    site = designate(people.county_leader, tree.village, kinds["村"])
    monkey_cap = 3
    monkeypatch.setattr(services.sites, "MAX_PHOTOS", monkey_cap)
    jobs = [
        lambda: services.site_photo_add(actor=people.county_leader, site_id=site.pk, upload=upload())
        for _ in range(6)
    ]
    outcomes = [type(exc).__name__ if exc else "ok" for exc in at_once(jobs)]
    assert outcomes.count("ok") == monkey_cap and outcomes.count("InvalidInput") == 6 - monkey_cap
    assert SitePhoto.objects.filter(site=site).count() == monkey_cap
    assert len(stored_files()) == 2 * monkey_cap
