"""The API's test contract, written once and applied to every endpoint.

An endpoint's test class names its URL and how to make a row in an organisation, then mixes
in the contracts that apply to it. Together they give each endpoint:

- a permission matrix: every role (admin, assessor, reviewer, viewer) of the owning
  organisation × a row of their own organisation and a row of another one × each method.
  Another organisation's row is a 404 (never a 403 that would confirm it exists); a role
  without the capability gets a 403;
- CRUD round trips, refusal of wrong JSON types and NUL bytes (400, never 500);
- a constant number of queries per list request at page sizes 5 and 50;
- every response checked against the OpenAPI schema the server publishes.
"""

from __future__ import annotations

import functools
import re

import pytest
import requests
import schemathesis
from django.db import connection
from django.test.utils import CaptureQueriesContext
from drf_spectacular.generators import SchemaGenerator
from schemathesis.core.transport import Response as SchemathesisResponse

ROLES = ("admin", "assessor", "reviewer", "viewer")
EDITORS = frozenset({"admin", "assessor"})
WHERE = ("own", "other")


# --------------------------------------------------------------------------- schema checks


@functools.cache
def openapi_schema() -> dict:
    return SchemaGenerator().get_schema(request=None, public=True)


@functools.cache
def _loaded_schema():
    return schemathesis.openapi.from_dict(openapi_schema())


@functools.cache
def _templates() -> list[tuple[re.Pattern, str]]:
    out = []
    for template in openapi_schema()["paths"]:
        pattern = re.escape(template)
        pattern = re.sub(r"\\\{[^}]+\\\}", "[^/]+", pattern)
        out.append((re.compile(f"^{pattern}$"), template))
    # Literal paths win over templated ones: /questionnaires/import/ is not /{id}/.
    return sorted(out, key=lambda item: item[1].count("{"))


def assert_conforms(response) -> None:
    """Validate a Django test response against the published schema for its operation."""
    request = response.wsgi_request
    path = request.path
    template = next((t for rx, t in _templates() if rx.match(path)), None)
    assert template is not None, f"{path} is not in the schema"
    operation = _loaded_schema()[template][request.method]
    prepared = requests.Request(method=request.method, url=f"http://testserver{path}").prepare()
    headers = {name.lower(): [value] for name, value in response.headers.items()}
    wrapped = SchemathesisResponse(
        status_code=response.status_code,
        headers=headers,
        content=response.content,
        request=prepared,
        elapsed=0.0,
        verify=True,
    )
    documented = operation.definition.raw["responses"]
    assert str(response.status_code) in documented, (
        f"{request.method} {template} answered {response.status_code}, which is not documented"
    )
    operation.validate_response(wrapped)


def ids_of(response) -> set[int]:
    return {row["id"] for row in response.json()["results"]}


def expect(role: str, where: str, allowed: frozenset[str], success: int) -> int:
    if where == "other":
        return 404
    return success if role in allowed else 403


# --------------------------------------------------------------------------- contracts


class Endpoint:
    """What every contract needs to know about an endpoint."""

    url: str = ""
    writers: frozenset[str] = EDITORS

    def make(self, people, org):
        """Create one row belonging to `org` and return it."""
        raise NotImplementedError

    def detail(self, obj) -> str:
        return f"{self.url}{obj.pk}/"

    def make_many(self, people, org, count: int) -> None:
        """Create `count` rows in `org`; endpoints override it when one at a time is slow."""
        for _ in range(count):
            self.make(people, org)

    def row(self, people, where: str):
        return self.make(people, people.org if where == "own" else people.other_org)


class ListContract(Endpoint):
    max_list_queries = 3  # token, memberships, page (with its total)

    @pytest.mark.parametrize("role", ROLES)
    def test_list_shows_only_the_own_organisation(self, people, client_for, role):
        ours = self.make(people, people.org)
        theirs = self.make(people, people.other_org)
        response = client_for(role).get(self.url, {"page_size": 200})
        assert response.status_code == 200, response.content
        assert ours.pk in ids_of(response)
        assert theirs.pk not in ids_of(response)
        assert_conforms(response)

    def test_anonymous_requests_are_refused(self, people):
        from rest_framework.test import APIClient

        response = APIClient().get(self.url)
        assert response.status_code == 401
        assert response.json()["code"] == "not_authenticated"

    def test_the_list_is_paginated(self, people, client_for):
        self.make_many(people, people.org, 3)
        response = client_for("viewer").get(self.url, {"page_size": 2})
        body = response.json()
        assert response.status_code == 200
        assert len(body["results"]) == 2
        assert body["count"] >= 3
        assert body["next"]
        for page in (999, 10**22, 0, "x"):
            past = client_for("viewer").get(self.url, {"page_size": 2, "page": page})
            assert past.status_code == 404
            assert_conforms(past)

    def test_nul_bytes_in_the_query_are_a_400(self, people, client_for):
        response = client_for("viewer").get(self.url, {"search": "a\x00b"})
        assert response.status_code == 400
        assert response.json()["code"] == "invalid"

    def test_list_queries_do_not_grow_with_the_page_size(self, people, token_client):
        self.make_many(people, people.org, 52)
        client = token_client("viewer")
        client.get(self.url)  # first use stamps the token's last_used_at; not a list cost
        counts = {}
        for size in (5, 50):
            with CaptureQueriesContext(connection) as queries:
                response = client.get(self.url, {"page_size": size})
            assert response.status_code == 200
            assert len(response.json()["results"]) == size
            counts[size] = len(queries)
        assert counts[5] == counts[50], counts
        assert counts[50] <= self.max_list_queries, counts


