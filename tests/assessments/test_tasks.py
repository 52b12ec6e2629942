"""The scoring pipeline with tasks run in-process (eagerly), as in the embedded default."""

import contextlib
import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import CommandError, call_command
from django.db import OperationalError
from django.utils import timezone

from governance.accounts.models import AuditEvent
from governance.assessments import pipeline, services, tasks
from governance.assessments.models import (
    Answer,
    Assessment,
    AssessmentStatus,
    Finding,
    FindingStatus,
    ScoreResult,
)
from governance.celery import app
from tests.assessments.factories import HIGH_RISK, LOW_RISK, answered

pytestmark = pytest.mark.django_db


@pytest.fixture
def submit(people, django_capture_on_commit_callbacks):
    def run(values=None, **kwargs):
        assessment = answered(people, values or HIGH_RISK, **kwargs)
        with django_capture_on_commit_callbacks(execute=True):
            outcome = services.assessment_submit(actor=people.assessor, assessment=assessment)
        assessment.refresh_from_db()
        return assessment, outcome

    return run


def test_submit_scores_with_result_findings_and_review_date(submit):
    assessment, outcome = submit()
    assert outcome.enqueued is True
    assert assessment.status == AssessmentStatus.SCORED
    result = assessment.latest_result
    assert result is not None
    assert result.rating in {"low", "moderate", "high", "critical"}
    assert result.policy_version == 1
    assert result.input_hash == result.outcome["input_hash"]
    assert result.inputs["questionnaire"]["key"] == "pipeline-test"
    assert result.outcome["drivers"]
    assert set(result.domain_scores) == {
        "privacy",
        "geopolitics",
        "lock_in",
        "security",
        "regulatory",
        "cost",
    }
    keys = set(Finding.objects.filter(assessment=assessment).values_list("key", flat=True))
    assert keys == {f["key"] for f in result.outcome["findings"]}
    assert "privacy.training:opt_out" in keys
    finding = Finding.objects.get(assessment=assessment, key="privacy.training:opt_out")
    assert finding.status == FindingStatus.OPEN
    assert finding.due_date == timezone.localdate() + dt.timedelta(days=90)  # medium
    interval = result.outcome["review_interval_days"]
    assert assessment.next_review_date == timezone.localdate() + dt.timedelta(days=interval)
    assert AuditEvent.objects.filter(action="assessment.score", object_id=str(assessment.pk))


def test_a_knockout_lifts_the_rating(submit):
    assessment, _ = submit(dict(LOW_RISK, **{"geopolitics.entity_list": "yes"}))
    assert assessment.latest_result.rating == "critical"
    assert assessment.latest_result.recommended_decision == "reject"


def test_rerunning_is_idempotent(submit):
    assessment, _ = submit()
    findings = list(Finding.objects.filter(assessment=assessment).values_list("pk", "key"))
    # A redelivered task: the row is no longer submitted, nothing happens.
    assert tasks.score_assessment.apply(args=(assessment.pk,)).get() == "skipped"
    # A rescore with the same inputs finds the same input hash and reuses its result.
    tasks.rescore_batch.apply(args=([assessment.pk],)).get()
    assert ScoreResult.objects.filter(assessment=assessment).count() == 1
    assert list(Finding.objects.filter(assessment=assessment).values_list("pk", "key")) == findings


