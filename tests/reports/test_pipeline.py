"""End to end: the assessments pipeline scores, then a report of its stored result verifies."""

from __future__ import annotations

import pytest

from governance.reports import services
from governance.reports.models import ReportStatus
from governance.reports.verify import verify_pdf
from tests.reports.factories import core_definition, default_answers


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def test_a_report_of_a_pipeline_result_verifies(people, media, django_capture_on_commit_callbacks):
    from django.utils import timezone

    from governance.assessments import services as assessments
    from governance.questionnaires.models import Questionnaire
    from governance.scoring import definition_content_hash
    from governance.vendors.models import Offering, UseCase, Vendor

    definition = core_definition()
    questionnaire = Questionnaire.objects.create(
        key=definition["key"],
        version=definition["version"],
        title=definition["title"],
        status="published",
        content_hash=definition_content_hash(definition),
        definition=definition,
        version_order=[1, 0, 0],
        question_count=13,
        published_at=timezone.now(),
    )
    vendor = Vendor.objects.create(
        organisation=people.org, name="Pipeline Vendor", headquarters_country="DE"
    )
    offering = Offering.objects.create(
        vendor=vendor,
        name="Chat API",
        kind="hosted_api",
        deployment="vendor_cloud",
        pricing_model="usage_based",
    )
    case = UseCase.objects.create(
        organisation=people.org,
        offering=offering,
        name="Internal search",
        purpose="Search internal documents.",
        data_categories=["internal"],
        business_criticality="medium",
        eu_ai_act_class="minimal",
        people_affected="many",
        exposure="internal",
    )
    assessment = assessments.assessment_create(
        actor=people.assessor,
        organisation_id=people.org.pk,
        vendor=vendor,
        questionnaire=questionnaire,
        offering=offering,
        use_case=case,
    )
    items = [
        {"question": key, "value": value, "comment": "Checked against the contract."}
        for key, value in default_answers(definition).items()
    ]
    assessments.answers_save(actor=people.assessor, assessment=assessment, answers=items)
    with django_capture_on_commit_callbacks(execute=True):
        assessments.assessment_submit(actor=people.assessor, assessment=assessment)
    assessment.refresh_from_db()
    assert assessment.latest_result_id, assessment.failure_message

    with django_capture_on_commit_callbacks(execute=True):
        report = services.report_request(actor=people.reviewer, assessment=assessment)
    report.refresh_from_db()

    assert report.status == ReportStatus.READY, report.error
    verification = verify_pdf(report.file.read())
    assert verification.consistent, verification.problems
