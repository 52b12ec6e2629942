"""report_request / portfolio_report_request, the render task, the sweep and the download."""

from __future__ import annotations

import datetime
from unittest import mock

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from governance.errors import StateConflict
from governance.reports import services
from governance.reports.models import Report, ReportKind, ReportStatus
from governance.vendors.models import Vendor
from tests.reports.factories import scored_assessment

FAKE_PDF = b"%PDF-1.7\n% a stand-in for the download tests\n%%EOF\n"


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def ready_report(people, scored_result, media):
    """A ready report without rendering: the download tests are about access, not PDFs."""
    report = Report.objects.create(
        organisation=people.org,
        kind=ReportKind.ASSESSMENT,
        assessment=scored_result.assessment,
        result=scored_result,
        status=ReportStatus.RENDERING,
    )
    services.report_store(report=report, data=FAKE_PDF, page_count=1, render_ms=1.0)
    report.refresh_from_db()
    return report


def test_requesting_renders_the_report_and_stores_its_figures(
    people, scored_result, media, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        report = services.report_request(actor=people.reviewer, assessment=scored_result.assessment)

    report.refresh_from_db()
    assert report.status == ReportStatus.READY, report.error
    assert report.result_id == scored_result.pk
    assert report.page_count >= 10
    assert report.size == report.file.size
    assert len(report.sha256) == 64
    assert report.render_ms > 0
    assert report.file.read(5) == b"%PDF-"


def test_requesting_the_same_result_twice_reuses_the_report(
    people, scored_result, media, django_capture_on_commit_callbacks
):
    with mock.patch.object(services, "_enqueue") as enqueue:
        with django_capture_on_commit_callbacks(execute=True):
            first = services.report_request(
                actor=people.reviewer, assessment=scored_result.assessment
            )
        with django_capture_on_commit_callbacks(execute=True):
            second = services.report_request(
                actor=people.admin, assessment=scored_result.assessment
            )

    assert first.pk == second.pk
    assert Report.objects.filter(result=scored_result).count() == 1
    enqueue.assert_called_once_with(first.pk)


def test_it_refuses_an_unscored_assessment(people, scored_result):
    assessment = scored_result.assessment
    assessment.latest_result = None
    with pytest.raises(StateConflict, match="not been scored"):
        services.report_request(actor=people.reviewer, assessment=assessment)


def test_it_refuses_outsiders(people, scored_result):
    with pytest.raises(PermissionDenied):
        services.report_request(actor=people.outsider, assessment=scored_result.assessment)


def test_viewers_read_reports_but_do_not_start_renderings(people, scored_result):
    with pytest.raises(PermissionDenied, match="report"):
        services.report_request(actor=people.viewer, assessment=scored_result.assessment)
    with pytest.raises(PermissionDenied, match="report"):
        services.portfolio_report_request(actor=people.viewer, organisation_id=people.org.pk)
    assert not Report.objects.exists()


def test_a_failed_render_keeps_the_error_and_a_new_request_retries(
    people, scored_result, media, django_capture_on_commit_callbacks
):
    failing = mock.patch.object(services, "render_report_pdf", side_effect=RuntimeError("boom"))
    with failing, django_capture_on_commit_callbacks(execute=True):
        report = services.report_request(actor=people.reviewer, assessment=scored_result.assessment)
    report.refresh_from_db()
    assert report.status == ReportStatus.FAILED
    assert "boom" in report.error

    with (
        mock.patch.object(services, "_enqueue") as enqueue,
        django_capture_on_commit_callbacks(execute=True),
    ):
        again = services.report_request(actor=people.reviewer, assessment=scored_result.assessment)
    assert again.pk == report.pk
    assert again.status == ReportStatus.PENDING and again.error == ""
    enqueue.assert_called_once_with(report.pk)


def test_the_task_is_idempotent(people, scored_result, media):
    report = Report.objects.create(
        organisation=people.org,
        kind=ReportKind.ASSESSMENT,
        assessment=scored_result.assessment,
        result=scored_result,
    )
    with mock.patch.object(services, "render_report_pdf") as render:
        render.return_value = mock.Mock(data=FAKE_PDF, page_count=1, render_ms=2.0)
        assert services.report_render(report_id=report.pk) == "ready"
        # A redelivered message finds the row ready and does nothing.
        assert services.report_render(report_id=report.pk) == "skipped"
    assert render.call_count == 1


def test_the_sweep_re_enqueues_stale_jobs(people, scored_result):
    old = timezone.now() - datetime.timedelta(hours=2)
    pending = Report.objects.create(
        organisation=people.org, kind=ReportKind.PORTFOLIO, status=ReportStatus.PENDING
    )
    stuck = Report.objects.create(
        organisation=people.org,
        kind=ReportKind.PORTFOLIO,
        status=ReportStatus.RENDERING,
        started_at=old,
    )
    fresh = Report.objects.create(
        organisation=people.org, kind=ReportKind.PORTFOLIO, status=ReportStatus.PENDING
    )
    Report.objects.filter(pk__in=[pending.pk, stuck.pk]).update(created_at=old)

    with mock.patch.object(services, "_enqueue") as enqueue:
        count = services.report_sweep_stale()

    assert count == 2
    assert sorted(call.args[0] for call in enqueue.call_args_list) == sorted([pending.pk, stuck.pk])
    stuck.refresh_from_db()
    assert stuck.status == ReportStatus.PENDING
    assert fresh.pk not in [call.args[0] for call in enqueue.call_args_list]


def test_portfolio_report_renders_every_vendor(
    people, scored_result, media, django_capture_on_commit_callbacks, artifacts_dir
):
    from governance.screening.services import vendor_screen
    from tests.screening.factories import load_list

    scored_assessment(people, vendor_name="Contoso Models", decided=False, use_case=False)
    load_list([{"name": "Contoso Models Ltd", "source": "Test list"}])
    vendor_screen(actor=people.assessor, vendor=Vendor.objects.get(name="Contoso Models"))
    with django_capture_on_commit_callbacks(execute=True):
        report = services.portfolio_report_request(
            actor=people.reviewer, organisation_id=people.org.pk
        )
    report.refresh_from_db()
    assert report.status == ReportStatus.READY, report.error

    import io

    from pypdf import PdfReader

    data = report.file.read()
    (artifacts_dir / "report-portfolio.pdf").write_bytes(data)
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages).split())
    assert "Northwind AI" in text and "Contoso Models" in text
    assert "Acme Bank" in text
    assert "Open findings by severity" in text
    assert "1 potential match to review · 0 confirmed" in text
    assert "Potential match, to review" in text and "Not screened" in text


