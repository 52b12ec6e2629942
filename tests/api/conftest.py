"""Fixtures for API tests: clients signed in as each role, by session or by token."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from governance.accounts.models import ApiToken


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "heavy: long property-based runs; still part of `make test` and CI"
    )


@pytest.fixture
def client_for(people):
    """client_for("viewer") → an APIClient acting as that member of people.org."""

    def make(role: str) -> APIClient:
        client = APIClient()
        client.force_authenticate(people.by_role(role))
        return client

    return make


@pytest.fixture
def token_client(people):
    """token_client("assessor") → an APIClient sending a real `Authorization: Token` header,
    for tests where the authentication queries themselves count. Takes a user too."""

    def make(who) -> APIClient:
        user = people.by_role(who) if isinstance(who, str) else who
        _, raw = ApiToken.issue(user, name="tests")
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {raw}")
        return client

    return make
