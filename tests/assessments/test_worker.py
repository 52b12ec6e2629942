"""The pipeline with a real Celery worker process, Redis and PostgreSQL.

The worker is a subprocess pointed at the test database; every test kills it (and its pool
children) at the end, whatever happens.
"""

from __future__ import annotations

import signal
import time

import pytest
from django.db.models import Count

from governance.assessments import services
from governance.assessments.models import Assessment, AssessmentStatus, Finding, ScoreResult
from governance.reports import services as report_services
from governance.reports.models import ReportStatus
from tests.assessments.factories import HIGH_RISK, LOW_RISK, answered, make_questionnaire
from tests.worker import VISIBILITY_TIMEOUT, wait_until

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def worker(celery_workers):
    return celery_workers()


def test_submit_is_scored_by_a_worker(people, worker):
    worker.start()
    assessment = answered(people, HIGH_RISK)
    outcome = services.assessment_submit(actor=people.assessor, assessment=assessment)
    assert outcome.enqueued is True

    def scored():
        assessment.refresh_from_db()
        return assessment.status == AssessmentStatus.SCORED

    wait_until(scored, 30, what="the assessment to be scored", workers=[worker])
    assert ScoreResult.objects.filter(assessment=assessment).count() == 1
    assert Finding.objects.filter(assessment=assessment).exists()
    assert assessment.next_review_date is not None


def test_the_app_declares_every_queue_its_tasks_are_routed_to():
    from governance.celery import app

    declared = {queue.name for queue in app.conf.task_queues}
    assert declared == {"default", "scoring", "reports"}
    assert app.conf.task_default_queue == "default"
    for task in (
        "governance.assessments.tasks.score_assessment",
        "governance.reports.tasks.render_report",
    ):
        assert app.amqp.router.route({}, task)["queue"].name in declared


def test_a_bare_worker_scores_and_renders(people, celery_workers, settings, tmp_path):
    # `celery -A governance worker` without -Q, as someone running it by hand would.
    media = tmp_path / "media"
    settings.MEDIA_ROOT = media
    worker = celery_workers(queues=None, name="bare", MEDIA_ROOT=str(media))
    worker.start()
    assessment = answered(people, HIGH_RISK)
    assert services.assessment_submit(actor=people.assessor, assessment=assessment).enqueued

    def scored():
        assessment.refresh_from_db()
        return assessment.status == AssessmentStatus.SCORED

    wait_until(scored, 30, what="the assessment to be scored", workers=[worker])
    report = report_services.report_request(actor=people.assessor, assessment=assessment)

    def rendered():
        report.refresh_from_db()
        return report.status in (ReportStatus.READY, ReportStatus.FAILED)

    wait_until(rendered, 90, what="the report to be rendered", workers=[worker])
    assert report.status == ReportStatus.READY, report.error
    assert report.file.read().startswith(b"%PDF")


def test_a_worker_killed_mid_task_leaves_every_assessment_scored_once(people, worker):
    questionnaire = make_questionnaire()
    count = 60
    ids = []
    for n in range(count):
        assessment = answered(
            people,
            HIGH_RISK if n % 2 else LOW_RISK,
            questionnaire=questionnaire,
            vendor_name=f"Vendor {n}",
        )
        services.assessment_submit(actor=people.assessor, assessment=assessment)
        ids.append(assessment.pk)
    worker.start()
    wait_until(
        lambda: ScoreResult.objects.count() >= 10,
        30,
        what="the first results to be stored",
        workers=[worker],
    )

    # Freeze the worker until one assessment is caught mid-task: claimed (committed as
    # scoring) but with its result not yet committed. Then kill it without warning.
    in_flight = None
    for _ in range(200):
        worker.signal(signal.SIGSTOP)
        in_flight = Assessment.objects.filter(status=AssessmentStatus.SCORING).first()
        if in_flight is not None:
            break
        worker.signal(signal.SIGCONT)
        time.sleep(0.005)
    worker.kill()
    assert in_flight is not None, "never caught a task in flight"
    remaining = Assessment.objects.filter(pk__in=ids).exclude(status=AssessmentStatus.SCORED)
    assert remaining.exists(), "the worker finished everything before it was killed"

    # A new worker restores the killed one's unacknowledged messages once their visibility
    # timeout has passed, and takes over the half-done claim.
    time.sleep(VISIBILITY_TIMEOUT + 0.5)
    worker.start()
    wait_until(
        lambda: (
            not Assessment.objects.filter(pk__in=ids)
            .exclude(status=AssessmentStatus.SCORED)
            .exists()
        ),
        90,
        what="every assessment to be scored",
        workers=[worker],
    )
    per_assessment = dict(
        ScoreResult.objects.filter(assessment_id__in=ids)
        .values_list("assessment_id")
        .annotate(n=Count("id"))
    )
    assert per_assessment == dict.fromkeys(ids, 1)
    duplicates = (
        Finding.objects.values("assessment_id", "key").annotate(n=Count("id")).filter(n__gt=1)
    )
    assert not duplicates.exists()
    in_flight.refresh_from_db()
    assert in_flight.latest_result_id is not None