def test_rescoring_after_a_policy_change_adds_a_result_and_keeps_finding_state(people, submit):
    assessment, _ = submit()
    first = assessment.latest_result
    finding = Finding.objects.get(assessment=assessment, key="privacy.training:opt_out")
    services.finding_update(
        actor=people.assessor, finding=finding, data={"owner": people.admin, "status": "mitigating"}
    )
    # A finding this assessment's answers no longer raise (e.g. from an older engine).
    stale = Finding.objects.create(
        organisation=people.org,
        assessment=assessment,
        result=first,
        key="privacy.retired:x",
        question_key="privacy.retired",
        domain="privacy",
        severity="low",
        title="Retired",
    )
    policy = services.policy_current(organisation_id=people.org.pk)
    body = dict(policy.body, domain_weights=dict(policy.body["domain_weights"], cost=5))
    services.policy_update(actor=people.admin, organisation_id=people.org.pk, body=body)

    assert services.rescore_request(actor=people.admin, organisation_id=people.org.pk) == 1
    # on_commit callbacks inside the test transaction run only when captured; call directly.
    tasks.rescore_batch.apply(args=([assessment.pk],)).get()

    assessment.refresh_from_db()
    assert ScoreResult.objects.filter(assessment=assessment).count() == 2
    assert assessment.latest_result.policy_version == 2
    assert assessment.latest_result.reason == "rescore"
    assert ScoreResult.objects.get(pk=first.pk).outcome == first.outcome  # history kept
    finding.refresh_from_db()
    assert finding.owner == people.admin
    assert finding.status == "mitigating"
    assert finding.result_id == assessment.latest_result.pk
    stale.refresh_from_db()
    assert stale.status == FindingStatus.CLOSED
    assert stale.closed_automatically
    assert "no longer raises" in stale.note
    keys = list(Finding.objects.filter(assessment=assessment).values_list("key", flat=True))
    assert len(keys) == len(set(keys))


def test_a_finding_closed_by_rescoring_reopens_when_raised_again(people, submit):
    assessment, _ = submit()
    finding = Finding.objects.get(assessment=assessment, key="privacy.training:opt_out")
    Finding.objects.filter(pk=finding.pk).update(status="closed", closed_automatically=True)
    pipeline.rescore_many([assessment.pk])
    finding.refresh_from_db()
    assert finding.status == FindingStatus.OPEN
    assert not finding.closed_automatically


def test_a_decided_assessment_stays_decided_when_rescored(people, submit):
    assessment, _ = submit()
    services.assessment_decide(actor=people.reviewer, assessment=assessment, decision="rejected")
    review = assessment.next_review_date
    policy = services.policy_current(organisation_id=people.org.pk)
    services.policy_update(
        actor=people.admin,
        organisation_id=people.org.pk,
        body=dict(policy.body, unknown_risk=90),
    )
    pipeline.rescore_many([assessment.pk])
    assessment.refresh_from_db()
    assert assessment.status == AssessmentStatus.DECIDED
    assert assessment.decision == "rejected"
    assert assessment.next_review_date == review
    assert assessment.latest_result.policy_version == 2


def test_bad_stored_data_fails_with_a_readable_message_then_retry_works(people, submit):
    assessment = answered(people, LOW_RISK)
    services.assessment_submit(actor=people.assessor, assessment=assessment)
    # Something wrote an answer that does not fit the questionnaire behind the services.
    Answer.objects.filter(assessment=assessment, question_key="privacy.training").update(
        value="sometimes"
    )
    assert tasks.score_assessment.apply(args=(assessment.pk,)).get() == "failed"
    assessment.refresh_from_db()
    assert assessment.status == AssessmentStatus.FAILED
    assert "privacy.training" in assessment.failure_message
    assert "sometimes" in assessment.failure_message
    assert not ScoreResult.objects.filter(assessment=assessment).exists()

    Answer.objects.filter(assessment=assessment, question_key="privacy.training").update(
        value="no_training"
    )
    outcome = services.assessment_retry(actor=people.assessor, assessment=assessment)
    assert assessment.status == AssessmentStatus.SUBMITTED
    assert outcome.assessment.failure_message == ""
    assert tasks.score_assessment.apply(args=(assessment.pk, "retry")).get() == "scored"
    assessment.refresh_from_db()
    assert assessment.status == AssessmentStatus.SCORED
    assert assessment.latest_result.reason == "retry"


def test_an_unexpected_error_marks_the_assessment_failed(people, monkeypatch):
    assessment = answered(people, LOW_RISK)
    services.assessment_submit(actor=people.assessor, assessment=assessment)

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(pipeline.compute, "score", broken)
    assert tasks.score_assessment.apply(args=(assessment.pk,)).get() == "failed"
    assessment.refresh_from_db()
    assert assessment.status == AssessmentStatus.FAILED
    assert "unexpectedly (RuntimeError)" in assessment.failure_message


