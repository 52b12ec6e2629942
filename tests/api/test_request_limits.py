"""A JSON body is bounded in size and depth before anything parses it further: a hostile
body is a 400 in the API's error shape, never a 500, on the anonymous token endpoint as on
every authenticated one."""

from __future__ import annotations

import json

import pytest
from rest_framework.test import APIClient

from governance.api.parsers import nesting_depth

TOKEN_URL = "/api/v1/auth/token/"
VENDORS_URL = "/api/v1/vendors/"

pytestmark = pytest.mark.django_db


def nested(levels: int) -> str:
    """`[[[...]]]` `levels` deep: 2 × levels bytes."""
    return "[" * levels + "]" * levels


def post_raw(client: APIClient, url: str, body: str):
    return client.generic("POST", url, body, content_type="application/json")


def test_nesting_depth_is_measured_without_recursion():
    assert nesting_depth(1) == 0
    assert nesting_depth({"a": [1, {"b": []}]}) == 4
    deep: list = []
    for _ in range(100_000):
        deep = [deep]
    assert nesting_depth(deep) == 100_001


@pytest.mark.parametrize("levels", [33, 400, 100_000])
def test_a_deeply_nested_body_is_a_400_on_the_anonymous_token_endpoint(levels):
    response = post_raw(APIClient(), TOKEN_URL, nested(levels))
    assert response.status_code == 400
    assert response.json() == {
        "detail": "The JSON body is nested more than 32 levels deep.",
        "code": "too_deep",
    }


def test_a_deeply_nested_value_inside_an_object_is_a_400_when_authenticated(token_client):
    body = '{"name": "Acme", "description": ' + nested(400) + "}"
    response = post_raw(token_client("assessor"), VENDORS_URL, body)
    assert response.status_code == 400
    assert response.json()["code"] == "too_deep"


def test_a_body_over_the_size_limit_is_a_400(token_client, settings):
    settings.API_MAX_JSON_BYTES = 1000
    body = '{"name": "' + "a" * 1000 + '"}'
    for client, url in ((APIClient(), TOKEN_URL), (token_client("assessor"), VENDORS_URL)):
        response = post_raw(client, url, body)
        assert response.status_code == 400, url
        assert response.json() == {
            "detail": "The JSON body is larger than 1000 bytes.",
            "code": "too_large",
        }


def test_bodies_within_the_limits_still_parse(token_client, people):
    client = token_client("assessor")
    # 32 levels is allowed: the limit refuses only what is deeper.
    assert nesting_depth(json.loads("[" + nested(31) + "]")) == 32
    response = post_raw(client, VENDORS_URL, '{"name": "Acme", "x": ' + nested(31) + "}")
    assert response.status_code != 500
    assert response.json().get("code") != "too_deep"
    response = APIClient().post(
        TOKEN_URL, {"username": "assessor", "password": people.password}, format="json"
    )
    assert response.status_code in {200, 201}


def test_malformed_json_keeps_its_parse_error():
    response = post_raw(APIClient(), TOKEN_URL, '{"username": ')
    assert response.status_code == 400
    assert response.json()["code"] == "parse_error"
    assert response.json()["detail"].startswith("JSON parse error")
    response = post_raw(APIClient(), TOKEN_URL, '{"username": NaN}')
    assert response.status_code == 400
