"""validate_policy: a policy that could produce a wrong or inconsistent rating is rejected."""

from __future__ import annotations

import copy

import pytest

from governance.scoring import DEFAULT_POLICY, validate_policy


def changed(path: str, value: object) -> dict:
    """DEFAULT_POLICY with the setting at dotted `path` replaced (or removed if value is
    DELETE)."""
    policy = copy.deepcopy(DEFAULT_POLICY)
    *parents, last = path.split(".")
    target = policy
    for name in parents:
        target = target[name]
    if value is DELETE:
        del target[last]
    else:
        target[last] = value
    return policy


DELETE = object()
MONOTONE_BREAK = [
    ["low", "moderate", "low", "high"],
    ["low", "moderate", "high", "high"],
    ["moderate", "high", "high", "critical"],
    ["moderate", "high", "critical", "critical"],
]
COLUMN_BREAK = [
    ["low", "low", "moderate", "high"],
    ["low", "moderate", "high", "high"],
    ["low", "low", "high", "critical"],
    ["moderate", "high", "critical", "critical"],
]


def test_default_policy_is_valid():
    assert validate_policy(DEFAULT_POLICY) == []


def test_validation_does_not_modify_the_policy():
    policy = copy.deepcopy(DEFAULT_POLICY)
    validate_policy(policy)
    assert policy == DEFAULT_POLICY


@pytest.mark.parametrize(
    ("path", "value", "message"),
    [
        ("domain_weights.cost", DELETE, 'domain_weights: missing domain "cost".'),
        (
            "domain_weights.marketing",
            1,
            'domain_weights: unknown domain "marketing" (expected one '
            "of: privacy, geopolitics, lock_in, security, regulatory, "
            "cost).",
        ),
        (
            "domain_weights.privacy",
            -1,
            "domain_weights.privacy: weight must not be below 0, got -1.",
        ),
        (
            "domain_weights.privacy",
            "3",
            "domain_weights.privacy: weight must be a number, got '3'.",
        ),
        (
            "domain_weights",
            {
                "privacy": 0,
                "geopolitics": 0,
                "lock_in": 0,
                "security": 0,
                "regulatory": 0,
                "cost": 0,
            },
            "domain_weights: at least one domain needs a weight above 0.",
        ),
        (
            "inherent_weights.people",
            -2,
            "inherent_weights.people: weight must not be below 0, got -2.",
        ),
        ("inherent_weights.data", DELETE, 'inherent_weights: missing factor "data".'),
        (
            "inherent_points.ai_act.prohibited",
            101,
            "inherent_points.ai_act.prohibited: points must not be above 100, got 101.",
        ),
        ("inherent_points.data.public", DELETE, 'inherent_points.data: missing value "public".'),
        (
            "residual_thresholds",
            [50, 25, 75],
            "residual_thresholds must be in strictly ascending order, got [50, 25, 75].",
        ),
        (
            "residual_thresholds",
            [25, 25, 75],
            "residual_thresholds must be in strictly ascending order, got [25, 25, 75].",
        ),
        (
            "inherent_thresholds",
            [25, 50],
            "inherent_thresholds must be a list of three numbers, got [25, 50].",
        ),
        (
            "inherent_thresholds",
            [25, 50, 175],
            "inherent_thresholds must lie between 0 and 100, got [25, 50, 175].",
        ),
        ("unknown_risk", 101, "unknown_risk must be a number from 0 to 100, got 101."),
        ("unknown_risk", None, "unknown_risk must be a number from 0 to 100, got None."),
        ("default_inherent_tier", 5, "default_inherent_tier must be 1, 2, 3 or 4, got 5."),
        (
            "rating_matrix",
            [["low"] * 4] * 3,
            "rating_matrix must be 4 rows (inherent tier 1..4) of 4 ratings (residual band 1..4).",
        ),
        (
            "rating_matrix",
            [["low"] * 3] * 4,
            "rating_matrix must be 4 rows (inherent tier 1..4) of 4 ratings (residual band 1..4).",
        ),
        (
            "rating_matrix",
            [["low"] * 4] * 3 + [["low", "low", "low", "severe"]],
            "rating_matrix row 4 column 4: 'severe' is not one of: low, moderate, high, critical.",
        ),
        (
            "rating_matrix",
            MONOTONE_BREAK,
            'rating_matrix is not monotone: row 1 column 3 ("low") is milder than column 2 '
            '("moderate").',
        ),
        (
            "rating_matrix",
            COLUMN_BREAK,
            'rating_matrix is not monotone: row 3 column 2 ("low") is milder than row 2 '
            '("moderate").',
        ),
        (
            "decisions.high",
            "maybe",
            "decisions.high: 'maybe' is not one of: approve, approve_with_conditions, reject.",
        ),
        ("decisions.critical", DELETE, 'decisions: missing rating "critical".'),
        (
            "review_interval_days.low",
            0,
            "review_interval_days.low: must be a whole number of days > 0, got 0.",
        ),
        (
            "finding_due_days.medium",
            30.5,
            "finding_due_days.medium: must be a whole number of days > 0, got 30.5.",
        ),
        (
            "finding_due_days.urgent",
            1,
            'finding_due_days: unknown severity "urgent" (expected one '
            "of: low, medium, high, critical).",
        ),
        ("version", 0, "version must be a whole number >= 1, got 0."),
        ("unknown_risk", DELETE, 'Missing policy setting "unknown_risk".'),
        ("notes", "hello", 'Unknown policy setting "notes".'),
    ],
)
def test_bad_policies_are_rejected_with_a_readable_message(path, value, message):
    assert message in validate_policy(changed(path, value))


def test_every_problem_is_reported():
    policy = changed("unknown_risk", -5)
    policy["domain_weights"]["cost"] = -1
    policy["residual_thresholds"] = [75, 50, 25]
    assert len(validate_policy(policy)) == 3


@pytest.mark.parametrize("policy", [None, [], "policy"])
def test_non_mapping_is_rejected(policy):
    assert validate_policy(policy) == ["The policy must be a mapping."]
