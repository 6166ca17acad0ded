"""The served OpenAPI schema as schemathesis sees it, and the checks every answer must pass: no
server error, a documented status code and content type, a body that matches the schema, and a
refusal (4xx) of every request the schema rules out."""

import schemathesis
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_schema_conformance,
    status_code_conformance,
)

from yuxi_campaign.wsgi import application

schema = schemathesis.openapi.from_wsgi("/api/schema/", application)
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    negative_data_rejection,
]
