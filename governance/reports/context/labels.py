"""The labels and number formats both reports print."""

from __future__ import annotations

from collections.abc import Mapping

from .. import charts

RATING_LABELS = charts.RATING_LABELS
DECISION_LABELS = {
    "approve": "Approve",
    "approve_with_conditions": "Approve with conditions",
    "reject": "Reject",
    "approved": "Approved",
    "approved_with_conditions": "Approved with conditions",
    "rejected": "Rejected",
}
SEVERITY_ORDER = {"critical": 0, "high": 1, "medium": 2, "low": 3}
STATUS_LABELS = {
    "scored": "Answered",
    "unknown": "Don't know",
    "unanswered": "Not answered",
    "not_applicable": "Not applicable",
    "hidden": "Not asked (condition not met)",
    "informational": "Informational",
    "optional": "Not answered (optional)",
}
INHERENT_FACTOR_LABELS = {
    "data": "Data sensitivity",
    "criticality": "Business criticality",
    "ai_act": "EU AI Act risk class",
    "people": "People affected",
    "exposure": "Exposure",
}


def fmt_score(value: float | None) -> str:
    """How a 0–100 figure is printed everywhere in the report (and read back by verify)."""
    return "not scored" if value is None else f"{value:.1f}"


def _label(key: str | None, labels: Mapping[str, str]) -> str:
    if not key:
        return ""
    return labels.get(key, key.replace("_", " ").capitalize())


def _person(user) -> str:
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()
