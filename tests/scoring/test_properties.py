"""Properties of the engine on random questionnaires, answers, contexts and policies.

The strongest check is the oracle test: bench/reference_engine.py restates the contract's
rules in the most direct way, sharing no code with governance.scoring, and both must produce
identical results (hash included) on every generated input.
"""

from __future__ import annotations

import copy
import datetime as dt
import importlib.util
import math
from pathlib import Path

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from governance.scoring import (
    DEFAULT_POLICY,
    DOMAINS,
    InvalidAnswer,
    compile_questionnaire,
    input_document,
    input_hash,
    score,
    validate_answers,
    validate_policy,
)
from tests.scoring import factories as f

_REFERENCE_PATH = Path(__file__).resolve().parents[2] / "bench" / "reference_engine.py"
_spec = importlib.util.spec_from_file_location("reference_engine", _REFERENCE_PATH)
assert _spec is not None and _spec.loader is not None
reference = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(reference)

DOMAIN_KEYS = [key for key, _ in DOMAINS]
RATINGS = ["low", "moderate", "high", "critical"]
KNOCKOUT_RANK = {None: 0, "high": 1, "critical": 2}
CHOICE = ("single_choice", "multiple_choice", "yes_no")
PROPERTY_SETTINGS = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
# The oracle comparison covers every rule at once, so it gets the largest budget.
ORACLE_SETTINGS = settings(PROPERTY_SETTINGS, max_examples=250)

risks = st.integers(0, 100)
weights = st.one_of(st.integers(1, 10), st.sampled_from([0.1, 0.5, 1.5, 2.5, 7.25]))


# --- Strategies ---------------------------------------------------------------------------


@st.composite
def options(draw, qtype: str) -> list[dict]:
    count = 2 if qtype == "yes_no" else draw(st.integers(1, 4))
    keys = ["yes", "no"] if qtype == "yes_no" else [f"o{i}" for i in range(count)]
    result = []
    for key in keys:
        risk = draw(risks)
        knockout = draw(st.sampled_from([None, None, None, None, "high", "critical"]))
        result.append(
            f.option(
                key,
                risk,
                knockout=knockout,
                with_finding=risk >= 50 or knockout is not None or draw(st.booleans()),
            )
        )
    if draw(st.booleans()):
        result.append(f.unknown(draw(risks)))
    if draw(st.booleans()):
        result.append(f.not_applicable())
    return draw(st.permutations(result))


@st.composite
def bands(draw, limit: str, top: int) -> list[dict]:
    maxima = sorted(draw(st.lists(st.integers(0, top), max_size=3, unique=True)))
    result = []
    for value in [*maxima, None]:
        risk = draw(risks)
        band = {limit: value, "risk": risk}
        if risk >= 50 or draw(st.booleans()):
            band["finding"] = f.finding(f"Band up to {value}")
        result.append(band)
    return result


def question(draw, index: int, earlier: list[dict], qtype: str | None = None) -> dict:
    qtype = qtype or draw(st.sampled_from([*CHOICE, "single_choice", "number", "date", "text"]))
    domain = draw(st.sampled_from(DOMAIN_KEYS))
    q = f.question(
        f"{domain}.q{index}",
        qtype,
        domain,
        weight=draw(weights),
        required=draw(st.booleans()),
        evidence=draw(st.sampled_from([None, [], ["Contract", "SOC 2"]])),
    )
    if qtype in CHOICE:
        q["options"] = draw(options(qtype))
    elif qtype == "number":
        q["number"] = {
            "min": draw(st.sampled_from([None, 0])),
            "max": 1000,
            "unit": draw(st.sampled_from(["", "days"])),
            "bands": draw(bands("max", 1000)),
        }
    elif qtype == "date":
        q["date"] = {"bands": draw(bands("max_age_days", 2000))}
    parents = [p for p in earlier if p["type"] in CHOICE]
    if parents and draw(st.integers(0, 2)) == 0:
        parent = draw(st.sampled_from(parents))
        shown_for = draw(
            st.lists(
                st.sampled_from([o["key"] for o in parent["options"]]), min_size=1, unique=True
            )
        )
        q["show_if"] = {"question": parent["key"], "in": shown_for}
    return q


