"""Reading a pinned questionnaire definition and the answers given to it."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from governance.scoring import CompiledQuestionnaire
from governance.scoring.compile import compile_question


def iter_questions(definition: Mapping) -> Iterable[tuple[Mapping, Mapping]]:
    for section in definition.get("sections") or ():
        for question in section.get("questions") or ():
            yield section, question


def compiled_definition(questionnaire) -> CompiledQuestionnaire:
    """The pinned questionnaire compiled (and cached by content hash), for the show_if rule
    and the answer labels that the engine and the pages use too."""
    from governance.assessments.selectors import compiled_questionnaire

    return compiled_questionnaire(questionnaire)


def answer_text(question: Mapping, value: Any) -> str:
    """The answer as a reader understands it: option labels, not keys."""
    return compile_question(question).answer_label(value)


def is_not_applicable(value: Any, options: Mapping[str, Mapping]) -> bool:
    chosen = value if isinstance(value, list) else [value]
    return bool(chosen) and all(
        isinstance(v, str) and (options.get(v) or {}).get("special") == "not_applicable"
        for v in chosen
    )


def driver_title(driver: Mapping, findings_by_question: Mapping[str, Mapping]) -> str:
    """A driver in plain words: the finding it raised, else the question and its answer."""
    finding = findings_by_question.get(driver["question"])
    if finding and not finding["key"].endswith((":unknown", ":unanswered")):
        return finding["title"]
    if driver.get("status") == "unanswered":
        return f"Not answered: {driver['text']}"
    if driver.get("status") == "unknown":
        return f"Unknown: {driver['text']}"
    return f"{driver['text']} — {driver.get('answer_label') or ''}".rstrip(" —")
