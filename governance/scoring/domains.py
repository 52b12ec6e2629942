"""The domain vocabulary: every closed list of keys the product stores, scores or prints.

The keys are part of stored data (questionnaire YAML, policies, score results, model rows),
so each vocabulary is one `ChoiceSet` here and nowhere else: models build their
`TextChoices` from these pairs, forms, serializers and charts read them, and the engine ranks
by them. The plain tuples and dicts below (`RATINGS`, `RATING_RANK`, ...) are views of the
same sets, kept for the engine's hot paths.
"""

from __future__ import annotations

from collections.abc import Sequence

from .choices import ChoiceSet

DOMAIN = ChoiceSet(
    "domain",
    ("privacy", "Data privacy and governance"),
    ("geopolitics", "Geopolitics and jurisdiction"),
    ("lock_in", "Lock-in and portability"),
    ("security", "Security and model risk"),
    ("regulatory", "Regulatory compliance"),
    ("cost", "Cost and sustainability"),
)
DOMAINS = DOMAIN.choices
DOMAIN_LABELS: dict[str, str] = DOMAIN.labels
DOMAIN_KEYS: tuple[str, ...] = DOMAIN.keys
DOMAIN_INDEX: dict[str, int] = DOMAIN.rank

QUESTION_TYPE = ChoiceSet(
    "question type",
    ("single_choice", "Single choice"),
    ("multiple_choice", "Multiple choice"),
    ("yes_no", "Yes / no"),
    ("number", "Number"),
    ("date", "Date"),
    ("text", "Text"),
)
QUESTION_TYPES: tuple[str, ...] = QUESTION_TYPE.keys
CHOICE_TYPES: frozenset[str] = frozenset({"single_choice", "multiple_choice", "yes_no"})

SPECIAL_OPTION = ChoiceSet(
    "special option",
    ("unknown", "Don't know"),
    ("not_applicable", "Not applicable"),
)
SPECIAL_OPTIONS: tuple[str, ...] = SPECIAL_OPTION.keys

# Ordered from least to most severe; the position is the rank used for comparisons.
RATING = ChoiceSet(
    "rating",
    ("low", "Low"),
    ("moderate", "Moderate"),
    ("high", "High"),
    ("critical", "Critical"),
)
RATINGS: tuple[str, ...] = RATING.keys
RATING_RANK: dict[str, int] = RATING.rank
# A knock-out lifts the rating to at least one of these.
KNOCKOUT_SEVERITIES: tuple[str, ...] = RATINGS[RATING_RANK["high"] :]

# Ordered from least to most severe, like ratings.
FINDING_SEVERITY = ChoiceSet(
    "finding severity",
    ("low", "Low"),
    ("medium", "Medium"),
    ("high", "High"),
    ("critical", "Critical"),
)
FINDING_SEVERITIES: tuple[str, ...] = FINDING_SEVERITY.keys
FINDING_RANK: dict[str, int] = FINDING_SEVERITY.rank
# An option or band scored at this risk or more must carry a finding (severity medium or
# above); below it, an answered question counts as addressing its references.
FINDING_RISK_THRESHOLD = 50
# At this risk or more a finding is high even without a knock-out.
FINDING_HIGH_RISK = 75

# What the engine recommends (the policy maps each rating to one) ...
RECOMMENDATION = ChoiceSet(
    "recommended decision",
    ("approve", "Approve"),
    ("approve_with_conditions", "Approve with conditions"),
    ("reject", "Reject"),
)
DECISIONS: tuple[str, ...] = RECOMMENDATION.keys
# ... and what a reviewer decides, in the same order.
DECISION = ChoiceSet(
    "decision",
    ("approved", "Approved"),
    ("approved_with_conditions", "Approved with conditions"),
    ("rejected", "Rejected"),
)
DECISION_FOR_RECOMMENDATION: dict[str, str] = dict(
    zip(RECOMMENDATION.keys, DECISION.keys, strict=True)
)

