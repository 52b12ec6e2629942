"""Questionnaire definitions: validation messages, canonical form, hashing, export, library.

Runs without Django: `.venv/bin/pytest -p no:django tests/questionnaires/test_definition.py`.
Each bad-definition test checks the complete error list, so a change that adds a spurious
second error, or moves the path, fails here.
"""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path

import jsonschema
import pytest

from governance.questionnaires.definition import (
    DOMAIN_KEYS,
    KNOCKOUT_SEVERITIES,
    QUESTION_TYPES,
    SCHEMA_PATH,
    SPECIAL_OPTIONS,
    STATUSES,
    DefinitionError,
    DefinitionInvalid,
    canonical_definition,
    content_hash,
    dump_definition,
    load_definition_file,
    load_schema,
    parse_definition,
    validate_definition,
)

LIBRARY = Path(__file__).resolve().parents[2] / "governance" / "questionnaires" / "library"
CORE = LIBRARY / "ai-vendor-core.yaml"
QUICK = LIBRARY / "ai-vendor-quick-screen.yaml"
SRC = "test.yaml"

FINDING = {
    "title": "Bad practice",
    "text": "The vendor does something risky.",
    "recommendation": "Ask the vendor to stop.",
}


def minimal() -> dict:
    """A small valid definition with one question of each type.

    sections[0]: questions[0] single_choice, [1] yes_no, [2] number
    sections[1]: questions[0] date, [1] text
    """
    return {
        "key": "test-questionnaire",
        "version": "1.0.0",
        "title": "Test",
        "status": "draft",
        "sections": [
            {
                "key": "privacy",
                "title": "Privacy",
                "questions": [
                    {
                        "key": "privacy.choice",
                        "text": "Choice?",
                        "type": "single_choice",
                        "domain": "privacy",
                        "options": [
                            {"key": "good", "label": "Good", "risk": 0},
                            {"key": "bad", "label": "Bad", "risk": 60, "finding": dict(FINDING)},
                            {
                                "key": "unknown",
                                "label": "Don't know",
                                "special": "unknown",
                                "risk": 80,
                            },
                        ],
                    },
                    {
                        "key": "privacy.flag",
                        "text": "Flag?",
                        "type": "yes_no",
                        "domain": "privacy",
                        "options": [
                            {"key": "yes", "label": "Yes", "risk": 0},
                            {"key": "no", "label": "No", "risk": 40},
                        ],
                    },
                    {
                        "key": "privacy.days",
                        "text": "Days?",
                        "type": "number",
                        "domain": "privacy",
                        "number": {
                            "min": 0,
                            "max": 365,
                            "unit": "days",
                            "bands": [{"max": 30, "risk": 0}, {"max": None, "risk": 40}],
                        },
                    },
                ],
            },
            {
                "key": "security",
                "title": "Security",
                "questions": [
                    {
                        "key": "security.tested",
                        "text": "Last test?",
                        "type": "date",
                        "domain": "security",
                        "date": {
                            "bands": [
                                {"max_age_days": 365, "risk": 0},
                                {"max_age_days": None, "risk": 40},
                            ]
                        },
                    },
                    {
                        "key": "security.notes",
                        "text": "Notes",
                        "type": "text",
                        "domain": "security",
                        "required": False,
                    },
                ],
            },
        ],
    }


def problems(data) -> list[str]:
    return [str(error) for error in validate_definition(data, source=SRC)]


def parse_problems(text: str, fmt: str = "yaml", source: str = SRC) -> list[DefinitionError]:
    with pytest.raises(DefinitionInvalid) as caught:
        parse_definition(text, fmt=fmt, source=source)
    return caught.value.errors


def choice(data: dict) -> dict:
    return data["sections"][0]["questions"][0]


Q0 = "test.yaml: sections[0].questions[0]"


# ------------------------------------------------------------------ the fixture is valid


def test_minimal_definition_is_valid():
    assert problems(minimal()) == []


# ------------------------------------------------------------- one test per kind of error


def test_it_rejects_an_unknown_question_type():
    data = minimal()
    choice(data)["type"] = "single"
    assert problems(data) == [
        f"{Q0}.type: unknown question type 'single'; expected one of: single_choice, "
        "multiple_choice, yes_no, number, date, text"
    ]


def test_it_rejects_nul_characters_with_their_place():
    data = minimal()
    choice(data)["text"] = "Does the vendor\x00 train on our data?"
    choice(data)["options"][0]["x\x00"] = 1
    found = problems(data)
    assert f"{Q0}.text: contains a NUL character, which cannot be stored" in found
    assert (
        f"{Q0}.options[0]: a field name contains a NUL character, which cannot be stored" in found
    )
    # The escapes that produce them are caught after parsing.
    yaml_text = 'key: "a\\0b"\n'
    assert any("NUL" in str(e) for e in parse_problems(yaml_text))


def test_it_rejects_a_duplicate_question_key():
    data = minimal()
    data["sections"][1]["questions"][1]["key"] = "privacy.choice"
    assert problems(data) == [
        "test.yaml: sections[1].questions[1].key: duplicate question key 'privacy.choice'; "
        "already used at sections[0].questions[0]"
    ]


