"""The labels and number formats both reports print."""

from __future__ import annotations

from collections.abc import Mapping

from governance.scoring.domains import (
    DECISION,
    FINDING_SEVERITY,
    INHERENT_FACTOR,
    RATING,
    RECOMMENDATION,
)

RATING_LABELS = RATING.labels
# Both the engine's recommendation ("approve") and the reviewer's decision ("approved").
DECISION_LABELS = {**RECOMMENDATION.labels, **DECISION.labels}
SEVERITY_ORDER = FINDING_SEVERITY.worst_first
STATUS_LABELS = {
    "scored": "Answered",
    "unknown": "Don't know",
    "unanswered": "Not answered",
    "not_applicable": "Not applicable",
    "hidden": "Not asked (condition not met)",
    "informational": "Informational",
    "optional": "Not answered (optional)",
}
INHERENT_FACTOR_LABELS = INHERENT_FACTOR.labels


def fmt_score(value: float | None) -> str:
    """How a 0–100 figure is printed everywhere in the report (and read back by verify)."""
    return "not scored" if value is None else f"{value:.1f}"


def label_for(key: str | None, labels: Mapping[str, str]) -> str:
    if not key:
        return ""
    return labels.get(key, key.replace("_", " ").capitalize())


def person_label(user) -> str:
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()