def test_a_transient_database_error_is_retried(people, monkeypatch):
    assessment = answered(people, LOW_RISK)
    services.assessment_submit(actor=people.assessor, assessment=assessment)
    real = pipeline.score_one
    calls = []

    def flaky(*args, **kwargs):
        calls.append(1)
        if len(calls) == 1:
            raise OperationalError("server closed the connection unexpectedly")
        return real(*args, **kwargs)

    monkeypatch.setattr(pipeline, "score_one", flaky)
    tasks.score_assessment.apply(args=(assessment.pk,))
    assert len(calls) == 2
    assessment.refresh_from_db()
    assert assessment.status == AssessmentStatus.SCORED


def test_retry_is_only_for_failed_or_waiting_assessments(people, submit):
    assessment, _ = submit()
    from governance.errors import StateConflict

    with pytest.raises(StateConflict):
        services.assessment_retry(actor=people.assessor, assessment=assessment)


def test_the_sweep_re_enqueues_stale_rows_only(people):
    old = timezone.now() - dt.timedelta(minutes=5)
    waiting = answered(people, LOW_RISK, vendor_name="Waiting")
    services.assessment_submit(actor=people.assessor, assessment=waiting)
    Assessment.objects.filter(pk=waiting.pk).update(submitted_at=old)
    stuck = answered(people, LOW_RISK, vendor_name="Stuck")
    services.assessment_submit(actor=people.assessor, assessment=stuck)
    Assessment.objects.filter(pk=stuck.pk).update(
        status=AssessmentStatus.SCORING, submitted_at=old, scoring_started_at=old
    )
    fresh = answered(people, LOW_RISK, vendor_name="Fresh")
    services.assessment_submit(actor=people.assessor, assessment=fresh)

    assert tasks.sweep_stale_assessments.apply().get() == 2
    statuses = dict(Assessment.objects.values_list("pk", "status"))
    assert statuses[waiting.pk] == AssessmentStatus.SCORED
    assert statuses[stuck.pk] == AssessmentStatus.SCORED
    assert statuses[fresh.pk] == AssessmentStatus.SUBMITTED


def test_a_recent_claim_held_by_nobody_is_taken_over(people):
    # A worker claimed the row and died before scoring: its redelivered task must not wait
    # for the time limit (on PostgreSQL the dead worker's lock is gone; SQLite has none).
    assessment = answered(people, LOW_RISK)
    services.assessment_submit(actor=people.assessor, assessment=assessment)
    assert pipeline.claim(assessment.pk)
    assert tasks.score_assessment.apply(args=(assessment.pk,)).get() == "scored"


def test_a_task_that_keeps_killing_its_worker_is_given_up(people):
    # Each delivery is counted before the work; a worker that dies takes its transaction
    # with it, never the count. Here the previous deliveries all died mid-scoring.
    assessment = answered(people, LOW_RISK)
    services.assessment_submit(actor=people.assessor, assessment=assessment)
    assert pipeline.claim(assessment.pk)
    Assessment.objects.filter(pk=assessment.pk).update(scoring_attempts=pipeline.MAX_DELIVERIES)
    assert tasks.score_assessment.apply(args=(assessment.pk,)).get() == "failed"
    assessment.refresh_from_db()
    assert assessment.status == AssessmentStatus.FAILED
    assert "stopped its worker 5 times" in assessment.failure_message
    assert assessment.scoring_attempts == 0
    assert AuditEvent.objects.filter(
        action="assessment.score_failed", object_id=str(assessment.pk)
    ).exists()
    # A retry starts counting afresh and scores.
    services.assessment_retry(actor=people.assessor, assessment=assessment)
    assert tasks.score_assessment.apply(args=(assessment.pk,)).get() == "scored"
    assessment.refresh_from_db()
    assert assessment.status == AssessmentStatus.SCORED and assessment.scoring_attempts == 0