def test_it_rejects_a_duplicate_option_key():
    data = minimal()
    choice(data)["options"][1]["key"] = "good"
    assert problems(data) == [
        f"{Q0}.options[1].key: duplicate option key 'good'; already used at "
        "sections[0].questions[0].options[0]"
    ]


def test_it_rejects_a_duplicate_section_key():
    data = minimal()
    data["sections"][1]["key"] = "privacy"
    assert problems(data) == [
        "test.yaml: sections[1].key: duplicate section key 'privacy'; already used at sections[0]"
    ]


def test_it_rejects_show_if_pointing_at_an_unknown_question():
    data = minimal()
    data["sections"][1]["questions"][0]["show_if"] = {"question": "privacy.nope", "in": ["yes"]}
    assert problems(data) == [
        "test.yaml: sections[1].questions[0].show_if.question: unknown question 'privacy.nope'"
    ]


def test_it_rejects_show_if_pointing_at_a_later_question():
    data = minimal()
    choice(data)["show_if"] = {"question": "privacy.flag", "in": ["yes"]}
    assert problems(data) == [
        f"{Q0}.show_if.question: 'privacy.flag' comes later (at sections[0].questions[1]); "
        "show_if must refer to an earlier question"
    ]


def test_it_rejects_show_if_pointing_at_itself():
    data = minimal()
    data["sections"][0]["questions"][1]["show_if"] = {"question": "privacy.flag", "in": ["yes"]}
    assert problems(data) == [
        "test.yaml: sections[0].questions[1].show_if.question: a question cannot depend on itself"
    ]


def test_it_rejects_show_if_on_a_non_choice_question():
    data = minimal()
    data["sections"][1]["questions"][0]["show_if"] = {"question": "privacy.days", "in": ["x"]}
    assert problems(data) == [
        "test.yaml: sections[1].questions[0].show_if.question: 'privacy.days' is a number "
        "question; show_if can only refer to a single_choice, multiple_choice or yes_no question"
    ]


def test_it_rejects_show_if_naming_unknown_option_keys():
    data = minimal()
    data["sections"][1]["questions"][0]["show_if"] = {
        "question": "privacy.choice",
        "in": ["bad", "awful"],
    }
    assert problems(data) == [
        "test.yaml: sections[1].questions[0].show_if.in[1]: 'awful' is not an option of "
        "'privacy.choice' (options: good, bad, unknown)"
    ]


def test_a_valid_show_if_chain_is_accepted():
    data = minimal()
    data["sections"][0]["questions"][1]["show_if"] = {"question": "privacy.choice", "in": ["bad"]}
    data["sections"][1]["questions"][0]["show_if"] = {"question": "privacy.flag", "in": ["yes"]}
    assert problems(data) == []


def test_a_screening_rule_on_a_choice_question_is_accepted_and_exported_in_order():
    data = minimal()
    choice(data)["screening"] = {"lists": ["Treasury Department"], "no_match": ["good"]}
    data["sections"][0]["questions"][1]["screening"] = {"no_match": ["no"]}
    assert problems(data) == []
    exported = dump_definition(data, "yaml")
    assert (
        "        screening:\n          no_match:\n            - good\n          lists:\n"
        "            - Treasury Department\n        options:\n"
    ) in exported
    assert content_hash(parse_definition(exported, fmt="yaml", source=SRC)) == content_hash(data)


def test_it_rejects_a_screening_rule_on_a_non_choice_question():
    data = minimal()
    data["sections"][0]["questions"][2]["screening"] = {"no_match": ["x"]}
    assert problems(data) == [
        "test.yaml: sections[0].questions[2].screening: only a single_choice, multiple_choice "
        "or yes_no question can say which answers a screening contradicts, not a number question"
    ]


def test_it_rejects_screening_no_match_keys_that_are_not_answers_of_the_question():
    data = minimal()
    choice(data)["screening"] = {"no_match": ["good", "great", "unknown"]}
    assert problems(data) == [
        f"{Q0}.screening.no_match[1]: 'great' is not an option of this question that states "
        "an answer (options: good, bad)",
        f"{Q0}.screening.no_match[2]: 'unknown' is not an option of this question that states "
        "an answer (options: good, bad)",
    ]


def test_it_rejects_a_screening_rule_without_no_match_or_with_unknown_fields():
    data = minimal()
    choice(data)["screening"] = {"lists": [], "clear": ["good"]}
    found = problems(data)
    assert any("screening" in p and "no_match" in p for p in found), found
    assert any("screening" in p and "clear" in p for p in found), found
    assert any("screening.lists" in p for p in found), found


@pytest.mark.parametrize("risk", [120, -1])
def test_it_rejects_risk_outside_0_to_100(risk):
    data = minimal()
    choice(data)["options"][0]["risk"] = risk
    assert problems(data) == [f"{Q0}.options[0].risk: {risk} is not between 0 and 100"]


@pytest.mark.parametrize(
    ("risk", "message"),
    [
        (12.5, "12.5 is not an integer"),
        (10.0, "10.0 is not an integer"),
        ("high", "'high' is not an integer"),
        (True, "true is not an integer"),
    ],
)
def test_it_rejects_risk_that_is_not_an_integer(risk, message):
    data = minimal()
    choice(data)["options"][0]["risk"] = risk
    assert problems(data) == [f"{Q0}.options[0].risk: {message}"]


