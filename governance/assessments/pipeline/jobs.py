"""The scoring jobs the Celery tasks run: claim, score one, rescore many, mark failed, sweep."""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from governance.accounts.audit import audit_record

from ..models import Assessment, AssessmentStatus
from .store import _store

logger = logging.getLogger(__name__)

# The questionnaire is not joined: every row would carry its whole definition. Compiled
# questionnaires come from the process cache instead (selectors.compiled_questionnaires).
_RELATED = ("use_case", "vendor")
# Deliveries of one scoring task before it is given up (see score_one).
MAX_DELIVERIES = 5


def claim(assessment_id: int) -> bool:
    """Move submitted → scoring (or take over a claim older than the time limit)."""
    now = timezone.now()
    stale = now - dt.timedelta(seconds=settings.SCORING_TIME_LIMIT)
    return bool(
        Assessment.objects.filter(pk=assessment_id)
        .filter(
            Q(status=AssessmentStatus.SUBMITTED)
            | Q(status=AssessmentStatus.SCORING, scoring_started_at__lt=stale)
            | Q(status=AssessmentStatus.SCORING, scoring_started_at__isnull=True)
        )
        .update(status=AssessmentStatus.SCORING, scoring_started_at=now, updated_at=now)
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
        stats = _store([row], reason=reason, finishing=True)
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
        return _store(rows, reason=reason, finishing=False)


def mark_failed(assessment_id: int, message: str) -> bool:
    """Record a failure that happened outside the engine (time limit, lost database...)."""
    with transaction.atomic():
        updated = Assessment.objects.filter(
            pk=assessment_id,
            status__in=[AssessmentStatus.SUBMITTED, AssessmentStatus.SCORING],
        ).update(
            status=AssessmentStatus.FAILED,
            failure_message=message,
            scoring_attempts=0,
            updated_at=timezone.now(),
        )
    return bool(updated)


def stale_assessment_ids(limit: int = 1000) -> list[int]:
    """Assessments a worker should have picked up by now: submitted more than a minute ago,
    or claimed longer ago than the scoring time limit."""
    now = timezone.now()
    return list(
        Assessment.objects.filter(
            Q(status=AssessmentStatus.SUBMITTED, submitted_at__lt=now - dt.timedelta(minutes=1))
            | Q(
                status=AssessmentStatus.SCORING,
                scoring_started_at__lt=now - dt.timedelta(seconds=settings.SCORING_TIME_LIMIT),
            )
        )
        .order_by("pk")
        .values_list("pk", flat=True)[:limit]
    )
