"""The progress meeting rota (工作推进会): the rota's choice over thirteen months with nine
counties, overrides with their reasons, scope, bad input, query counts, the pages and files."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from monthly import selectors, services
from monthly.models import Meeting, MeetingAttachment, MonthlyEvent
from orgs.models import Organisation
from orgs.services import orgs_bulk_load
from tests.helpers import at_once, login, make_user, tree_rows
from tests.monthly.helpers import Rota, months, schedule
from yuxi_campaign.core.errors import InvalidInput, NotAllowed, WrongState

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def rota(db) -> Rota:
    return Rota()


def nobody_twice_before_everyone_once(hosts: list, units: int) -> bool:
    """Every run of ``units`` consecutive meetings has ``units`` different hosts."""
    return all(len(set(hosts[i : i + units])) == units for i in range(len(hosts) - units + 1))


def counts() -> tuple[int, int, int]:
    return Meeting.objects.count(), MonthlyEvent.objects.count(), MeetingAttachment.objects.count()


# ---------------------------------------------------------------------------------------------
# The rota's choice


@pytest.mark.parametrize(
    "start", [(2024, 1), (2024, 6), (2024, 12)], ids=["from-january", "from-june", "from-december"]
)
def test_the_rota_gives_every_county_one_meeting_before_any_county_hosts_twice_over_thirteen_months(
    rota, start
):
    hosts = [schedule(rota.city, y, m, rota.admin).host.code for y, m in months(*start, 13)]
    assert sorted(hosts[:9]) == [c.code for c in rota.counties]  # each of the nine once, first
    assert nobody_twice_before_everyone_once(hosts, 9)  # across the January reset too
    assert hosts[9:] == hosts[:4]  # months 10 to 13: the first four again, in the same order
    assert hosts[0] == "530401"  # nobody hosted yet: the lowest code
    assert MonthlyEvent.objects.filter(action="meeting_confirm").count() == 13
    assert not MonthlyEvent.objects.filter(action="meeting_override").exists()


def test_the_proposal_explains_itself_with_each_countys_count_and_last_meeting(rota, api_for):
    for y, m in months(2024, 3, 10):  # March to December: nine counties, then the first again
        schedule(rota.city, y, m, rota.admin)
    answer = api_for(rota.admin).get("/api/v1/meetings/proposal/", {"year": 2025, "month": 1})
    assert answer.status_code == 200, answer.json()
    body = answer.json()
    # 530401 hosted in March and December 2024; in January every count starts again at 0, and
    # 530402 (April 2024) is the one that hosted longest ago.
    assert body["host"]["code"] == "530402"
    first, *rest = body["standings"]
    assert first == {"unit": body["host"], "hosted_this_year": 0, "last_hosted": "2024-04"}
    assert [s["last_hosted"] for s in rest][-1] == "2024-12"
    assert "530402" not in body["reason"] and "第2县" in body["reason"]
    assert body["meeting"] is None


def test_the_proposal_without_a_month_is_for_next_month(rota, api_for, monkeypatch):
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: dt.date(2024, 12, 20))
    api = api_for(rota.admin)
    default = api.get("/api/v1/meetings/proposal/")
    assert default.status_code == 200, default.json()
    assert default.json() == api.get("/api/v1/meetings/proposal/", {"year": 2025, "month": 1}).json()
    only_month = api.get("/api/v1/meetings/proposal/", {"month": 3})  # the year of next month
    assert only_month.json() == api.get("/api/v1/meetings/proposal/", {"year": 2025, "month": 3}).json()
    bad = api.get("/api/v1/meetings/proposal/", {"month": 13})
    assert bad.status_code == 400 and "month" in bad.json()


def test_an_override_needs_a_reason_and_is_recorded_with_the_reason_and_who(rota):
    first = schedule(rota.city, 2024, 1, rota.admin)
    proposed = selectors.meeting_proposal(rota.city, 2024, 2).host
    before = counts()
    with pytest.raises(InvalidInput) as refused:
        schedule(rota.city, 2024, 2, rota.admin, host=first.host)
    assert "需要填写理由" in refused.value.detail and proposed.name in refused.value.detail
    assert counts() == before
    meeting = schedule(rota.city, 2024, 2, rota.admin, host=first.host, reason="该县新建示范片区需集中观摩")
    assert (meeting.host, meeting.proposed_host) == (first.host, proposed)
    assert meeting.override_reason == "该县新建示范片区需集中观摩"
    event = MonthlyEvent.objects.get(action="meeting_override")
    assert (event.actor, event.reason, event.object_id) == (
        rota.admin,
        "该县新建示范片区需集中观摩",
        meeting.pk,
    )
    assert (event.org, event.year, event.month) == (rota.city, 2024, 2)
    assert event.data == {"host": first.host.code, "proposed": proposed.code}


def test_after_an_override_the_counties_that_have_not_hosted_come_first_and_the_rota_stays_fair(rota):
    hosts = []
    for i, (y, m) in enumerate(months(2024, 6, 13)):
        if i == 2:  # August: the June host again, over the proposal
            hosts.append(
                schedule(rota.city, y, m, rota.admin, host=rota.county, reason="承接省级观摩").host.code
            )
        else:
            hosts.append(schedule(rota.city, y, m, rota.admin).host.code)
    codes = [c.code for c in rota.counties]
    assert hosts[:3] == ["530401", "530402", "530401"]
    # The seven that had not hosted take the next seven months, across the new year...
    assert sorted(hosts[3:10]) == sorted(set(codes) - {"530401", "530402"})
    # ...and from the override on, no county hosts twice before every county has hosted once.
    assert nobody_twice_before_everyone_once(hosts[2:], 9)
    assert hosts[10:] == ["530402", "530401", "530403"]
    assert MonthlyEvent.objects.get(action="meeting_override").reason == "承接省级观摩"


def test_a_county_that_hosted_twice_in_a_year_waits_until_the_others_have_caught_up(rota):
    schedule(rota.city, 2024, 1, rota.admin)
    schedule(rota.city, 2024, 2, rota.admin, host=rota.county, reason="重点项目集中开工")
    for y, m in months(2024, 3, 8):  # March to October: the other eight counties
        schedule(rota.city, y, m, rota.admin)
    # 530401 hosted longest ago (February) but twice this year: the others go first.
    assert selectors.meeting_proposal(rota.city, 2024, 11).host.code == "530402"


def test_the_year_view_projects_the_rest_of_the_year_from_this_month(rota):
    schedule(rota.city, 2024, 1, rota.admin)
    schedule(rota.city, 2024, 3, rota.admin)
    year = selectors.rota_year(rota.city, 2024, today=dt.date(2024, 5, 10))
    assert [m.status for m in year.months[:5]] == ["confirmed", "none", "confirmed", "none", "proposed"]
    projected = [m.host.code for m in year.months[4:12]]
    assert projected == ["530403", "530404", "530405", "530406", "530407", "530408", "530409", "530401"]


def test_next_meeting_gives_the_dashboard_the_next_host(rota):
    meeting = schedule(rota.city, 2024, 5, rota.admin, topic="党建引领乡村振兴")
    upcoming = selectors.next_meeting(rota.city, today=dt.date(2024, 5, 2))
    assert (upcoming.meeting, upcoming.host, upcoming.status) == (meeting, meeting.host, "confirmed")
    later = selectors.next_meeting(rota.city, today=dt.date(2024, 6, 2))
    assert (later.meeting, later.status, later.month) == (None, "proposed", 6)
    assert later.host.code == "530402"


# ---------------------------------------------------------------------------------------------
# Scope and permission


@pytest.fixture
def two_rotas(rota):
    """The city's meeting, the county's own (its townships) and another county's."""
    city_meeting = schedule(rota.city, 2024, 3, rota.admin)
    own = schedule(rota.county, 2024, 3, rota.county_leader)
    other = schedule(rota.other_county, 2024, 3, rota.other_leader)
    return city_meeting, own, other


