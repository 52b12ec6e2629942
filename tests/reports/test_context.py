"""The report's reading of the questionnaire: which questions were asked and how answers read."""

from __future__ import annotations

from governance.reports.context import assessment_context
from tests.reports.factories import scored_assessment
from tests.scoring import factories as f


def _questions(context: dict) -> dict[str, dict]:
    return {q["key"]: q for domain in context["domains"] for q in domain["questions"]}


def test_a_question_whose_controller_is_hidden_is_hidden_in_the_report(people):
    definition = f.definition(
        f.yes_no("privacy.gate"),
        f.choice("privacy.child", show_if=("privacy.gate", ["yes"])),
        f.choice("privacy.grandchild", show_if=("privacy.child", ["high"])),
        f.multi("privacy.tools"),
        f.number("privacy.days"),
    )
    # The child still holds an answer from before the gate was closed: it is kept in the
    # scored input, but it must not open the grandchild (the engine did not score it either).
    answers = {
        "privacy.gate": "no",
        "privacy.child": "high",
        "privacy.tools": ["b", "a"],
        "privacy.days": 45,
    }
    result = scored_assessment(people, definition=definition, answers=answers)

    questions = _questions(assessment_context(result))

    assert questions["privacy.child"]["status"] == "hidden"
    assert questions["privacy.grandchild"]["status"] == "hidden"
    assert questions["privacy.gate"]["answer"] == "No"
    assert questions["privacy.tools"]["answer"] == "A; B"
    assert questions["privacy.days"]["answer"] == "45 days"
