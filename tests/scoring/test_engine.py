"""One test per scoring rule of the contract, on small hand-checked questionnaires."""

from __future__ import annotations

import json
import math

import pytest

from governance.scoring import DEFAULT_POLICY, ENGINE_VERSION, score
from tests.scoring import factories as f

NO_CASE = f.context(None)
LOW_CASE = f.context(f.use_case())  # inherent 175/9 = 19.44 -> tier 1


def run(questions, answers, *, ctx=LOW_CASE, pol=None):
    return score(f.compiled(*questions), answers, context=ctx, policy=pol or DEFAULT_POLICY)


def risk_question(key="privacy.q", domain="privacy", risk=10, **kwargs):
    """A single-choice question whose option "x" has the given risk."""
    return f.choice(key, domain, [f.option("x", risk), f.option("zero", 0)], **kwargs)


# --- Question and domain scores ---------------------------------------------------------


def test_domain_score_is_the_weighted_mean_of_its_questions():
    out = run(
        [f.choice("privacy.a", weight=3), f.choice("privacy.b", weight=1)],
        {"privacy.a": "medium", "privacy.b": "high"},
    )
    assert out.domains[0].score == pytest.approx((3 * 40 + 1 * 80) / 4)
    assert out.overall == pytest.approx(50.0)


def test_not_applicable_drops_out_and_its_weight_is_redistributed():
    out = run(
        [f.yes_no("privacy.a", weight=3), f.choice("privacy.b", weight=1)],
        {"privacy.a": "not_applicable", "privacy.b": "medium"},
    )
    privacy = out.to_dict()["domains"]["privacy"]
    assert privacy["score"] == 40.0
    assert (privacy["scored"], privacy["not_applicable"]) == (1, 1)
    assert [d.question for d in out.drivers] == ["privacy.b"]


@pytest.mark.parametrize("unknown_risk", [80, 65, 0, 100])
def test_unknown_scores_as_the_policy_unknown_risk_not_the_option_risk(unknown_risk):
    pol = f.policy(unknown_risk=unknown_risk)
    out = run([f.yes_no("privacy.a")], {"privacy.a": "unknown"}, pol=pol)
    assert out.overall == unknown_risk
    (driver,) = out.drivers
    assert (driver.status, driver.risk, driver.answer_label) == (
        "unknown",
        unknown_risk,
        "Don't know",
    )
    assert out.to_dict()["domains"]["privacy"]["unknown"] == 1


def test_unanswered_required_question_scores_as_unknown_risk():
    out = run(
        [f.choice("privacy.a"), f.choice("privacy.b")],
        {"privacy.a": "low"},
        pol=f.policy(unknown_risk=70),
    )
    assert out.overall == pytest.approx(35.0)
    unanswered = next(d for d in out.drivers if d.question == "privacy.b")
    assert (unanswered.status, unanswered.risk, unanswered.answer) == ("unanswered", 70, None)


def test_unanswered_optional_question_drops_out():
    out = run(
        [f.choice("privacy.a"), f.choice("privacy.b", required=False)], {"privacy.a": "medium"}
    )
    assert out.overall == 40.0
    assert [d.question for d in out.drivers] == ["privacy.a"]


def test_hidden_questions_are_ignored_even_when_answered_or_required():
    questions = [
        f.yes_no("privacy.gate", yes=0, no=0),
        f.choice("privacy.child", show_if=("privacy.gate", ["yes"])),
        f.choice("privacy.grandchild", show_if=("privacy.child", ["high"])),
    ]
    hidden = run(
        questions, {"privacy.gate": "no", "privacy.child": "high", "privacy.grandchild": "high"}
    )
    assert hidden.overall == 0
    assert [d.question for d in hidden.drivers] == ["privacy.gate"]
    # The grandchild is hidden because its controlling question is hidden, whatever it says.
    shown = run(questions, {"privacy.gate": "yes", "privacy.child": "high"})
    assert {d.question: d.status for d in shown.drivers} == {
        "privacy.gate": "scored",
        "privacy.child": "scored",
        "privacy.grandchild": "unanswered",
    }


