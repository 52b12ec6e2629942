"""Answer values: normalisation and validation with messages an assessor can act on.

`None` always means "not answered" (the same as leaving the key out), so a cleared form field
never turns into an invalid answer.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .compile import compile_question
from .hashing import ENGINE_VERSION
from .structures import (
    KIND_CHOICE,
    KIND_DATE,
    KIND_MULTI,
    KIND_NUMBER,
    CompiledQuestion,
    CompiledQuestionnaire,
)

MAX_TEXT_LENGTH = 20_000
_DATE_RE = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)


@dataclass(frozen=True, slots=True)
class AnswerError:
    question: str
    field: str  # "question" (the key itself is the problem) or "value"
    message: str


class InvalidAnswer(ValueError):
    """Raised by the normalising functions; `.errors` holds every problem found."""

    def __init__(self, errors: list[AnswerError]) -> None:
        super().__init__(" ".join(f"{e.question}: {e.message}" for e in errors))
        self.errors = errors


def _type_name(value: object) -> str:
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, (list, tuple)):
        return "a list"
    if isinstance(value, Mapping):
        return "an object"
    return type(value).__name__


def _fmt_number(value: float) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return repr(value)


def _option_list(q: CompiledQuestion) -> str:
    return ", ".join(o.key for o in q.options)


def is_iso_date(value: object) -> bool:
    """Cheap shape test for "YYYY-MM-DD"; `date.fromisoformat` must still accept the value.

    fromisoformat alone also takes "20261129" and "2026-W48-1"; with the length, dash
    positions and ASCII fixed, it only accepts exactly what the regex in parse_date does.
    """
    return (
        type(value) is str
        and len(value) == 10
        and value[4] == "-"
        and value[7] == "-"
        and value.isascii()
    )


def parse_date(value: object) -> dt.date | None:
    """The date of a strict "YYYY-MM-DD" string, or None."""
    if not isinstance(value, str) or not _DATE_RE.fullmatch(value):
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        return None


def check_value(q: CompiledQuestion, value: object) -> tuple[object, list[str]]:
    """Normalise a non-None answer value; returns (normalised value, problems)."""
    kind = q.kind
    if kind == KIND_CHOICE:
        if not isinstance(value, str):
            return value, [f"Expected an option key (text), got {_type_name(value)}."]
        if value not in q.option_map:
            return value, [f'Option "{value}" is not one of: {_option_list(q)}.']
        return str(value), []

    if kind == KIND_MULTI:
        if not isinstance(value, (list, tuple)):
            return value, [f"Expected a list of option keys, got {_type_name(value)}."]
        if not value:
            return value, ["Select at least one option."]
        problems: list[str] = []
        keys: set[str] = set()
        for item in value:
            if not isinstance(item, str):
                problems.append(f"Expected option keys (text), got {_type_name(item)}.")
            elif item not in q.option_map:
                problems.append(f'Option "{item}" is not one of: {_option_list(q)}.')
            else:
                keys.add(str(item))
        if len(keys) > 1:
            for key in sorted(keys):
                if q.option_map[key].special is not None:
                    problems.append(f'Option "{key}" cannot be combined with other options.')
        return sorted(keys), problems

    if kind == KIND_NUMBER:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            return value, [f"Expected a number, got {_type_name(value)}."]
        if isinstance(value, float):
            if not math.isfinite(value):
                return value, ["Value must be a finite number."]
            if value.is_integer():
                value = int(value)
        unit = f" ({q.unit})" if q.unit else ""
        if q.number_min is not None and value < q.number_min:
            return value, [
                f"Value {_fmt_number(value)} is below the minimum "
                f"{_fmt_number(q.number_min)}{unit}."
            ]
        if q.number_max is not None and value > q.number_max:
            return value, [
                f"Value {_fmt_number(value)} is above the maximum "
                f"{_fmt_number(q.number_max)}{unit}."
            ]
        return value, []

    if kind == KIND_DATE:
        if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
            return value.isoformat(), []
        if not isinstance(value, str):
            return value, [f'Expected a date as text "YYYY-MM-DD", got {_type_name(value)}.']
        if parse_date(value) is None:
            return value, [f'"{value}" is not a valid date (expected YYYY-MM-DD).']
        return str(value), []

    # text
    if not isinstance(value, str):
        return value, [f"Expected text, got {_type_name(value)}."]
    problems = []
    if len(value) > MAX_TEXT_LENGTH:
        problems.append(
            f"Text is {len(value):,} characters long; the maximum is {MAX_TEXT_LENGTH:,}."
        )
    if "\x00" in value:
        problems.append("Text must not contain NUL characters.")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        problems.append("Text contains characters that cannot be stored (lone surrogates).")
    return str(value), problems


def normalise_answer(question: CompiledQuestion | Mapping[str, Any], value: object) -> object:
    """Return the normalised form of `value` for `question`, or raise `InvalidAnswer`.

    `question` is a compiled question (`compiled.by_key[key]`) or a question definition.
    `None` (not answered) is returned unchanged.
    """
    q = question if isinstance(question, CompiledQuestion) else compile_question(question)
    if value is None:
        return None
    normalised, problems = check_value(q, value)
    if problems:
        raise InvalidAnswer([AnswerError(q.key, "value", m) for m in problems])
    return normalised


def normalise_answers(
    compiled: CompiledQuestionnaire, answers: Mapping[str, object]
) -> dict[str, object]:
    """Normalise every answer, dropping `None` values; raise `InvalidAnswer` listing all errors.

    Unlike `validate_answers` this does not judge visibility: answers to hidden questions are
    kept (the engine ignores them).
    """
    result: dict[str, object] = {}
    errors: list[AnswerError] = []
    by_key = compiled.by_key
    for key, value in answers.items():
        q = by_key.get(key)
        if q is None:
            errors.append(AnswerError(str(key), "question", f'Unknown question "{key}".'))
            continue
        if value is None:
            continue
        normalised, problems = check_value(q, value)
        errors.extend(AnswerError(key, "value", m) for m in problems)
        result[key] = normalised
    if errors:
        raise InvalidAnswer(errors)
    return result


def questionnaire_reference(compiled: CompiledQuestionnaire) -> dict[str, str]:
    return {
        "key": compiled.key,
        "version": compiled.version,
        "content_hash": compiled.content_hash,
    }


def input_document(
    compiled: CompiledQuestionnaire,
    answers: Mapping[str, object],
    context: Mapping[str, Any],
    policy: Mapping[str, Any],
) -> dict[str, Any]:
    """Everything a score depends on, as plain JSON data.

    Answers are normalised and `None` values dropped (None means "not answered", exactly like
    a missing key), so equivalent inputs produce the same document and hash. Answers to
    hidden questions are kept: they are part of the input even though the rules ignore them.
    Raises `InvalidAnswer` for an unknown question or an invalid value.
    """
    return {
        "engine_version": ENGINE_VERSION,
        "questionnaire": questionnaire_reference(compiled),
        "answers": dict(sorted(normalise_answers(compiled, answers).items())),
        "context": context,
        "policy": policy,
    }


def _either(values: tuple[str, ...]) -> str:
    quoted = [f'"{v}"' for v in values]
    if len(quoted) == 1:
        return quoted[0]
    return ", ".join(quoted[:-1]) + " or " + quoted[-1]


# Visibility states of a controlling question while walking the questionnaire in order.
_HIDDEN, _UNDECIDED = object(), object()


def validate_answers(
    compiled: CompiledQuestionnaire, answers: Mapping[str, object], *, complete: bool = False
) -> list[AnswerError]:
    """Every problem with `answers`, in questionnaire order, then unknown keys (sorted).

    With `complete=True`, also every visible required question that has no answer.
    Visibility follows the answers given: when a controlling answer is itself invalid, the
    visibility of its dependants cannot be decided and they are not judged on it.
    """
    errors: list[AnswerError] = []
    # Normalised answer (or _HIDDEN / _UNDECIDED / None) of each question that others follow.
    state: dict[str, object] = {}
    for q in compiled.questions:
        value = answers.get(q.key)
        normalised: object = None
        valid = True
        if value is not None:
            normalised, problems = check_value(q, value)
            valid = not problems
            errors.extend(AnswerError(q.key, "value", m) for m in problems)

        visible: bool | None = True
        reason = ""
        if q.show_if_question is not None:
            ctrl = state[q.show_if_question]
            if ctrl is _UNDECIDED:
                visible = None
            elif ctrl is _HIDDEN:
                visible = False
                reason = f'"{q.show_if_question}" is hidden'
            else:
                visible = q.shown_by(ctrl)
                reason = f'"{q.show_if_question}" is not answered {_either(q.show_if_values)}'

        if visible is False and value is not None:
            errors.append(
                AnswerError(q.key, "question", f'Question "{q.key}" is hidden because {reason}.')
            )
        elif complete and visible and value is None and q.required:
            errors.append(AnswerError(q.key, "value", "Required question is not answered."))

        if q.controls:
            if visible is None or not valid:
                state[q.key] = _UNDECIDED
            elif visible is False:
                state[q.key] = _HIDDEN
            else:
                state[q.key] = normalised

    unknown = [k for k in answers if k not in compiled.by_key]
    for key in sorted(unknown, key=str):
        errors.append(AnswerError(str(key), "question", f'Unknown question "{key}".'))
    return errors
