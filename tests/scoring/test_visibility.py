"""The compiled questionnaire's visibility rule (show_if) and answer labels: the one version
that the engine, the wizard pages, the report and the demo all use."""

from __future__ import annotations

from governance.scoring import DEFAULT_POLICY, score
from tests.scoring import factories as f

CHAIN = f.compiled(
    f.yes_no("privacy.gate"),
    f.choice("privacy.child", show_if=("privacy.gate", ["yes"])),
    f.multi("privacy.tools", show_if=("privacy.child", ["high", "medium"])),
    f.choice("privacy.grandchild", show_if=("privacy.tools", ["c"])),
    f.number("privacy.days", unit="days"),
)
ALL = {"privacy.gate", "privacy.child", "privacy.tools", "privacy.grandchild", "privacy.days"}


def test_unconditional_questions_are_always_visible_and_conditional_ones_need_their_answer():
    assert CHAIN.visible({}) == {"privacy.gate", "privacy.days"}
    assert CHAIN.visible({"privacy.gate": "no"}) == {"privacy.gate", "privacy.days"}
    assert CHAIN.visible({"privacy.gate": "yes"}) == {
        "privacy.gate",
        "privacy.child",
        "privacy.days",
    }


def test_a_multiple_choice_controller_shows_when_any_selected_option_is_listed():
    answers = {"privacy.gate": "yes", "privacy.child": "high", "privacy.tools": ["a", "c"]}
    assert CHAIN.visible(answers) == ALL
    assert CHAIN.hidden({**answers, "privacy.tools": ["a", "b"]}) == {"privacy.grandchild"}


def test_the_dependents_of_a_hidden_question_are_hidden_whatever_its_answer_says():
    # Stale answers to questions that are no longer asked do not keep their dependents open.
    answers = {
        "privacy.gate": "no",
        "privacy.child": "high",
        "privacy.tools": ["c"],
        "privacy.grandchild": "low",
    }
    assert CHAIN.hidden(answers) == {"privacy.child", "privacy.tools", "privacy.grandchild"}
    assert CHAIN.visible(answers) == {"privacy.gate", "privacy.days"}


def test_answers_that_are_not_option_keys_hide_their_dependents():
    for value in (None, "", [], [["yes"]], 1, {"yes": True}):
        assert "privacy.child" in CHAIN.hidden({"privacy.gate": value})


def test_the_engine_scores_exactly_the_visible_questions():
    answers = {
        "privacy.gate": "no",
        "privacy.child": "high",
        "privacy.tools": ["c"],
        "privacy.grandchild": "low",
        "privacy.days": 3,
    }
    out = score(CHAIN, answers, context=f.context(f.use_case()), policy=DEFAULT_POLICY)
    assert {d.question for d in out.drivers} == CHAIN.visible(answers)


def test_answer_labels_are_the_option_labels_the_unit_or_the_value():
    c = f.compiled(
        f.yes_no("privacy.gate"),
        f.multi("privacy.tools", options=[f.option("a", 10), f.option("b", 20), f.unknown()]),
        f.number("privacy.days", unit="days"),
        f.number("privacy.count", unit=""),
        f.date("privacy.audit"),
        f.text("privacy.notes"),
    )
    assert c.answer_label("privacy.gate", "yes") == "Yes"
    assert c.answer_label("privacy.gate", "unknown") == "Don't know"
    assert c.answer_label("privacy.gate", "not_applicable") == "Not applicable"
    assert c.answer_label("privacy.tools", ["b", "a"]) == "B; A"
    assert c.answer_label("privacy.tools", ["unknown"]) == "Don't know"
    assert c.answer_label("privacy.tools", ["a", "gone"]) == "A; gone"
    assert c.answer_label("privacy.days", 30) == "30 days"
    assert c.answer_label("privacy.days", 2.5) == "2.5 days"
    assert c.answer_label("privacy.count", 4) == "4"
    assert c.answer_label("privacy.audit", "2026-06-01") == "2026-06-01"
    assert c.answer_label("privacy.notes", "As agreed.") == "As agreed."
    for key in ("privacy.gate", "privacy.tools", "privacy.days", "privacy.notes"):
        assert c.answer_label(key, None) == ""
    assert c.answer_label("privacy.tools", []) == ""