def test_show_if_on_multiple_choice_matches_any_selected_option():
    questions = [
        f.multi("privacy.m", required=False),
        f.choice("privacy.c", show_if=("privacy.m", ["b"])),
    ]
    assert len(run(questions, {"privacy.m": ["a", "b"]}).drivers) == 2
    assert len(run(questions, {"privacy.m": ["a", "c"]}).drivers) == 1


def test_text_questions_are_never_scored():
    out = run([f.text("privacy.notes"), f.choice("privacy.a")], {"privacy.a": "low"})
    assert [d.question for d in out.drivers] == ["privacy.a"]
    assert out.to_dict()["domains"]["privacy"]["questions"] == 2


def test_multiple_choice_scores_the_riskiest_selected_option():
    out = run([f.multi("privacy.m")], {"privacy.m": ["b", "a"]})
    (driver,) = out.drivers
    assert (driver.risk, driver.answer, driver.answer_label) == (30, ("a", "b"), "A; B")


def test_number_bands_pick_the_first_band_whose_max_is_not_below_the_value():
    questions = [f.number("privacy.days")]
    risks = {v: run(questions, {"privacy.days": v}).overall for v in (0, 30, 30.5, 90, 91, 3650)}
    assert risks == {0: 0, 30: 0, 30.5: 30, 90: 30, 91: 80, 3650: 80}


def test_number_answer_label_carries_the_unit():
    (driver,) = run([f.number("privacy.days")], {"privacy.days": 45.0}).drivers
    assert (driver.answer, driver.answer_label) == (45, "45 days")


@pytest.mark.parametrize(
    ("answer", "risk"),
    [
        ("2026-11-29", 0),  # age 0
        ("2027-05-01", 0),  # in the future: counts as age 0
        ("2025-11-29", 0),  # exactly 365 days
        ("2025-11-28", 40),  # 366 days
        ("2024-11-29", 40),  # 730 days
        ("2024-11-28", 80),
        ("1990-01-01", 80),
    ],
)
def test_date_bands_use_the_age_at_the_as_of_date(answer, risk):
    assert run([f.date("privacy.audit")], {"privacy.audit": answer}).overall == risk


# --- Overall residual risk ---------------------------------------------------------------


def test_overall_is_the_policy_weighted_mean_of_domain_scores():
    out = run(
        [risk_question("privacy.a", "privacy", 60), risk_question("cost.a", "cost", 20)],
        {"privacy.a": "x", "cost.a": "x"},
    )
    assert out.overall == pytest.approx((3 * 60 + 1 * 20) / 4)  # privacy 3, cost 1


def test_domain_without_scored_questions_is_none_and_drops_out_of_overall():
    out = run(
        [risk_question("privacy.a", "privacy", 60), f.yes_no("cost.a", "cost")],
        {"privacy.a": "x", "cost.a": "not_applicable"},
    )
    domains = out.to_dict()["domains"]
    assert domains["cost"]["score"] is None
    assert domains["geopolitics"] == {
        "label": "Geopolitics and jurisdiction",
        "score": None,
        "weight": 3,
        "questions": 0,
        "scored": 0,
        "unknown": 0,
        "not_applicable": 0,
    }
    assert out.overall == 60


def test_domain_with_zero_weight_is_reported_but_excluded_from_overall():
    weights = dict(DEFAULT_POLICY["domain_weights"], cost=0)
    out = run(
        [risk_question("privacy.a", "privacy", 60), risk_question("cost.a", "cost", 100)],
        {"privacy.a": "x", "cost.a": "x"},
        pol=f.policy(domain_weights=weights),
    )
    assert out.overall == 60
    assert out.to_dict()["domains"]["cost"]["score"] == 100
    cost_driver = next(d for d in out.drivers if d.domain == "cost")
    assert (cost_driver.domain_contribution, cost_driver.overall_contribution) == (100, 0)