class RetrieveContract(Endpoint):
    @pytest.mark.parametrize("where", WHERE)
    @pytest.mark.parametrize("role", ROLES)
    def test_retrieve(self, people, client_for, role, where):
        obj = self.row(people, where)
        response = client_for(role).get(self.detail(obj))
        assert response.status_code == (200 if where == "own" else 404), response.content
        if where == "own":
            assert response.json()["id"] == obj.pk
        else:
            assert response.json() == {"detail": "Not found.", "code": "not_found"}
        assert_conforms(response)

    def test_a_malformed_id_is_a_404(self, people, client_for):
        for bad in ("abc", "1" * 30, "-1"):
            assert client_for("admin").get(f"{self.url}{bad}/").status_code == 404


class CreateContract(Endpoint):
    def create_payload(self, people, org) -> dict:
        raise NotImplementedError

    def model_count(self) -> int:
        raise NotImplementedError

    @pytest.mark.parametrize("role", ROLES)
    def test_create(self, people, client_for, role):
        payload = self.create_payload(people, people.org)
        before = self.model_count()
        response = client_for(role).post(self.url, payload, format="json")
        expected = 201 if role in self.writers else 403
        assert response.status_code == expected, response.content
        assert self.model_count() == before + (1 if expected == 201 else 0)
        assert_conforms(response)

    @pytest.mark.parametrize("role", ROLES)
    def test_create_in_another_organisation_is_refused(self, people, client_for, role):
        payload = self.create_payload(people, people.other_org)
        before = self.model_count()
        response = client_for(role).post(self.url, payload, format="json")
        assert response.status_code == 400, response.content
        assert self.model_count() == before
        assert_conforms(response)

    @pytest.mark.parametrize("junk", [[], {}, 1.5, True, "x" * 300, None, [1, "a"]])
    def test_wrong_json_types_are_a_400(self, people, client_for, junk):
        payload = self.create_payload(people, people.org)
        for field in payload:
            bad = {**payload, field: junk}
            response = client_for("admin").post(self.url, bad, format="json")
            assert response.status_code in (400, 201), (field, junk, response.content)
            if response.status_code == 400:
                assert response.json()["code"] == "invalid"
        response = client_for("admin").post(self.url, [payload], format="json")
        assert response.status_code == 400

    def test_nul_bytes_in_the_body_are_a_400(self, people, client_for):
        payload = self.create_payload(people, people.org)
        strings = {k: f"{v}\x00" for k, v in payload.items() if isinstance(v, str)}
        if not strings:
            pytest.skip("no text fields")
        response = client_for("admin").post(self.url, {**payload, **strings}, format="json")
        assert response.status_code == 400

    def test_malformed_json_is_a_400(self, people, client_for):
        response = client_for("admin").generic(
            "POST", self.url, b'{"name": ', content_type="application/json"
        )
        assert response.status_code == 400
        assert response.json()["code"] == "parse_error"


class UpdateContract(Endpoint):
    updaters: frozenset[str] | None = None  # default: writers

    def update_payload(self, people, obj) -> dict:
        raise NotImplementedError

    def updated(self, obj, body: dict) -> None:
        """Assert the change is visible in the response body."""
        for key, value in self.update_payload(None, obj).items():
            assert body[key] == value, (key, body[key], value)

    @pytest.mark.parametrize("where", WHERE)
    @pytest.mark.parametrize("role", ROLES)
    def test_update(self, people, client_for, role, where):
        obj = self.row(people, where)
        payload = self.update_payload(people, obj)
        response = client_for(role).patch(self.detail(obj), payload, format="json")
        allowed = self.updaters if self.updaters is not None else self.writers
        expected = expect(role, where, allowed, 200)
        assert response.status_code == expected, response.content
        if expected == 200:
            self.updated(obj, response.json())
        assert_conforms(response)

    def test_update_with_wrong_types_is_a_400(self, people, client_for):
        obj = self.make(people, people.org)
        for field in self.update_payload(people, obj):
            for junk in ({"x": 1}, "\x00", [{"x": 1}]):
                response = client_for("admin").patch(self.detail(obj), {field: junk}, format="json")
                assert response.status_code == 400, (field, junk, response.content)


class DeleteContract(Endpoint):
    @pytest.mark.parametrize("where", WHERE)
    @pytest.mark.parametrize("role", ROLES)
    def test_delete(self, people, client_for, role, where):
        obj = self.row(people, where)
        response = client_for(role).delete(self.detail(obj))
        expected = expect(role, where, self.writers, 204)
        assert response.status_code == expected, response.content
        still_there = type(obj).objects.filter(pk=obj.pk).exists()
        assert still_there == (expected != 204)
        if expected != 204:
            assert_conforms(response)


class ReadOnlyContract(ListContract, RetrieveContract):
    """Endpoints that offer no writes: every write method is a 405 for every role."""

    @pytest.mark.parametrize("role", ROLES)
    def test_writes_are_not_offered(self, people, client_for, role):
        obj = self.make(people, people.org)
        client = client_for(role)
        assert client.post(self.url, {}, format="json").status_code == 405
        assert client.put(self.detail(obj), {}, format="json").status_code == 405
        assert client.delete(self.detail(obj)).status_code == 405


class CrudContract(ListContract, RetrieveContract, CreateContract, UpdateContract, DeleteContract):
    pass
