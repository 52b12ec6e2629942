"""Scoring engine for AI vendor risk assessments.

Plain Python on purpose: no Django, no database. It takes a compiled questionnaire, answers,
the vendor/use-case context and a policy, and returns a rating together with everything needed
to explain it. README.md ("Scoring") and docs/questionnaires.md state the rules;
bench/reference_engine.py is a second, independent reading of them.
"""

from .answers import (
    MAX_TEXT_LENGTH,
    AnswerError,
    InvalidAnswer,
    input_document,
    normalise_answer,
    normalise_answers,
    validate_answers,
)
from .compile import compile_questionnaire
from .context import validate_context
from .domains import DOMAIN_LABELS, DOMAINS
from .engine import score
from .hashing import (
    ENGINE_VERSION,
    canonical_definition,
    canonical_json,
    definition_content_hash,
    input_hash,
)
from .outcome import DomainScore, Driver, Finding, Inherent, Knockout, ScoreOutcome
from .policy import DEFAULT_POLICY, DEFAULT_THRESHOLDS, validate_policy
from .structures import CompiledQuestion, CompiledQuestionnaire, DefinitionError

__all__ = [
    "DEFAULT_POLICY",
    "DEFAULT_THRESHOLDS",
    "DOMAINS",
    "DOMAIN_LABELS",
    "ENGINE_VERSION",
    "MAX_TEXT_LENGTH",
    "AnswerError",
    "CompiledQuestion",
    "CompiledQuestionnaire",
    "DefinitionError",
    "DomainScore",
    "Driver",
    "Finding",
    "Inherent",
    "InvalidAnswer",
    "Knockout",
    "ScoreOutcome",
    "canonical_definition",
    "canonical_json",
    "compile_questionnaire",
    "definition_content_hash",
    "input_document",
    "input_hash",
    "normalise_answer",
    "normalise_answers",
    "score",
    "validate_answers",
    "validate_context",
    "validate_policy",
]
