"""The scoring jobs the Celery tasks run: claim, score one, rescore many, mark failed, sweep."""

from __future__ import annotations

import datetime as dt
import logging

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from governance.accounts.audit import audit_record
from governance.jobs import job_claim, job_move, job_stale
from governance.tasking import TRANSIENT_ERRORS

from ..models import Assessment, AssessmentStatus
from .compute import readable_error
from .store import score_and_store

logger = logging.getLogger(__name__)

# The questionnaire is not joined: every row would carry its whole definition. Compiled
# questionnaires come from the process cache instead (selectors.compiled_questionnaires).
_RELATED = ("use_case", "vendor")
# Deliveries of one scoring task before it is given up (see score_one).
MAX_DELIVERIES = 5


def claim(assessment_id: int) -> bool:
    """Move submitted → scoring (or take over a claim older than the time limit)."""
    now = timezone.now()
    return job_claim(
        Assessment.objects.filter(pk=assessment_id),
        AssessmentStatus.SCORING,
        started_field="scoring_started_at",
        stale_after=dt.timedelta(seconds=settings.SCORING_TIME_LIMIT),
        now=now,
        updated_at=now,
    )


def score_one(assessment_id: int, *, reason: str = "submit") -> str:
    """Score one submitted assessment. Returns what happened, for the worker log.

    The claim is committed on its own, so the sweep and the pages see "scoring". The work
    then happens under a row lock taken with SKIP LOCKED: a duplicate task (a redelivery, or
    one the sweep re-enqueued) finds the row locked while a live worker holds it and leaves.
    When the worker that claimed it died, its transaction and lock died with it, so the
    duplicate takes over at once instead of waiting for the time limit."""
    claim(assessment_id)
    # Counted and committed before the work, so the count survives a crash: a task that
    # kills its worker (out of memory, a fault in a C library) is redelivered by acks_late
    # and reject_on_worker_lost, and without a limit it would be for ever.
    Assessment.objects.filter(pk=assessment_id, status=AssessmentStatus.SCORING).update(
        scoring_attempts=F("scoring_attempts") + 1
    )
    with transaction.atomic():
        row = (
            Assessment.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related(*_RELATED)
            .filter(pk=assessment_id, status=AssessmentStatus.SCORING)
            .first()
        )
        if row is None:
            return "skipped"
        if row.scoring_attempts > MAX_DELIVERIES:
            _give_up(row)
            return "failed"
        stats = score_and_store([row], reason=reason, finishing=True)
    return "failed" if stats["failed"] else "scored"


def _give_up(row: Assessment) -> None:
    AssessmentStatus.require_transition(row.status, AssessmentStatus.FAILED)
    row.status = AssessmentStatus.FAILED
    row.failure_message = (
        f"Scoring stopped its worker {row.scoring_attempts - 1} times and was given up. "
        "Check the answers for unusual content and retry; if it happens again, contact support."
    )
    row.scoring_attempts = 0
    row.save(update_fields=["status", "failure_message", "scoring_attempts", "updated_at"])
    audit_record(
        actor=None,
        organisation_id=row.organisation_id,
        action="assessment.score_failed",
        obj=row,
        after={"failure_message": row.failure_message, "reason": "worker lost"},
    )
    logger.error("Gave up scoring assessment %s after repeated worker losses", row.pk)


def rescore_many(assessment_ids: list[int], *, reason: str = "rescore") -> dict[str, int]:
    with transaction.atomic():
        rows = list(
            Assessment.objects.select_for_update(of=("self",))
            .select_related(*_RELATED)
            .filter(pk__in=assessment_ids, status__in=AssessmentStatus.RESCORABLE)
            .order_by("pk")
        )
        return score_and_store(rows, reason=reason, finishing=False)


def mark_failed(assessment_id: int, message: str) -> bool:
    """Record a failure that happened outside the engine (time limit, lost database...)."""
    return bool(
        job_move(
            Assessment.objects.filter(pk=assessment_id),
            AssessmentStatus.FAILED,
            failure_message=message,
            scoring_attempts=0,
            updated_at=timezone.now(),
        )
    )


def scoring_give_up(*, assessment_id: int, reason: str = "submit", error: BaseException) -> None:
    """The scoring task gave up (see governance.tasking): say why on the assessment."""
    if isinstance(error, SoftTimeLimitExceeded):
        message = (
            f"Scoring took longer than {settings.SCORING_TIME_LIMIT} seconds and was stopped. "
            "Retry."
        )
    elif isinstance(error, TRANSIENT_ERRORS):
        message = (
            "Scoring could not reach the database or the queue after several attempts. "
            "Retry in a few minutes."
        )
    else:
        message = readable_error(error)
    mark_failed(int(assessment_id), message)


def stale_assessment_ids(limit: int = 1000) -> list[int]:
    """Assessments a worker should have picked up by now: submitted more than a minute ago,
    or claimed longer ago than the scoring time limit."""
    waiting = {
        AssessmentStatus.SUBMITTED: ("submitted_at", dt.timedelta(minutes=1)),
        AssessmentStatus.SCORING: (
            "scoring_started_at",
            dt.timedelta(seconds=settings.SCORING_TIME_LIMIT),
        ),
    }
    return list(
        job_stale(Assessment.objects, waiting).order_by("pk").values_list("pk", flat=True)[:limit]
    )
