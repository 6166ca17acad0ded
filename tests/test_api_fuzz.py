"""Schemathesis walks the OpenAPI schema and sends generated requests, valid and invalid, to
every endpoint, reads and writes, as each persona: nobody, a village's operator, a township's
leader and the city's administrator; and every boundary case schemathesis derives from the schema,
once an operation, as the administrator. Every answer must be what the schema says
(``tests.openapi.CHECKS``): no server error, a documented status code and content type, a body
that matches the documented schema (the paginated object for a list, the error body for a
refusal), and no request the schema rules out accepted."""

import pytest
from django.db import transaction
from hypothesis import HealthCheck, Phase, settings
from rest_framework.authtoken.models import Token

from tests.openapi import CHECKS, schema

PERSONAS = {
    "anonymous": None,
    "operator": ("530401001001", "operator"),
    "leader": ("530401001", "leader"),
    "admin": ("530400", "admin"),
}


@pytest.fixture(scope="module")
def shared_scene(django_db_setup, django_db_blocker):
    """The tree of one county, the default sets and campaign, and a village's draft (so that
    some generated ids name a real assessment), built once for the module in a transaction that is
    rolled back at its end; each test runs in a savepoint inside it (``db``), so what one test's
    requests write is undone before the next."""
    from assessments.models import Round
    from assessments.services import assessment_declare, campaign_install_default
    from indicators.services import indicator_sets_install_defaults
    from orgs.models import Organisation
    from orgs.services import orgs_bulk_load
    from tests.assessments.helpers import rounds_open
    from tests.helpers import make_user, tree_rows

    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer._from_testcase = True  # as Django's TestCase marks its own: services' durable blocks nest
        outer.__enter__()
        try:
            orgs_bulk_load(rows=tree_rows(counties=1, townships=1, villages=1, groups=1))
            indicator_sets_install_defaults(years=(2024,))
            campaign_install_default()
            rounds_open()  # the round's windows open today: the draft can be declared
            users = {
                name: make_user(Organisation.objects.get(code=code), role)
                for name, (code, role) in ((k, v) for k, v in PERSONAS.items() if v)
            }
            assessment_declare(
                org=Organisation.objects.get(code="530401001001"),
                round=Round.objects.get(year=2024),
                target="standard",
                actor=users["operator"],
            )
            yield users
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


@pytest.fixture
def scene(shared_scene, db, keep_test_connection):
    return shared_scene


def token_headers(user) -> dict:
    return {"Authorization": f"Token {Token.objects.create(user=user).key}"} if user else {}


@pytest.fixture(params=list(PERSONAS))
def headers(request, scene) -> dict:
    return token_headers(scene.get(request.param))


@pytest.fixture
def admin_headers(scene) -> dict:
    return token_headers(scene["admin"])


# Generated requests (hypothesis's own phases) go out as every persona. The boundary cases
# schemathesis derives from the schema (its coverage phase: explicit examples, the same for every
# persona, about a hundred an operation) go out once, as the administrator, whose scope lets every
# request reach the validation that the cases probe.
GENERATED = [Phase.generate, Phase.target, Phase.shrink]
QUIET = {"deadline": None, "suppress_health_check": list(HealthCheck)}

reads = schema.include(method="GET")


@reads.parametrize()
@settings(max_examples=6, phases=GENERATED, **QUIET)
def test_read_endpoints_answer_as_documented(case, headers):
    case.call_and_validate(headers=headers, checks=CHECKS)


@reads.parametrize()
@settings(phases=[Phase.explicit], **QUIET)
def test_read_endpoints_answer_every_boundary_case_as_documented(case, admin_headers):
    case.call_and_validate(headers=admin_headers, checks=CHECKS)


writes = schema.exclude(method=["GET", "HEAD", "OPTIONS"])


@writes.parametrize()
@settings(max_examples=8, phases=GENERATED, **QUIET)
def test_write_endpoints_answer_as_documented(case, headers):
    case.call_and_validate(headers=headers, checks=CHECKS)


@writes.parametrize()
@settings(phases=[Phase.explicit], **QUIET)
def test_write_endpoints_answer_every_boundary_case_as_documented(case, admin_headers):
    case.call_and_validate(headers=admin_headers, checks=CHECKS)
