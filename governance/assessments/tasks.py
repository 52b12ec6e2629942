"""Celery tasks for scoring. Thin: they parse primary keys and call the pipeline.

The database row, not Celery's result backend, is the source of truth: every task can run
twice (acks_late redelivery, the sweep) without storing anything twice.
"""

from __future__ import annotations

import logging

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.db import InterfaceError, OperationalError
from kombu.exceptions import OperationalError as BrokerError
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from . import pipeline

logger = logging.getLogger(__name__)

# Worth retrying: the database or Redis is briefly unreachable. Anything else is a bug or
# bad data, and retrying would only repeat it, so it marks the assessment failed instead.
TRANSIENT_ERRORS = (
    OperationalError,
    InterfaceError,
    RedisConnectionError,
    RedisTimeoutError,
    BrokerError,
)
MAX_RETRIES = 5
_LIMIT = settings.SCORING_TIME_LIMIT
# The hard limit leaves the soft one time to record the failure before the child is killed.
_TASK_OPTIONS = {
    "bind": True,
    "acks_late": True,
    "reject_on_worker_lost": True,
    "soft_time_limit": _LIMIT,
    "time_limit": _LIMIT + 30,
    "max_retries": MAX_RETRIES,
}


def _backoff(retries: int) -> int:
    return min(2 ** (retries + 1), 60)


def _safe_mark_failed(assessment_id: int, message: str) -> None:
    try:
        pipeline.mark_failed(assessment_id, message)
    except TRANSIENT_ERRORS:
        # The database is still away; the row stays submitted/scoring and the sweep
        # picks it up when the database returns.
        logger.warning("Could not mark assessment %s failed", assessment_id, exc_info=True)


@shared_task(name="governance.assessments.tasks.score_assessment", **_TASK_OPTIONS)
def score_assessment(self, assessment_id: int, reason: str = "submit") -> str:
    try:
        return pipeline.score_one(int(assessment_id), reason=reason)
    except TRANSIENT_ERRORS as exc:
        if self.request.retries >= MAX_RETRIES:
            _safe_mark_failed(
                assessment_id,
                "Scoring could not reach the database or the queue after several attempts. "
                "Retry in a few minutes.",
            )
            return "failed"
        logger.warning("Transient error scoring %s; retrying", assessment_id, exc_info=True)
        raise self.retry(exc=exc, countdown=_backoff(self.request.retries)) from exc
    except SoftTimeLimitExceeded:
        _safe_mark_failed(
            assessment_id, f"Scoring took longer than {_LIMIT} seconds and was stopped. Retry."
        )
        return "failed"
    except Exception as exc:
        logger.exception("Scoring assessment %s failed", assessment_id)
        _safe_mark_failed(assessment_id, pipeline._readable(exc))
        return "failed"


@shared_task(name="governance.assessments.tasks.rescore_batch", **_TASK_OPTIONS)
def rescore_batch(self, assessment_ids: list[int]) -> dict:
    try:
        return pipeline.rescore_many([int(pk) for pk in assessment_ids])
    except TRANSIENT_ERRORS as exc:
        if self.request.retries >= MAX_RETRIES:
            logger.error("Giving up rescoring %d assessments", len(assessment_ids))
            raise
        raise self.retry(exc=exc, countdown=_backoff(self.request.retries)) from exc


@shared_task(name="governance.assessments.tasks.sweep_stale_assessments", bind=True)
def sweep_stale_assessments(self) -> int:
    """Re-enqueue what a lost message or a dead worker left behind (run by Celery beat)."""
    ids = pipeline.stale_assessment_ids()
    for pk in ids:
        score_assessment.apply_async(args=(pk, "submit"))
    if ids:
        logger.info("Sweep re-enqueued %d assessment(s)", len(ids))
    return len(ids)
