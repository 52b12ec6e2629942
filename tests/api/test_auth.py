"""Token login, token management, session authentication and brute-force protection."""

import logging

import pytest
from django.conf import settings
from django.utils import timezone
from rest_framework.test import APIClient

from governance.accounts.models import ApiToken
from tests.api.mixins import assert_conforms

TOKEN_URL = "/api/v1/auth/token/"


def login(username, password, **extra):
    return APIClient(**extra).post(
        TOKEN_URL, {"username": username, "password": password}, format="json"
    )


def test_a_token_is_issued_for_good_credentials_and_works(people):
    response = login("assessor", people.password)
    assert response.status_code == 201
    assert_conforms(response)
    raw = response.json()["token"]
    token = ApiToken.objects.get(pk=response.json()["id"])
    assert token.key_hash != raw  # only the hash is stored
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {raw}")
    assert client.get("/api/v1/vendors/").status_code == 200


def test_bad_credentials_are_a_400_without_detail_on_which_part_was_wrong(people):
    for username, password in (("assessor", "wrong"), ("nobody", people.password)):
        response = login(username, password)
        assert response.status_code == 400
        assert response.json()["errors"] == {
            "non_field_errors": ["Unable to log in with the provided credentials."]
        }
        assert_conforms(response)


@pytest.mark.parametrize("body", [{}, {"username": ["a"], "password": 1}, [1], "x"])
def test_malformed_login_bodies_are_a_400(people, body):
    response = APIClient().post(TOKEN_URL, body, format="json")
    assert response.status_code == 400


def test_repeated_failures_lock_the_login_out_and_are_logged(people, caplog):
    caplog.set_level(logging.WARNING)
    limit = settings.AXES_FAILURE_LIMIT
    statuses = [login("assessor", "wrong").status_code for _ in range(limit)]
    assert statuses[:-1] == [400] * (limit - 1)
    # The attempt that reaches the limit is already refused as a lockout...
    assert statuses[-1] == 429
    # ...and then even the right password is refused, as JSON in the one error shape.
    response = login("assessor", people.password)
    assert response.status_code == 429
    assert response.json() == {
        "detail": "Too many failed login attempts; try again later.",
        "code": "locked_out",
    }
    assert not ApiToken.objects.exists()
    logged = " ".join(r.getMessage() for r in caplog.records)
    assert "AXES" in logged and "locked out" in logged.lower()
    # Another user from the same address is not affected.
    assert login("viewer", people.password).status_code == 201


def test_the_login_endpoint_is_throttled(people, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"token": "6000/min", "auth": "3/min"},
    }
    from rest_framework.throttling import ScopedRateThrottle

    ScopedRateThrottle.THROTTLE_RATES = {"token": "6000/min", "auth": "3/min"}
    try:
        codes = [login("viewer", people.password).status_code for _ in range(4)]
    finally:
        ScopedRateThrottle.THROTTLE_RATES = settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]
    assert codes == [201, 201, 201, 429]


def test_api_requests_are_throttled_per_token(people, token_client):
    from governance.api.throttling import TokenRateThrottle

    original = TokenRateThrottle.THROTTLE_RATES
    TokenRateThrottle.THROTTLE_RATES = {**original, "token": "2/min"}
    try:
        first, second = token_client("viewer"), token_client("viewer")
        responses = [first.get("/api/v1/vendors/") for _ in range(3)]
        # A second token of the same user has its own allowance.
        assert second.get("/api/v1/vendors/").status_code == 200
    finally:
        TokenRateThrottle.THROTTLE_RATES = original
    assert [r.status_code for r in responses] == [200, 200, 429]
    refused = responses[-1]
    assert refused.json()["code"] == "throttled"
    # The client is told when its window ends.
    assert 0 < int(refused["Retry-After"]) <= 60


def test_tokens_are_listed_and_revoked_by_their_owner_only(people, token_client):
    client = token_client("assessor")
    mine, _ = ApiToken.issue(people.assessor, name="ci")
    theirs, _ = ApiToken.issue(people.viewer, name="other")
    listed = client.get("/api/v1/auth/tokens/")
    assert listed.status_code == 200
    assert_conforms(listed)
    ids = {t["id"] for t in listed.json()["results"]}
    assert mine.pk in ids and theirs.pk not in ids
    assert client.delete(f"/api/v1/auth/tokens/{theirs.pk}/").status_code == 404
    assert client.delete(f"/api/v1/auth/tokens/{mine.pk}/").status_code == 204
    mine.refresh_from_db()
    assert mine.revoked_at is not None
    revoked = client.post(f"/api/v1/auth/tokens/{mine.pk}/revoke/")
    assert revoked.status_code == 200
    assert revoked.json()["is_active"] is False


def test_a_revoked_token_is_refused(people):
    raw = login("assessor", people.password).json()["token"]
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {raw}")
    own = client.get("/api/v1/auth/tokens/").json()["results"][0]["id"]
    assert client.post(f"/api/v1/auth/tokens/{own}/revoke/").status_code == 200
    response = client.get("/api/v1/vendors/")
    assert response.status_code == 401
    assert response.json()["detail"] == "This token has been revoked."


def test_session_authentication_enforces_csrf(people):
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(people.assessor)
    assert client.get("/api/v1/vendors/").status_code == 200
    response = client.post(
        "/api/v1/vendors/", {"name": "X", "headquarters_country": "FR"}, format="json"
    )
    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]
    # With the cookie's token echoed in the header, the same request goes through.
    csrf = "a" * 32
    client.cookies["csrftoken"] = csrf
    response = client.post(
        "/api/v1/vendors/",
        {"name": "X", "headquarters_country": "FR"},
        format="json",
        HTTP_X_CSRFTOKEN=csrf,
    )
    assert response.status_code == 201


def test_the_schema_and_docs_are_served_from_local_files(people, client):
    schema = client.get("/api/schema/")
    assert schema.status_code == 200
    docs = client.get("/api/docs/")
    assert docs.status_code == 200
    html = docs.content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/" in html
    assert "cdn" not in html.lower()


def test_the_token_lookup_loads_the_same_user_and_memberships_as_the_orm(people):
    import datetime

    from django.contrib.auth import get_user_model

    from governance.accounts.authentication import token_with_memberships
    from governance.accounts.models import Membership
    from governance.accounts.tenancy import data_versions_of, memberships_of

    Membership.objects.create(user=people.viewer, organisation=people.other_org, role="assessor")
    token, raw = ApiToken.issue(people.viewer, name="lookup")
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
    found = token_with_memberships(raw)
    expected = get_user_model().objects.get(pk=people.viewer.pk)
    for field in get_user_model()._meta.concrete_fields:
        assert getattr(found.user, field.attname) == getattr(expected, field.attname), field
    assert isinstance(found.created_at, datetime.datetime)
    assert isinstance(found.last_used_at, datetime.datetime)
    assert found.pk == token.pk and found.revoked_at is None
    assert memberships_of(found.user) == {people.org.pk: "viewer", people.other_org.pk: "assessor"}
    assert set(data_versions_of(found.user)) == {people.org.pk, people.other_org.pk}
    assert token_with_memberships(raw + "x") is None


def test_a_token_of_a_user_without_organisations_sees_empty_lists(people, django_user_model):
    loner = django_user_model.objects.create_user("loner")
    _, raw = ApiToken.issue(loner, name="lonely")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {raw}")
    response = client.get("/api/v1/vendors/")
    assert response.status_code == 200 and response.json()["results"] == []