def test_nothing_scorable_gives_no_overall_and_rates_as_unknown():
    out = run([f.yes_no("privacy.a")], {"privacy.a": "not_applicable"}, ctx=NO_CASE)
    assert (out.overall, out.residual_band) == (None, None)
    # unknown_risk 80 is band 4; default tier 3 -> matrix[2][3]
    assert out.rating == "critical"


@pytest.mark.parametrize(
    ("risk", "band"),
    [
        (0, "low"),
        (24, "low"),
        (25, "moderate"),
        (49, "moderate"),
        (50, "high"),
        (74, "high"),
        (75, "critical"),
        (100, "critical"),
    ],
)
def test_residual_band_thresholds(risk, band):
    assert run([risk_question(risk=risk)], {"privacy.q": "x"}).residual_band == band


def test_band_is_read_from_the_rounded_score():
    # (0.1*5 + 0.2*35)/0.3 is exactly 25 but computes as 24.999999999999996; the published
    # score is 25.0 and its band must say so.
    questions = [
        risk_question("privacy.a", risk=5, weight=0.1),
        risk_question("privacy.b", risk=35, weight=0.2),
    ]
    out = run(questions, {"privacy.a": "x", "privacy.b": "x"})
    assert out.overall != 25 and round(out.overall, 2) == 25
    assert out.residual_band == "moderate"


# --- Inherent risk, rating, decision ------------------------------------------------------

TIER_CASES = {
    1: f.use_case(),  # 19.44
    2: f.use_case(
        data_categories=["confidential"],
        eu_ai_act_class="limited",
        people_affected="many",
        exposure="customer_facing",
    ),  # 45.56
    3: f.use_case(
        data_categories=["public", "personal"],
        business_criticality="high",
        eu_ai_act_class="high",
        people_affected="many",
        exposure="customer_facing",
    ),  # 66.67
    4: f.use_case(
        data_categories=["special_category"],
        business_criticality="critical",
        eu_ai_act_class="high",
        people_affected="very_many",
        exposure="public",
    ),  # 90
}


@pytest.mark.parametrize(
    ("tier", "expected_score"), [(1, 19.44), (2, 45.56), (3, 66.67), (4, 90.0)]
)
def test_inherent_score_and_tier(tier, expected_score):
    out = run([risk_question()], {"privacy.q": "x"}, ctx=f.context(TIER_CASES[tier]))
    inherent = out.to_dict()["inherent"]
    assert (inherent["score"], inherent["tier"]) == (expected_score, tier)
    assert inherent["level"] == ["low", "moderate", "high", "critical"][tier - 1]
    assert set(inherent["factors"]) == {"data", "criticality", "ai_act", "people", "exposure"}


def test_inherent_data_factor_is_the_most_sensitive_category():
    out = run([risk_question()], {"privacy.q": "x"}, ctx=f.context(TIER_CASES[3]))
    assert out.inherent.factors["data"] == 65


def test_without_use_case_the_default_tier_applies():
    out = run(
        [risk_question()], {"privacy.q": "x"}, ctx=NO_CASE, pol=f.policy(default_inherent_tier=4)
    )
    assert out.to_dict()["inherent"] == {
        "score": None,
        "tier": 4,
        "level": "critical",
        "factors": {},
    }


@pytest.mark.parametrize("tier", [1, 2, 3, 4])
@pytest.mark.parametrize(("band", "risk"), [(1, 10), (2, 30), (3, 60), (4, 90)])
def test_rating_matrix_decision_and_review_interval(tier, band, risk):
    out = run([risk_question(risk=risk)], {"privacy.q": "x"}, ctx=f.context(TIER_CASES[tier]))
    rating = DEFAULT_POLICY["rating_matrix"][tier - 1][band - 1]
    assert out.rating == rating
    assert out.recommended_decision == DEFAULT_POLICY["decisions"][rating]
    assert out.review_interval_days == DEFAULT_POLICY["review_interval_days"][rating]


