"""The public notice page and objection form: no login, one objection per POST through the
service, the API's throttle counter, and CSRF on."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.conf import settings
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from assessments.models import Assessment, Objection, State
from demo.drive import drive_to, end_notice
from indicators.models import IndicatorSet
from orgs.models import Organisation
from tests.helpers import api_client_for

GOOD = "该村公开栏长期未更新，群众反映较多"
RATE = int(settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["objection"].split("/")[0])


@pytest.fixture(autouse=True)
def fresh_throttle():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def in_notice(world) -> Assessment:
    return drive_to(world.declare(), State.IN_NOTICE, cast=world.cast)


def form_url(a: Assessment) -> str:
    return f"/notices/{a.pk}/objection/"


def post_objection(a, content=GOOD, contact="", ip="10.1.1.1", client=None, **extra):
    return (client or Client()).post(
        form_url(a), {"content": content, "contact": contact, "website": "", **extra}, REMOTE_ADDR=ip
    )


def local_end(a: Assessment) -> str:
    return timezone.localtime(a.notice_ends_at).strftime("%Y-%m-%d %H:%M")


def put_in_notice(orgs, world, target="standard") -> None:
    """Rows in notice for more units, as if published (the list does not care how they got there)."""
    sets = {s.level: s for s in IndicatorSet.objects.filter(year=world.round.year)}
    now = timezone.now()
    Assessment.objects.bulk_create(
        Assessment(
            org=org,
            round=world.round,
            target=target,
            indicator_set=sets[org.level],
            state=State.IN_NOTICE,
            final_score=Decimal("85.50"),
            outcome="pass",
            notice_started_at=now,
            notice_ends_at=now + dt.timedelta(days=5),
        )
        for org in orgs
    )


def api_objection(a, ip):
    return api_client_for(None).post(
        f"/api/v1/notices/{a.pk}/objections/", {"content": GOOD}, format="json", REMOTE_ADDR=ip
    )


# ---------------------------------------------------------------------------------------------
# The list


def test_anyone_sees_units_in_notice_with_score_and_end_date(world, in_notice):
    draft = world.declare(org=world.tree.sibling_village, actor=world.leader)
    response = Client().get("/notices/")
    assert response.status_code == 200
    page = response.content.decode()
    assert world.tree.village.name in page and world.tree.township.name in page  # the unit and its path
    assert "100.00" in page and "2024" in page
    assert local_end(in_notice) in page  # local time (Asia/Shanghai)
    assert form_url(in_notice) in page
    assert world.tree.sibling_village.name not in page and form_url(draft) not in page


def test_the_list_says_when_nothing_is_in_notice(world):
    world.declare()  # a draft is not in notice
    client = Client()
    client.cookies["django_language"] = "en"
    page = client.get("/notices/").content.decode()
    assert "No unit is in public notice now." in page and "/objection/" not in page


def test_the_list_shows_the_title_sought_in_english_too(world, in_notice):
    client = Client()
    client.cookies["django_language"] = "en"
    page = client.get("/notices/").content.decode()
    assert "Raise an objection" in page and "meets the bar" in page and "Notice ends" in page


def test_the_list_costs_the_same_queries_for_1_and_30_units(world, in_notice, django_assert_num_queries):
    client = Client()
    # Queries: count, one page (unit, county, township, village and round joined).
    with django_assert_num_queries(2):
        assert client.get("/notices/").content.decode().count("/objection/") == 1
    others = Organisation.objects.exclude(pk=world.tree.village.pk).exclude(level="city")
    put_in_notice(list(others), world)
    assert Assessment.objects.filter(state=State.IN_NOTICE).count() == 30
    with django_assert_num_queries(2):
        assert client.get("/notices/").content.decode().count("/objection/") == 30


def test_the_list_is_paged_by_50(world, in_notice):
    units = list(Organisation.objects.exclude(level="city"))
    put_in_notice([u for u in units if u.pk != world.tree.village.pk], world)
    put_in_notice(units, world, target="demonstration")  # 60 rows in all
    client = Client()
    assert client.get("/notices/").content.decode().count("/objection/") == 50
    assert client.get("/notices/?page=2").content.decode().count("/objection/") == 10
    assert client.get("/notices/?page=x").status_code == 200  # a bad page number shows the first page


# ---------------------------------------------------------------------------------------------
# The objection form


def test_the_form_shows_the_unit_and_a_hidden_honeypot(world, in_notice):
    response = Client().get(form_url(in_notice))
    page = response.content.decode()
    assert response.status_code == 200
    assert world.tree.village.name in page and "100.00" in page and local_end(in_notice) in page
    assert 'name="content"' in page and 'name="contact"' in page and "csrfmiddlewaretoken" in page
    assert 'class="hp"' in page and 'name="website"' in page and 'tabindex="-1"' in page


def test_a_good_objection_is_stored_and_the_citizen_is_thanked(world, in_notice):
    before = timezone.now()
    response = post_objection(
        in_notice, content=f"  {GOOD}\r\n第二行  ", contact="138 0000 0000", ip="10.2.3.4"
    )
    assert response.status_code == 302 and response["Location"] == "/notices/thanks/"
    o = Objection.objects.get()
    assert (o.assessment_id, o.content, o.contact, o.ip_address, o.status) == (
        in_notice.pk,
        f"{GOOD}\n第二行",
        "138 0000 0000",
        "10.2.3.4",
        "pending",
    )
    assert o.created_at >= before
    client = Client()
    client.cookies["django_language"] = "en"
    thanks = client.get("/notices/thanks/")
    assert thanks.status_code == 200 and "has been received" in thanks.content.decode()
    assert 'href="/notices/"' in thanks.content.decode()


@pytest.mark.parametrize(
    ("content", "contact", "field", "message"),
    [
        ("太短", "", "content", "异议内容至少 5 个字"),
        ("长" * 2001, "", "content", "异议内容不能超过 2000 字"),
        (GOOD, "x" * 101, "contact", "联系方式不能超过 100 字"),
    ],
)
def test_a_bad_objection_comes_back_with_the_text_kept_and_the_error(
    world, in_notice, content, contact, field, message
):
    response = post_objection(in_notice, content=content, contact=contact)
    page = response.content.decode()
    assert response.status_code == 400
    assert message in page and f'id="{field}-error"' in page
    assert f">{content}</textarea>" in page  # what the citizen typed is still there
    if contact:
        assert f'value="{contact}"' in page
    assert not Objection.objects.exists()


def test_the_honeypot_stores_nothing_but_looks_like_success(world, in_notice):
    response = post_objection(in_notice, website="http://spam.example")
    assert response.status_code == 302 and response["Location"] == "/notices/thanks/"
    assert not Objection.objects.exists()


def test_the_sixth_objection_from_one_address_is_refused(world, in_notice):
    statuses = [post_objection(in_notice, ip="10.9.9.9").status_code for _ in range(RATE)]
    assert statuses == [302] * RATE
    response = post_objection(in_notice, ip="10.9.9.9", content="再提交一次：账目不清")
    page = response.content.decode()
    assert response.status_code == 429 and "提交过于频繁，请稍后再试" in page
    assert int(response["Retry-After"]) > 0
    assert ">再提交一次：账目不清</textarea>" in page
    assert Objection.objects.filter(ip_address="10.9.9.9").count() == RATE
    assert post_objection(in_notice, ip="10.9.9.10").status_code == 302  # another address is not held back
    assert Objection.objects.count() == RATE + 1


def test_the_page_and_the_api_share_one_counter_per_address(world, in_notice):
    assert [api_objection(in_notice, "10.5.5.5").status_code for _ in range(RATE - 1)] == [201] * (RATE - 1)
    assert post_objection(in_notice, ip="10.5.5.5").status_code == 302
    assert post_objection(in_notice, ip="10.5.5.5").status_code == 429
    assert api_objection(in_notice, "10.5.5.5").status_code == 429
    assert Objection.objects.count() == RATE


def test_a_logged_in_official_is_throttled_by_address_like_everyone(world, in_notice):
    client = Client()
    client.force_login(world.leader)
    for _ in range(RATE):
        post_objection(in_notice, ip="10.6.6.6", client=client)
    assert post_objection(in_notice, ip="10.6.6.6").status_code == 429  # anonymous, same address


def test_a_spoofed_forwarded_header_does_not_escape_the_throttle(world, in_notice):
    statuses = [
        Client()
        .post(
            form_url(in_notice), {"content": GOOD}, REMOTE_ADDR="10.7.7.7", HTTP_X_FORWARDED_FOR=f"1.1.1.{n}"
        )
        .status_code
        for n in range(RATE + 1)
    ]
    assert statuses[-1] == 429
    assert set(Objection.objects.values_list("ip_address", flat=True)) == {"10.7.7.7"}


def test_no_objection_form_for_a_unit_not_in_notice(world):
    draft = world.declare()
    assert Client().get(form_url(draft)).status_code == 404
    assert post_objection(draft).status_code == 404
    assert Client().get("/notices/999999/objection/").status_code == 404
    assert not Objection.objects.exists()


def test_after_the_notice_ended_the_objection_is_refused_with_a_message(world, in_notice):
    end_notice(in_notice)
    response = post_objection(in_notice)
    assert response.status_code == 409 and "公示期已结束，不再受理异议" in response.content.decode()
    assert not Objection.objects.exists()
    client = Client()
    client.cookies["django_language"] = "en"
    page = client.get(form_url(in_notice)).content.decode()
    assert "The notice period has ended" in page and 'name="content"' not in page


def test_the_form_needs_the_csrf_token(world, in_notice):
    client = Client(enforce_csrf_checks=True)
    assert client.post(form_url(in_notice), {"content": GOOD}).status_code == 403
    assert not Objection.objects.exists()
    client.get(form_url(in_notice))  # sets the CSRF cookie, as a browser would
    token = client.cookies[settings.CSRF_COOKIE_NAME].value
    response = client.post(form_url(in_notice), {"content": GOOD, "csrfmiddlewaretoken": token})
    assert response.status_code == 302 and Objection.objects.count() == 1