def test_it_rejects_empty_options_for_a_choice_question():
    data = minimal()
    choice(data)["options"] = []
    assert problems(data) == [f"{Q0}.options: a single_choice question needs at least one option"]


def test_it_rejects_a_choice_question_without_options():
    data = minimal()
    del choice(data)["options"]
    assert problems(data) == [f"{Q0}.options: required for a single_choice question"]


def test_it_rejects_a_single_choice_question_with_one_real_option():
    data = minimal()
    choice(data)["options"] = [{"key": "good", "label": "Good", "risk": 0}]
    assert problems(data) == [
        f"{Q0}.options: a single_choice question needs at least two options besides 'unknown' "
        "and 'not_applicable'"
    ]


@pytest.mark.parametrize(
    ("section", "index", "qtype"),
    [(0, 2, "number"), (1, 0, "date"), (1, 1, "text")],
)
def test_it_rejects_options_on_a_number_date_or_text_question(section, index, qtype):
    data = minimal()
    data["sections"][section]["questions"][index]["options"] = [
        {"key": "a", "label": "A", "risk": 0}
    ]
    assert problems(data) == [
        f"test.yaml: sections[{section}].questions[{index}].options: "
        f"not allowed for a {qtype} question"
    ]


def test_it_rejects_a_number_question_without_number_spec():
    data = minimal()
    del data["sections"][0]["questions"][2]["number"]
    assert problems(data) == [
        "test.yaml: sections[0].questions[2].number: required for a number question"
    ]


def test_it_rejects_a_missing_domain():
    data = minimal()
    del choice(data)["domain"]
    assert problems(data) == [f"{Q0}.domain: required field is missing"]


def test_it_rejects_an_unknown_domain():
    data = minimal()
    choice(data)["domain"] = "ethics"
    assert problems(data) == [
        f"{Q0}.domain: unknown domain 'ethics'; expected one of: privacy, geopolitics, lock_in, "
        "security, regulatory, cost"
    ]


def test_it_rejects_a_knockout_without_finding():
    data = minimal()
    option = choice(data)["options"][1]
    option["knockout"] = "critical"
    option["risk"] = 100
    del option["finding"]
    assert problems(data) == [
        f"{Q0}.options[1].finding: required for a knock-out option (title, text, recommendation)"
    ]


def test_it_rejects_a_missing_finding_for_risk_50_or_more():
    data = minimal()
    del choice(data)["options"][1]["finding"]
    assert problems(data) == [
        f"{Q0}.options[1].finding: required because risk 60 is 50 or more "
        "(title, text, recommendation)"
    ]


def test_it_rejects_a_missing_finding_on_a_risky_band():
    data = minimal()
    data["sections"][0]["questions"][2]["number"]["bands"][1]["risk"] = 75
    assert problems(data) == [
        "test.yaml: sections[0].questions[2].number.bands[1].finding: required because risk 75 "
        "is 50 or more (title, text, recommendation)"
    ]


def test_it_rejects_an_incomplete_finding():
    data = minimal()
    del choice(data)["options"][1]["finding"]["recommendation"]
    choice(data)["options"][1]["finding"]["title"] = "  "
    assert problems(data) == [
        f"{Q0}.options[1].finding.title: must not be blank",
        f"{Q0}.options[1].finding.recommendation: required field is missing",
    ]


def test_special_options_need_no_finding_even_when_risky():
    data = minimal()
    assert choice(data)["options"][2]["risk"] == 80
    assert problems(data) == []


def test_it_rejects_a_knockout_with_low_risk():
    data = minimal()
    choice(data)["options"][0]["knockout"] = "high"
    choice(data)["options"][0]["finding"] = dict(FINDING)
    assert problems(data) == [
        f"{Q0}.options[0].risk: a knock-out option must carry risk 50 or more, not 0"
    ]


def test_it_rejects_an_unknown_knockout_severity():
    data = minimal()
    choice(data)["options"][1]["knockout"] = "medium"
    assert problems(data) == [
        f"{Q0}.options[1].knockout: 'medium' is not a knock-out severity; expected high or critical"
    ]


def test_it_rejects_a_finding_or_knockout_on_a_special_option():
    data = minimal()
    special = choice(data)["options"][2]
    special["finding"] = dict(FINDING)
    special["knockout"] = "high"
    assert problems(data) == [
        f"{Q0}.options[2].knockout: not allowed on a special option (unknown)",
        f"{Q0}.options[2].finding: not allowed on a special option (unknown)",
    ]


def test_it_rejects_a_special_option_with_another_key():
    data = minimal()
    choice(data)["options"][2]["key"] = "dont_know"
    assert problems(data) == [
        f"{Q0}.options[2].key: an option with special: unknown must have the key 'unknown'"
    ]


def test_it_rejects_a_reserved_key_without_special_marker():
    data = minimal()
    choice(data)["options"].append({"key": "not_applicable", "label": "N/A", "risk": 0})
    assert problems(data) == [
        f"{Q0}.options[3].special: an option keyed 'not_applicable' must set special: "
        "not_applicable"
    ]


