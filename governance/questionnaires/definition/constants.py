"""Constants of the definition format: domains, types, limits, patterns, field order."""

from __future__ import annotations

from pathlib import Path

# The vocabularies a definition is checked against are the scoring engine's own (stored
# results and published questionnaires depend on them); the loader only reads them.
from governance.scoring import domains as vocabulary
from governance.scoring import hashing

DOMAIN_KEYS = vocabulary.DOMAIN_KEYS
QUESTION_TYPES = vocabulary.QUESTION_TYPES
CHOICE_TYPES = vocabulary.CHOICE_TYPES
SPECIAL_OPTIONS = vocabulary.SPECIAL_OPTIONS
KNOCKOUT_SEVERITIES = vocabulary.KNOCKOUT_SEVERITIES
REFERENCE_KEYS = vocabulary.REFERENCE_FRAMEWORK.keys
FINDING_RISK_THRESHOLD = vocabulary.FINDING_RISK_THRESHOLD
STATUSES: tuple[str, ...] = ("draft", "published")
WEIGHT_MAX = 10
# The canonical form's default, from the one canonical form (scoring/hashing.py).
DEFAULT_WEIGHT = hashing.DEFAULT_WEIGHT

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
FIELD_RANK = {name: rank for rank, name in enumerate(_FIELD_ORDER)}

Path_ = tuple[str | int, ...]