def test_a_county_sees_its_own_rota_and_the_citys_but_not_another_countys(rota, two_rotas, api_for):
    city_meeting, own, other = two_rotas
    client = api_for(rota.county_operator)
    listed = {row["id"] for row in client.get("/api/v1/meetings/").json()["results"]}
    assert listed == {city_meeting.pk, own.pk}
    assert client.get(f"/api/v1/meetings/{other.pk}/").status_code == 404
    assert client.get(f"/api/v1/meetings/{city_meeting.pk}/").status_code == 200
    assert (
        client.get(
            "/api/v1/meetings/proposal/", {"year": 2024, "month": 4, "organiser": rota.other_county.pk}
        ).status_code
        == 404
    )
    everything = {row["id"] for row in api_for(rota.admin).get("/api/v1/meetings/").json()["results"]}
    assert everything == {city_meeting.pk, own.pk, other.pk}
    assert api_for(None).get("/api/v1/meetings/").status_code == 403


def test_a_county_reads_the_citys_rota_but_cannot_schedule_or_change_it(rota, two_rotas, api_for):
    city_meeting = two_rotas[0]
    client = api_for(rota.county_leader)
    host = selectors.meeting_proposal(rota.city, 2024, 4).host
    before = counts()
    answer = client.post("/api/v1/meetings/", {"year": 2024, "month": 4, "host": host.pk}, format="json")
    assert answer.status_code == 403 and "负责人" in answer.json()["detail"]
    answer = client.patch(f"/api/v1/meetings/{city_meeting.pk}/", {"topic": "改个主题"}, format="json")
    assert answer.status_code == 403
    assert counts() == before
    assert Meeting.objects.get(pk=city_meeting.pk).topic == ""