@st.composite
def questionnaires(draw) -> dict:
    questions: list[dict] = []
    for i in range(draw(st.integers(1, 10))):
        questions.append(question(draw, i, questions))
    return f.definition(*questions)


def with_target(draw, definition: dict, qtype: str) -> tuple[dict, dict]:
    """Append a question of `qtype` to the definition. Being last, no other question can
    depend on it through show_if, so changing its answer changes nothing else."""
    questions = f.all_questions(definition)
    target = question(draw, len(questions), questions, qtype)
    if not any(o.get("special") == "not_applicable" for o in target["options"]):
        target["options"].append(f.not_applicable())
    definition = copy.deepcopy(definition)
    definition["sections"][0]["questions"].append(target)
    return definition, target


def answer_value(draw, q: dict) -> object:
    qtype = q["type"]
    if qtype in ("single_choice", "yes_no"):
        return draw(st.sampled_from([o["key"] for o in q["options"]]))
    if qtype == "multiple_choice":
        plain = [o["key"] for o in q["options"] if "special" not in o]
        special = [o["key"] for o in q["options"] if "special" in o]
        if special and draw(st.integers(0, 3)) == 0:
            return [draw(st.sampled_from(special))]
        return draw(st.lists(st.sampled_from(plain), min_size=1, max_size=4))
    if qtype == "number":
        low = q["number"]["min"] if q["number"]["min"] is not None else -50
        return draw(
            st.one_of(
                st.integers(low, 1000),
                st.integers(low, 1000).map(float),
                st.floats(low, 1000, allow_nan=False, allow_infinity=False),
            )
        )
    if qtype == "date":
        return draw(st.dates(dt.date(2018, 1, 1), dt.date(2031, 12, 31))).isoformat()
    return draw(
        st.text(st.characters(exclude_categories=("Cs",), exclude_characters="\x00"), max_size=12)
    )


@st.composite
def answer_sets(draw, definition: dict) -> dict:
    answers: dict = {}
    for q in f.all_questions(definition):
        roll = draw(st.integers(0, 9))
        if roll == 0:
            continue
        answers[q["key"]] = None if roll == 1 else answer_value(draw, q)
    return answers


use_cases = st.fixed_dictionaries(
    {
        "data_categories": st.lists(
            st.sampled_from(["public", "internal", "confidential", "personal", "special_category"]),
            min_size=1,
            max_size=3,
        ),
        "business_criticality": st.sampled_from(["low", "medium", "high", "critical"]),
        "eu_ai_act_class": st.sampled_from(["minimal", "limited", "high", "prohibited"]),
        "people_affected": st.sampled_from(["few", "many", "very_many"]),
        "exposure": st.sampled_from(["internal", "customer_facing", "public"]),
    }
)
contexts = st.builds(
    lambda day, case: {"as_of": day.isoformat(), "use_case": case},
    st.dates(dt.date(2020, 1, 1), dt.date(2030, 12, 31)),
    st.one_of(st.none(), use_cases),
)


@st.composite
def policies(draw) -> dict:
    policy = copy.deepcopy(DEFAULT_POLICY)
    policy["version"] = draw(st.integers(1, 50))
    policy["domain_weights"] = {k: draw(st.sampled_from([0, 1, 2, 3, 5, 0.5])) for k in DOMAIN_KEYS}
    if not any(policy["domain_weights"].values()):
        policy["domain_weights"]["privacy"] = 1
    policy["unknown_risk"] = draw(risks)
    for name in ("residual_thresholds", "inherent_thresholds"):
        policy[name] = sorted(
            draw(st.lists(st.integers(1, 99), min_size=3, max_size=3, unique=True))
        )
    policy["inherent_weights"] = {k: draw(st.integers(0, 3)) for k in policy["inherent_weights"]}
    if not any(policy["inherent_weights"].values()):
        policy["inherent_weights"]["data"] = 1
    for factor, points in policy["inherent_points"].items():
        policy["inherent_points"][factor] = {k: draw(risks) for k in points}
    policy["default_inherent_tier"] = draw(st.integers(1, 4))
    # A monotone matrix: every cell at least as severe as the cells left of and above it.
    ranks = [[0] * 4 for _ in range(4)]
    for r in range(4):
        for c in range(4):
            floor = max(ranks[r - 1][c] if r else 0, ranks[r][c - 1] if c else 0)
            ranks[r][c] = draw(st.integers(floor, 3))
    policy["rating_matrix"] = [[RATINGS[x] for x in row] for row in ranks]
    policy["decisions"] = {
        r: draw(st.sampled_from(["approve", "approve_with_conditions", "reject"])) for r in RATINGS
    }
    policy["review_interval_days"] = {r: draw(st.integers(1, 400)) for r in RATINGS}
    policy["finding_due_days"] = {
        s: draw(st.integers(1, 400)) for s in ("low", "medium", "high", "critical")
    }
    assert validate_policy(policy) == []
    return policy


