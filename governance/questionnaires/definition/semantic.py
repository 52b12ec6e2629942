"""Semantic layer: the Python checks for what a schema cannot say (uniqueness, references
between questions, band order)."""

from __future__ import annotations

import math
from typing import Any

from .constants import CHOICE_TYPES, FINDING_RISK_THRESHOLD, SPECIAL_OPTIONS, Path_
from .paths import format_path, show_value


def semantic_errors(data: dict) -> list[tuple[Path_, str]]:
    errors: list[tuple[Path_, str]] = []
    sections = data.get("sections")
    if not isinstance(sections, list):
        sections = []

    # First pass: positions of every question in reading order, and key uniqueness.
    section_seen: dict[str, Path_] = {}
    question_seen: dict[str, tuple[int, Path_, dict]] = {}
    ordered: list[tuple[int, Path_, dict]] = []
    position = 0
    for s_index, section in enumerate(sections):
        if not isinstance(section, dict):
            continue
        s_path: Path_ = ("sections", s_index)
        s_key = section.get("key")
        if isinstance(s_key, str):
            if s_key in section_seen:
                errors.append(
                    (
                        (*s_path, "key"),
                        f"duplicate section key {s_key!r}; already "
                        f"used at {format_path(section_seen[s_key])}",
                    )
                )
            else:
                section_seen[s_key] = s_path
        questions = section.get("questions")
        if not isinstance(questions, list):
            continue
        for q_index, question in enumerate(questions):
            if not isinstance(question, dict):
                continue
            q_path = (*s_path, "questions", q_index)
            ordered.append((position, q_path, question))
            q_key = question.get("key")
            if isinstance(q_key, str):
                if q_key in question_seen:
                    first = format_path(question_seen[q_key][1])
                    errors.append(
                        (
                            (*q_path, "key"),
                            f"duplicate question key {q_key!r}; already used at {first}",
                        )
                    )
                else:
                    question_seen[q_key] = (position, q_path, question)
            position += 1

    for q_position, q_path, question in ordered:
        qtype = question.get("type")
        options = question.get("options")
        if qtype in CHOICE_TYPES and isinstance(options, list):
            errors.extend(_option_errors(q_path, qtype, options))
        number = question.get("number")
        if qtype == "number" and isinstance(number, dict):
            errors.extend(_number_errors((*q_path, "number"), number))
        date = question.get("date")
        if qtype == "date" and isinstance(date, dict):
            bands = date.get("bands")
            if isinstance(bands, list):
                errors.extend(_band_errors((*q_path, "date", "bands"), bands, "max_age_days"))
        show_if = question.get("show_if")
        if isinstance(show_if, dict):
            errors.extend(_show_if_errors(q_path, q_position, show_if, question_seen))
        screening = question.get("screening")
        if isinstance(screening, dict):
            errors.extend(_screening_errors(q_path, question, screening))

    errors.extend(_non_finite_errors(data, ()))
    return errors


def _option_errors(q_path: Path_, qtype: str, options: list) -> list[tuple[Path_, str]]:
    errors: list[tuple[Path_, str]] = []
    seen: dict[str, int] = {}
    regular = 0
    for index, option in enumerate(options):
        if not isinstance(option, dict):
            continue
        o_path = (*q_path, "options", index)
        key = option.get("key")
        special = option.get("special")
        if isinstance(key, str):
            if key in seen:
                first = format_path((*q_path, "options", seen[key]))
                errors.append(
                    ((*o_path, "key"), f"duplicate option key {key!r}; already used at {first}")
                )
            else:
                seen[key] = index
        # Reserved keys and special markers must agree: the scoring engine keys its
        # "don't know" findings as '<question>:unknown', and a regular option of that
        # name would collide with it.
        if isinstance(special, str) and special in SPECIAL_OPTIONS:
            if isinstance(key, str) and key != special:
                errors.append(
                    (
                        (*o_path, "key"),
                        f"an option with special: {special} must have the key {special!r}",
                    )
                )
        elif special is None:
            regular += 1
            if key in SPECIAL_OPTIONS:
                errors.append(
                    ((*o_path, "special"), f"an option keyed {key!r} must set special: {key}")
                )
            elif qtype == "yes_no" and isinstance(key, str) and key not in ("yes", "no"):
                errors.append(
                    (
                        (*o_path, "key"),
                        f"{key!r} is not allowed in a yes_no question; use yes, no, "
                        "unknown or not_applicable",
                    )
                )
        risk = option.get("risk")
        if (
            "knockout" in option
            and special is None
            and isinstance(risk, int)
            and not isinstance(risk, bool)
            and 0 <= risk < FINDING_RISK_THRESHOLD
        ):
            errors.append(
                (
                    (*o_path, "risk"),
                    f"a knock-out option must carry risk {FINDING_RISK_THRESHOLD} or "
                    f"more, not {risk}",
                )
            )
    if not options:
        return errors  # the schema already reports the empty list
    if qtype == "yes_no":
        missing = [key for key in ("yes", "no") if key not in seen]
        if missing:
            names = " and ".join(repr(key) for key in missing)
            errors.append(((*q_path, "options"), f"a yes_no question needs the option {names}"))
    elif regular < 2:
        errors.append(
            (
                (*q_path, "options"),
                f"a {qtype} question needs at least two options besides "
                "'unknown' and 'not_applicable'",
            )
        )
    return errors


