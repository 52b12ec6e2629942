"""Answer normalisation and validation: every problem, with a message an assessor can act on."""

from __future__ import annotations

import datetime as dt

import pytest

from governance.scoring import (
    AnswerError,
    InvalidAnswer,
    normalise_answer,
    normalise_answers,
    validate_answers,
)
from tests.scoring import factories as f

QUESTIONNAIRE = f.compiled(
    f.yes_no("privacy.transfer"),
    f.choice("privacy.region", show_if=("privacy.transfer", ["yes"])),
    f.choice("privacy.safeguard", show_if=("privacy.region", ["high", "medium"])),
    f.multi(
        "security.controls",
        "security",
        options=[f.option("a", 10), f.option("b", 30), f.unknown(), f.not_applicable()],
    ),
    f.number("lock_in.exit_days", "lock_in"),
    f.date("security.pentest", "security"),
    f.text("cost.notes", "cost", required=False),
    f.text("cost.summary", "cost"),
)
Q = QUESTIONNAIRE.by_key


def error(question: str, field: str, message: str) -> AnswerError:
    return AnswerError(question, field, message)


# --- normalise_answer ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "value", "expected"),
    [
        ("privacy.transfer", "yes", "yes"),
        ("security.controls", ["b", "a", "b"], ["a", "b"]),
        ("security.controls", ("a",), ["a"]),
        ("security.controls", ["unknown"], ["unknown"]),
        ("lock_in.exit_days", 30.0, 30),
        ("lock_in.exit_days", 30.5, 30.5),
        ("lock_in.exit_days", 0, 0),
        ("security.pentest", "2026-01-31", "2026-01-31"),
        ("security.pentest", dt.date(2026, 1, 31), "2026-01-31"),
        ("cost.notes", "Plain text, ünïcödé too.", "Plain text, ünïcödé too."),
        ("cost.notes", None, None),
    ],
)
def test_normalise_answer(key, value, expected):
    result = normalise_answer(Q[key], value)
    assert result == expected and type(result) is type(expected)


def test_normalise_answer_accepts_a_question_definition():
    assert normalise_answer(f.number("lock_in.x", "lock_in"), 7.0) == 7


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        (
            "privacy.transfer",
            "maybe",
            'Option "maybe" is not one of: yes, no, unknown, not_applicable.',
        ),
        ("privacy.transfer", True, "Expected an option key (text), got true/false."),
        ("privacy.transfer", ["yes"], "Expected an option key (text), got a list."),
        ("security.controls", "a", "Expected a list of option keys, got text."),
        ("security.controls", [], "Select at least one option."),
        ("security.controls", [1], "Expected option keys (text), got a number."),
        (
            "security.controls",
            ["a", "unknown"],
            'Option "unknown" cannot be combined with other options.',
        ),
        ("lock_in.exit_days", 5000, "Value 5000 is above the maximum 3650 (days)."),
        ("lock_in.exit_days", -1, "Value -1 is below the minimum 0 (days)."),
        ("lock_in.exit_days", -0.5, "Value -0.5 is below the minimum 0 (days)."),
        ("lock_in.exit_days", "30", "Expected a number, got text."),
        ("lock_in.exit_days", True, "Expected a number, got true/false."),
        ("lock_in.exit_days", float("nan"), "Value must be a finite number."),
        ("lock_in.exit_days", float("inf"), "Value must be a finite number."),
        (
            "security.pentest",
            "2026-13-01",
            '"2026-13-01" is not a valid date (expected YYYY-MM-DD).',
        ),
        ("security.pentest", "2026-1-31", '"2026-1-31" is not a valid date (expected YYYY-MM-DD).'),
        ("security.pentest", "20260131", '"20260131" is not a valid date (expected YYYY-MM-DD).'),
        ("security.pentest", 20260131, 'Expected a date as text "YYYY-MM-DD", got a number.'),
        ("cost.notes", 42, "Expected text, got a number."),
        ("cost.notes", "x" * 20_001, "Text is 20,001 characters long; the maximum is 20,000."),
        ("cost.notes", "a\x00b", "Text must not contain NUL characters."),
    ],
)
def test_normalise_answer_rejects_with_a_readable_message(key, value, message):
    with pytest.raises(InvalidAnswer) as info:
        normalise_answer(Q[key], value)
    assert info.value.errors == [error(key, "value", message)]


def test_text_at_the_limit_is_accepted():
    assert normalise_answer(Q["cost.notes"], "x" * 20_000) == "x" * 20_000


