"""Property-based testing of the live API against its own published schema.

schemathesis loads /api/schema/ from the WSGI application and, for every operation, sends
generated requests: valid ones and deliberately wrong ones (wrong JSON types, missing or
extra fields, NUL bytes in strings, out-of-range numbers). Every response must be a non-5xx
and, where documented, match its documented schema. The caller is an admin with data in
place, so requests reach the services rather than stopping at authentication.

Each operation is its own test item, driven by Hypothesis through schemathesis's strategies
(its pytest plugin predates the pytest this project pins).
"""

from __future__ import annotations

import hypothesis.strategies as st
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import response_schema_conformance

from governance.accounts.models import ApiToken
from governance.wsgi import application
from tests.api import factories
from tests.api.mixins import openapi_schema

EXAMPLES_PER_OPERATION = 100

# DELETE would remove the rows the other examples exercise, and revoking the caller's own
# token would turn the rest of the run into 401s; both are covered by the contract tests.
SKIPPED = ("DELETE", "/api/v1/auth/tokens/")


# The operations where input is richest; the others are marked `heavy` so that a quick
# local run can leave them out (-m "not heavy"). `make test` and CI run them all.
CORE = {
    ("POST", "/api/v1/auth/token/"),
    ("GET", "/api/v1/vendors/"),
    ("POST", "/api/v1/vendors/"),
    ("PATCH", "/api/v1/vendors/{id}/"),
    ("POST", "/api/v1/assessments/"),
    ("PUT", "/api/v1/assessments/{id}/answers/"),
    ("POST", "/api/v1/assessments/{id}/decision/"),
    ("PATCH", "/api/v1/findings/{id}/"),
    ("PUT", "/api/v1/policy/"),
    ("POST", "/api/v1/questionnaires/import/"),
}


def operations() -> list:
    found = []
    for path, item in openapi_schema()["paths"].items():
        for method in item:
            if method.upper() == "DELETE" or path.startswith(SKIPPED[1]):
                continue
            key = (method.upper(), path)
            marks = () if key in CORE else (pytest.mark.heavy,)
            found.append(pytest.param(*key, marks=marks, id=f"{key[0]} {key[1]}"))
    return found


@pytest.fixture
def keep_connection():
    """Calls through the WSGI handler end with close_old_connections, which closes a
    connection that is inside the test's transaction (PostgreSQL). Django's own test client
    switches that off the same way."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def api_schema(db, keep_connection):
    # Loaded once the test database exists: the request goes through the whole stack.
    schema = schemathesis.openapi.from_wsgi("/api/schema/", application)
    schema.config.generation.update(allow_x00=True)
    return schema


@pytest.fixture
def admin_headers(people):
    from rest_framework.throttling import ScopedRateThrottle

    from governance.api.throttling import TokenRateThrottle

    questionnaire = factories.questionnaire()
    vendor = factories.vendor(people, people.org)
    offering = factories.offering(people, people.org, vendor_=vendor)
    factories.use_case(people, people.org, offering_=offering)
    factories.contact(people, people.org, vendor_=vendor)
    factories.evidence(people, people.org, factories.assessment(people, people.org, questionnaire))
    factories.scored_assessment(people, people.org, questionnaire)
    _, raw = ApiToken.issue(people.admin, name="schemathesis")
    # Thousands of requests in a minute: lift the per-token limit for this run only.
    token_rates, scoped_rates = TokenRateThrottle.THROTTLE_RATES, ScopedRateThrottle.THROTTLE_RATES
    lifted = {**token_rates, "token": "1000000/min", "auth": "1000000/min"}
    TokenRateThrottle.THROTTLE_RATES = ScopedRateThrottle.THROTTLE_RATES = lifted
    yield {"Authorization": f"Token {raw}"}
    TokenRateThrottle.THROTTLE_RATES, ScopedRateThrottle.THROTTLE_RATES = token_rates, scoped_rates


@pytest.mark.parametrize(("method", "path"), operations())
def test_the_api_never_fails_and_always_matches_its_schema(method, path, api_schema, admin_headers):
    operation = api_schema[path][method]
    cases = st.one_of(
        operation.as_strategy(GenerationMode.POSITIVE),
        operation.as_strategy(GenerationMode.NEGATIVE),
    )

    @given(case=cases)
    @settings(
        max_examples=EXAMPLES_PER_OPERATION,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def run(case):
        case.call_and_validate(
            headers=admin_headers, checks=[not_a_server_error, response_schema_conformance]
        )

    run()