def test_it_rejects_yes_no_options_other_than_yes_and_no():
    data = minimal()
    flag = data["sections"][0]["questions"][1]
    flag["options"][1]["key"] = "maybe"
    assert problems(data) == [
        "test.yaml: sections[0].questions[1].options: a yes_no question needs the option 'no'",
        "test.yaml: sections[0].questions[1].options[1].key: 'maybe' is not allowed in a yes_no "
        "question; use yes, no, unknown or not_applicable",
    ]


@pytest.mark.parametrize(("weight", "shown"), [(0, "0"), (-2, "-2"), (11, "11"), (10.5, "10.5")])
def test_it_rejects_a_weight_out_of_range(weight, shown):
    data = minimal()
    choice(data)["weight"] = weight
    assert problems(data) == [f"{Q0}.weight: {shown} is not between 0 (exclusive) and 10"]


def test_it_accepts_fractional_weights_within_range():
    data = minimal()
    choice(data)["weight"] = 2.5
    data["sections"][0]["questions"][1]["weight"] = 10
    assert problems(data) == []


@pytest.mark.parametrize("version", ["1.0", "01.0.0", "1.0.0-beta", "v1.0.0", "1.0.0\n"])
def test_it_rejects_a_bad_version_string(version):
    data = minimal()
    data["version"] = version
    assert problems(data) == [
        f"test.yaml: version: {version!r} is not a semantic version MAJOR.MINOR.PATCH (e.g. 1.0.0)"
    ]


def test_it_explains_a_version_that_yaml_read_as_a_number():
    data = minimal()
    data["version"] = 1.0
    assert problems(data) == [
        "test.yaml: version: 1.0 is not a semantic version MAJOR.MINOR.PATCH (e.g. 1.0.0); "
        "quote it in YAML"
    ]


@pytest.mark.parametrize(
    ("where", "value", "message"),
    [
        (
            "questionnaire",
            "AI Vendor",
            "test.yaml: key: 'AI Vendor' is not a valid questionnaire key: use lower-case "
            "letters, digits and hyphens, starting with a letter or digit",
        ),
        (
            "section",
            "Privacy-Section",
            "test.yaml: sections[0].key: 'Privacy-Section' is not a valid section key: use "
            "lower-case letters, digits and underscores",
        ),
        (
            "question",
            "privacy",
            f"{Q0}.key: 'privacy' is not a valid question key: use two or more lower-case words "
            "(letters, digits, underscores) joined by dots, e.g. privacy.data_retention",
        ),
        (
            "option",
            "Good!",
            f"{Q0}.options[0].key: 'Good!' is not a valid option key: use lower-case letters, "
            "digits and underscores",
        ),
    ],
)
def test_it_rejects_bad_key_syntax(where, value, message):
    data = minimal()
    target = {
        "questionnaire": data,
        "section": data["sections"][0],
        "question": choice(data),
        "option": choice(data)["options"][0],
    }[where]
    target["key"] = value
    assert problems(data) == [message]


def test_it_rejects_number_bands_that_do_not_ascend():
    data = minimal()
    data["sections"][0]["questions"][2]["number"]["bands"] = [
        {"max": 90, "risk": 10},
        {"max": 30, "risk": 20},
        {"max": None, "risk": 40},
    ]
    assert problems(data) == [
        "test.yaml: sections[0].questions[2].number.bands[1].max: 30 is not greater than the "
        "previous band's max 90; bands must ascend"
    ]


def test_it_rejects_a_last_band_that_is_not_open():
    data = minimal()
    data["sections"][0]["questions"][2]["number"]["bands"][1]["max"] = 365
    assert problems(data) == [
        "test.yaml: sections[0].questions[2].number.bands[1].max: the last band must be "
        "open-ended (max: null), not 365"
    ]


def test_it_rejects_an_open_band_before_the_last():
    data = minimal()
    data["sections"][0]["questions"][2]["number"]["bands"] = [
        {"max": None, "risk": 10},
        {"max": None, "risk": 40},
    ]
    assert problems(data) == [
        "test.yaml: sections[0].questions[2].number.bands[0].max: only the last band may be "
        "open-ended (max: null)"
    ]


def test_it_rejects_bands_that_can_never_apply():
    data = minimal()
    data["sections"][0]["questions"][2]["number"]["bands"] = [
        {"max": -5, "risk": 0},
        {"max": 400, "risk": 10},
        {"max": 500, "risk": 20},
        {"max": None, "risk": 40},
    ]
    assert problems(data) == [
        "test.yaml: sections[0].questions[2].number.bands[0].max: -5 is below min 0, so this "
        "band can never apply",
        "test.yaml: sections[0].questions[2].number.bands[1].max: 400 reaches max 365, so the "
        "bands after it can never apply",
    ]


def test_it_rejects_min_greater_than_max():
    data = minimal()
    data["sections"][0]["questions"][2]["number"].update({"min": 500, "max": 10})
    assert problems(data) == [
        "test.yaml: sections[0].questions[2].number.min: min 500 is greater than max 10"
    ]