# The frameworks a question's `references` may cite, with the short label pages use ...
REFERENCE_FRAMEWORK = ChoiceSet(
    "reference framework",
    ("nist_ai_rmf", "NIST AI RMF"),
    ("iso_42001", "ISO/IEC 42001"),
    ("eu_ai_act", "EU AI Act"),
    ("gdpr", "GDPR"),
    ("nist_ai_600_1", "NIST AI 600-1"),
    ("other", "Other"),
)
# ... and the edition the report's coverage tables cite ("other" has no coverage table).
REFERENCE_FRAMEWORK_EDITIONS: dict[str, str] = {
    "nist_ai_rmf": "NIST AI RMF 1.0",
    "iso_42001": "ISO/IEC 42001:2023",
    "eu_ai_act": "EU AI Act (Regulation (EU) 2024/1689)",
    "gdpr": "GDPR (Regulation (EU) 2016/679)",
    "nist_ai_600_1": "NIST AI 600-1 (Generative AI Profile)",
}

# Inherent-risk factors in the order they are reported, with the context vocabulary of each.
INHERENT_FACTOR = ChoiceSet(
    "inherent-risk factor",
    ("data", "Data sensitivity"),
    ("criticality", "Business criticality"),
    ("ai_act", "EU AI Act risk class"),
    ("people", "People affected"),
    ("exposure", "Exposure"),
)
INHERENT_FACTORS: tuple[str, ...] = INHERENT_FACTOR.keys
DATA_CATEGORY = ChoiceSet(
    "data category",
    ("public", "Public"),
    ("internal", "Internal"),
    ("confidential", "Confidential"),
    ("personal", "Personal data"),
    ("special_category", "Special-category personal data"),
)
BUSINESS_CRITICALITY_LEVEL = ChoiceSet(
    "business criticality",
    ("low", "Low"),
    ("medium", "Medium"),
    ("high", "High"),
    ("critical", "Critical"),
)
EU_AI_ACT_CLASS = ChoiceSet(
    "EU AI Act risk class",
    ("minimal", "Minimal risk"),
    ("limited", "Limited risk (transparency duties)"),
    ("high", "High risk"),
    ("prohibited", "Prohibited practice"),
)
PEOPLE_AFFECTED_BAND = ChoiceSet(
    "people affected",
    ("few", "Fewer than 100"),
    ("many", "100 to 10,000"),
    ("very_many", "More than 10,000"),
)
EXPOSURE_LEVEL = ChoiceSet(
    "exposure",
    ("internal", "Internal staff only"),
    ("customer_facing", "Customer-facing"),
    ("public", "Open to the public"),
)
DATA_CATEGORIES: tuple[str, ...] = DATA_CATEGORY.keys
BUSINESS_CRITICALITY: tuple[str, ...] = BUSINESS_CRITICALITY_LEVEL.keys
EU_AI_ACT_CLASSES: tuple[str, ...] = EU_AI_ACT_CLASS.keys
PEOPLE_AFFECTED: tuple[str, ...] = PEOPLE_AFFECTED_BAND.keys
EXPOSURE: tuple[str, ...] = EXPOSURE_LEVEL.keys
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


def band_rank(value: float, thresholds: Sequence[float]) -> int:
    """The rank (position in RATINGS) of the band a 0–100 risk value falls in.

    `thresholds` are the policy's three ascending limits; a value at a limit belongs to the
    band above it (25 is "moderate" under 25/50/75).
    """
    for index, limit in enumerate(thresholds):
        if value < limit:
            return index
    return len(thresholds)


def band_for(value: float | None, thresholds: Sequence[float]) -> str | None:
    """The rating band of a 0–100 risk value under the policy's thresholds; None for None."""
    if value is None:
        return None
    return RATINGS[min(band_rank(value, thresholds), len(RATINGS) - 1)]
