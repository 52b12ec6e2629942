"""Running the scoring engine over a batch of assessments, and its failure messages."""

from __future__ import annotations

import logging
import time
from collections import defaultdict
from dataclasses import dataclass

from celery.exceptions import SoftTimeLimitExceeded

from governance.scoring import (
    DefinitionError,
    InvalidAnswer,
    input_document,
    score,
    validate_policy,
)

from ..models import (
    Answer,
    Assessment,
    ScoreResult,
    ScoringPolicy,
)
from ..selectors import compiled_questionnaires, latest_policies, scoring_context

logger = logging.getLogger(__name__)


@dataclass
class Scored:
    assessment: Assessment
    outcome: dict
    inputs: dict
    duration_ms: float
    policy_version: int
    result: ScoreResult | None = None
    created: bool = False

    @property
    def stored_result(self) -> ScoreResult:
        """The result row, which storing the results attaches before anything reads it."""
        assert self.result is not None
        return self.result


def readable_error(exc: BaseException) -> str:
    """A failure message an assessor can act on."""
    if isinstance(exc, InvalidAnswer):
        problems = "; ".join(f"{e.question}: {e.message}" for e in exc.errors[:10])
        more = f" (and {len(exc.errors) - 10} more)" if len(exc.errors) > 10 else ""
        return f"Some stored answers do not fit the questionnaire: {problems}{more}."
    if isinstance(exc, DefinitionError):
        return f"The questionnaire version cannot be scored: {' '.join(exc.problems[:5])}"
    if isinstance(exc, PolicyInvalid):
        return f"The organisation's scoring policy is invalid: {exc}"
    if isinstance(exc, ValueError):
        return f"The assessment's context cannot be scored: {exc}"
    return (
        f"Scoring failed unexpectedly ({type(exc).__name__}). Retry; if it fails again, "
        "report it to your administrator."
    )


class PolicyInvalid(ValueError):
    pass


def _policies(organisation_ids: set[int]) -> dict[int, ScoringPolicy]:
    latest = latest_policies(organisation_ids)
    for organisation_id in organisation_ids - latest.keys():
        latest[organisation_id] = ScoringPolicy.product_default(organisation_id)
    return latest


def compute_scores(assessments: list[Assessment]) -> tuple[list[Scored], dict[int, str]]:
    """Run the engine for every assessment: (scored, {assessment id: failure message})."""
    ids = [a.pk for a in assessments]
    answers: dict[int, dict[str, object]] = defaultdict(dict)
    for assessment_id, key, value in Answer.objects.filter(assessment_id__in=ids).values_list(
        "assessment_id", "question_key", "value"
    ):
        if value is not None:
            answers[assessment_id][key] = value
    policies = _policies({a.organisation_id for a in assessments})
    compiled_by_id = compiled_questionnaires({a.questionnaire_id for a in assessments})
    checked: dict[int, list[str]] = {}
    scored: list[Scored] = []
    failures: dict[int, str] = {}
    for assessment in assessments:
        policy = policies[assessment.organisation_id]
        try:
            if policy.pk not in checked:
                checked[policy.pk] = validate_policy(policy.body)
            if checked[policy.pk]:
                raise PolicyInvalid(" ".join(checked[policy.pk][:5]))
            compiled = compiled_by_id[assessment.questionnaire_id]
            context = scoring_context(assessment)
            given = answers.get(assessment.pk, {})
            started = time.perf_counter()
            outcome = score(compiled, given, context=context, policy=policy.body)
            duration = (time.perf_counter() - started) * 1000
            inputs = input_document(compiled, given, context, policy.body)
        except SoftTimeLimitExceeded:
            # The whole batch is out of time, not this assessment: the task's give-up says so.
            raise
        except Exception as exc:  # one bad assessment must not sink the whole batch
            if not isinstance(exc, InvalidAnswer | DefinitionError | ValueError):
                logger.exception("Scoring assessment %s failed", assessment.pk)
            failures[assessment.pk] = readable_error(exc)
            continue
        scored.append(Scored(assessment, outcome.to_dict(), inputs, duration, policy.version))
    return scored, failures
