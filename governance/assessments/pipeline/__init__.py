"""Scoring persistence: run the engine over locked assessments and store what it returns.

The Celery tasks (tasks.py) are thin wrappers around `score_one` and `rescore_many`. Both
work in bulk, so the number of queries does not grow with the number of questions, and
`rescore_many` reads and writes a whole batch of assessments with a fixed number of queries:
one for the assessments with their questionnaires and use cases, one for all answers, one for
the policies, one for existing results, one for existing findings, then bulk writes.

Idempotence comes from the data model: a result is unique per (assessment, input hash) and a
finding per (assessment, key), and every write for one assessment happens in one transaction
while its row is locked, so a redelivered or duplicated task can never store anything twice.

One module per concept; callers import from here.
"""

from .compute import PolicyInvalid
from .jobs import (
    MAX_DELIVERIES,
    claim,
    mark_failed,
    rescore_many,
    score_one,
    scoring_give_up,
    stale_assessment_ids,
)

__all__ = [
    "MAX_DELIVERIES",
    "PolicyInvalid",
    "claim",
    "mark_failed",
    "rescore_many",
    "score_one",
    "scoring_give_up",
    "stale_assessment_ids",
]
