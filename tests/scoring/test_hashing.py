"""The input hash, determinism, the content hash, compiling, and how score() treats answers
(its inline fast paths must agree with the general validation rules)."""

from __future__ import annotations

import datetime as dt

import pytest

from governance.scoring import (
    DEFAULT_POLICY,
    DefinitionError,
    InvalidAnswer,
    compile_questionnaire,
    definition_content_hash,
    explain,
    input_document,
    input_hash,
    score,
    validate_answers,
)
from tests.scoring import factories as f

LOW_CASE = f.context(f.use_case())


# --- Input hash and determinism --------------------------------------------------------------


def test_input_hash_matches_the_input_document():
    c = f.compiled(f.choice("privacy.a"), f.multi("privacy.m"), f.number("privacy.n"))
    answers = {"privacy.n": 45.0, "privacy.m": ["c", "a", "c"], "privacy.a": "low"}
    out = score(c, answers, context=LOW_CASE, policy=DEFAULT_POLICY)
    doc = input_document(c, answers, LOW_CASE, DEFAULT_POLICY)
    assert doc["answers"] == {"privacy.a": "low", "privacy.m": ["a", "c"], "privacy.n": 45}
    assert list(doc["answers"]) == sorted(doc["answers"])
    assert doc["questionnaire"] == {
        "key": "test-questionnaire",
        "version": "1.0.0",
        "content_hash": c.content_hash,
    }
    assert out.input_hash == input_hash(doc)


def test_the_input_document_is_built_beside_the_answer_rules():
    from governance.scoring import answers, hashing

    # Its answers are normalised ones, so it lives with normalise_answers; hashing only
    # serialises (it used to import answers lazily to build the document).
    assert input_document is answers.input_document
    assert not hasattr(hashing, "input_document")


def test_equivalent_answers_give_the_same_hash_and_different_ones_do_not():
    c = f.compiled(f.choice("privacy.a"), f.multi("privacy.m"), f.number("privacy.n"))
    a = score(
        c,
        {"privacy.a": "low", "privacy.m": ["a", "c"], "privacy.n": 45},
        context=LOW_CASE,
        policy=DEFAULT_POLICY,
    )
    b = score(
        c,
        {"privacy.n": 45.0, "privacy.m": ["c", "a"], "privacy.a": "low"},
        context=LOW_CASE,
        policy=DEFAULT_POLICY,
    )
    assert a.to_dict() == b.to_dict()
    other = score(
        c,
        {"privacy.a": "low", "privacy.m": ["a", "c"], "privacy.n": 46},
        context=LOW_CASE,
        policy=DEFAULT_POLICY,
    )
    assert other.input_hash != a.input_hash
    other_policy = score(
        c,
        {"privacy.a": "low", "privacy.m": ["a", "c"], "privacy.n": 45},
        context=LOW_CASE,
        policy=f.policy(version=2),
    )
    assert other_policy.input_hash != a.input_hash


def test_none_answer_means_not_answered():
    c = f.compiled(f.choice("privacy.a"), f.choice("privacy.b"))
    a = score(c, {"privacy.a": "low"}, context=LOW_CASE, policy=DEFAULT_POLICY)
    b = score(c, {"privacy.a": "low", "privacy.b": None}, context=LOW_CASE, policy=DEFAULT_POLICY)
    assert a == b


def test_score_rejects_invalid_answers_with_every_problem():
    c = f.compiled(f.choice("privacy.a"), f.number("privacy.n"))
    with pytest.raises(InvalidAnswer) as info:
        score(
            c,
            {"privacy.a": "maybe", "privacy.n": 5000, "privacy.zz": "x"},
            context=LOW_CASE,
            policy=DEFAULT_POLICY,
        )
    assert [(e.question, e.field) for e in info.value.errors] == [
        ("privacy.a", "value"),
        ("privacy.n", "value"),
        ("privacy.zz", "question"),
    ]


@pytest.mark.parametrize(
    "ctx",
    [
        {"as_of": "2026-11-29"},
        {"as_of": "29/11/2026", "use_case": None},
        {"as_of": "2026-11-29", "use_case": f.use_case(data_categories=[])},
        {"as_of": "2026-11-29", "use_case": f.use_case(exposure="galactic")},
        {"as_of": "2026-11-29", "use_case": f.use_case(), "extra": 1},
    ],
)
def test_score_rejects_an_invalid_context(ctx):
    with pytest.raises(ValueError, match=r"as_of|use_case|context"):
        score(
            f.compiled(f.choice("privacy.q")),
            {"privacy.q": "low"},
            context=ctx,
            policy=DEFAULT_POLICY,
        )


# --- Compiling and content hash -----------------------------------------------------------


def test_content_hash_ignores_status_and_explicit_defaults():
    base = f.definition(f.choice("privacy.a"))
    explicit = f.definition(
        f.choice("privacy.a", weight=1, required=True, evidence=[], help="", references={})
    )
    explicit["status"] = "draft"
    assert definition_content_hash(base) == definition_content_hash(explicit)
    assert compile_questionnaire(base).content_hash == definition_content_hash(base)
    changed = f.definition(f.choice("privacy.a", weight=2))
    assert definition_content_hash(changed) != definition_content_hash(base)