def test_normalise_answers_drops_none_and_reports_every_problem():
    assert normalise_answers(QUESTIONNAIRE, {"privacy.transfer": "no", "cost.notes": None}) == {
        "privacy.transfer": "no"
    }
    with pytest.raises(InvalidAnswer) as info:
        normalise_answers(QUESTIONNAIRE, {"nope": 1, "lock_in.exit_days": "x"})
    assert [(e.question, e.field) for e in info.value.errors] == [
        ("nope", "question"),
        ("lock_in.exit_days", "value"),
    ]


# --- validate_answers ---------------------------------------------------------------------


def test_valid_answers_have_no_errors():
    answers = {
        "privacy.transfer": "yes",
        "privacy.region": "high",
        "privacy.safeguard": "low",
        "security.controls": ["a"],
        "lock_in.exit_days": 10,
        "security.pentest": "2026-01-01",
        "cost.summary": "ok",
    }
    assert validate_answers(QUESTIONNAIRE, answers) == []
    assert validate_answers(QUESTIONNAIRE, answers, complete=True) == []


def test_validate_returns_every_problem_in_questionnaire_order():
    answers = {
        "zzz.unknown": "x",
        "cost.notes": "a\x00" + "b" * 20_000,
        "lock_in.exit_days": 5000,
        "security.controls": ["a", "maybe", "unknown"],
        "privacy.transfer": "maybe",
        "aaa.unknown": 1,
    }
    assert validate_answers(QUESTIONNAIRE, answers) == [
        error(
            "privacy.transfer",
            "value",
            'Option "maybe" is not one of: yes, no, unknown, not_applicable.',
        ),
        error(
            "security.controls",
            "value",
            'Option "maybe" is not one of: a, b, unknown, not_applicable.',
        ),
        error(
            "security.controls", "value", 'Option "unknown" cannot be combined with other options.'
        ),
        error("lock_in.exit_days", "value", "Value 5000 is above the maximum 3650 (days)."),
        error("cost.notes", "value", "Text is 20,002 characters long; the maximum is 20,000."),
        error("cost.notes", "value", "Text must not contain NUL characters."),
        error("aaa.unknown", "question", 'Unknown question "aaa.unknown".'),
        error("zzz.unknown", "question", 'Unknown question "zzz.unknown".'),
    ]


def test_answer_to_a_hidden_question_is_reported():
    errors = validate_answers(QUESTIONNAIRE, {"privacy.transfer": "no", "privacy.region": "low"})
    assert errors == [
        error(
            "privacy.region",
            "question",
            'Question "privacy.region" is hidden because "privacy.transfer" is not answered "yes".',
        )
    ]


def test_hidden_message_lists_every_showing_option():
    errors = validate_answers(
        QUESTIONNAIRE,
        {"privacy.transfer": "yes", "privacy.region": "low", "privacy.safeguard": "low"},
    )
    assert [e.message for e in errors] == [
        'Question "privacy.safeguard" is hidden because "privacy.region" is not answered '
        '"high" or "medium".'
    ]


def test_a_question_under_a_hidden_question_is_hidden_too():
    errors = validate_answers(QUESTIONNAIRE, {"privacy.transfer": "no", "privacy.safeguard": "low"})
    assert [e.message for e in errors] == [
        'Question "privacy.safeguard" is hidden because "privacy.region" is hidden.'
    ]


def test_an_invalid_controlling_answer_does_not_judge_its_dependants():
    errors = validate_answers(
        QUESTIONNAIRE, {"privacy.transfer": "maybe", "privacy.region": "low"}, complete=True
    )
    assert [(e.question, e.field) for e in errors] == [
        ("privacy.transfer", "value"),
        ("security.controls", "value"),
        ("lock_in.exit_days", "value"),
        ("security.pentest", "value"),
        ("cost.summary", "value"),
    ]


def test_complete_requires_every_visible_required_question():
    errors = validate_answers(QUESTIONNAIRE, {"privacy.transfer": "yes"}, complete=True)
    assert errors == [
        error(key, "value", "Required question is not answered.")
        for key in (
            "privacy.region",
            "security.controls",
            "lock_in.exit_days",
            "security.pentest",
            "cost.summary",
        )
    ]
    # Hidden and optional questions are never required; None counts as not answered.
    errors = validate_answers(
        QUESTIONNAIRE, {"privacy.transfer": "no", "cost.summary": None}, complete=True
    )
    assert [e.question for e in errors] == [
        "security.controls",
        "lock_in.exit_days",
        "security.pentest",
        "cost.summary",
    ]


def test_without_complete_missing_answers_are_fine():
    assert validate_answers(QUESTIONNAIRE, {}) == []