def test_a_delivery_below_the_limit_scores_normally(people):
    assessment = answered(people, LOW_RISK)
    services.assessment_submit(actor=people.assessor, assessment=assessment)
    assert pipeline.claim(assessment.pk)
    Assessment.objects.filter(pk=assessment.pk).update(scoring_attempts=pipeline.MAX_DELIVERIES - 1)
    assert tasks.score_assessment.apply(args=(assessment.pk,)).get() == "scored"


@contextlib.contextmanager
def broker(url: str):
    """Publish to another broker for the duration (the app caches its producer pool)."""
    conf = app.conf
    saved = (conf.broker_url, conf.task_always_eager, app._pool, app.amqp._producer_pool)
    conf.broker_url = url
    conf.task_always_eager = False
    app._pool = None
    app.amqp._producer_pool = None
    try:
        yield
    finally:
        with contextlib.suppress(Exception):
            if app._pool is not None:
                app._pool.force_close_all()
        conf.broker_url, conf.task_always_eager, app._pool, app.amqp._producer_pool = saved


def test_a_submission_survives_a_broker_that_is_down(people, django_capture_on_commit_callbacks):
    assessment = answered(people, LOW_RISK)
    with broker("redis://127.0.0.1:1/0"), django_capture_on_commit_callbacks(execute=True):
        outcome = services.assessment_submit(actor=people.assessor, assessment=assessment)
    assert outcome.enqueued is False
    assessment.refresh_from_db()
    assert assessment.status == AssessmentStatus.SUBMITTED
    assert AuditEvent.objects.filter(action="assessment.submit").exists()
    # Once the broker is back the sweep (here: in-process) scores it.
    Assessment.objects.filter(pk=assessment.pk).update(
        submitted_at=timezone.now() - dt.timedelta(minutes=2)
    )
    tasks.sweep_stale_assessments.apply()
    assessment.refresh_from_db()
    assert assessment.status == AssessmentStatus.SCORED


def test_rescore_requests_are_batched(
    people, submit, monkeypatch, django_capture_on_commit_callbacks
):
    for n in range(5):
        submit(vendor_name=f"V{n}")
    sent = []
    monkeypatch.setattr(
        tasks.rescore_batch, "apply_async", lambda args, **kw: sent.append(list(args[0]))
    )
    with django_capture_on_commit_callbacks(execute=True):
        count = services.rescore_request(
            actor=people.admin, organisation_id=people.org.pk, batch_size=2
        )
    assert count == 5
    assert [len(batch) for batch in sent] == [2, 2, 1]
    with pytest.raises(PermissionDenied):
        services.rescore_request(actor=people.assessor, organisation_id=people.org.pk)


def test_rescore_command(people, submit, capsys, django_capture_on_commit_callbacks):
    assessment, _ = submit()
    services.policy_update(
        actor=people.admin,
        organisation_id=people.org.pk,
        body=dict(services.policy_current(organisation_id=people.org.pk).body, unknown_risk=85),
    )
    with django_capture_on_commit_callbacks(execute=True):
        call_command("rescore", "--org", people.org.name)
    assert "1 assessment(s) of Acme Bank" in capsys.readouterr().out
    assert ScoreResult.objects.filter(assessment=assessment).count() == 2
    with pytest.raises(CommandError, match="No organisation named 'Nope'"):
        call_command("rescore", "--org", "Nope")


def test_rescore_query_count_does_not_depend_on_batch_size(submit):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    ids = [submit(vendor_name=f"V{n}")[0].pk for n in range(6)]
    Finding.objects.all().delete()

    def count(batch):
        with CaptureQueriesContext(connection) as ctx:
            pipeline.rescore_many(batch)
        return len(ctx.captured_queries)

    assert count(ids[:2]) == count(ids[2:6])


def test_the_pipeline_reads_through_selectors_not_services():
    # Services enqueue the tasks that run the pipeline; the pipeline importing services
    # back would make that the second cycle between them.
    import ast
    from pathlib import Path

    package = Path(pipeline.__file__).parent
    imported = {
        node.module
        for path in package.glob("*.py")
        for node in ast.walk(ast.parse(path.read_text()))
        if isinstance(node, ast.ImportFrom) and node.module
    }
    assert not {m for m in imported if m.split(".")[-1] == "services"}
