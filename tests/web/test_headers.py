"""What browsers may keep and use: signed-in answers carry tenant data and are never stored
(pages, evidence and report files, API objects), the API's cached lists stay revalidatable
with their ETag, and every answer carries a Content-Security-Policy and a Permissions-Policy."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from rest_framework.test import APIClient

from governance.accounts.models import ApiToken
from tests.web.test_pages import page_urls

pytestmark = pytest.mark.django_db


def cache_directives(response) -> set[str]:
    return {part.strip() for part in response.get("Cache-Control", "").split(",") if part}


def assert_policies(response) -> None:
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "default-src 'self'" in csp
    assert "object-src 'none'" in csp
    assert "frame-ancestors 'none'" in csp
    assert "'unsafe-eval'" not in csp
    assert "camera=()" in response["Permissions-Policy"]
    assert "microphone=()" in response["Permissions-Policy"]


@pytest.fixture
def evidence(people, assessment):
    from governance.assessments.services import evidence_add

    return evidence_add(
        actor=people.assessor,
        assessment=assessment,
        question_key=assessment.questionnaire.definition["sections"][0]["questions"][0]["key"],
        upload=SimpleUploadedFile("dpa.txt", b"Data processing agreement, signed."),
    )


@pytest.fixture
def api(people) -> APIClient:
    _, raw = ApiToken.issue(people.viewer, name="tests")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {raw}")
    return client


def test_signed_in_pages_are_never_stored_and_carry_the_policies(
    client, people, vendor, assessment
):
    client.force_login(people.viewer)
    for url in page_urls(vendor, assessment):
        response = client.get(url)
        assert response.status_code == 200, url
        assert {"private", "no-store"} <= cache_directives(response), url
        assert_policies(response)


def test_the_login_page_carries_the_policies(client):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    assert_policies(response)


def test_evidence_downloads_are_never_stored(client, people, assessment, evidence, api):
    client.force_login(people.viewer)
    page = client.get(reverse("assessments:evidence", args=[assessment.pk, evidence.pk]))
    assert page.status_code == 200
    assert {"private", "no-store"} <= cache_directives(page)
    download = api.get(f"/api/v1/evidence/{evidence.pk}/download/")
    assert download.status_code == 200
    assert {"private", "no-store"} <= cache_directives(download)


def test_api_objects_are_never_stored_but_lists_stay_revalidatable(api, vendor):
    detail = api.get(f"/api/v1/vendors/{vendor.pk}/")
    assert detail.status_code == 200
    assert {"private", "no-store"} <= cache_directives(detail)
    assert_policies(detail)

    listed = api.get("/api/v1/vendors/")
    assert listed.status_code == 200
    assert cache_directives(listed) == {"private", "no-cache"}
    not_modified = api.get("/api/v1/vendors/", HTTP_IF_NONE_MATCH=listed["ETag"])
    assert not_modified.status_code == 304
    assert "no-store" not in cache_directives(not_modified)


def test_the_api_docs_load_their_initialiser_as_a_script_of_their_own(client):
    docs = client.get("/api/docs/")
    assert docs.status_code == 200
    html = docs.content.decode()
    assert "<script>" not in html  # nothing inline for the policy to refuse
    script = client.get("/api/docs/?script=")
    assert script.status_code == 200
    assert "SwaggerUIBundle" in script.content.decode()
