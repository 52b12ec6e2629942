"""Reading a pinned questionnaire definition and the answers given to it."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any


def iter_questions(definition: Mapping) -> Iterable[tuple[Mapping, Mapping]]:
    for section in definition.get("sections") or ():
        for question in section.get("questions") or ():
            yield section, question


def answer_text(question: Mapping, value: Any) -> str:
    """The answer as a reader understands it: option labels, not keys."""
    if value is None:
        return ""
    options = {o["key"]: o.get("label", o["key"]) for o in question.get("options") or ()}
    qtype = question.get("type")
    if qtype == "multiple_choice" and isinstance(value, list):
        return "; ".join(options.get(v, str(v)) for v in value)
    if qtype in ("single_choice", "yes_no"):
        return options.get(value, str(value))
    if qtype == "number":
        unit = (question.get("number") or {}).get("unit") or ""
        return f"{value} {unit}".strip()
    return str(value)


def _visible(question: Mapping, answers: Mapping[str, Any]) -> bool:
    condition = question.get("show_if")
    if not condition:
        return True
    value = answers.get(condition["question"])
    if value is None:
        return False
    allowed = set(condition.get("in") or ())
    if isinstance(value, list):
        return bool(allowed.intersection(value))
    return value in allowed


def _is_not_applicable(value: Any, options: Mapping[str, Mapping]) -> bool:
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