@st.composite
def cases(draw) -> tuple[dict, dict, dict, dict]:
    definition = draw(questionnaires())
    return definition, draw(answer_sets(definition)), draw(contexts), draw(policies())


def run(definition: dict, answers: dict, context: dict, policy: dict):
    return score(compile_questionnaire(definition), answers, context=context, policy=policy)


# --- Properties ---------------------------------------------------------------------------


@ORACLE_SETTINGS
@given(cases())
def test_engine_agrees_with_the_reference_engine(case):
    definition, answers, context, policy = case
    ours = run(definition, answers, context, policy).to_dict()
    assert ours == reference.score_reference(definition, answers, context, policy)


@PROPERTY_SETTINGS
@given(cases())
def test_input_hash_is_the_hash_of_the_input_document(case):
    definition, answers, context, policy = case
    compiled = compile_questionnaire(definition)
    outcome = score(compiled, answers, context=context, policy=policy)
    assert outcome.input_hash == input_hash(input_document(compiled, answers, context, policy))


@PROPERTY_SETTINGS
@given(cases(), st.randoms(use_true_random=False))
def test_scoring_is_deterministic_and_ignores_insertion_order(case, rnd):
    definition, answers, context, policy = case
    first = run(definition, answers, context, policy)
    again = run(definition, answers, context, policy)
    assert first == again and first.to_dict() == again.to_dict()

    items = list(answers.items())
    rnd.shuffle(items)
    shuffled_policy = dict(reversed(list(copy.deepcopy(policy).items())))
    shuffled_policy["domain_weights"] = dict(reversed(policy["domain_weights"].items()))
    shuffled_context = dict(reversed(list(context.items())))
    other = run(definition, dict(items), shuffled_context, shuffled_policy)
    assert other.to_dict() == first.to_dict()


@PROPERTY_SETTINGS
@given(cases())
def test_contributions_sum_to_the_scores(case):
    out = run(*case)
    for d in out.domains:
        mine = [x.domain_contribution for x in out.drivers if x.domain == d.key]
        if d.score is None:
            assert mine == []
        else:
            assert math.isclose(sum(mine), d.score, rel_tol=1e-9, abs_tol=1e-9)
    total = sum(x.overall_contribution for x in out.drivers)
    assert math.isclose(total, out.overall or 0.0, rel_tol=1e-9, abs_tol=1e-9)


@PROPERTY_SETTINGS
@given(cases())
def test_generated_answers_are_valid_apart_from_hidden_questions(case):
    definition, answers, _, _ = case
    errors = validate_answers(compile_questionnaire(definition), answers)
    assert all(e.field == "question" and " is hidden because " in e.message for e in errors)


@PROPERTY_SETTINGS
@given(cases(), st.sampled_from(CHOICE), st.data())
def test_answering_not_applicable_equals_removing_the_question(case, qtype, data):
    definition, answers, context, policy = case
    extended, target = with_target(data.draw, definition, qtype)
    na = next(o["key"] for o in target["options"] if o.get("special") == "not_applicable")
    value = [na] if qtype == "multiple_choice" else na
    with_na = run(extended, {**answers, target["key"]: value}, context, policy).to_dict()
    without = run(definition, answers, context, policy).to_dict()
    for result in (with_na, without):
        del result["input_hash"]
        for domain in result["domains"].values():
            del domain["questions"], domain["not_applicable"]
    assert with_na == without