def test_a_county_leader_runs_its_townships_rota_and_its_operator_cannot(rota, api_for):
    township = rota.county.get_children().order_by("code").first()
    body = {"organiser": rota.county.pk, "year": 2024, "month": 5, "host": township.pk}
    assert api_for(rota.county_operator).post("/api/v1/meetings/", body, format="json").status_code == 403
    assert api_for(rota.other_leader).post("/api/v1/meetings/", body, format="json").status_code == 404
    answer = api_for(rota.county_leader).post("/api/v1/meetings/", body, format="json")
    assert answer.status_code == 201, answer.json()
    assert answer.json()["host"]["code"] == township.code
    assert answer.json()["organiser"]["code"] == rota.county.code


def test_the_city_leader_schedules_as_the_admin_does(rota):
    assert schedule(rota.city, 2024, 1, rota.city_leader).created_by == rota.city_leader
    with pytest.raises(NotAllowed):
        schedule(rota.county, 2024, 1, rota.city_leader)  # a county's rota is the county's (or an admin's)


# ---------------------------------------------------------------------------------------------
# Bad input: a clear message, nothing written


@pytest.fixture
def march(rota):
    return schedule(rota.city, 2024, 3, rota.admin, date="2024-03-12")


def _post(rota, api_for, **changes):
    body = {
        "year": 2024,
        "month": 4,
        "host": selectors.meeting_proposal(rota.city, 2024, 4).host.pk,
        **changes,
    }
    return api_for(rota.admin).post("/api/v1/meetings/", body, format="json")


@pytest.mark.parametrize(
    ("changes", "status", "field", "words"),
    [
        ({"month": 3}, 409, "month", "已安排推进会"),
        ({"host": "township"}, 400, "host", "直属下级单位"),
        ({"host": "city"}, 400, "host", "直属下级单位"),
        ({"host": "other", "reason": ""}, 400, "reason", "需要填写理由"),
        ({"host": "other", "reason": "   "}, 400, "reason", "需要填写理由"),
        ({"date": "2024-05-01"}, 400, "date", "不在 2024 年 4 月内"),
        ({"month": 13}, 400, "month", ""),
        ({"attendance_count": -1}, 400, "attendance_count", ""),
        ({"topic": "会\x00议"}, 400, "topic", ""),
    ],
    ids=[
        "month-taken",
        "township-host",
        "organiser-host",
        "override-no-reason",
        "override-blank-reason",
        "date-outside-month",
        "month-13",
        "negative-attendance",
        "nul-in-topic",
    ],
)
def test_bad_input_is_refused_with_a_clear_message_and_nothing_changes(
    rota, march, api_for, changes, status, field, words
):
    hosts = {
        "township": rota.county.get_children().first().pk,
        "city": rota.city.pk,
        "other": rota.counties[-1].pk,
    }
    changes = {k: hosts.get(v, v) if k == "host" else v for k, v in changes.items()}
    before = counts()
    answer = _post(rota, api_for, **changes)
    assert answer.status_code == status, answer.json()
    assert field in answer.json()
    assert words in answer.json()["detail"]
    assert counts() == before


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"date": "2024-04-01"}, "date", "不在 2024 年 3 月内"),
        ({"status": "held", "date": None}, "date", "请先填写会议日期"),
        ({"host": "other"}, "reason", "需要填写理由"),
        ({"host": "township", "reason": "试试"}, "host", "直属下级单位"),
    ],
    ids=["date-outside-month", "held-without-date", "host-change-no-reason", "host-not-child"],
)
def test_a_bad_change_is_refused_and_the_meeting_is_unchanged(rota, march, api_for, changes, field, words):
    hosts = {"township": rota.county.get_children().first().pk, "other": rota.counties[-1].pk}
    changes = {k: hosts.get(v, v) if k == "host" else v for k, v in changes.items()}
    before, row = counts(), Meeting.objects.filter(pk=march.pk).values().get()
    answer = api_for(rota.admin).patch(f"/api/v1/meetings/{march.pk}/", changes, format="json")
    assert answer.status_code == 400, answer.json()
    assert field in answer.json() and words in answer.json()["detail"]
    assert counts() == before
    assert Meeting.objects.filter(pk=march.pk).values().get() == row