def test_it_rejects_date_bands_out_of_order_and_negative_ages():
    data = minimal()
    data["sections"][1]["questions"][0]["date"]["bands"] = [
        {"max_age_days": -1, "risk": 0},
        {"max_age_days": 365, "risk": 10},
        {"max_age_days": 100, "risk": 20},
        {"max_age_days": None, "risk": 40},
    ]
    assert problems(data) == [
        "test.yaml: sections[1].questions[0].date.bands[0].max_age_days: -1 must be 0 or more",
        "test.yaml: sections[1].questions[0].date.bands[2].max_age_days: 100 is not greater than "
        "the previous band's max_age_days 365; bands must ascend",
    ]


def test_it_rejects_non_finite_numbers():
    data = minimal()
    data["sections"][0]["questions"][2]["number"]["max"] = float("inf")
    assert problems(data) == [
        "test.yaml: sections[0].questions[2].number.max: inf is not a finite number"
    ]


def test_it_rejects_unknown_fields():
    data = minimal()
    choice(data)["optoins"] = []
    assert problems(data) == [
        f"{Q0}.optoins: unknown field (allowed here: key, text, help, type, required, domain, "
        "weight, evidence, references, show_if, screening, options, number, date)"
    ]


def test_it_rejects_a_retired_status_in_a_file():
    data = minimal()
    data["status"] = "retired"
    assert problems(data) == [
        "test.yaml: status: 'retired' is set only in the database; a file is draft or published"
    ]


def test_it_reports_a_yaml_syntax_error_with_its_line_number():
    errors = parse_problems("key: a\nversion: 1.0.0\ntitle: t\n  sections: x\n")
    assert [str(error) for error in errors] == [
        "test.yaml: YAML syntax error at line 4, column 11: mapping values are not allowed here"
    ]
    assert errors[0].line == 4


def test_it_reports_a_json_syntax_error_with_its_line_number():
    errors = parse_problems('{\n  "key": "a",\n  "version": }\n', fmt="json", source="x.json")
    assert [str(error) for error in errors] == [
        "x.json: JSON syntax error at line 3, column 14: Expecting value"
    ]


@pytest.mark.parametrize(
    ("text", "fmt", "message"),
    [
        ("- a\n- b\n", "yaml", "the definition must be a mapping at the top level, not a list"),
        ("just text\n", "yaml", "the definition must be a mapping at the top level, not a string"),
        ('"text"', "json", "the definition must be a mapping at the top level, not a string"),
        ("", "yaml", "the definition is empty"),
        ("# only a comment\n", "yaml", "the definition is empty"),
    ],
)
def test_it_rejects_a_definition_that_is_not_a_mapping(text, fmt, message):
    assert [str(error) for error in parse_problems(text, fmt=fmt)] == [f"test.yaml: {message}"]


def test_it_rejects_duplicate_keys_inside_a_yaml_mapping():
    text = re.sub(
        r"^( *)risk: 60\n",
        r"\1risk: 60\n\1risk: 10\n",
        dump_definition(minimal(), "yaml"),
        count=1,
        flags=re.MULTILINE,
    )
    errors = parse_problems(text)
    assert [str(error) for error in errors] == [
        "test.yaml: sections[0].questions[0].options[1].risk: duplicate mapping key 'risk' "
        f"(first at line {errors[0].line - 1})"
    ]


def test_it_refuses_yaml_aliases():
    text = "key: &k a\nversion: 1.0.0\ntitle: *k\nsections: []\n"
    errors = parse_problems(text)
    assert [str(error) for error in errors] == [
        "test.yaml: title: YAML aliases (*name) are not supported in definitions "
        "(the anchor is at line 1)"
    ]
    assert errors[0].line == 3


def test_an_alias_bomb_is_refused_quickly():
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{n}: &a{n} [" + ", ".join([f"*a{n - 1}"] * 10) + "]" for n in range(1, 9)]
    errors = parse_problems("\n".join(lines) + "\n")
    assert errors[0].message.startswith("YAML aliases (*name) are not supported")


def test_it_reports_all_problems_at_once_with_line_numbers():
    text = """\
key: Bad Key
version: 1.0
title: Broken
sections:
  - key: privacy
    title: Privacy
    questions:
      - key: privacy.a
        text: A?
        type: single
        domain: ethics
      - key: privacy.a
        text: B?
        type: yes_no
        domain: privacy
        weight: 12
        options:
          - {key: yes, label: Yes, risk: 120}
          - {key: no, label: No, risk: 0}
"""
    errors = parse_problems(text)
    assert [(error.line, str(error)) for error in errors] == [
        (
            1,
            "test.yaml: key: 'Bad Key' is not a valid questionnaire key: use lower-case "
            "letters, digits and hyphens, starting with a letter or digit",
        ),
        (
            2,
            "test.yaml: version: 1.0 is not a semantic version MAJOR.MINOR.PATCH (e.g. 1.0.0); "
            "quote it in YAML",
        ),
        (
            10,
            "test.yaml: sections[0].questions[0].type: unknown question type 'single'; "
            "expected one of: single_choice, multiple_choice, yes_no, number, date, text",
        ),
        (
            11,
            "test.yaml: sections[0].questions[0].domain: unknown domain 'ethics'; expected one "
            "of: privacy, geopolitics, lock_in, security, regulatory, cost",
        ),
        (
            12,
            "test.yaml: sections[0].questions[1].key: duplicate question key 'privacy.a'; "
            "already used at sections[0].questions[0]",
        ),
        (16, "test.yaml: sections[0].questions[1].weight: 12 is not between 0 (exclusive) and 10"),
        (18, "test.yaml: sections[0].questions[1].options[0].risk: 120 is not between 0 and 100"),
    ]