def test_members_download_the_pdf(client, people, ready_report):
    client.force_login(people.viewer)
    response = client.get(reverse("reports:download", args=[ready_report.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "northwind-ai" in response["Content-Disposition"]
    assert b"".join(response.streaming_content) == FAKE_PDF


def test_outsiders_get_404(client, people, ready_report):
    client.force_login(people.outsider)
    response = client.get(reverse("reports:download", args=[ready_report.pk]))
    assert response.status_code == 404


def test_anonymous_users_are_sent_to_login(client, ready_report):
    response = client.get(reverse("reports:download", args=[ready_report.pk]))
    assert response.status_code in (302, 401)
    if response.status_code == 302:
        assert reverse("login") in response["Location"]


def test_a_report_that_is_not_ready_is_not_served(client, people, scored_result):
    report = Report.objects.create(
        organisation=people.org,
        kind=ReportKind.ASSESSMENT,
        assessment=scored_result.assessment,
        result=scored_result,
    )
    client.force_login(people.viewer)
    assert client.get(reverse("reports:download", args=[report.pk])).status_code == 404


def test_a_report_rendered_before_the_decision_is_rendered_again(
    people, ready_report, django_capture_on_commit_callbacks
):
    from governance.assessments.models import Assessment

    earlier = ready_report.assessment.decided_at - datetime.timedelta(hours=1)
    Report.objects.filter(pk=ready_report.pk).update(completed_at=earlier)
    assessment = Assessment.objects.get(pk=ready_report.assessment_id)

    with (
        mock.patch.object(services, "_enqueue") as enqueue,
        django_capture_on_commit_callbacks(execute=True),
    ):
        again = services.report_request(actor=people.reviewer, assessment=assessment)

    assert again.pk == ready_report.pk
    assert again.status == ReportStatus.PENDING
    enqueue.assert_called_once_with(ready_report.pk)


@pytest.mark.django_db(transaction=True)
def test_parallel_requests_for_one_result_all_get_the_same_report(people, postgres_db):
    """Threads with their own PostgreSQL connections request the same report at once: each
    gets the one row, none a validation error about the unique constraint."""
    import random
    import threading
    import time

    from django.db import connection

    scored = scored_assessment(people)
    assessment = scored.assessment
    threads_count = 12
    barrier = threading.Barrier(threads_count)
    original_full_clean = Report.full_clean
    ids: list[int] = []
    errors: list[BaseException] = []

    def staggered_full_clean(self, *args, **kwargs):
        # Spread the requests so that most validate after the first one has committed.
        time.sleep(random.uniform(0, 0.3))
        return original_full_clean(self, *args, **kwargs)

    def request() -> None:
        try:
            # Its own user and assessment, as a separate request would load them.
            actor = type(people.admin).objects.get(pk=people.admin.pk)
            mine = type(assessment).objects.get(pk=assessment.pk)
            barrier.wait()
            ids.append(services.report_request(actor=actor, assessment=mine).pk)
        except BaseException as exc:  # reported by the assertion below
            errors.append(exc)
        finally:
            connection.close()

    with (
        mock.patch.object(Report, "full_clean", staggered_full_clean),
        mock.patch.object(services, "_enqueue", lambda report_id: None),
    ):
        threads = [threading.Thread(target=request) for _ in range(threads_count)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

    assert errors == []
    assert len(ids) == threads_count
    assert len(set(ids)) == 1
    assert Report.objects.filter(kind=ReportKind.ASSESSMENT, result=scored).count() == 1