def effective_risk(option: dict, policy: dict) -> int:
    return policy["unknown_risk"] if option.get("special") == "unknown" else option["risk"]


@PROPERTY_SETTINGS
@given(cases(), st.sampled_from(["single_choice", "yes_no"]), st.data())
def test_a_riskier_answer_never_lowers_any_score_or_the_rating(case, qtype, data):
    definition, answers, context, policy = case
    definition, target = with_target(data.draw, definition, qtype)
    scorable = [o for o in target["options"] if o.get("special") != "not_applicable"]
    low, high = data.draw(st.lists(st.sampled_from(scorable), min_size=2, max_size=2))
    if (effective_risk(low, policy), KNOCKOUT_RANK[low.get("knockout")]) > (
        effective_risk(high, policy),
        KNOCKOUT_RANK[high.get("knockout")],
    ):
        low, high = high, low
    # The riskier option must not carry a milder knock-out (a data rule of the library).
    assume(KNOCKOUT_RANK[low.get("knockout")] <= KNOCKOUT_RANK[high.get("knockout")])

    before = run(definition, {**answers, target["key"]: low["key"]}, context, policy)
    after = run(definition, {**answers, target["key"]: high["key"]}, context, policy)
    assert_not_milder(before, after)


@PROPERTY_SETTINGS
@given(cases(), st.data())
def test_selecting_more_options_never_lowers_any_score_or_the_rating(case, data):
    definition, answers, context, policy = case
    definition, target = with_target(data.draw, definition, "multiple_choice")
    plain = [o["key"] for o in target["options"] if "special" not in o]
    chosen = data.draw(st.lists(st.sampled_from(plain), min_size=1, unique=True))
    extra = data.draw(st.lists(st.sampled_from(plain), min_size=1, unique=True))
    before = run(definition, {**answers, target["key"]: chosen}, context, policy)
    after = run(definition, {**answers, target["key"]: chosen + extra}, context, policy)
    assert_not_milder(before, after)


def assert_not_milder(before, after) -> None:
    for b, a in zip(before.domains, after.domains, strict=True):
        assert (b.score is None) == (a.score is None)
        if b.score is not None:
            assert a.score >= b.score
    if before.overall is not None:
        assert after.overall >= before.overall
    if before.residual_band is not None:
        assert RATINGS.index(after.residual_band) >= RATINGS.index(before.residual_band)
    assert RATINGS.index(after.rating) >= RATINGS.index(before.rating)


def anything(q: dict) -> st.SearchStrategy:
    """Valid values, near misses and junk for question `q`."""
    keys = [o["key"] for o in q.get("options", [])] or ["yes"]
    scalars = st.one_of(
        st.none(),
        st.booleans(),
        st.integers(-10, 5000),
        st.floats(),
        st.sampled_from(keys),
        st.text(max_size=5),
        st.sampled_from(["2026-11-29", "2026-02-30", "20261129", "2026-W48-1", "2026-11-29 "]),
        st.dates().map(lambda d: d.isoformat()),
    )
    return st.one_of(scalars, st.lists(st.one_of(st.sampled_from(keys), scalars), max_size=4))


@PROPERTY_SETTINGS
@given(cases(), st.data())
def test_score_accepts_exactly_what_validation_accepts(case, data):
    definition, _, context, policy = case
    compiled = compile_questionnaire(definition)
    answers = {q["key"]: data.draw(anything(q)) for q in f.all_questions(definition)}
    if data.draw(st.booleans()):
        answers["not.a_question"] = "x"
    problems = [
        e for e in validate_answers(compiled, answers) if " is hidden because " not in e.message
    ]
    try:
        outcome = score(compiled, answers, context=context, policy=policy)
    except InvalidAnswer as exc:
        assert exc.errors == problems
    else:
        assert problems == []
        assert outcome.input_hash == input_hash(input_document(compiled, answers, context, policy))