def test_definition_invalid_lists_every_error_in_its_message():
    data = minimal()
    choice(data)["type"] = "single"
    choice(data)["weight"] = 0
    with pytest.raises(DefinitionInvalid) as caught:
        canonical_definition(data)
    message = str(caught.value)
    assert message.startswith("2 problems in questionnaire definition:\n")
    assert "sections[0].questions[0].type: unknown question type 'single'" in message
    assert "sections[0].questions[0].weight: 0 is not between" in message


def test_unquoted_yes_and_no_stay_strings_in_yaml():
    text = dump_definition(minimal(), "yaml").replace("'yes'", "yes").replace("'no'", "no")
    assert "key: yes\n" in text
    data = parse_definition(text, fmt="yaml", source=SRC)
    keys = [option["key"] for option in data["sections"][0]["questions"][1]["options"]]
    assert keys == ["yes", "no"]


def test_load_definition_file_rejects_an_unknown_extension(tmp_path):
    path = tmp_path / "questionnaire.txt"
    path.write_text("key: a\n", encoding="utf-8")
    with pytest.raises(DefinitionInvalid) as caught:
        load_definition_file(path)
    assert [str(error) for error in caught.value.errors] == [
        "questionnaire.txt: unsupported file extension '.txt'; use .yaml, .yml or .json"
    ]


def test_load_definition_file_names_the_file_in_errors(tmp_path):
    data = minimal()
    choice(data)["options"][0]["risk"] = 120
    path = tmp_path / "broken.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(DefinitionInvalid) as caught:
        load_definition_file(path)
    assert [str(error) for error in caught.value.errors] == [
        "broken.json: sections[0].questions[0].options[0].risk: 120 is not between 0 and 100"
    ]


# --------------------------------------------------------- canonical form, hash, export


def test_canonicalisation_fills_defaults_and_drops_status():
    data = minimal()
    before = copy.deepcopy(data)
    canonical = canonical_definition(data)
    assert data == before, "the input must not be modified"
    assert "status" not in canonical
    assert canonical["description"] == ""
    assert canonical["sections"][0]["description"] == ""
    question = canonical["sections"][0]["questions"][0]
    assert question["help"] == ""
    assert question["required"] is True
    assert question["weight"] == 1
    assert question["evidence"] == []
    assert question["references"] == {}
    assert canonical["sections"][1]["questions"][1]["required"] is False


def test_canonicalisation_is_idempotent_and_keeps_given_values():
    data = minimal()
    choice(data).update(
        {
            "weight": 4,
            "help": "Look here.",
            "evidence": ["DPA"],
            "references": {"gdpr": ["Art. 28(3)"]},
        }
    )
    canonical = canonical_definition(data)
    assert canonical_definition(canonical) == canonical
    question = canonical["sections"][0]["questions"][0]
    assert question["weight"] == 4
    assert question["references"] == {"gdpr": ["Art. 28(3)"]}


def test_content_hash_ignores_status_and_defaults_but_not_content():
    data = minimal()
    base = content_hash(data)
    published = copy.deepcopy(data)
    published["status"] = "published"
    assert content_hash(published) == base
    explicit = canonical_definition(data)
    assert content_hash(explicit) == base
    changed = copy.deepcopy(data)
    choice(changed)["options"][0]["risk"] = 5
    assert content_hash(changed) != base
    assert re.fullmatch(r"[0-9a-f]{64}", base)


def test_content_hash_follows_the_contract_serialisation():
    import hashlib

    data = minimal()
    text = json.dumps(
        canonical_definition(data), sort_keys=True, separators=(",", ":"), ensure_ascii=False
    )
    assert content_hash(data) == hashlib.sha256(text.encode("utf-8")).hexdigest()


@pytest.mark.parametrize("path", [CORE, QUICK], ids=["core", "quick-screen"])
@pytest.mark.parametrize("fmt", ["yaml", "json"])
def test_export_then_import_gives_the_same_content_hash(path, fmt):
    data = load_definition_file(path)
    exported = dump_definition(data, fmt)
    again = parse_definition(exported, fmt=fmt, source=f"export.{fmt}")
    assert content_hash(again) == content_hash(data)
    assert again["status"] == data["status"]
    # Exporting the canonical form round-trips too (status then defaults to draft).
    canonical_export = dump_definition(canonical_definition(data), fmt)
    assert content_hash(parse_definition(canonical_export, fmt=fmt, source="c")) == content_hash(
        data
    )


def test_export_refuses_an_invalid_definition():
    data = minimal()
    del choice(data)["domain"]
    with pytest.raises(DefinitionInvalid):
        dump_definition(data, "yaml")