def test_a_meeting_cannot_be_marked_held_before_its_date(rota, api_for):
    future = timezone.localdate().replace(day=1) + dt.timedelta(days=62)
    meeting = schedule(rota.city, future.year, future.month, rota.admin, date=future.isoformat())
    answer = api_for(rota.admin).patch(f"/api/v1/meetings/{meeting.pk}/", {"status": "held"}, format="json")
    assert answer.status_code == 400 and "还没到" in answer.json()["detail"]
    assert Meeting.objects.get(pk=meeting.pk).status == "confirmed"


def test_the_database_refuses_a_second_meeting_in_one_month(rota, march):
    with pytest.raises(IntegrityError), transaction.atomic():
        Meeting.objects.create(organiser=rota.city, year=2024, month=3, host=rota.counties[-1])


def test_a_second_meeting_in_a_month_is_refused_by_the_service_too(rota, march):
    with pytest.raises(WrongState) as refused:
        schedule(rota.city, 2024, 3, rota.admin, host=rota.counties[-1], reason="换一个")
    assert "一个月只开一次" in refused.value.detail


# ---------------------------------------------------------------------------------------------
# Simultaneous writes and the row lock


@pytest.mark.django_db(transaction=True)
def test_ten_admins_scheduling_one_month_at_once_one_wins_and_the_others_are_told():
    rota = Rota()
    admins = [rota.admin] + [make_user(rota.city, "admin", f"admin-{i}") for i in range(9)]

    def press(admin, host):
        return lambda: schedule(rota.city, 2024, 5, admin, host=host, reason="各自提议")

    raised = at_once([press(a, rota.counties[i % 9]) for i, a in enumerate(admins)])
    outcomes = [
        "ok" if exc is None else "409" if isinstance(exc, WrongState) else repr(exc) for exc in raised
    ]
    assert sorted(outcomes) == ["409"] * 9 + ["ok"]
    assert Meeting.objects.filter(year=2024, month=5).count() == 1
    assert MonthlyEvent.objects.count() == 1


@pytest.mark.postgres
def test_scheduling_locks_the_organiser_and_a_change_locks_the_meeting(rota):
    with CaptureQueriesContext(connection) as ctx:
        meeting = schedule(rota.city, 2024, 6, rota.admin)
    locked = [q["sql"] for q in ctx.captured_queries if "FOR UPDATE" in q["sql"]]
    assert len(locked) == 1 and '"orgs_organisation"' in locked[0]
    with CaptureQueriesContext(connection) as ctx:
        services.meeting_update(meeting_id=meeting.pk, actor=rota.admin, topic="推进")
    locked = [q["sql"] for q in ctx.captured_queries if "FOR UPDATE" in q["sql"]]
    assert len(locked) == 1 and 'FROM "monthly_meeting"' in locked[0]


# ---------------------------------------------------------------------------------------------
# The record: PATCH, held, files


def test_the_admin_records_the_meeting_and_marks_it_held(rota, march, api_for):
    body = {
        "place": "通海县里山乡",
        "sites": "大黑冲村党群服务中心\n下打马坎村民小组",
        "topic": "四级联创现场推进",
        "attendance_count": 86,
        "attendees": "各县（市、区）委组织部部长",
        "minutes": "会议通报了各县创建进度。",
        "status": "held",
    }
    answer = api_for(rota.admin).patch(f"/api/v1/meetings/{march.pk}/", body, format="json")
    assert answer.status_code == 200, answer.json()
    assert {k: answer.json()[k] for k in body} == body
    assert [e.action for e in selectors.meeting_events(march)] == [
        "meeting_confirm",
        "meeting_record",
        "meeting_held",
    ]
    record = MonthlyEvent.objects.get(action="meeting_record")
    assert record.data["topic"] == ["", "四级联创现场推进"] and record.actor == rota.admin