def test_a_stored_content_hash_can_be_passed_in():
    c = compile_questionnaire(f.definition(f.choice("privacy.a")), content_hash="abc")
    assert c.content_hash == "abc"


@pytest.mark.parametrize(
    ("questions", "message"),
    [
        (
            [f.choice("privacy.a", show_if=("privacy.b", ["yes"])), f.yes_no("privacy.b")],
            "earlier question",
        ),
        (
            [f.number("privacy.n"), f.choice("privacy.a", show_if=("privacy.n", ["1"]))],
            "choice question",
        ),
        (
            [f.yes_no("privacy.y"), f.choice("privacy.a", show_if=("privacy.y", ["perhaps"]))],
            "unknown options",
        ),
        ([f.choice("privacy.a"), f.choice("privacy.a")], "more than once"),
        ([f.choice("privacy.a", domain="marketing")], "domain must be one of"),
        ([f.choice("privacy.a", weight=0)], "weight"),
        ([f.number("privacy.n", bands=[(10, 0), (5, 10), (None, 20)])], "ascending"),
        ([f.number("privacy.n", bands=[(10, 0), (20, 10)])], "last band"),
    ],
)
def test_compile_rejects_definitions_it_cannot_score(questions, message):
    with pytest.raises(DefinitionError) as info:
        f.compiled(*questions)
    assert message in str(info.value)


# --- Fast paths agree with the general rules ------------------------------------------------


@pytest.mark.parametrize(
    "value",
    ["2026-W48-1", "20261129", "2026-11-29T00:00", "2026-11-3 ", "2026-02-30", "٢٠٢٦-11-29"],
)
def test_score_accepts_only_strict_dates_like_validation(value):
    c = f.compiled(f.date("privacy.d"))
    assert validate_answers(c, {"privacy.d": value})
    with pytest.raises(InvalidAnswer):
        score(c, {"privacy.d": value}, context=LOW_CASE, policy=DEFAULT_POLICY)


def test_a_date_object_answer_is_normalised_to_text():
    c = f.compiled(f.date("privacy.d"))
    a = score(c, {"privacy.d": dt.date(2026, 1, 1)}, context=LOW_CASE, policy=DEFAULT_POLICY)
    b = score(c, {"privacy.d": "2026-01-01"}, context=LOW_CASE, policy=DEFAULT_POLICY)
    assert a.to_dict() == b.to_dict()


def test_non_ascii_text_is_hashed_like_canonical_json():
    c = f.compiled(f.text("privacy.t"))
    answers = {"privacy.t": 'Données "clés" — 東京\n'}
    out = score(c, answers, context=LOW_CASE, policy=DEFAULT_POLICY)
    assert out.input_hash == input_hash(input_document(c, answers, LOW_CASE, DEFAULT_POLICY))


def test_policy_values_of_a_different_type_give_a_different_hash():
    # 80 and 80.0 score alike but serialise differently, so the input hash must differ,
    # including when the same policy object is changed in place between calls.
    c = f.compiled(f.choice("privacy.a"))
    pol = f.policy()
    first = score(c, {"privacy.a": "low"}, context=LOW_CASE, policy=pol)
    pol["unknown_risk"] = 80.0
    second = score(c, {"privacy.a": "low"}, context=LOW_CASE, policy=pol)
    assert first.input_hash != second.input_hash
    assert second.input_hash == input_hash(input_document(c, {"privacy.a": "low"}, LOW_CASE, pol))


def test_multiple_choice_results_do_not_depend_on_the_selection_memo(monkeypatch):
    c = f.compiled(f.multi("privacy.m"))
    expected = score(c, {"privacy.m": ["c", "a"]}, context=LOW_CASE, policy=DEFAULT_POLICY)
    monkeypatch.setattr(explain, "SELECTION_MEMO_SIZE", 0)
    fresh = f.compiled(f.multi("privacy.m"))
    for answer in (["a", "c"], ["c", "a", "a"], ("a", "c")):
        out = score(fresh, {"privacy.m": answer}, context=LOW_CASE, policy=DEFAULT_POLICY)
        assert out.to_dict() == expected.to_dict()


def test_answers_to_hidden_questions_are_ignored_but_part_of_the_input():
    questions = [
        f.yes_no("privacy.gate", yes=0, no=0),
        f.choice("privacy.child", show_if=("privacy.gate", ["yes"])),
    ]
    c = f.compiled(*questions)
    without = score(c, {"privacy.gate": "no"}, context=LOW_CASE, policy=DEFAULT_POLICY)
    with_hidden = score(
        c, {"privacy.gate": "no", "privacy.child": "high"}, context=LOW_CASE, policy=DEFAULT_POLICY
    )
    assert with_hidden.drivers == without.drivers
    assert with_hidden.input_hash != without.input_hash
    with pytest.raises(InvalidAnswer):
        score(
            c,
            {"privacy.gate": "no", "privacy.child": "nonsense"},
            context=LOW_CASE,
            policy=DEFAULT_POLICY,
        )
