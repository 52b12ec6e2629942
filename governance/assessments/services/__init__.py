"""Writes on assessments: answers, evidence, submission, decisions, findings and the policy.

Every function checks the actor's role, validates, writes inside one transaction together
with its audit event, and hands Celery work over only once that transaction has committed.
One module per concept; callers import from here.
"""

from .answers import MAX_COMMENT_LENGTH, AnswerItem, answers_save, comment_problem, evidence_add
from .common import SubmitOutcome
from .findings import FINDING_FIELDS, finding_update
from .lifecycle import (
    assessment_create,
    assessment_decide,
    assessment_reopen,
    assessment_retry,
    assessment_submit,
)
from .policy import policy_current, policy_update
from .rescoring import rescore_request

__all__ = [
    "FINDING_FIELDS",
    "MAX_COMMENT_LENGTH",
    "AnswerItem",
    "SubmitOutcome",
    "answers_save",
    "assessment_create",
    "assessment_decide",
    "assessment_reopen",
    "assessment_retry",
    "assessment_submit",
    "comment_problem",
    "evidence_add",
    "finding_update",
    "policy_current",
    "policy_update",
    "rescore_request",
]
