"""Who may start a report rendering, on the API and on the pages, and how many an
organisation may start per hour. One capability (Capability.REPORT) decides for both."""

from __future__ import annotations

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from governance.reports.models import Report, ReportKind

REQUESTERS = ("admin", "assessor", "reviewer")
PORTFOLIO = "/api/v1/reports/portfolio/"


def api_report_url(assessment) -> str:
    return f"/api/v1/assessments/{assessment.pk}/report/"


def api_client(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


@pytest.mark.parametrize("role", REQUESTERS)
def test_requesters_start_an_assessment_report_on_the_api(people, scored_result, role):
    response = api_client(people.by_role(role)).post(api_report_url(scored_result.assessment))
    assert response.status_code == 202, response.content
    assert Report.objects.filter(result=scored_result).count() == 1


@pytest.mark.parametrize("role", REQUESTERS)
def test_requesters_start_a_portfolio_report_on_the_api(people, role):
    response = api_client(people.by_role(role)).post(
        PORTFOLIO, {"organisation": people.org.pk}, format="json"
    )
    assert response.status_code == 202, response.content
    assert Report.objects.filter(organisation=people.org, kind=ReportKind.PORTFOLIO).count() == 1


def test_a_viewer_may_not_start_an_assessment_report_on_the_api(people, scored_result):
    response = api_client(people.viewer).post(api_report_url(scored_result.assessment))
    assert response.status_code == 403
    assert response.json() == {
        "detail": "Your role does not allow this (report).",
        "code": "permission_denied",
    }
    assert not Report.objects.exists()


def test_a_viewer_may_not_start_a_portfolio_report_on_the_api(people):
    response = api_client(people.viewer).post(
        PORTFOLIO, {"organisation": people.org.pk}, format="json"
    )
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"
    assert not Report.objects.exists()


def test_an_outsider_cannot_find_the_assessment_on_the_api(people, scored_result):
    response = api_client(people.outsider).post(api_report_url(scored_result.assessment))
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    assert not Report.objects.exists()


def test_an_outsider_cannot_name_the_organisation_for_a_portfolio(people):
    # Another organisation reads exactly like one that does not exist (organisation_for_write).
    response = api_client(people.outsider).post(
        PORTFOLIO, {"organisation": people.org.pk}, format="json"
    )
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["organisation"]
    assert not Report.objects.filter(organisation=people.org).exists()


@pytest.mark.parametrize("which", ["assessment", "portfolio"])
def test_anonymous_api_requests_are_unauthenticated(people, scored_result, which):
    url = api_report_url(scored_result.assessment) if which == "assessment" else PORTFOLIO
    response = api_client().post(url, {"organisation": people.org.pk}, format="json")
    assert response.status_code == 401
    assert not Report.objects.exists()


# --- the pages ---------------------------------------------------------------------------


@pytest.mark.parametrize("role", REQUESTERS)
def test_requesters_see_the_button_and_start_a_report_on_the_page(
    client, people, scored_result, role
):
    assessment = scored_result.assessment
    client.force_login(people.by_role(role))
    page = client.get(reverse("assessments:detail", args=[assessment.pk]))
    assert "Create PDF report" in page.content.decode()
    response = client.post(reverse("assessments:report", args=[assessment.pk]))
    assert response.status_code == 302
    assert Report.objects.filter(result=scored_result).count() == 1


def test_a_viewer_sees_no_button_and_is_refused_on_the_page(client, people, scored_result):
    assessment = scored_result.assessment
    client.force_login(people.viewer)
    page = client.get(reverse("assessments:detail", args=[assessment.pk]))
    assert page.status_code == 200
    assert "Create PDF report" not in page.content.decode()
    response = client.post(reverse("assessments:report", args=[assessment.pk]))
    assert response.status_code == 403
    assert not Report.objects.exists()


def test_an_outsider_cannot_find_the_assessment_on_the_page(client, people, scored_result):
    client.force_login(people.outsider)
    response = client.post(reverse("assessments:report", args=[scored_result.assessment.pk]))
    assert response.status_code == 404
    assert not Report.objects.exists()


def test_anonymous_page_requests_go_to_the_login(client, scored_result):
    response = client.post(reverse("assessments:report", args=[scored_result.assessment.pk]))
    assert response.status_code == 302
    assert reverse("login") in response["Location"]
    assert not Report.objects.exists()


# --- the hourly budget per organisation ----------------------------------------------------


def test_renderings_are_limited_per_organisation(settings, people, scored_result):
    settings.REPORT_REQUESTS_PER_HOUR = 2
    client = api_client(people.assessor)
    assert client.post(api_report_url(scored_result.assessment)).status_code == 202
    # Asking again for the same result is answered by the existing report: it costs nothing.
    for _ in range(3):
        assert client.post(api_report_url(scored_result.assessment)).status_code == 202
    body = {"organisation": people.org.pk}
    assert client.post(PORTFOLIO, body, format="json").status_code == 202

    refused = client.post(PORTFOLIO, body, format="json")
    assert refused.status_code == 429
    assert refused.json()["code"] == "throttled"
    assert "limit of 2 report renderings per hour" in refused.json()["detail"]
    assert 0 < int(refused["Retry-After"]) <= 3600
    assert Report.objects.filter(kind=ReportKind.PORTFOLIO).count() == 1

    # Another organisation has its own budget.
    other = api_client(people.outsider).post(
        PORTFOLIO, {"organisation": people.other_org.pk}, format="json"
    )
    assert other.status_code == 202


def test_the_page_says_when_the_budget_is_spent(settings, client, people, scored_result):
    settings.REPORT_REQUESTS_PER_HOUR = 1
    api_client(people.admin).post(PORTFOLIO, {"organisation": people.org.pk}, format="json")
    client.force_login(people.assessor)
    response = client.post(
        reverse("assessments:report", args=[scored_result.assessment.pk]), follow=True
    )
    assert response.status_code == 200
    assert "limit of 1 report renderings per hour" in response.content.decode()
    assert not Report.objects.filter(result=scored_result).exists()


def test_the_limit_is_not_enforced_while_redis_is_unreachable(settings, people, scored_result):
    from unittest import mock

    from redis.exceptions import ConnectionError as RedisConnectionError

    settings.REPORT_REQUESTS_PER_HOUR = 0
    with mock.patch("governance.ratelimit._count", side_effect=RedisConnectionError("down")):
        response = api_client(people.assessor).post(api_report_url(scored_result.assessment))
    assert response.status_code == 202
