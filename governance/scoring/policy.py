"""The scoring policy: the organisation-tunable numbers behind every rating.

`score()` trusts its policy argument (checking it on every call would cost more than the
scoring itself), so every policy must pass `validate_policy()` before it is stored or used.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

from .domains import (
    DECISIONS,
    DOMAIN_KEYS,
    FACTOR_VALUES,
    FINDING_SEVERITIES,
    INHERENT_FACTORS,
    RATING_RANK,
    RATINGS,
)

DEFAULT_POLICY: dict[str, Any] = {
    "version": 1,
    "domain_weights": {
        "privacy": 3,
        "geopolitics": 3,
        "lock_in": 2,
        "security": 3,
        "regulatory": 2,
        "cost": 1,
    },
    "unknown_risk": 80,
    "residual_thresholds": [25, 50, 75],
    "inherent_weights": {"data": 3, "criticality": 2, "ai_act": 2, "people": 1, "exposure": 1},
    "inherent_points": {
        "data": {
            "public": 0,
            "internal": 25,
            "confidential": 55,
            "personal": 65,
            "special_category": 95,
        },
        "criticality": {"low": 10, "medium": 40, "high": 70, "critical": 95},
        "ai_act": {"minimal": 0, "limited": 30, "high": 80, "prohibited": 100},
        "people": {"few": 10, "many": 50, "very_many": 90},
        "exposure": {"internal": 10, "customer_facing": 55, "public": 85},
    },
    "inherent_thresholds": [25, 50, 75],
    # No use case given: assume high, so that leaving the use case blank is never rewarded.
    "default_inherent_tier": 3,
    "rating_matrix": [
        ["low", "low", "moderate", "high"],
        ["low", "moderate", "high", "high"],
        ["moderate", "high", "high", "critical"],
        ["moderate", "high", "critical", "critical"],
    ],
    "decisions": {
        "low": "approve",
        "moderate": "approve_with_conditions",
        "high": "approve_with_conditions",
        "critical": "reject",
    },
    "review_interval_days": {"low": 365, "moderate": 180, "high": 90, "critical": 30},
    "finding_due_days": {"low": 180, "medium": 90, "high": 30, "critical": 14},
}

POLICY_KEYS: tuple[str, ...] = tuple(DEFAULT_POLICY)
# The residual bands shown for a result that carries no policy of its own.
DEFAULT_THRESHOLDS: tuple[float, ...] = tuple(DEFAULT_POLICY["residual_thresholds"])


def _is_number(value: object) -> bool:
    # bool is an int subclass, but `true` as a weight is always a mistake.
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _quoted(values: Iterable[object]) -> str:
    return ", ".join(str(v) for v in values)


def _check_keys(
    errors: list[str], name: str, value: object, expected: tuple[str, ...], what: str
) -> bool:
    """Require a mapping with exactly `expected` keys; report each missing and extra key."""
    if not isinstance(value, dict):
        errors.append(f"{name} must be a mapping of {what} to values.")
        return False
    for key in expected:
        if key not in value:
            errors.append(f'{name}: missing {what} "{key}".')
    for key in value:
        if key not in expected:
            errors.append(f'{name}: unknown {what} "{key}" (expected one of: {_quoted(expected)}).')
    return True


def _check_number_map(
    errors: list[str],
    name: str,
    value: object,
    expected: tuple[str, ...],
    what: str,
    *,
    low: float,
    high: float | None,
    label: str,
) -> None:
    if not _check_keys(errors, name, value, expected, what):
        return
    assert isinstance(value, dict)
    for key in expected:
        if key not in value:
            continue
        v = value[key]
        if not _is_number(v):
            errors.append(f"{name}.{key}: {label} must be a number, got {v!r}.")
        elif v < low:
            errors.append(f"{name}.{key}: {label} must not be below {low:g}, got {v!r}.")
        elif high is not None and v > high:
            errors.append(f"{name}.{key}: {label} must not be above {high:g}, got {v!r}.")


def _check_positive_ints(
    errors: list[str], name: str, value: object, expected: tuple[str, ...], what: str
) -> None:
    if not _check_keys(errors, name, value, expected, what):
        return
    assert isinstance(value, dict)
    for key in expected:
        if key in value and not (_is_int(value[key]) and value[key] > 0):
            errors.append(f"{name}.{key}: must be a whole number of days > 0, got {value[key]!r}.")


def _check_thresholds(errors: list[str], name: str, value: object) -> None:
    if (
        not isinstance(value, (list, tuple))
        or len(value) != 3
        or not all(_is_number(v) for v in value)
    ):
        errors.append(f"{name} must be a list of three numbers, got {value!r}.")
        return
    if not (value[0] < value[1] < value[2]):
        errors.append(f"{name} must be in strictly ascending order, got {list(value)!r}.")
    if not all(0 <= v <= 100 for v in value):
        errors.append(f"{name} must lie between 0 and 100, got {list(value)!r}.")


def _check_matrix(errors: list[str], value: object) -> None:
    shape_ok = (
        isinstance(value, (list, tuple))
        and len(value) == 4
        and all(isinstance(row, (list, tuple)) and len(row) == 4 for row in value)
    )
    if not shape_ok:
        errors.append(
            "rating_matrix must be 4 rows (inherent tier 1..4) of 4 ratings (residual band 1..4)."
        )
        return
    assert isinstance(value, (list, tuple))
    valid = True
    for r, row in enumerate(value, start=1):
        for c, cell in enumerate(row, start=1):
            if cell not in RATING_RANK:
                valid = False
                errors.append(
                    f"rating_matrix row {r} column {c}: {cell!r} is not one of: {_quoted(RATINGS)}."
                )
    if not valid:
        return
    # A riskier residual band or a higher inherent tier must never give a milder rating;
    # otherwise a worse answer could improve the outcome.
    for r in range(4):
        for c in range(4):
            here = RATING_RANK[value[r][c]]
            if c and here < RATING_RANK[value[r][c - 1]]:
                errors.append(
                    f"rating_matrix is not monotone: row {r + 1} column {c + 1} "
                    f'("{value[r][c]}") is milder than column {c} ("{value[r][c - 1]}").'
                )
            if r and here < RATING_RANK[value[r - 1][c]]:
                errors.append(
                    f"rating_matrix is not monotone: row {r + 1} column {c + 1} "
                    f'("{value[r][c]}") is milder than row {r} ("{value[r - 1][c]}").'
                )


def validate_policy(policy: object) -> list[str]:
    """Return every problem with `policy` as a readable message; an empty list means valid."""
    if not isinstance(policy, dict):
        return ["The policy must be a mapping."]
    errors: list[str] = []
    for key in POLICY_KEYS:
        if key not in policy:
            errors.append(f'Missing policy setting "{key}".')
    for key in policy:
        if key not in DEFAULT_POLICY:
            errors.append(f'Unknown policy setting "{key}".')

    if "version" in policy and not (_is_int(policy["version"]) and policy["version"] >= 1):
        errors.append(f"version must be a whole number >= 1, got {policy['version']!r}.")

    if "domain_weights" in policy:
        weights = policy["domain_weights"]
        _check_number_map(
            errors,
            "domain_weights",
            weights,
            DOMAIN_KEYS,
            "domain",
            low=0,
            high=None,
            label="weight",
        )
        if isinstance(weights, dict) and not any(_is_number(w) and w > 0 for w in weights.values()):
            errors.append("domain_weights: at least one domain needs a weight above 0.")

    if "unknown_risk" in policy:
        risk = policy["unknown_risk"]
        if not (_is_number(risk) and 0 <= risk <= 100):
            errors.append(f"unknown_risk must be a number from 0 to 100, got {risk!r}.")

    for name in ("residual_thresholds", "inherent_thresholds"):
        if name in policy:
            _check_thresholds(errors, name, policy[name])

    if "inherent_weights" in policy:
        weights = policy["inherent_weights"]
        _check_number_map(
            errors,
            "inherent_weights",
            weights,
            INHERENT_FACTORS,
            "factor",
            low=0,
            high=None,
            label="weight",
        )
        if isinstance(weights, dict) and not any(_is_number(w) and w > 0 for w in weights.values()):
            errors.append("inherent_weights: at least one factor needs a weight above 0.")

    if "inherent_points" in policy:
        points = policy["inherent_points"]
        if _check_keys(errors, "inherent_points", points, INHERENT_FACTORS, "factor"):
            for factor in INHERENT_FACTORS:
                if factor in points:
                    _check_number_map(
                        errors,
                        f"inherent_points.{factor}",
                        points[factor],
                        FACTOR_VALUES[factor],
                        "value",
                        low=0,
                        high=100,
                        label="points",
                    )

    if "default_inherent_tier" in policy:
        tier = policy["default_inherent_tier"]
        if not (_is_int(tier) and 1 <= tier <= 4):
            errors.append(f"default_inherent_tier must be 1, 2, 3 or 4, got {tier!r}.")

    if "rating_matrix" in policy:
        _check_matrix(errors, policy["rating_matrix"])

    if "decisions" in policy:
        decisions = policy["decisions"]
        if _check_keys(errors, "decisions", decisions, RATINGS, "rating"):
            for rating in RATINGS:
                if rating in decisions and decisions[rating] not in DECISIONS:
                    errors.append(
                        f"decisions.{rating}: {decisions[rating]!r} is not one of: "
                        f"{_quoted(DECISIONS)}."
                    )

    if "review_interval_days" in policy:
        _check_positive_ints(
            errors, "review_interval_days", policy["review_interval_days"], RATINGS, "rating"
        )
    if "finding_due_days" in policy:
        _check_positive_ints(
            errors, "finding_due_days", policy["finding_due_days"], FINDING_SEVERITIES, "severity"
        )
    return errors
