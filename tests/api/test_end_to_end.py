"""One integrator's whole journey through the API, as a script would make it."""

import pytest
from rest_framework.test import APIClient

from tests.api import factories


# Real commits: scoring and rendering are handed to the (in-process) queue on commit.
@pytest.mark.django_db(transaction=True)
def test_token_to_pdf(people):
    questionnaire = factories.questionnaire()
    api = APIClient()
    token = api.post(
        "/api/v1/auth/token/",
        {"username": "assessor", "password": people.password, "name": "procurement-sync"},
        format="json",
    )
    assert token.status_code == 201
    api.credentials(HTTP_AUTHORIZATION=f"Token {token.json()['token']}")

    vendor = api.post(
        "/api/v1/vendors/",
        {"name": "Qwen (Alibaba Cloud)", "headquarters_country": "CN", "status": "prospect"},
        format="json",
    )
    assert vendor.status_code == 201, vendor.content
    offering = api.post(
        "/api/v1/offerings/", {**factories.OFFERING, "vendor": vendor.json()["id"]}, format="json"
    )
    assert offering.status_code == 201, offering.content
    use_case = api.post(
        "/api/v1/use-cases/",
        {**factories.USE_CASE, "offering": offering.json()["id"]},
        format="json",
    )
    assert use_case.status_code == 201, use_case.content

    assessment = api.post(
        "/api/v1/assessments/",
        {
            "vendor": vendor.json()["id"],
            "questionnaire": questionnaire.pk,
            "offering": offering.json()["id"],
            "use_case": use_case.json()["id"],
        },
        format="json",
    )
    assert assessment.status_code == 201, assessment.content
    base = f"/api/v1/assessments/{assessment.json()['id']}/"
    assert assessment.json()["status"] == "draft"

    answers = api.put(f"{base}answers/", factories.COMPLETE_ANSWERS, format="json")
    assert answers.status_code == 200, answers.content

    submitted = api.post(f"{base}submit/")
    assert submitted.status_code == 202
    assert submitted.json()["scoring_delayed"] is False

    score = api.get(f"{base}score/")
    assert score.status_code == 200, score.content
    assert score.json()["rating"] in {"moderate", "high", "critical", "low"}
    assert score.json()["findings"]

    report = api.post(f"{base}report/")
    assert report.status_code == 202
    status = api.get(f"/api/v1/reports/{report.json()['id']}/").json()
    assert status["status"] == "ready", status["error"]

    pdf = api.get(status["pdf_url"])
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    data = b"".join(pdf.streaming_content)
    assert data.startswith(b"%PDF-")
    assert len(data) == status["size"]