def test_the_loader_uses_the_scoring_engines_canonical_form_and_hash(monkeypatch):
    """One implementation: the loader validates, then hands over to governance.scoring."""
    import governance.questionnaires.definition as qdef
    from governance.scoring import hashing

    assert qdef.canonical_json is hashing.canonical_json
    assert qdef.DEFAULT_WEIGHT is hashing.DEFAULT_WEIGHT
    for path in (CORE, QUICK):
        library = load_definition_file(path)
        assert content_hash(library) == hashing.definition_content_hash(library)
    data = minimal()
    seen = []

    def canonical(definition):
        seen.append(("canonical", definition))
        return {"canonical": True}

    def digest(definition):
        seen.append(("hash", definition))
        return "0" * 64

    monkeypatch.setattr(qdef, "_canonical_definition", canonical)
    monkeypatch.setattr(qdef, "definition_content_hash", digest)
    assert canonical_definition(data) == {"canonical": True}
    assert content_hash(data) == "0" * 64
    assert seen == [("canonical", data), ("hash", data)]


# ------------------------------------------------------------------ schema and domains


def test_vocabularies_come_from_the_scoring_engine_and_match_the_schema():
    domains = pytest.importorskip("governance.scoring.domains")
    assert DOMAIN_KEYS is domains.DOMAIN_KEYS
    assert QUESTION_TYPES is domains.QUESTION_TYPES
    assert SPECIAL_OPTIONS is domains.SPECIAL_OPTIONS
    assert KNOCKOUT_SEVERITIES is domains.KNOCKOUT_SEVERITIES
    schema = load_schema()
    question = schema["$defs"]["question"]["properties"]
    option = schema["$defs"]["option"]["properties"]
    assert tuple(question["domain"]["enum"]) == DOMAIN_KEYS
    assert tuple(question["type"]["enum"]) == QUESTION_TYPES == domains.QUESTION_TYPES
    assert tuple(option["special"]["enum"]) == SPECIAL_OPTIONS == domains.SPECIAL_OPTIONS
    assert tuple(option["knockout"]["enum"]) == KNOCKOUT_SEVERITIES == domains.KNOCKOUT_SEVERITIES
    assert tuple(schema["properties"]["status"]["enum"]) == STATUSES


def test_schema_is_valid_draft_2020_12_and_describes_every_property():
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    jsonschema.Draft202012Validator.check_schema(schema)
    undescribed = []

    def walk(node, where):
        if isinstance(node, dict):
            for name, sub in node.get("properties", {}).items():
                if "description" not in sub:
                    undescribed.append(f"{where}.{name}")
            for name, sub in node.items():
                if name != "if":  # conditions restate properties; they are not declarations
                    walk(sub, f"{where}.{name}")
        elif isinstance(node, list):
            for index, sub in enumerate(node):
                walk(sub, f"{where}[{index}]")

    walk(schema, "schema")
    assert undescribed == []


def test_schema_alone_accepts_the_library_files():
    # Integrators validate with the published schema only; it must agree with the loader.
    validator = jsonschema.Draft202012Validator(load_schema())
    for path in (CORE, QUICK):
        assert list(validator.iter_errors(load_definition_file(path))) == []


# --------------------------------------------------------------------------- the library


def questions_of(data: dict) -> list[dict]:
    return [q for section in data["sections"] for q in section["questions"]]


@pytest.fixture(scope="module")
def core() -> dict:
    return load_definition_file(CORE)


@pytest.fixture(scope="module")
def quick() -> dict:
    return load_definition_file(QUICK)


@pytest.fixture(scope="module", params=["core", "quick"])
def library(request, core, quick) -> dict:
    return {"core": core, "quick": quick}[request.param]


@pytest.mark.parametrize("path", [CORE, QUICK], ids=["core", "quick-screen"])
def test_library_files_validate_with_zero_errors(path):
    data = load_definition_file(path)
    assert validate_definition(data, source=path.name) == []
    assert data["status"] == "published"
    assert data["version"] == "1.0.1"
    assert data["key"] == path.stem


def test_core_has_at_least_60_questions_covering_all_domains(core):
    questions = questions_of(core)
    assert len(questions) >= 60
    counts = {key: sum(q["domain"] == key for q in questions) for key in DOMAIN_KEYS}
    assert all(count >= 10 for count in counts.values()), counts
    assert [section["key"] for section in core["sections"]] == list(DOMAIN_KEYS)


def test_quick_screen_has_12_to_20_questions_covering_all_domains(quick):
    questions = questions_of(quick)
    assert 12 <= len(questions) <= 20
    assert {q["domain"] for q in questions} == set(DOMAIN_KEYS)


def test_core_uses_show_if_at_least_five_times(core):
    assert sum("show_if" in q for q in questions_of(core)) >= 5


def test_every_show_if_points_at_an_earlier_choice_question(library):
    seen: dict[str, dict] = {}
    for question in questions_of(library):
        condition = question.get("show_if")
        if condition:
            target = seen[condition["question"]]  # KeyError: not earlier
            assert target["type"] in ("single_choice", "multiple_choice", "yes_no")
            keys = {option["key"] for option in target["options"]}
            assert set(condition["in"]) <= keys
        seen[question["key"]] = question


