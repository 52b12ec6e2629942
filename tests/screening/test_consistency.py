"""Answers a watchlist screening contradicts: one rule for the pages and the report."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from governance.questionnaires.definition import load_definition_file
from governance.screening.consistency import answer_conflicts, open_hits
from governance.screening.models import Screening

LIBRARY = Path(__file__).resolve().parents[2] / "governance" / "questionnaires" / "library"
SAMPLE = (
    Path(__file__).resolve().parents[2]
    / "governance"
    / "screening"
    / "data"
    / "sample-consolidated-screening-list.json"
)

ENTITY_LIST = {
    "name": "Beijing Zhipu Huazhang Technology Co., Ltd.",
    "source": "Entity List (EL) - Bureau of Industry and Security",
}
SDN = {
    "name": "Example Blocked Trading LLC",
    "source": "Specially Designated Nationals (SDN) - Treasury Department",
}


def question(key, *, screening=None, qtype="single_choice"):
    options = [
        {"key": "clear", "label": "Screened — no match", "risk": 0},
        {"key": "listed", "label": "Listed", "risk": 100},
        {"key": "unknown", "label": "Don't know", "special": "unknown", "risk": 80},
    ]
    q = {"key": key, "text": f"{key}?", "type": qtype, "domain": "geopolitics", "options": options}
    if screening is not None:
        q["screening"] = screening
    return q


def definition(*questions):
    return {"sections": [{"key": "geopolitics", "questions": list(questions)}]}


EXPORT = question(
    "geopolitics.export", screening={"no_match": ["clear"], "lists": ["bureau of industry"]}
)
SANCTIONS = question(
    "geopolitics.sanctions", screening={"no_match": ["clear"], "lists": ["Treasury Department"]}
)


def test_an_answer_saying_not_listed_is_contradicted_by_a_hit_on_its_lists():
    found = answer_conflicts(
        definition(EXPORT, SANCTIONS),
        {"geopolitics.export": "clear", "geopolitics.sanctions": "clear"},
        [ENTITY_LIST],
    )
    assert found == [
        {
            "section": "geopolitics",
            "question": "geopolitics.export",
            "text": "geopolitics.export?",
            "answer": "Screened — no match",
            "hits": [ENTITY_LIST],
        }
    ]


def test_the_lists_match_ignoring_case_and_each_question_gets_only_its_hits():
    found = answer_conflicts(
        definition(EXPORT, SANCTIONS),
        {"geopolitics.export": "clear", "geopolitics.sanctions": "clear"},
        [ENTITY_LIST, SDN],
    )
    assert [(c["question"], c["hits"]) for c in found] == [
        ("geopolitics.export", [ENTITY_LIST]),
        ("geopolitics.sanctions", [SDN]),
    ]


@pytest.mark.parametrize("answer", ["listed", "unknown", None])
def test_other_answers_are_not_contradicted(answer):
    answers = {} if answer is None else {"geopolitics.export": answer}
    assert answer_conflicts(definition(EXPORT), answers, [ENTITY_LIST]) == []


def test_without_lists_every_list_counts_and_without_a_rule_nothing_does():
    anywhere = question("geopolitics.any", screening={"no_match": ["clear"]})
    plain = question("geopolitics.plain")
    answers = {"geopolitics.any": "clear", "geopolitics.plain": "clear"}
    found = answer_conflicts(definition(anywhere, plain), answers, [SDN])
    assert [c["question"] for c in found] == ["geopolitics.any"]
    assert answer_conflicts(definition(anywhere), answers, []) == []


def test_a_multiple_choice_answer_is_contradicted_when_it_includes_a_no_match_option():
    multi = question(
        "geopolitics.multi", qtype="multiple_choice", screening={"no_match": ["clear"]}
    )
    found = answer_conflicts(definition(multi), {"geopolitics.multi": ["clear"]}, [SDN])
    assert found[0]["answer"] == "Screened — no match"


def test_open_hits_drop_clear_screenings_and_hits_cleared_as_false_positives():
    potential = Screening(status="potential_match", hits=[SDN], disposition="")
    assert open_hits(potential) == [SDN]
    assert open_hits(Screening(status="potential_match", hits=[SDN], disposition="confirmed"))
    cleared = Screening(status="potential_match", hits=[SDN], disposition="false_positive")
    assert open_hits(cleared) == []
    # The report passes the verdict that stood at its snapshot instead of the row's own.
    assert open_hits(cleared, disposition="") == [SDN]
    assert open_hits(potential, disposition="false_positive") == []
    assert open_hits(Screening(status="clear", hits=[])) == []
    assert open_hits(None) == []


@pytest.mark.parametrize("name", ["ai-vendor-core.yaml", "ai-vendor-quick-screen.yaml"])
def test_the_library_s_list_questions_catch_the_demo_list_and_the_sdn_list(name):
    library = load_definition_file(LIBRARY / name)
    sample = json.loads(SAMPLE.read_text())["results"]
    answers = {
        "geopolitics.sanctions_screening": "clear",
        "geopolitics.export_control_lists": "clear",
    }
    found = answer_conflicts(library, answers, [*sample, SDN])
    assert {c["question"]: [h["source"] for h in c["hits"]] for c in found} == {
        "geopolitics.sanctions_screening": [SDN["source"]],
        "geopolitics.export_control_lists": [sample[0]["source"]],
    }
