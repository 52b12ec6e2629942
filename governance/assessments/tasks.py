"""Celery tasks for scoring. Thin: they parse primary keys and call the pipeline; the retry
policy, the time limits and giving up are governance.tasking's.

The database row, not Celery's result backend, is the source of truth: every task can run
twice (acks_late redelivery, the sweep) without storing anything twice.
"""

from __future__ import annotations

import logging

from django.conf import settings

from governance.tasking import task

from . import pipeline

logger = logging.getLogger(__name__)


@task(
    name="governance.assessments.tasks.score_assessment",
    time_limit=settings.SCORING_TIME_LIMIT,
    give_up=pipeline.scoring_give_up,
)
def score_assessment(assessment_id: int, reason: str = "submit") -> str:
    return pipeline.score_one(int(assessment_id), reason=reason)


# Giving up leaves the assessments as they were: rescoring keeps their state, and a new
# rescore request covers them again.
@task(name="governance.assessments.tasks.rescore_batch", time_limit=settings.SCORING_TIME_LIMIT)
def rescore_batch(assessment_ids: list[int]) -> dict:
    return pipeline.rescore_many([int(pk) for pk in assessment_ids])


# The next beat run is the sweep's retry.
@task(name="governance.assessments.tasks.sweep_stale_assessments", retries=0)
def sweep_stale_assessments() -> int:
    """Re-enqueue what a lost message or a dead worker left behind (run by Celery beat)."""
    ids = pipeline.stale_assessment_ids()
    for pk in ids:
        score_assessment.apply_async(args=(pk, "submit"))
    if ids:
        logger.info("Sweep re-enqueued %d assessment(s)", len(ids))
    return len(ids)
