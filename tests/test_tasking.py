"""The one task policy (governance.tasking): every task retries transient errors only, with
Celery's backoff, is acknowledged late, has time limits, and gives up through a service."""

from __future__ import annotations

import pytest
from celery.exceptions import SoftTimeLimitExceeded
from django.db import OperationalError

from governance.assessments import pipeline, services
from governance.assessments import tasks as scoring_tasks
from governance.assessments.models import AssessmentStatus
from governance.celery import app
from governance.reports import services as report_services
from governance.reports import tasks as report_tasks
from governance.reports.models import Report, ReportKind, ReportStatus
from governance.screening import tasks as screening_tasks
from governance.tasking import MAX_RETRIES, TRANSIENT_ERRORS, JobTask
from tests.assessments.factories import LOW_RISK, answered


def governance_tasks():
    app.loader.import_default_modules()
    return [t for name, t in sorted(app.tasks.items()) if name.startswith("governance.")]


def test_every_task_follows_the_policy():
    found = governance_tasks()
    assert {t.name for t in found} >= {
        "governance.assessments.tasks.score_assessment",
        "governance.assessments.tasks.rescore_batch",
        "governance.assessments.tasks.sweep_stale_assessments",
        "governance.reports.tasks.render_report",
        "governance.reports.tasks.sweep_stale_reports",
        "governance.screening.tasks.screen_vendor",
        "governance.screening.tasks.sweep_screenings",
    }
    for t in found:
        assert isinstance(t, JobTask), t.name
        assert t.acks_late and t.reject_on_worker_lost, t.name
        assert t.autoretry_for == TRANSIENT_ERRORS, t.name
        assert 0 < t.soft_time_limit < t.time_limit, t.name


def test_the_limits_follow_the_settings(settings):
    assert scoring_tasks.score_assessment.soft_time_limit == settings.SCORING_TIME_LIMIT
    assert report_tasks.render_report.soft_time_limit == settings.REPORT_TIME_LIMIT
    assert scoring_tasks.score_assessment.max_retries == MAX_RETRIES
    # A sweep is sent again by beat soon enough: it does not retry itself.
    assert scoring_tasks.sweep_stale_assessments.max_retries == 0


@pytest.mark.django_db
def test_scoring_gives_up_after_the_retries_with_a_readable_message(people, monkeypatch):
    assessment = answered(people, LOW_RISK)
    services.assessment_submit(actor=people.assessor, assessment=assessment)
    calls = []

    def unreachable(*args, **kwargs):
        calls.append(1)
        raise OperationalError("could not connect to server")

    monkeypatch.setattr(pipeline, "score_one", unreachable)
    scoring_tasks.score_assessment.apply(args=(assessment.pk,))
    assert len(calls) == MAX_RETRIES + 1
    assessment.refresh_from_db()
    assert assessment.status == AssessmentStatus.FAILED
    assert "could not reach the database or the queue" in assessment.failure_message


@pytest.mark.django_db
def test_a_soft_time_limit_marks_the_assessment_failed(people, monkeypatch, settings):
    assessment = answered(people, LOW_RISK)
    services.assessment_submit(actor=people.assessor, assessment=assessment)

    def too_long(*args, **kwargs):
        raise SoftTimeLimitExceeded()

    monkeypatch.setattr(pipeline, "score_one", too_long)
    scoring_tasks.score_assessment.apply(args=(assessment.pk,))
    assessment.refresh_from_db()
    assert assessment.status == AssessmentStatus.FAILED
    assert assessment.failure_message == (
        f"Scoring took longer than {settings.SCORING_TIME_LIMIT} seconds and was stopped. Retry."
    )


@pytest.mark.django_db
def test_a_soft_time_limit_marks_the_report_failed(people, monkeypatch, settings):
    report = Report.objects.create(organisation=people.org, kind=ReportKind.PORTFOLIO)

    def too_long(report):
        raise SoftTimeLimitExceeded()

    monkeypatch.setattr(report_services, "render_report_pdf", too_long)
    report_tasks.render_report.apply(args=(report.pk,))
    report.refresh_from_db()
    assert report.status == ReportStatus.FAILED
    assert report.error == (
        f"Rendering took longer than {settings.REPORT_TIME_LIMIT} seconds and was stopped."
    )


@pytest.mark.django_db
def test_a_lost_database_gives_the_render_claim_back_and_the_retry_renders(people, monkeypatch):
    report = Report.objects.create(organisation=people.org, kind=ReportKind.PORTFOLIO)
    calls = []

    def flaky(report):
        calls.append(1)
        if len(calls) == 1:
            raise OperationalError("server closed the connection unexpectedly")
        raise RuntimeError("template broke")

    monkeypatch.setattr(report_services, "render_report_pdf", flaky)
    report_tasks.render_report.apply(args=(report.pk,))
    assert len(calls) == 2
    report.refresh_from_db()
    # The retry claimed the row again; its own error is kept readable.
    assert report.status == ReportStatus.FAILED
    assert report.error == "The report could not be rendered: template broke"


@pytest.mark.django_db
def test_screening_retries_a_transient_error(monkeypatch):
    calls = []

    def flaky(*, vendor_id):
        calls.append(vendor_id)
        if len(calls) == 1:
            raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(screening_tasks.services, "vendor_screen_if_due", flaky)
    assert screening_tasks.screen_vendor.apply(args=(7,)).get() == "current"
    assert calls == [7, 7]


@pytest.mark.django_db
def test_a_bug_is_not_retried(monkeypatch):
    calls = []

    def broken(*, vendor_id):
        calls.append(vendor_id)
        raise KeyError("bug")

    monkeypatch.setattr(screening_tasks.services, "vendor_screen_if_due", broken)
    result = screening_tasks.screen_vendor.apply(args=(7,))
    assert result.failed()
    assert calls == [7]


@pytest.mark.django_db
def test_a_soft_time_limit_inside_the_engine_is_not_blamed_on_the_answers(
    people, monkeypatch, settings
):
    assessment = answered(people, LOW_RISK)
    services.assessment_submit(actor=people.assessor, assessment=assessment)

    def too_long(*args, **kwargs):
        raise SoftTimeLimitExceeded()

    monkeypatch.setattr(pipeline.compute, "score", too_long)
    scoring_tasks.score_assessment.apply(args=(assessment.pk,))
    assessment.refresh_from_db()
    assert assessment.status == AssessmentStatus.FAILED
    assert assessment.failure_message.startswith(
        f"Scoring took longer than {settings.SCORING_TIME_LIMIT} seconds"
    )