def _number_errors(n_path: Path_, number: dict) -> list[tuple[Path_, str]]:
    errors: list[tuple[Path_, str]] = []
    # Compared only when both are numbers (`numeric`).
    low: Any = number.get("min")
    high: Any = number.get("max")
    numeric = _is_number(low) and _is_number(high)
    if numeric and low > high:
        errors.append(
            ((*n_path, "min"), f"min {show_value(low)} is greater than max {show_value(high)}")
        )
    bands = number.get("bands")
    if not isinstance(bands, list):
        return errors
    errors.extend(_band_errors((*n_path, "bands"), bands, "max"))
    if not numeric or low > high:
        return errors
    # Bands outside min..max can never apply; that is almost always a typo in a bound.
    for index, band in enumerate(bands):
        if not isinstance(band, dict) or not _is_number(band.get("max")):
            continue
        bound = band["max"]
        b_path = (*n_path, "bands", index, "max")
        if bound < low:
            errors.append(
                (
                    b_path,
                    f"{show_value(bound)} is below min {show_value(low)}, "
                    "so this band can never apply",
                )
            )
        elif bound >= high and index < len(bands) - 2:
            errors.append(
                (
                    b_path,
                    f"{show_value(bound)} reaches max {show_value(high)}, so the bands "
                    "after it can never apply",
                )
            )
    return errors


def _band_errors(b_path: Path_, bands: list, bound_field: str) -> list[tuple[Path_, str]]:
    errors: list[tuple[Path_, str]] = []
    previous = None
    last = len(bands) - 1
    for index, band in enumerate(bands):
        if not isinstance(band, dict) or bound_field not in band:
            continue
        bound = band[bound_field]
        f_path = (*b_path, index, bound_field)
        if bound is None:
            if index != last:
                errors.append(
                    (f_path, f"only the last band may be open-ended ({bound_field}: null)")
                )
            continue
        if not _is_number(bound):
            continue  # type errors come from the schema
        if index == last:
            errors.append(
                (
                    f_path,
                    f"the last band must be open-ended ({bound_field}: null), "
                    f"not {show_value(bound)}",
                )
            )
        if previous is not None and bound <= previous:
            errors.append(
                (
                    f_path,
                    f"{show_value(bound)} is not greater than the previous band's "
                    f"{bound_field} {show_value(previous)}; bands must ascend",
                )
            )
        previous = bound
    return errors


def _show_if_errors(
    q_path: Path_,
    q_position: int,
    show_if: dict,
    question_seen: dict[str, tuple[int, Path_, dict]],
) -> list[tuple[Path_, str]]:
    errors: list[tuple[Path_, str]] = []
    target_key = show_if.get("question")
    if not isinstance(target_key, str):
        return errors
    s_path = (*q_path, "show_if")
    if target_key not in question_seen:
        return [((*s_path, "question"), f"unknown question {target_key!r}")]
    t_position, t_path, target = question_seen[target_key]
    if t_position == q_position:
        return [((*s_path, "question"), "a question cannot depend on itself")]
    if t_position > q_position:
        # Answers are collected top to bottom; a forward reference could also form a cycle.
        return [
            (
                (*s_path, "question"),
                f"{target_key!r} comes later (at {format_path(t_path)}); show_if must refer "
                "to an earlier question",
            )
        ]
    t_type = target.get("type")
    if t_type not in CHOICE_TYPES:
        return [
            (
                (*s_path, "question"),
                f"{target_key!r} is a {t_type} question; show_if can only refer to a "
                "single_choice, multiple_choice or yes_no question",
            )
        ]
    t_options = target.get("options")
    keys: list = []
    if isinstance(t_options, list):
        keys = list(dict.fromkeys(o.get("key") for o in t_options if isinstance(o, dict)))
    errors.extend(
        _keys_not_in((*s_path, "in"), show_if.get("in"), keys, f"an option of {target_key!r}")
    )
    return errors


def _keys_not_in(path: Path_, wanted: Any, allowed: list, what: str) -> list[tuple[Path_, str]]:
    """An error for each key listed in `wanted` that is not one of `allowed`."""
    if not isinstance(wanted, list):
        return []
    shown = ", ".join(str(k) for k in allowed)
    return [
        ((*path, index), f"{key!r} is not {what} (options: {shown})")
        for index, key in enumerate(wanted)
        if isinstance(key, str) and key not in allowed
    ]


def _screening_errors(q_path: Path_, question: dict, screening: dict) -> list[tuple[Path_, str]]:
    s_path = (*q_path, "screening")
    qtype = question.get("type")
    if qtype not in CHOICE_TYPES:
        return [
            (
                s_path,
                f"only a single_choice, multiple_choice or yes_no question can say which "
                f"answers a screening contradicts, not a {qtype} question",
            )
        ]
    options = question.get("options")
    regular = []
    if isinstance(options, list):
        regular = [
            o.get("key") for o in options if isinstance(o, dict) and o.get("special") is None
        ]
    return _keys_not_in(
        (*s_path, "no_match"),
        screening.get("no_match"),
        regular,
        "an option of this question that states an answer",
    )


def _non_finite_errors(node: Any, path: Path_) -> list[tuple[Path_, str]]:
    # YAML accepts .inf and .nan; canonical JSON cannot represent them.
    if isinstance(node, float) and not math.isfinite(node):
        return [(path, f"{node!r} is not a finite number")]
    if isinstance(node, dict):
        return [e for k, v in node.items() for e in _non_finite_errors(v, (*path, k))]
    if isinstance(node, list):
        return [e for i, v in enumerate(node) for e in _non_finite_errors(v, (*path, i))]
    return []


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)
