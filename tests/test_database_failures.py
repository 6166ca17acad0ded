"""The database goes away: every caller gets 503 with Retry-After (JSON under /api/, a Chinese page
elsewhere) and no traceback, host or query; a bug answers 500 the same way. On PostgreSQL, a burst
of simultaneous requests holds no more connections than the pool allows."""

from __future__ import annotations

import threading
from unittest import mock

import pytest
from django.conf import settings
from django.db import OperationalError, connection
from django.db.backends.base.base import BaseDatabaseWrapper
from django.test import Client

from tests.helpers import make_user, tree_rows

LEAK = 'could not connect to server: Connection refused\n\tIs the server running on "db.internal" (10.0.0.7)'


@pytest.fixture
def database_down():
    def refuse(self, *args, **kwargs):
        raise OperationalError(LEAK)

    with mock.patch.object(BaseDatabaseWrapper, "_cursor", refuse):
        yield


def shows_nothing_inside(response) -> None:
    body = response.content.decode()
    for secret in ("db.internal", "10.0.0.7", "Traceback", "OperationalError", "SELECT"):
        assert secret not in body


@pytest.mark.django_db
def test_api_answers_503_json_with_retry_after_when_the_database_is_down(database_down):
    response = Client(raise_request_exception=False).get(
        "/api/v1/assessments/", HTTP_AUTHORIZATION="Token 0123456789abcdef"
    )
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "数据库暂时无法连接，请稍后再试"}
    shows_nothing_inside(response)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("method", "path"),
    [("post", "/accounts/login/"), ("get", "/notices/"), ("get", "/notices/1/objection/")],
)
def test_pages_answer_a_friendly_chinese_503_when_the_database_is_down(database_down, method, path):
    client = Client(raise_request_exception=False)
    response = getattr(client, method)(
        path, {"username": "leader", "password": "x"} if method == "post" else {}
    )
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    body = response.content.decode()
    assert "系统暂时无法使用" in body and "数据库暂时无法连接" in body
    assert f'href="{path}"' in body  # try again: the same page
    shows_nothing_inside(response)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("broken", "path", "says"),
    [
        ("assessments.api.assessments.AssessmentViewSet.list", "/api/v1/assessments/", '"detail"'),
        ("assessments.views.lists.todo_for", "/", "服务器出了错误"),
    ],
    ids=["api", "page"],
)
def test_a_bug_answers_500_without_a_traceback(client, world, broken, path, says):
    client.raise_request_exception = False
    client.force_login(world.leader)
    with mock.patch(broken, side_effect=KeyError("secret")):
        response = client.get(path)
    assert response.status_code == 500 and "Retry-After" not in response
    assert says in response.content.decode()
    if path.startswith("/api/"):
        assert response.json() == {"detail": "服务器内部错误，已记录，请稍后再试或联系管理员"}
    shows_nothing_inside(response)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_burst_of_requests_stays_within_the_connection_pool():
    import psycopg

    from orgs.models import Organisation
    from orgs.services import orgs_bulk_load

    orgs_bulk_load(rows=tree_rows(counties=2, townships=2, villages=2, groups=1))
    user = make_user(Organisation.objects.get(code="530400"), "admin", username="burst")
    size = settings.DATABASES["default"]["OPTIONS"]["pool"]["max_size"]
    dsn = f"host={connection.settings_dict['HOST']} port={connection.settings_dict['PORT'] or 5432} "
    dsn += f"user={connection.settings_dict['USER']} dbname=postgres"
    name = connection.settings_dict["NAME"]
    threads, peak, statuses = 4 * size, [0], []
    start, done = threading.Barrier(threads + 1), threading.Event()

    def watch():
        with psycopg.connect(dsn, autocommit=True) as watcher:
            while not done.is_set():
                (n,) = watcher.execute(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = %s", [name]
                ).fetchone()
                peak[0] = max(peak[0], n)

    def call():
        client = Client()
        try:
            client.force_login(user)
        finally:
            connection.close()  # back to the pool, as the end of a request does
            start.wait(timeout=60)
        for _ in range(5):
            statuses.append(client.get("/api/v1/orgs/?page_size=1000").status_code)
        connection.close()

    workers = [threading.Thread(target=call) for _ in range(threads)]
    observer = threading.Thread(target=watch)
    observer.start()
    for w in workers:
        w.start()
    start.wait(timeout=60)
    for w in workers:
        w.join()
    done.set()
    observer.join()
    assert statuses == [200] * (threads * 5)
    assert 1 <= peak[0] <= size


@pytest.mark.django_db
def test_the_failure_page_still_answers_when_its_own_template_cannot_render(database_down):
    with mock.patch(
        "yuxi_campaign.core.failures.loader.render_to_string", side_effect=ValueError("no manifest")
    ):
        response = Client(raise_request_exception=False).get("/notices/")
    assert response.status_code == 503 and response["Retry-After"] == "30"
    assert "数据库暂时无法连接" in response.content.decode()
