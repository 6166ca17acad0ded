"""The demo, seeded once for a module of tests: ``seed_demo`` loads the whole of Yuxi (seconds of
work), and every test of the demo reads the same database. The seed runs in a transaction opened
for the module; each test runs in a savepoint inside it (pytest-django's ``db``), and the module's
transaction is rolled back at its end, so the tests after it find the database as it was."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction


@pytest.fixture(scope="module")
def seeded_demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        # marked as Django's TestCase marks its own, so that the services' durable blocks run inside
        outer._from_testcase = True
        outer.__enter__()
        try:
            call_command("seed_demo", stdout=StringIO())
            yield
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


@pytest.fixture
def demo(seeded_demo, db):
    """The seeded demo, for one test: what the test writes is undone after it."""
