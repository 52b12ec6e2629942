"""Fixed vocabularies shared by the questionnaire format, the policy and the engine.

The domain keys are part of stored data (questionnaire YAML, policies, score results), so they
are defined once here and nowhere else.
"""

from __future__ import annotations

DOMAINS: tuple[tuple[str, str], ...] = (
    ("privacy", "Data privacy and governance"),
    ("geopolitics", "Geopolitics and jurisdiction"),
    ("lock_in", "Lock-in and portability"),
    ("security", "Security and model risk"),
    ("regulatory", "Regulatory compliance"),
    ("cost", "Cost and sustainability"),
)
DOMAIN_LABELS: dict[str, str] = dict(DOMAINS)
DOMAIN_KEYS: tuple[str, ...] = tuple(key for key, _ in DOMAINS)
DOMAIN_INDEX: dict[str, int] = {key: i for i, key in enumerate(DOMAIN_KEYS)}

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

# Ordered from least to most severe; the position is the rank used for comparisons.
RATINGS: tuple[str, ...] = ("low", "moderate", "high", "critical")
RATING_RANK: dict[str, int] = {name: i for i, name in enumerate(RATINGS)}
KNOCKOUT_SEVERITIES: tuple[str, ...] = ("high", "critical")
FINDING_SEVERITIES: tuple[str, ...] = ("low", "medium", "high", "critical")
FINDING_RANK: dict[str, int] = {name: i for i, name in enumerate(FINDING_SEVERITIES)}
DECISIONS: tuple[str, ...] = ("approve", "approve_with_conditions", "reject")

# Inherent-risk factors in the order they are reported, with the context vocabulary of each.
INHERENT_FACTORS: tuple[str, ...] = ("data", "criticality", "ai_act", "people", "exposure")
DATA_CATEGORIES: tuple[str, ...] = (
    "public",
    "internal",
    "confidential",
    "personal",
    "special_category",
)
BUSINESS_CRITICALITY: tuple[str, ...] = ("low", "medium", "high", "critical")
EU_AI_ACT_CLASSES: tuple[str, ...] = ("minimal", "limited", "high", "prohibited")
PEOPLE_AFFECTED: tuple[str, ...] = ("few", "many", "very_many")
EXPOSURE: tuple[str, ...] = ("internal", "customer_facing", "public")
FACTOR_VALUES: dict[str, tuple[str, ...]] = {
    "data": DATA_CATEGORIES,
    "criticality": BUSINESS_CRITICALITY,
    "ai_act": EU_AI_ACT_CLASSES,
    "people": PEOPLE_AFFECTED,
    "exposure": EXPOSURE,
}
# use_case field that feeds each factor.
FACTOR_FIELDS: dict[str, str] = {
    "data": "data_categories",
    "criticality": "business_criticality",
    "ai_act": "eu_ai_act_class",
    "people": "people_affected",
    "exposure": "exposure",
}
