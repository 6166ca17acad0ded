"""The served OpenAPI schema as schemathesis sees it, and the checks every answer must pass: no
server error, a documented status code and content type, a body that matches the schema, and a
refusal (4xx) of every request the schema rules out."""

import schemathesis
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_schema_conformance,
    status_code_conformance,
)

from yuxi_campaign.wsgi import application

# Bodies of the workbook uploads: bytes, which the API reads as a workbook (and refuses with 400).
schemathesis.openapi.media_type(
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    st.binary(max_size=64) | st.sampled_from([b"", b"PK\x03\x04", "得分\n8\n".encode()]),
)

schema = schemathesis.openapi.from_wsgi("/api/schema/", application)
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    negative_data_rejection,
]
