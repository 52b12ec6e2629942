"""The domain vocabulary has one home, governance/scoring/domains.py, and everyone reads it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from governance.scoring import DEFAULT_POLICY, DEFAULT_THRESHOLDS, domains
from governance.scoring.choices import Choice, ChoiceSet
from governance.scoring.domains import (
    BUSINESS_CRITICALITY_LEVEL,
    DATA_CATEGORY,
    DECISION,
    DECISION_FOR_RECOMMENDATION,
    DOMAIN,
    EU_AI_ACT_CLASS,
    EXPOSURE_LEVEL,
    FINDING_SEVERITY,
    INHERENT_FACTOR,
    PEOPLE_AFFECTED_BAND,
    QUESTION_TYPE,
    RATING,
    RECOMMENDATION,
    REFERENCE_FRAMEWORK,
    REFERENCE_FRAMEWORK_EDITIONS,
    SPECIAL_OPTION,
    band_for,
    band_rank,
)

GOVERNANCE = Path(__file__).resolve().parents[2] / "governance"


# ------------------------------------------------------------------ the ChoiceSet itself


def test_a_choice_set_keeps_its_order_labels_and_ranks():
    colours = ChoiceSet("colour", ("red", "Red"), ("green", "Green"))
    assert colours.keys == ("red", "green")
    assert colours.labels == {"red": "Red", "green": "Green"}
    assert colours.rank == {"red": 0, "green": 1}
    assert colours.worst_first == {"green": 0, "red": 1}
    assert colours.choices == (("red", "Red"), ("green", "Green"))
    assert list(colours) == [Choice("red", "Red"), Choice("green", "Green")]
    assert "red" in colours and "blue" not in colours and len(colours) == 2


def test_a_member_is_reached_by_its_upper_case_key():
    assert RATING.LOW == ("low", "Low")
    assert RATING.LOW.key == "low" and RATING.LOW.label == "Low"
    with pytest.raises(AttributeError):
        _ = RATING.SEVERE


def test_a_label_falls_back_to_the_default():
    assert RATING.label("high") == "High"
    assert RATING.label("nope", "—") == "—"
    assert RATING.label(None, "—") == "—"


def test_a_choice_set_refuses_duplicate_keys():
    with pytest.raises(ValueError, match="duplicate"):
        ChoiceSet("twice", ("a", "A"), ("a", "Also A"))


# ------------------------------------------------------------------ bands


@pytest.mark.parametrize(
    ("value", "band"),
    [
        (0, "low"),
        (24.99, "low"),
        (25, "moderate"),
        (49.9, "moderate"),
        (50, "high"),
        (74.99, "high"),
        (75, "critical"),
        (100, "critical"),
    ],
)
def test_a_value_at_a_threshold_belongs_to_the_band_above(value, band):
    assert band_for(value, DEFAULT_THRESHOLDS) == band
    assert band_rank(value, DEFAULT_THRESHOLDS) == RATING.rank[band]


def test_no_value_has_no_band():
    assert band_for(None, DEFAULT_THRESHOLDS) is None


def test_bands_follow_other_thresholds():
    assert band_for(30, (10, 20, 40)) == "high"
    assert band_for(45, (10, 20, 40)) == "critical"


def test_the_default_thresholds_are_the_default_policys():
    assert list(DEFAULT_THRESHOLDS) == DEFAULT_POLICY["residual_thresholds"]


# ------------------------------------------------------------------ the views of the sets


def test_the_plain_tuples_are_views_of_the_sets():
    assert RATING.keys == domains.RATINGS
    assert domains.RATING_RANK is RATING.rank
    assert FINDING_SEVERITY.keys == domains.FINDING_SEVERITIES
    assert domains.FINDING_RANK is FINDING_SEVERITY.rank
    assert RECOMMENDATION.keys == domains.DECISIONS
    assert QUESTION_TYPE.keys == domains.QUESTION_TYPES
    assert SPECIAL_OPTION.keys == domains.SPECIAL_OPTIONS
    assert DOMAIN.choices == domains.DOMAINS
    assert domains.DOMAIN_LABELS is DOMAIN.labels
    assert INHERENT_FACTOR.keys == domains.INHERENT_FACTORS
    assert domains.KNOCKOUT_SEVERITIES == ("high", "critical")
    assert set(domains.CHOICE_TYPES) <= set(QUESTION_TYPE.keys)


def test_every_recommendation_has_its_decision():
    assert DECISION_FOR_RECOMMENDATION == {
        "approve": "approved",
        "approve_with_conditions": "approved_with_conditions",
        "reject": "rejected",
    }
    assert set(DECISION_FOR_RECOMMENDATION.values()) == set(DECISION.keys)


def test_every_framework_edition_is_a_reference_framework():
    assert list(REFERENCE_FRAMEWORK_EDITIONS) == [
        key for key in REFERENCE_FRAMEWORK.keys if key != "other"
    ]


# ------------------------------------------------------------------ everyone reads the one home


@pytest.mark.parametrize(
    ("enum_path", "vocabulary"),
    [
        ("governance.assessments.models.Rating", RATING),
        ("governance.assessments.models.Decision", DECISION),
        ("governance.assessments.models.Severity", FINDING_SEVERITY),
        ("governance.vendors.models.DataCategory", DATA_CATEGORY),
        ("governance.vendors.models.Criticality", BUSINESS_CRITICALITY_LEVEL),
        ("governance.vendors.models.AiActClass", EU_AI_ACT_CLASS),
        ("governance.vendors.models.PeopleAffected", PEOPLE_AFFECTED_BAND),
        ("governance.vendors.models.Exposure", EXPOSURE_LEVEL),
    ],
)
def test_model_choices_are_the_vocabulary(enum_path, vocabulary):
    module_name, _, name = enum_path.rpartition(".")
    enum = getattr(__import__(module_name, fromlist=[name]), name)
    assert enum.choices == list(vocabulary.choices)
    assert enum.names == [key.upper() for key in vocabulary.keys]


def test_charts_band_with_the_one_function():
    from governance.reports import charts as report_charts
    from governance.web import charts as web_charts

    assert report_charts.band_for is band_for
    assert web_charts.band_for is band_for
    assert web_charts.domain_bars.__defaults__[0] is DEFAULT_THRESHOLDS


def test_chart_colours_are_keyed_by_the_ratings():
    from governance.reports import charts as report_charts

    assert tuple(report_charts.RATING_COLOURS) == RATING.keys
    assert tuple(report_charts.RATING_TINTS) == RATING.keys


def test_the_reports_print_the_vocabularys_labels():
    from governance.reports import context

    assert context.RATING_LABELS is RATING.labels
    assert context.SEVERITY_ORDER is FINDING_SEVERITY.worst_first
    assert context.INHERENT_FACTOR_LABELS is INHERENT_FACTOR.labels
    assert {**RECOMMENDATION.labels, **DECISION.labels} == context.DECISION_LABELS
    assert dict(context.FRAMEWORKS) == REFERENCE_FRAMEWORK_EDITIONS
    assert context.ADDRESSED_BELOW == domains.FINDING_RISK_THRESHOLD


def test_the_questionnaire_loader_and_api_read_the_vocabulary():
    from governance.questionnaires import api
    from governance.questionnaires.definition import constants

    assert constants.DOMAIN_KEYS is domains.DOMAIN_KEYS
    assert constants.QUESTION_TYPES is domains.QUESTION_TYPES
    assert constants.CHOICE_TYPES is domains.CHOICE_TYPES
    assert constants.SPECIAL_OPTIONS is domains.SPECIAL_OPTIONS
    assert constants.KNOCKOUT_SEVERITIES is domains.KNOCKOUT_SEVERITIES
    assert constants.REFERENCE_KEYS is REFERENCE_FRAMEWORK.keys
    assert constants.FINDING_RISK_THRESHOLD == domains.FINDING_RISK_THRESHOLD
    assert api.QUESTION_TYPES is domains.QUESTION_TYPES


# ------------------------------------------------------------------ no stray copies

# Literal spellings of a vocabulary as Python (quoted keys in a row), once comments and
# whitespace and the numbers of a `{"low": 10, ...}` mapping are squeezed out.
STRAY_COPIES = {
    "ratings": "low,moderate,high,critical",
    "severities": "low,medium,high,critical",
    "severities, worst first": "critical,high,medium,low",
    "ratings, worst first": "critical,high,moderate,low",
    "question types": "single_choice,multiple_choice,yes_no",
    "recommendations": "approve,approve_with_conditions,reject",
    "decisions": "approved,approved_with_conditions,rejected",
}
# The one home, and the default policy, whose numbers per rating and severity are data.
STRAY_ALLOWED = {"scoring/domains.py", "scoring/policy.py"}


def _quoted(spelling: str) -> str:
    return re.sub(r"([a-zA-Z_0-9]+)", r'"\1"', spelling)


def _squeezed(source: str) -> tuple[str, str]:
    plain = re.sub(r"\s", "", re.sub(r"#.*", "", source)).replace("'", '"')
    return plain, re.sub(r":-?\d+(\.\d+)?", "", plain)


def test_no_module_spells_out_a_vocabulary_of_its_own():
    strays = []
    for path in sorted(GOVERNANCE.rglob("*.py")):
        relative = path.relative_to(GOVERNANCE).as_posix()
        if "/migrations/" in relative or relative in STRAY_ALLOWED:
            continue
        plain, keys_only = _squeezed(path.read_text(encoding="utf-8"))
        for name, spelling in STRAY_COPIES.items():
            quoted = _quoted(spelling)
            if quoted in plain or quoted in keys_only:
                strays.append(f"{relative}: {name}")
        if '"nist_ai_rmf":"' in plain:
            strays.append(f"{relative}: framework labels")
        if "(25,50,75)" in plain or "[25,50,75]" in plain:
            strays.append(f"{relative}: default thresholds")
    assert strays == [], "read these from governance.scoring.domains instead"


def test_the_stray_check_sees_a_copy():
    plain, keys_only = _squeezed('LEVELS = ("low", "moderate",\n "high", "critical")  # x')
    assert _quoted(STRAY_COPIES["ratings"]) in plain
    _plain, keys_only = _squeezed('{"critical": 0, "high": 1, "medium": 2, "low": 3}')
    assert _quoted(STRAY_COPIES["severities, worst first"]) in keys_only
