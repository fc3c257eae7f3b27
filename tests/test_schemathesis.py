"""schemathesis fuzzes the JSON API from its own OpenAPI document (`GET /api/v1/openapi.json`),
in-process over WSGI, beside the hypothesis fuzzers of tests/test_api.py: valid and invalid
bodies and queries drawn from the document (and its examples, the presets). Every answer must
be no 5xx, carry a documented status code and content type, conform to the document's schema
for that status, and data the document calls invalid must be refused (4xx).

Bounded and reproducible: MAX_EXAMPLES per operation and generation mode, derandomized (the same
cases every run, no example database), no deadline (a 2-core CI machine is slow now and then).
"""
from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_schema_conformance,
    status_code_conformance,
    unsupported_method,
)

from app import create_app

MAX_EXAMPLES = 100
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_schema_conformance, negative_data_rejection]
BOUNDED = settings(max_examples=MAX_EXAMPLES, deadline=None, derandomize=True, database=None,
                   suppress_health_check=list(HealthCheck))

CONFIG = schemathesis.Config.from_dict({
    "generation": {"mode": "all", "deterministic": True, "database": "none"},
    "phases": {"stateful": {"enabled": False}},
})
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", create_app({"TESTING": True}),
                                         config=CONFIG)


@pytest.mark.slow
@schema.parametrize()
@BOUNDED
def test_the_api_answers_as_its_document_says(case):
    # The WSGI client does not decompress; compression has its own tests (tests/test_http.py).
    response = case.call_and_validate(checks=CHECKS, headers={"Accept-Encoding": "identity"})
    assert response.status_code < 500


@pytest.mark.slow
@schema.include(method="POST", path="/api/v1/lstm").parametrize()
@BOUNDED
def test_undeclared_methods_answer_405_with_allow(case):
    case.call_and_validate(checks=[unsupported_method], headers={"Accept-Encoding": "identity"})
