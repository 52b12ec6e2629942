"""Constants of the definition format: domains, types, limits, patterns, field order."""

from __future__ import annotations

from pathlib import Path

# Must equal the keys of governance/scoring/domains.py, in the same order (stored results
# and published questionnaires depend on them). They are repeated here rather than imported
# so that the questionnaire loader stays independent of the scoring package; a test
# compares both.
DOMAIN_KEYS: tuple[str, ...] = (
    "privacy",
    "geopolitics",
    "lock_in",
    "security",
    "regulatory",
    "cost",
)

QUESTION_TYPES: tuple[str, ...] = (
    "single_choice",
    "multiple_choice",
    "yes_no",
    "number",
    "date",
    "text",
)
CHOICE_TYPES: frozenset[str] = frozenset({"single_choice", "multiple_choice", "yes_no"})
SPECIAL_OPTIONS: tuple[str, ...] = ("unknown", "not_applicable")
KNOCKOUT_SEVERITIES: tuple[str, ...] = ("high", "critical")
STATUSES: tuple[str, ...] = ("draft", "published")
REFERENCE_KEYS: tuple[str, ...] = (
    "nist_ai_rmf",
    "iso_42001",
    "eu_ai_act",
    "gdpr",
    "nist_ai_600_1",
    "other",
)
FINDING_RISK_THRESHOLD = 50
WEIGHT_MAX = 10
DEFAULT_WEIGHT = 1

# Definitions may arrive through an upload endpoint; refuse absurd inputs before parsing.
MAX_DEFINITION_CHARS = 2_000_000

SCHEMA_PATH = Path(__file__).resolve().parent.parent / "schema" / "questionnaire.schema.json"

QUESTIONNAIRE_KEY_PATTERN = "^[a-z0-9][a-z0-9-]*$"
KEY_PATTERN = "^[a-z0-9_]+$"
QUESTION_KEY_PATTERN = r"^[a-z0-9_]+(\.[a-z0-9_]+)+$"
VERSION_PATTERN = r"^(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)$"
NON_BLANK_PATTERN = r"\S"

# Field order used for exports and for sorting errors into reading order.
_FIELD_ORDER: tuple[str, ...] = (
    "key",
    "version",
    "title",
    "description",
    "status",
    "sections",
    "text",
    "help",
    "type",
    "required",
    "domain",
    "weight",
    "evidence",
    "references",
    *REFERENCE_KEYS,
    "show_if",
    "question",
    "in",
    "screening",
    "no_match",
    "lists",
    "options",
    "number",
    "date",
    "label",
    "special",
    "min",
    "max",
    "max_age_days",
    "unit",
    "bands",
    "risk",
    "knockout",
    "finding",
    "recommendation",
    "questions",
)
_FIELD_RANK = {name: rank for rank, name in enumerate(_FIELD_ORDER)}

Path_ = tuple[str | int, ...]
