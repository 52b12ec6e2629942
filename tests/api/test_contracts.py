"""The shared contract (tests/api/mixins.py) applied to the endpoints beyond vendors."""

import pytest
from django.test import TestCase

from governance.accounts.models import Membership
from governance.assessments.models import Assessment, Finding
from governance.reports import services as report_services
from tests.api import factories
from tests.api.mixins import (
    ROLES,
    CreateContract,
    DeleteContract,
    ListContract,
    ReadOnlyContract,
    RetrieveContract,
    UpdateContract,
)


class TestQuestionnaires(ReadOnlyContract):
    url = "/api/v1/questionnaires/"

    def make(self, people, org):
        definition = factories.wide_definition(2, key=factories.unique("own").replace(" ", "-"))
        return factories.questionnaire(definition, organisation_id=org.pk)


class TestAssessments(ListContract, RetrieveContract, CreateContract):
    url = "/api/v1/assessments/"

    def make(self, people, org):
        return factories.assessment(people, org)

    def create_payload(self, people, org):
        return {
            "vendor": factories.vendor(people, org).pk,
            "questionnaire": factories.questionnaire().pk,
            "title": "Initial due diligence",
        }

    def model_count(self):
        return Assessment.objects.count()


class TestFindings(ListContract, RetrieveContract, UpdateContract):
    url = "/api/v1/findings/"
    # Assessors track remediation; reviewers may also accept a risk.
    updaters = frozenset({"admin", "assessor", "reviewer"})

    def make(self, people, org):
        return factories.scored_assessment(people, org).findings.first()

    def make_many(self, people, org, count):
        questionnaire = factories.questionnaire(factories.findings_definition(count))
        answers = [{"question": f"security.q{i:03d}", "value": "poor"} for i in range(count)]
        factories.scored_assessment(people, org, questionnaire_=questionnaire, answers=answers)

    def update_payload(self, people, obj):
        return {"status": "mitigating", "due_date": "2027-01-31", "note": "Contract amendment."}


class TestReports(ListContract, RetrieveContract):
    url = "/api/v1/reports/"

    def make(self, people, org):
        # Requested but not rendered: the render task runs only on commit.
        return report_services.portfolio_report_request(
            actor=factories.owner_of(people, org), organisation_id=org.pk
        )


class TestEvidence(RetrieveContract):
    url = "/api/v1/evidence/"

    def make(self, people, org):
        return factories.evidence(people, org)


class TestMembers(ListContract, RetrieveContract, UpdateContract, DeleteContract):
    url = "/api/v1/members/"
    writers = frozenset({"admin"})

    def make(self, people, org):
        return factories.member(people, org)

    def update_payload(self, people, obj):
        return {"role": "reviewer"}

    @pytest.mark.parametrize("role", ROLES)
    def test_members_are_not_created_here(self, people, client_for, role):
        # People join by accepting an invitation (/api/v1/invitations/), never directly.
        user = factories.member(people, people.other_org).user
        before = Membership.objects.count()
        payload = {"organisation": people.org.pk, "username": user.username, "role": "viewer"}
        response = client_for(role).post(self.url, payload, format="json")
        assert response.status_code == 405
        assert Membership.objects.count() == before


def test_findings_are_raised_by_scoring_with_a_constant_cost(people):
    # A guard for the fixtures above: scoring in tests really runs and raises findings.
    with TestCase.captureOnCommitCallbacks(execute=True):
        item = factories.scored_assessment(people, people.org)
    assert item.status == "scored"
    assert Finding.objects.filter(assessment=item).exists()
