"""Schemathesis walks the OpenAPI schema and sends generated requests, valid and invalid, to
every endpoint, reads and writes. Every answer must be what the schema says
(``tests.openapi.CHECKS``): no server error, a documented status code and content type, a body
that matches the documented schema (the paginated object for a list, the error body for a
refusal), and no request the schema rules out accepted."""

import pytest
from hypothesis import HealthCheck, settings
from rest_framework.authtoken.models import Token

from tests.openapi import CHECKS, schema

reads = schema.include(method="GET")


@pytest.fixture
def token(db, keep_test_connection):
    from assessments.services import campaign_install_default
    from indicators.services import indicator_sets_install_defaults
    from orgs.models import Organisation
    from orgs.services import orgs_bulk_load
    from tests.helpers import make_user, tree_rows

    orgs_bulk_load(rows=tree_rows(counties=1, townships=1, villages=1, groups=1))
    indicator_sets_install_defaults(years=(2024,))
    campaign_install_default()
    user = make_user(Organisation.objects.get(code="530401001"), "leader")
    return Token.objects.create(user=user).key


@reads.parametrize()
@settings(max_examples=8, deadline=None, suppress_health_check=list(HealthCheck))
def test_read_endpoints_answer_as_documented(case, token):
    case.call_and_validate(headers={"Authorization": f"Token {token}"}, checks=CHECKS)


writes = schema.exclude(method=["GET", "HEAD", "OPTIONS"])


@writes.parametrize()
@settings(max_examples=8, deadline=None, suppress_health_check=list(HealthCheck))
def test_write_endpoints_answer_as_documented(case, token):
    case.call_and_validate(headers={"Authorization": f"Token {token}"}, checks=CHECKS)