def test_custom_decisions_and_review_intervals_come_from_the_policy():
    pol = f.policy(
        decisions=dict(DEFAULT_POLICY["decisions"], low="approve_with_conditions"),
        review_interval_days=dict(DEFAULT_POLICY["review_interval_days"], low=400),
    )
    out = run([risk_question(risk=0)], {"privacy.q": "x"}, pol=pol)
    assert (out.rating, out.recommended_decision, out.review_interval_days) == (
        "low",
        "approve_with_conditions",
        400,
    )


def test_high_knockout_lifts_the_rating_to_at_least_high():
    out = run([f.yes_no("privacy.k", yes=10, yes_knockout="high")], {"privacy.k": "yes"})
    assert (out.residual_band, out.inherent.tier) == ("low", 1)
    assert (out.rating, out.recommended_decision, out.review_interval_days) == (
        "high",
        "approve_with_conditions",
        90,
    )
    assert out.to_dict()["knockouts"] == [
        {"question": "privacy.k", "option": "yes", "severity": "high", "title": "yes finding"}
    ]


def test_high_knockout_never_lowers_a_critical_rating():
    out = run(
        [f.yes_no("privacy.k", yes=100, yes_knockout="high")],
        {"privacy.k": "yes"},
        ctx=f.context(TIER_CASES[4]),
    )
    assert out.rating == "critical"


def test_critical_knockout_lifts_to_critical_and_rejects_whatever_the_policy_says():
    pol = f.policy(decisions=dict(DEFAULT_POLICY["decisions"], critical="approve_with_conditions"))
    out = run(
        [f.yes_no("privacy.k", yes=0, yes_knockout="critical")], {"privacy.k": "yes"}, pol=pol
    )
    assert (out.rating, out.recommended_decision, out.review_interval_days) == (
        "critical",
        "reject",
        30,
    )


def test_knockout_on_a_hidden_question_does_not_count():
    questions = [
        f.yes_no("privacy.gate", yes=0, no=0),
        f.yes_no("privacy.k", yes_knockout="critical", show_if=("privacy.gate", ["yes"])),
    ]
    out = run(questions, {"privacy.gate": "no", "privacy.k": "yes"})
    assert out.knockouts == () and out.rating == "low"


def test_prohibited_ai_act_class_is_a_critical_knockout():
    ctx = f.context(f.use_case(eu_ai_act_class="prohibited"))
    out = run([risk_question(risk=0)], {"privacy.q": "x"}, ctx=ctx)
    assert (out.rating, out.recommended_decision) == ("critical", "reject")
    assert out.to_dict()["knockouts"] == [
        {
            "question": "context.eu_ai_act_class",
            "option": "prohibited",
            "severity": "critical",
            "title": "Prohibited AI practice",
        }
    ]


# --- Findings -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("risk", "knockout", "severity", "due"),
    [
        (10, None, "low", 180),
        (49, None, "low", 180),
        (50, None, "medium", 90),
        (74, None, "medium", 90),
        (75, None, "high", 30),
        (100, None, "high", 30),
        (10, "high", "high", 30),
        (10, "critical", "critical", 14),
        (100, "critical", "critical", 14),
    ],
)
def test_finding_severity_and_due_days(risk, knockout, severity, due):
    opt = f.option("x", risk, knockout=knockout, with_finding=True, title="Problem")
    out = run([f.choice("privacy.q", options=[opt])], {"privacy.q": "x"})
    (finding,) = out.to_dict()["findings"]
    assert finding == {
        "key": "privacy.q:x",
        "question": "privacy.q",
        "domain": "privacy",
        "severity": severity,
        "title": "Problem",
        "text": "What is wrong.",
        "recommendation": "What to do.",
        "due_days": due,
    }


