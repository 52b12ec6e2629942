"""Every page renders for every role, and another organisation's data is never reachable."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.web.fixtures import answer_all

ROLES = ["admin", "assessor", "reviewer", "viewer"]


def login(client, user):
    client.force_login(user)
    return client


@pytest.fixture
def scored(people, assessment, django_capture_on_commit_callbacks):
    from governance.assessments.services import assessment_submit

    answer_all(assessment, actor=people.assessor)
    with django_capture_on_commit_callbacks(execute=True):
        assessment_submit(actor=people.assessor, assessment=assessment)
    assessment.refresh_from_db()
    assert assessment.status == "scored", assessment.failure_message
    return assessment


def page_urls(vendor, assessment):
    section = assessment.questionnaire.definition["sections"][0]["key"]
    return [
        reverse("dashboard"),
        reverse("vendors:list"),
        reverse("vendors:list") + "?search=mis&status=active&ordering=-rating&rating=none",
        reverse("vendors:detail", args=[vendor.pk]),
        reverse("assessments:list"),
        reverse("assessments:detail", args=[assessment.pk]),
        reverse("assessments:review", args=[assessment.pk]),
        reverse("assessments:section", args=[assessment.pk, section]),
        reverse("questionnaires:list"),
        reverse("questionnaires:detail", args=[assessment.questionnaire_id]),
    ]


@pytest.mark.parametrize("role", ROLES)
def test_every_page_renders_for_every_role(client, people, vendor, scored, role):
    login(client, people.by_role(role))
    for url in page_urls(vendor, scored):
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)


@pytest.mark.parametrize("role", ["admin", "assessor"])
def test_edit_pages_render_for_writers(client, people, vendor, assessment, role):
    login(client, people.by_role(role))
    offering = vendor.offerings.first()
    use_case = offering.use_cases.first()
    for url in [
        reverse("vendors:create"),
        reverse("vendors:edit", args=[vendor.pk]),
        reverse("vendors:offering-create", args=[vendor.pk]),
        reverse("vendors:offering-edit", args=[vendor.pk, offering.pk]),
        reverse("vendors:use-case-create", args=[vendor.pk]),
        reverse("vendors:use-case-edit", args=[vendor.pk, use_case.pk]),
        reverse("vendors:contact-create", args=[vendor.pk]),
        reverse("assessments:start") + f"?vendor={vendor.pk}",
        reverse("assessments:detail", args=[assessment.pk]),
    ]:
        assert client.get(url).status_code == 200, url


def test_the_result_page_shows_rating_domains_drivers_and_findings(client, people, scored):
    login(client, people.reviewer)
    body = client.get(reverse("assessments:detail", args=[scored.pk])).content.decode()
    result = scored.latest_result
    assert f"badge-{result.rating}" in body
    assert "Risk by domain" in body
    assert "Data privacy and governance" in body
    assert "What drives the rating" in body
    assert "Record decision" in body  # a reviewer decides


def test_status_endpoint_reports_the_rating(client, people, scored):
    login(client, people.viewer)
    data = client.get(reverse("assessments:status", args=[scored.pk])).json()
    assert data["status"] == "scored"
    assert data["rating"] == scored.latest_result.rating
    assert data["in_flight"] is False


def test_dashboard_counts_the_rated_vendor(client, people, scored):
    login(client, people.viewer)
    response = client.get(reverse("dashboard"))
    rating = scored.latest_result.rating
    counts = {r["key"]: r["count"] for r in response.context["by_rating"]}
    assert counts[rating] == 1
    cells = [c for row in response.context["heatmap"] for c in row["cells"] if c["count"]]
    assert len(cells) == 1
    assert response.context["activity"], "recent activity comes from the audit trail"


def test_pages_need_a_login(client, vendor):
    response = client.get(reverse("vendors:detail", args=[vendor.pk]))
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


def test_login_page_logs_in_and_out(client, people):
    assert client.get(reverse("login")).status_code == 200
    response = client.post(
        reverse("login"), {"username": "viewer", "password": people.password}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("dashboard")
    response = client.post(reverse("logout"), follow=True)
    assert response.redirect_chain[-1][0] == reverse("login")


def test_a_wrong_password_shows_an_error_and_keeps_the_username(client, people):
    response = client.post(reverse("login"), {"username": "viewer", "password": "nope"})
    assert response.status_code == 200
    body = response.content.decode()
    assert 'value="viewer"' in body
    assert "enter a correct username and password" in body.lower()


class TestScoping:
    """Another organisation's objects are simply not found."""

    def test_vendor_of_another_organisation_is_404(self, client, people, other_vendor):
        login(client, people.admin)
        for name in ("vendors:detail", "vendors:edit"):
            assert client.get(reverse(name, args=[other_vendor.pk])).status_code == 404

    def test_assessment_of_another_organisation_is_404(self, client, people, assessment):
        login(client, people.outsider)
        section = assessment.questionnaire.definition["sections"][0]["key"]
        for url in [
            reverse("assessments:detail", args=[assessment.pk]),
            reverse("assessments:status", args=[assessment.pk]),
            reverse("assessments:review", args=[assessment.pk]),
            reverse("assessments:section", args=[assessment.pk, section]),
        ]:
            assert client.get(url).status_code == 404, url
        response = client.post(reverse("assessments:submit", args=[assessment.pk]))
        assert response.status_code == 404

    def test_starting_an_assessment_for_another_organisations_vendor_is_404(
        self, client, people, other_vendor, questionnaire
    ):
        login(client, people.assessor)
        url = reverse("assessments:start") + f"?vendor={other_vendor.pk}"
        assert client.get(url).status_code == 404

    def test_the_vendor_list_shows_only_the_active_organisation(
        self, client, people, vendor, other_vendor
    ):
        login(client, people.admin)
        body = client.get(reverse("vendors:list")).content.decode()
        assert vendor.name in body
        assert other_vendor.name not in body