def test_a_host_change_to_the_proposed_unit_needs_no_reason(rota, march, api_for):
    other = rota.counties[-1]
    api_for(rota.admin).patch(
        f"/api/v1/meetings/{march.pk}/", {"host": other.pk, "reason": "临时调整"}, format="json"
    )
    answer = api_for(rota.admin).patch(
        f"/api/v1/meetings/{march.pk}/", {"host": march.host.pk}, format="json"
    )
    assert answer.status_code == 200 and answer.json()["override_reason"] == ""
    assert [e.action for e in selectors.meeting_events(march)] == [
        "meeting_confirm",
        "meeting_override",
        "meeting_host_change",
    ]


def test_attachments_are_checked_by_content_and_downloaded_within_scope(rota, march):
    client = login(rota.admin)
    fake = SimpleUploadedFile("纪要.pdf", b"not a pdf at all", content_type="application/pdf")
    before = counts()
    page = client.post(f"/meetings/{march.pk}/attachments/", {"file": fake}, follow=True)
    assert "不是有效的 pdf 文件" in page.content.decode()
    assert counts() == before
    good = SimpleUploadedFile("纪要.pdf", PDF, content_type="application/pdf")
    client.post(f"/meetings/{march.pk}/attachments/", {"file": good})
    attachment = MeetingAttachment.objects.get()
    assert attachment.original_name == "纪要.pdf" and attachment.stored_name.startswith("meetings/")
    url = f"/meetings/{march.pk}/attachments/{attachment.pk}/"
    reader = login(rota.county_operator)  # a county reads the city's rota, files included
    download = reader.get(url)
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF
    assert reader.post(f"{url}delete/").status_code == 302
    assert MeetingAttachment.objects.filter(pk=attachment.pk).exists()  # reading is not deleting
    client.post(f"{url}delete/")
    assert not MeetingAttachment.objects.exists()
    assert (
        login(rota.other_leader)
        .get(f"/meetings/{schedule(rota.county, 2024, 3, rota.county_leader).pk}/")
        .status_code
        == 404
    )


# ---------------------------------------------------------------------------------------------
# Pages


def test_the_year_view_shows_twelve_months_with_host_date_topic_and_status(rota, march):
    Meeting.objects.filter(pk=march.pk).update(topic="四级联创现场推进")
    html = login(rota.county_operator).get("/meetings/?year=2024").content.decode()
    assert html.count('class="card notice-card"') == 12
    assert march.host.name in html and "2024-03-12" in html and "四级联创现场推进" in html
    assert "已确定" in html and "安排 4 月" not in html  # a county reads, it does not schedule


def test_the_admin_confirms_the_proposal_from_the_page(rota):
    client = login(rota.admin)
    page = client.get("/meetings/proposal/?year=2024&month=2").content.decode()
    proposed = selectors.meeting_proposal(rota.city, 2024, 2).host
    assert proposed.name in page and "dlg-override" in page
    answer = client.post(
        "/meetings/schedule/", {"org": rota.city.pk, "year": 2024, "month": 2, "host": proposed.pk}
    )
    meeting = Meeting.objects.get()
    assert answer.url == f"/meetings/{meeting.pk}/" and meeting.host == proposed


def test_an_override_without_a_reason_on_the_page_shows_the_message_and_writes_nothing(rota):
    client = login(rota.admin)
    other = rota.counties[-1]
    page = client.post(
        "/meetings/schedule/",
        {"org": rota.city.pk, "year": 2024, "month": 2, "host": other.pk, "reason": ""},
        follow=True,
    ).content.decode()
    assert "需要填写理由" in page
    assert counts() == (0, 0, 0)


def test_the_meeting_form_shows_a_date_outside_the_month_next_to_the_field(rota, march):
    client = login(rota.admin)
    answer = client.post(f"/meetings/{march.pk}/edit/", {"date": "2024-04-02", "topic": "x"})
    assert answer.status_code == 400
    assert "不在 2024 年 3 月内" in answer.content.decode()
    assert Meeting.objects.get(pk=march.pk).topic == ""
    answer = client.post(
        f"/meetings/{march.pk}/edit/", {"date": "2024-03-20", "topic": "观摩推进", "held": "on"}
    )
    assert answer.status_code == 302
    assert Meeting.objects.filter(pk=march.pk, status="held", topic="观摩推进").exists()