def test_due_days_come_from_the_policy():
    pol = f.policy(finding_due_days={"low": 1, "medium": 2, "high": 3, "critical": 4})
    out = run([f.choice("privacy.q")], {"privacy.q": "high"}, pol=pol)
    assert [x.due_days for x in out.findings] == [3]


def test_options_without_finding_produce_none():
    assert run([f.choice("privacy.q")], {"privacy.q": "medium"}).findings == ()


@pytest.mark.parametrize(("unknown_risk", "severity"), [(80, "high"), (60, "medium"), (20, "low")])
def test_unknown_and_unanswered_questions_each_produce_a_finding(unknown_risk, severity):
    questions = [
        f.yes_no("privacy.a", text="Is it encrypted?", evidence=["SOC 2 report"]),
        f.yes_no("privacy.b", text="Is it logged?"),
    ]
    out = run(questions, {"privacy.a": "unknown"}, pol=f.policy(unknown_risk=unknown_risk))
    by_key = {x["key"]: x for x in out.to_dict()["findings"]}
    assert set(by_key) == {"privacy.a:unknown", "privacy.b:unknown"}
    a = by_key["privacy.a:unknown"]
    assert a["title"] == "Unanswered: Is it encrypted?"
    assert a["recommendation"].startswith("Obtain evidence from the vendor")
    assert "SOC 2 report" in a["recommendation"]
    assert "Don't know" in a["text"]
    assert by_key["privacy.b:unknown"]["title"] == "Unanswered: Is it logged?"
    assert {x["severity"] for x in by_key.values()} == {severity}
    assert {x["due_days"] for x in by_key.values()} == {
        DEFAULT_POLICY["finding_due_days"][severity]
    }


def test_band_findings_are_keyed_by_band_index():
    out = run(
        [f.number("privacy.days"), f.date("privacy.audit")],
        {"privacy.days": 500, "privacy.audit": "2020-01-01"},
    )
    assert [x.key for x in out.findings] == ["privacy.days:2", "privacy.audit:2"]
    assert {x.severity for x in out.findings} == {"high"}


def test_multiple_choice_reports_each_selected_finding_and_knockout():
    options = [f.option("a", 10), f.option("b", 60), f.option("c", 90, knockout="high")]
    out = run([f.multi("privacy.m", options=options)], {"privacy.m": ["c", "b", "a"]})
    assert [x.key for x in out.findings] == ["privacy.m:c", "privacy.m:b"]
    assert [(k.option, k.severity) for k in out.knockouts] == [("c", "high")]


def test_findings_are_ordered_by_severity_then_questionnaire_order():
    questions = [
        f.choice("privacy.a"),
        f.yes_no("privacy.b", yes_knockout="critical"),
        f.choice("privacy.c", options=[f.option("x", 60)]),
    ]
    out = run(questions, {"privacy.a": "high", "privacy.b": "yes", "privacy.c": "x"})
    assert [(x.key, x.severity) for x in out.findings] == [
        ("privacy.b:yes", "critical"),
        ("privacy.a:high", "high"),
        ("privacy.c:x", "medium"),
    ]


# --- Drivers and contributions ------------------------------------------------------------


def test_contributions_sum_to_the_domain_and_overall_scores():
    questions = [
        f.choice("privacy.a", weight=3),
        f.choice("privacy.b", weight=1.5),
        f.yes_no("privacy.c", weight=2),
        f.number("security.d", "security", weight=7),
        f.choice("cost.e", "cost"),
        f.yes_no("geopolitics.f", "geopolitics"),
    ]
    out = run(
        questions,
        {
            "privacy.a": "medium",
            "privacy.b": "high",
            "privacy.c": "unknown",
            "security.d": 60,
            "geopolitics.f": "no",
        },
    )
    for d in out.domains:
        if d.score is not None:
            total = sum(x.domain_contribution for x in out.drivers if x.domain == d.key)
            assert math.isclose(total, d.score, abs_tol=1e-9)
    assert math.isclose(sum(x.overall_contribution for x in out.drivers), out.overall, abs_tol=1e-9)