def test_the_organisation_switcher_changes_the_active_organisation(
    client, people, vendor, other_vendor
):
    from governance.accounts.models import Membership

    Membership.objects.create(user=people.viewer, organisation=people.other_org, role="viewer")
    login(client, people.viewer)
    body = client.get(reverse("vendors:list")).content.decode()
    assert 'id="org-select"' in body
    client.post(
        reverse("switch-organisation"),
        {"organisation": people.other_org.pk, "next": reverse("vendors:list")},
    )
    body = client.get(reverse("vendors:list")).content.decode()
    assert other_vendor.name in body
    assert vendor.name not in body


def test_the_questionnaire_browser_shows_risk_points_knockouts_and_references(
    client, people, questionnaire
):
    login(client, people.viewer)
    body = client.get(reverse("questionnaires:detail", args=[questionnaire.pk])).content.decode()
    question = questionnaire.definition["sections"][0]["questions"][0]
    assert question["text"][:50] in body
    assert f'<td class="num">{question["options"][-1]["risk"]}</td>' in body
    assert "badge-critical" in body  # a knock-out option
    assert "GDPR" in body
    # The sanctions question says which answer a watchlist hit contradicts, and on which lists.
    assert (
        "the answer “Screened on the assessment date, including the 50% rule — no match” is "
        "flagged as contradicted when the screening has a hit, not cleared by a reviewer, on a "
        "list whose name contains “Treasury Department” or “Nonproliferation Sanctions”."
    ) in body


def test_the_dashboard_lists_overdue_reviews_and_open_findings(client, people, scored):
    import datetime

    from governance.assessments.models import Assessment
    from governance.assessments.services import assessment_decide

    assessment_decide(
        actor=people.reviewer,
        assessment=scored,
        decision="approved_with_conditions",
        conditions="Fix the findings.",
    )
    Assessment.objects.filter(pk=scored.pk).update(
        next_review_date=datetime.date.today() - datetime.timedelta(days=3)
    )
    login(client, people.viewer)
    response = client.get(reverse("dashboard"))
    assert [a.pk for a in response.context["reviews"]] == [scored.pk]
    assert b"overdue" in response.content
    assert response.context["open_findings"] == scored.findings.count()