def test_a_county_cannot_open_the_form_of_the_citys_meeting(rota, march):
    answer = login(rota.county_leader).post(f"/meetings/{march.pk}/edit/", {"topic": "x"}, follow=True)
    assert "负责人" in answer.content.decode()
    assert Meeting.objects.get(pk=march.pk).topic == ""


# ---------------------------------------------------------------------------------------------
# Query counts that do not grow with the number of counties


def _queries(fn) -> int:
    with CaptureQueriesContext(connection) as ctx:
        fn()
    return len(ctx.captured_queries)


def _measure(world: Rota, api_for) -> dict[str, int]:
    api, page = api_for(world.admin), login(world.admin)
    return {
        # count + one page (organiser, hosts joined) + the page's attachments
        "list": _queries(lambda: api.get("/api/v1/meetings/")),
        # the organiser in scope (the caller's unit is loaded with the caller here) + candidates +
        # last meetings before the year (grouped by host) + the year's meetings (hosts joined)
        "proposal": _queries(lambda: api.get("/api/v1/meetings/proposal/", {"year": 2024, "month": 12})),
        # session + user + the caller's unit (the default rota) + the organiser in scope + the
        # rota's three + the rotas to switch to
        "year": _queries(lambda: page.get("/meetings/?year=2024")),
    }


def test_the_list_proposal_and_year_view_cost_the_same_queries_for_three_and_nine_counties(db, api_for):
    world = Rota(3)
    for y, m in months(2024, 1, 3):
        schedule(world.city, y, m, world.admin, topic="推进")
    small = _measure(world, api_for)
    orgs_bulk_load(rows=tree_rows(counties=9, townships=2, villages=0))  # six counties more
    for y, m in months(2024, 4, 6):
        schedule(world.city, y, m, world.admin, topic="推进")
    assert Organisation.objects.filter(level="county").count() == 9
    assert _measure(world, api_for) == small
    assert small["list"] == 3 and small["proposal"] == 4 and small["year"] == 8


def test_the_schema_documents_the_meeting_endpoints_with_their_errors(db, api_for):
    schema = api_for(None).get("/api/schema/?format=json").json()
    proposal = schema["paths"]["/api/v1/meetings/proposal/"]["get"]
    assert {"200", "400", "403", "404"} <= set(proposal["responses"])
    create = schema["paths"]["/api/v1/meetings/"]["post"]
    assert {"201", "400", "403", "404", "409"} <= set(create["responses"])
    assert {"200", "400", "403", "404"} <= set(
        schema["paths"]["/api/v1/meetings/{id}/"]["patch"]["responses"]
    )


# ---------------------------------------------------------------------------------------------
# The demo


@pytest.mark.parametrize(
    "today", [dt.date(2026, 11, 27), dt.date(2026, 3, 2)], ids=["one-year", "across-january"]
)
def test_the_demo_holds_eight_meetings_by_eight_counties_and_proposes_next_months_host(db, today):
    from demo.meetings import seed_meetings
    from demo.tree import division_rows
    from orgs.services import official_save

    orgs_bulk_load(rows=[r for r in division_rows() if r.level in ("city", "county")])
    official_save(username="admin", org_code="530400", role="admin")
    assert seed_meetings(today=today) == 8
    city = Organisation.objects.get(code="530400")
    held = list(Meeting.objects.filter(organiser=city).order_by("year", "month").select_related("host"))
    assert len({m.host_id for m in held}) == 8 and {m.status for m in held} == {"held"}
    assert all(m.date and m.topic and m.minutes and m.sites for m in held)
    assert (held[-1].year, held[-1].month) == (today.year, today.month)
    assert MonthlyEvent.objects.get(action="meeting_override").reason.startswith("新平县")
    upcoming = selectors.next_meeting(city, today=today)
    assert upcoming.status == "proposed" and upcoming.host.name == "澄江市"  # the one county left
    before = counts()
    assert seed_meetings(today=today) == 0  # a second run changes nothing
    assert counts() == before


def test_a_form_field_sent_twice_is_refused_rather_than_one_value_picked(rota, march):
    client = login(rota.admin)
    answer = client.post(f"/meetings/{march.pk}/edit/", {"topic": ["观摩推进", "另一个主题"]})
    assert answer.status_code == 400 and "重复提交" in answer.content.decode()
    assert Meeting.objects.get(pk=march.pk).topic == ""