def test_drivers_are_sorted_by_overall_contribution_then_key():
    questions = [
        risk_question("privacy.b", risk=50),
        risk_question("privacy.a", risk=50),
        risk_question("privacy.c", risk=90),
    ]
    out = run(questions, {k: "x" for k in ("privacy.a", "privacy.b", "privacy.c")})
    assert [d.question for d in out.drivers] == ["privacy.c", "privacy.a", "privacy.b"]
    assert out.to_dict()["drivers"][0] == {
        "question": "privacy.c",
        "text": "Question privacy.c?",
        "domain": "privacy",
        "answer": "x",
        "answer_label": "X",
        "risk": 90,
        "weight": 1,
        "status": "scored",
        "domain_contribution": 30.0,
        "overall_contribution": 30.0,
    }


# --- Published output -------------------------------------------------------------------


def test_to_dict_has_the_contract_shape_and_is_json():
    out = run([f.yes_no("privacy.a", yes_knockout="high")], {"privacy.a": "yes"})
    data = out.to_dict()
    assert list(data) == [
        "engine_version",
        "input_hash",
        "overall",
        "residual_band",
        "inherent",
        "rating",
        "recommended_decision",
        "review_interval_days",
        "domains",
        "drivers",
        "knockouts",
        "findings",
    ]
    assert data["engine_version"] == ENGINE_VERSION
    assert list(data["domains"]) == [
        "privacy",
        "geopolitics",
        "lock_in",
        "security",
        "regulatory",
        "cost",
    ]
    assert json.loads(json.dumps(data)) == data


def test_floats_are_rounded_to_two_decimals():
    out = run(
        [f.choice("privacy.a", weight=3), f.choice("privacy.b", weight=4)],
        {"privacy.a": "medium", "privacy.b": "low"},
    )
    data = out.to_dict()
    assert data["overall"] == 17.14 and data["domains"]["privacy"]["score"] == 17.14


def test_the_engine_plan_holds_each_question_in_plan_entry_field_order():
    """The engine unpacks plan entries positionally in PlanEntry's field order; this pins
    what compile puts in each position."""
    from governance.scoring.domains import DOMAIN_INDEX
    from governance.scoring.structures import BandLookup, PlanEntry, SelectionLookup

    c = f.compiled(
        f.choice("privacy.a", required=False),
        f.multi("security.m", "security", weight=3),
        f.number("lock_in.n", "lock_in"),
        f.text("privacy.t"),
    )
    entries = [PlanEntry(*entry) for entry in c.plan]
    assert [e.question for e in entries] == list(c.questions)
    for entry, q in zip(entries, c.questions, strict=True):
        assert (entry.key, entry.kind, entry.weight, entry.required) == (
            q.key,
            q.kind,
            q.weight,
            q.required,
        )
        assert entry.domain == DOMAIN_INDEX[q.domain]
        assert entry.key_json == f'"{q.key}":'
    assert [e.rank for e in entries] == [1, 3, 0, 2]  # positions in sorted key order
    assert entries[0].lookup == dict(c.by_key["privacy.a"].option_map)
    assert SelectionLookup(*entries[1].lookup).options == dict(c.by_key["security.m"].option_map)
    band = BandLookup(*entries[2].lookup)
    assert (band.limits, band.low, band.high) == ((30, 90, float("inf")), 0, 3650)
    assert entries[3].lookup is None
    assert entries[0].unknown_fields[:4] == (
        "privacy.a:unknown",
        "privacy.a",
        "privacy",
        "Unanswered: Question privacy.a?",
    )
