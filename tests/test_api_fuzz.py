"""Schemathesis walks the OpenAPI schema and sends generated requests to every read endpoint:
no request may crash the server (500), and every refusal is JSON with a readable detail."""

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from rest_framework.authtoken.models import Token

from yuxi_campaign.wsgi import application

schema = schemathesis.openapi.from_wsgi("/api/schema/", application).include(method="GET")


@pytest.fixture
def keep_test_connection():
    """Called as a plain WSGI app, Django closes the database connection after each request; the
    test client avoids that by unhooking the same signal handlers, and so does this."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


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


@schema.parametrize()
@settings(max_examples=8, deadline=None, suppress_health_check=list(HealthCheck))
def test_read_endpoints_never_crash(case, token):
    response = case.call(headers={"Authorization": f"Token {token}"})
    assert response.status_code < 500, (case.path, response.status_code, response.text[:300])
    if response.status_code >= 400:
        assert response.json()["detail"], (case.path, response.text[:300])