def test_every_risky_answer_carries_a_complete_finding(library):
    missing = []
    for question in questions_of(library):
        scored = list(question.get("options", []))
        scored += question.get("number", {}).get("bands", [])
        scored += question.get("date", {}).get("bands", [])
        for item in scored:
            if item.get("special"):
                continue
            if item["risk"] >= 50 or "knockout" in item:
                finding = item.get("finding") or {}
                for field in ("title", "text", "recommendation"):
                    if len(str(finding.get(field, "")).strip()) < 10:
                        missing.append((question["key"], item.get("key", item), field))
    assert missing == []


def test_knockouts_are_few_and_exactly_the_intended_ones(core, quick):
    def knockouts(data):
        return {
            (q["key"], o["key"], o["knockout"])
            for q in questions_of(data)
            for o in q.get("options", [])
            if "knockout" in o
        }

    expected = {
        ("privacy.training_on_customer_data", "always_no_opt_out", "critical"),
        ("geopolitics.contracting_entity_jurisdiction", "comprehensively_sanctioned", "critical"),
        ("geopolitics.sanctions_screening", "listed", "critical"),
        ("geopolitics.export_control_lists", "vendor_or_parent_listed", "high"),
        ("geopolitics.compelled_access_exposure", "compelled_without_safeguards", "high"),
    }
    assert knockouts(core) == expected
    assert knockouts(quick) <= expected


def test_every_choice_question_offers_dont_know(library):
    lacking = [
        q["key"]
        for q in questions_of(library)
        if "options" in q and not any(o.get("special") == "unknown" for o in q["options"])
    ]
    assert lacking == []


def test_every_question_has_help_evidence_and_a_sensible_weight(library):
    for question in questions_of(library):
        assert question.get("help", "").strip(), question["key"]
        assert question.get("evidence"), question["key"]
        assert 1 <= question.get("weight", 1) <= 5, question["key"]
        assert question["key"].split(".")[0] == question["domain"], question["key"]


def test_shared_keys_mean_the_same_question(core, quick):
    # The quick screen reuses a core key only for the identical question, so answers and
    # findings carry over when a screen escalates to the full assessment.
    core_questions = {q["key"]: q for q in questions_of(core)}
    shared = [q for q in questions_of(quick) if q["key"] in core_questions]
    assert len(shared) >= 12
    for question in shared:
        assert question == core_questions[question["key"]], question["key"]


# Framework identifiers that exist, so a typo such as "GOVERN 6.3" or "A.10.5" fails here.
NIST_AI_RMF_SUBCATEGORIES = {
    f"{function} {category}.{sub}"
    for function, categories in {
        "GOVERN": {1: 7, 2: 3, 3: 2, 4: 3, 5: 2, 6: 2},
        "MAP": {1: 6, 2: 3, 3: 5, 4: 2, 5: 2},
        "MEASURE": {1: 3, 2: 13, 3: 3, 4: 3},
        "MANAGE": {1: 4, 2: 4, 3: 2, 4: 3},
    }.items()
    for category, count in categories.items()
    for sub in range(1, count + 1)
}
ISO_42001_ANNEX_A = {
    *(f"A.2.{n}" for n in (2, 3, 4)),
    *(f"A.3.{n}" for n in (2, 3)),
    *(f"A.4.{n}" for n in range(2, 7)),
    *(f"A.5.{n}" for n in range(2, 6)),
    "A.6.1.2",
    "A.6.1.3",
    *(f"A.6.2.{n}" for n in range(2, 9)),
    *(f"A.7.{n}" for n in range(2, 7)),
    *(f"A.8.{n}" for n in range(2, 6)),
    *(f"A.9.{n}" for n in (2, 3, 4)),
    *(f"A.10.{n}" for n in (2, 3, 4)),
}
NIST_AI_600_1_RISKS = {
    "CBRN information or capabilities",
    "Confabulation",
    "Dangerous, violent, or hateful content",
    "Data privacy",
    "Environmental impacts",
    "Harmful bias and homogenization",
    "Human-AI configuration",
    "Information integrity",
    "Information security",
    "Intellectual property",
    "Obscene, degrading, and/or abusive content",
    "Value chain and component integration",
}


def test_framework_reference_tables_have_the_published_sizes():
    assert len(NIST_AI_RMF_SUBCATEGORIES) == 72
    assert len(ISO_42001_ANNEX_A) == 38
    assert len(NIST_AI_600_1_RISKS) == 12


def test_framework_references_use_real_identifiers(library):
    wrong = []
    for question in questions_of(library):
        refs = question.get("references", {})
        wrong += [r for r in refs.get("nist_ai_rmf", []) if r not in NIST_AI_RMF_SUBCATEGORIES]
        wrong += [r for r in refs.get("iso_42001", []) if r not in ISO_42001_ANNEX_A]
        wrong += [r for r in refs.get("nist_ai_600_1", []) if r not in NIST_AI_600_1_RISKS]
        wrong += [
            r
            for r in refs.get("eu_ai_act", [])
            if not re.fullmatch(r"(Art\. \d+|Annex [IVX]+).*", r)
        ]
        wrong += [r for r in refs.get("gdpr", []) if not re.fullmatch(r"Art\. \d+.*", r)]
    assert wrong == []
