"""Reports rendered by a real Celery worker process, with Redis and PostgreSQL.

Scoring and reports run in separate pools (a long render must never hold up scoring): the
scoring worker never consumes the `reports` queue, and a report worker renders what the API
enqueued there.
"""

from __future__ import annotations

import hashlib

import pytest
import redis
from rest_framework.test import APIClient

from governance.accounts.models import ApiToken
from governance.assessments import services
from governance.assessments.models import AssessmentStatus
from governance.reports.models import Report, ReportStatus
from governance.reports.verify import pdf_text, read_pdf, verify_pdf
from tests.assessments.factories import HIGH_RISK, answered
from tests.worker import wait_until

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def api(user) -> APIClient:
    _, raw = ApiToken.issue(user, name="tests")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {raw}")
    return client


def test_a_report_requested_through_the_api_is_rendered_by_the_reports_worker(
    people, celery_workers, settings, tmp_path
):
    # The worker writes the PDF where this process reads it.
    media = tmp_path / "media"
    settings.MEDIA_ROOT = media
    scoring = celery_workers(name="scoring", MEDIA_ROOT=str(media))
    rendering = celery_workers(queues="reports", name="reports", MEDIA_ROOT=str(media))

    scoring.start()
    assessment = answered(people, HIGH_RISK, vendor_name="Worker Rendered AI")
    services.assessment_submit(actor=people.assessor, assessment=assessment)

    def scored():
        assessment.refresh_from_db()
        return assessment.status == AssessmentStatus.SCORED

    wait_until(scored, 30, what="the assessment to be scored", workers=[scoring])

    requested = api(people.assessor).post(f"/api/v1/assessments/{assessment.pk}/report/")
    assert requested.status_code == 202, requested.content
    report_id = requested.json()["id"]
    assert requested.json()["status"] == ReportStatus.PENDING

    # Routed to the reports queue, which the scoring worker leaves alone.
    broker = redis.Redis.from_url(scoring.redis_url)
    wait_until(lambda: broker.llen("reports") == 1, 10, what="the render task in the reports queue")
    assert Report.objects.get(pk=report_id).status == ReportStatus.PENDING

    rendering.start()
    viewer = api(people.viewer)

    def ready():
        body = viewer.get(f"/api/v1/reports/{report_id}/").json()
        return body["status"] in (ReportStatus.READY, ReportStatus.FAILED)

    wait_until(ready, 90, what="the report to be rendered", workers=[rendering])
    status = viewer.get(f"/api/v1/reports/{report_id}/").json()
    assert status["status"] == ReportStatus.READY, status["error"]
    assert broker.llen("reports") == 0

    download = viewer.get(status["pdf_url"])
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    data = b"".join(download.streaming_content)
    assert hashlib.sha256(data).hexdigest() == status["sha256"]
    assert status["size"] == len(data)
    reader, attachment = read_pdf(data)
    assert attachment is not None
    assert len(reader.pages) == status["page_count"] > 5
    verification = verify_pdf(data)
    assert verification.consistent, verification.problems
    assert "Worker Rendered AI" in pdf_text(reader)

    # Members of another organisation cannot see or fetch it.
    outsider = api(people.outsider)
    assert outsider.get(f"/api/v1/reports/{report_id}/").status_code == 404
    assert outsider.get(status["pdf_url"]).status_code == 404

    # Asked again for the same result: the rendered file is reused, nothing is enqueued.
    again = api(people.assessor).post(f"/api/v1/assessments/{assessment.pk}/report/")
    assert again.json()["id"] == report_id
    assert again.json()["status"] == ReportStatus.READY
    assert broker.llen("reports") == 0
    assert Report.objects.filter(assessment=assessment).count() == 1
