"""Load, validate, canonicalise, hash and export questionnaire definitions.

Pure Python on purpose (no Django import): the same code validates library files in
tests and CI, definitions uploaded through the API, and exports, and the scoring engine
can rely on whatever passed here.

Validation has two layers. The published JSON Schema (schema/questionnaire.schema.json)
checks structure; its errors are translated into short messages addressed by path, e.g.
``ai-vendor-core.yaml: sections[2].questions[4].options[1].risk: 120 is not between 0
and 100``. Python checks then cover what a schema cannot say (uniqueness, references
between questions, band order). Every problem is reported, not just the first, so an
author can fix a file in one pass. List indexes in paths are 0-based, as in JSON Pointer.
"""

from __future__ import annotations

import copy
import hashlib
import json
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

import jsonschema
import yaml

# Must equal the keys of governance/scoring/domains.py, in the same order (the contract
# fixes them). They are repeated here rather than imported so that the questionnaire
# loader stays independent of the scoring package; a test compares both.
DOMAIN_KEYS: tuple[str, ...] = (
    "privacy",
    "geopolitics",
    "lock_in",
    "security",
    "regulatory",
    "cost",
)

QUESTION_TYPES: tuple[str, ...] = (
    "single_choice",
    "multiple_choice",
    "yes_no",
    "number",
    "date",
    "text",
)
CHOICE_TYPES: frozenset[str] = frozenset({"single_choice", "multiple_choice", "yes_no"})
SPECIAL_OPTIONS: tuple[str, ...] = ("unknown", "not_applicable")
KNOCKOUT_SEVERITIES: tuple[str, ...] = ("high", "critical")
STATUSES: tuple[str, ...] = ("draft", "published")
REFERENCE_KEYS: tuple[str, ...] = (
    "nist_ai_rmf",
    "iso_42001",
    "eu_ai_act",
    "gdpr",
    "nist_ai_600_1",
    "other",
)
FINDING_RISK_THRESHOLD = 50
WEIGHT_MAX = 10
DEFAULT_WEIGHT = 1

# Definitions may arrive through an upload endpoint; refuse absurd inputs before parsing.
MAX_DEFINITION_CHARS = 2_000_000

SCHEMA_PATH = Path(__file__).resolve().parent / "schema" / "questionnaire.schema.json"

QUESTIONNAIRE_KEY_PATTERN = "^[a-z0-9][a-z0-9-]*$"
KEY_PATTERN = "^[a-z0-9_]+$"
QUESTION_KEY_PATTERN = r"^[a-z0-9_]+(\.[a-z0-9_]+)+$"
VERSION_PATTERN = r"^(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)$"
NON_BLANK_PATTERN = r"\S"

# Field order used for exports and for sorting errors into reading order.
_FIELD_ORDER: tuple[str, ...] = (
    "key",
    "version",
    "title",
    "description",
    "status",
    "sections",
    "text",
    "help",
    "type",
    "required",
    "domain",
    "weight",
    "evidence",
    "references",
    *REFERENCE_KEYS,
    "show_if",
    "question",
    "in",
    "options",
    "number",
    "date",
    "label",
    "special",
    "min",
    "max",
    "max_age_days",
    "unit",
    "bands",
    "risk",
    "knockout",
    "finding",
    "recommendation",
    "questions",
)
_FIELD_RANK = {name: rank for rank, name in enumerate(_FIELD_ORDER)}

Path_ = tuple[str | int, ...]


@dataclass(frozen=True)
class DefinitionError:
    """One problem in a definition: which file, where in it, and what is wrong.

    ``line`` is the 1-based line in the source text when known (YAML input only); it is
    kept out of ``str()`` so messages stay identical for YAML, JSON and in-memory data.
    """

    source: str
    path: str
    message: str
    line: int | None = None

    def __str__(self) -> str:
        if self.path:
            return f"{self.source}: {self.path}: {self.message}"
        return f"{self.source}: {self.message}"


class DefinitionInvalid(Exception):
    """Raised when a definition cannot be used; carries every problem found."""

    def __init__(self, errors: list[DefinitionError]):
        self.errors = list(errors)
        count = len(self.errors)
        lines = "\n".join(f"  - {error}" for error in self.errors)
        noun = "problem" if count == 1 else "problems"
        super().__init__(f"{count} {noun} in questionnaire definition:\n{lines}")


# --------------------------------------------------------------------------- paths


def format_path(path: Iterable[str | int]) -> str:
    """Render ('sections', 2, 'questions', 4) as 'sections[2].questions[4]'."""
    out = ""
    for part in path:
        if isinstance(part, int) and not isinstance(part, bool):
            out += f"[{part}]"
        elif out:
            out += f".{part}"
        else:
            out = str(part)
    return out


def _path_sort_key(path: Path_) -> tuple:
    # Indexes sort numerically and field names in the order authors write them, so the
    # error list reads top to bottom like the file.
    key = []
    for part in path:
        if isinstance(part, int) and not isinstance(part, bool):
            key.append((0, part, ""))
        else:
            name = str(part)
            key.append((1, _FIELD_RANK.get(name, len(_FIELD_RANK)), name))
    return tuple(key)


def _show(value: Any) -> str:
    """A short, readable rendering of a value for error messages."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, str):
        text = value if len(value) <= 60 else value[:57] + "..."
        return repr(text)
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, (list, tuple)):
        return "a list"
    return type(value).__name__


def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return "true or false"
    if value is None:
        return "null"
    if isinstance(value, int):
        return "an integer"
    if isinstance(value, float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, (list, tuple)):
        return "a list"
    return f"a {type(value).__name__}"


_TYPE_NOUNS = {
    "string": "a string",
    "integer": "an integer",
    "number": "a number",
    "boolean": "true or false",
    "array": "a list",
    "object": "a mapping",
    "null": "null",
}


def _resolve(data: Any, path: Path_) -> Any:
    node = data
    for part in path:
        try:
            node = node[part]
        except (KeyError, IndexError, TypeError):
            return None
    return node


# ------------------------------------------------------------------- schema layer


@lru_cache(maxsize=1)
def load_schema() -> dict:
    """The published JSON Schema of the definition format."""
    with SCHEMA_PATH.open(encoding="utf-8") as handle:
        return json.load(handle)


def _is_strict_integer(_checker: Any, instance: Any) -> bool:
    # JSON Schema counts 3.0 as an integer; risk points must be written as integers so
    # that YAML, JSON and the canonical form agree on one spelling.
    return isinstance(instance, int) and not isinstance(instance, bool)


def _ecma_pattern(validator: Any, pattern: str, instance: Any, schema: dict):
    # Python's "$" also matches before a trailing newline; ECMA-262 (which the schema
    # promises to integrators) does not, so anchored patterns use fullmatch here.
    if not validator.is_type(instance, "string"):
        return
    if pattern.startswith("^") and pattern.endswith("$"):
        matched = re.fullmatch(pattern[1:-1], instance) is not None
    else:
        matched = re.search(pattern, instance) is not None
    if not matched:
        yield jsonschema.ValidationError(f"{instance!r} does not match {pattern!r}")


_Validator = jsonschema.validators.extend(
    jsonschema.Draft202012Validator,
    validators={"pattern": _ecma_pattern},
    type_checker=jsonschema.Draft202012Validator.TYPE_CHECKER.redefine(
        "integer", _is_strict_integer
    ),
)


@lru_cache(maxsize=1)
def _validator() -> Any:
    schema = load_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    return _Validator(schema)


def _pattern_message(path: Path_, value: Any, pattern: str) -> str:
    shown = _show(value)
    if pattern == NON_BLANK_PATTERN:
        return "must not be blank"
    if pattern == VERSION_PATTERN:
        return f"{shown} is not a semantic version MAJOR.MINOR.PATCH (e.g. 1.0.0)"
    if pattern == QUESTIONNAIRE_KEY_PATTERN:
        return (
            f"{shown} is not a valid questionnaire key: use lower-case letters, digits "
            "and hyphens, starting with a letter or digit"
        )
    if pattern == QUESTION_KEY_PATTERN:
        return (
            f"{shown} is not a valid question key: use two or more lower-case words "
            "(letters, digits, underscores) joined by dots, e.g. privacy.data_retention"
        )
    if pattern == KEY_PATTERN:
        noun = "section" if len(path) == 3 and path[0] == "sections" else "option"
        return f"{shown} is not a valid {noun} key: use lower-case letters, digits and underscores"
    return f"{shown} does not match the pattern {pattern}"


def _owner_type(data: Any, path: Path_) -> str:
    """The type of the question at or above ``path`` (for messages), or ''."""
    for end in range(len(path), 0, -1):
        if end >= 2 and path[end - 2] == "questions":
            question = _resolve(data, path[:end])
            if isinstance(question, dict) and isinstance(question.get("type"), str):
                return question["type"]
            return ""
    return ""


def _nul_errors(data: Any, path: Path_ = ()) -> list[tuple[Path_, str]]:
    """NUL characters (which JSON's \\u0000 and YAML's \\0 escapes can produce): no
    database column can hold them, so they are refused with their place, like any other
    mistake, rather than failing the save."""
    message = "contains a NUL character, which cannot be stored"
    if isinstance(data, str):
        return [(path, message)] if "\x00" in data else []
    out: list[tuple[Path_, str]] = []
    if isinstance(data, dict):
        for key, value in data.items():
            if isinstance(key, str) and "\x00" in key:
                out.append((path, f"a field name {message}"))
            else:
                out.extend(_nul_errors(value, (*path, key)))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            out.extend(_nul_errors(value, (*path, index)))
    return out


def _schema_errors(data: Any) -> list[tuple[Path_, str]]:
    out: list[tuple[Path_, str]] = []
    for error in _validator().iter_errors(data):
        out.extend(_translate(data, error))
    return out


_ENUM_MESSAGES = {
    "type": "unknown question type {value}; expected one of: {options}",
    "domain": "unknown domain {value}; expected one of: {options}",
    "status": "{value} is not a valid status; expected draft or published",
    "knockout": "{value} is not a knock-out severity; expected high or critical",
    "special": "{value} is not a special option; expected unknown or not_applicable",
}


def _translate(data: Any, error: jsonschema.ValidationError) -> list[tuple[Path_, str]]:
    path: Path_ = tuple(error.absolute_path)
    value = error.instance
    kind = error.validator
    last = path[-1] if path else None

    if kind == "required":
        missing = [name for name in error.validator_value if name not in value]
        return [((*path, name), _required_message(value, name)) for name in missing]

    if kind == "additionalProperties":
        allowed = sorted(error.schema.get("properties", {}), key=lambda n: _FIELD_RANK.get(n, 99))
        extras = [name for name in value if name not in error.schema.get("properties", {})]
        return [
            ((*path, name), f"unknown field (allowed here: {', '.join(allowed)})")
            for name in extras
        ]

    if kind == "not":
        # Only used as {"not": {"required": [field]}} to forbid a field in a context.
        field = error.validator_value["required"][0]
        if len(path) >= 2 and path[-2] == "options":
            special = value.get("special") if isinstance(value, dict) else None
            return [((*path, field), f"not allowed on a special option ({special})")]
        qtype = value.get("type") if isinstance(value, dict) else ""
        return [((*path, field), f"not allowed for a {qtype} question")]

    if kind == "enum":
        if last == "status" and value == "retired":
            return [(path, "'retired' is set only in the database; a file is draft or published")]
        template = _ENUM_MESSAGES.get(str(last), "{value} is not one of: {options}")
        options = ", ".join(str(v) for v in error.validator_value)
        return [(path, template.format(value=_show(value), options=options))]

    if kind == "type":
        if path == ():
            return [
                (path, f"the definition must be a mapping at the top level, not {_kind(value)}")
            ]
        if last == "version":
            return [
                (
                    path,
                    f"{_show(value)} is not a semantic version MAJOR.MINOR.PATCH "
                    "(e.g. 1.0.0); quote it in YAML",
                )
            ]
        expected = error.validator_value
        names = expected if isinstance(expected, list) else [expected]
        noun = " or ".join(_TYPE_NOUNS.get(name, name) for name in names)
        if isinstance(value, (dict, list, tuple)):
            return [(path, f"expected {noun}, got {_kind(value)}")]
        return [(path, f"{_show(value)} is not {noun}")]

    if kind == "pattern":
        return [(path, _pattern_message(path, value, error.validator_value))]

    if kind in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"):
        if last == "risk":
            return [(path, f"{_show(value)} is not between 0 and 100")]
        if last == "weight":
            return [(path, f"{_show(value)} is not between 0 (exclusive) and {WEIGHT_MAX}")]
        if last == "max_age_days":
            return [(path, f"{_show(value)} must be 0 or more")]
        return [(path, error.message)]

    if kind == "minItems":
        if last == "sections":
            return [(path, "a questionnaire needs at least one section")]
        if last == "questions":
            return [(path, "a section needs at least one question")]
        if last == "options":
            return [(path, f"a {_owner_type(data, path)} question needs at least one option")]
        if last == "bands":
            return [(path, "at least one band is required")]
        if last == "in":
            return [(path, "list at least one option key")]
        return [(path, "must not be empty")]

    if kind == "uniqueItems":
        return [(path, "contains duplicate entries")]

    return [(path, error.message)]


def _required_message(value: dict, name: str) -> str:
    if name in ("options", "number", "date"):
        return f"required for a {value.get('type')} question"
    if name == "finding":
        if "knockout" in value:
            return "required for a knock-out option (title, text, recommendation)"
        return (
            f"required because risk {value.get('risk')} is {FINDING_RISK_THRESHOLD} or more "
            "(title, text, recommendation)"
        )
    return "required field is missing"


# ----------------------------------------------------------------- semantic layer


def _semantic_errors(data: dict) -> list[tuple[Path_, str]]:
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
    low, high = number.get("min"), number.get("max")
    numeric = _is_number(low) and _is_number(high)
    if numeric and low > high:
        errors.append(((*n_path, "min"), f"min {_show(low)} is greater than max {_show(high)}"))
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
                (b_path, f"{_show(bound)} is below min {_show(low)}, so this band can never apply")
            )
        elif bound >= high and index < len(bands) - 2:
            errors.append(
                (
                    b_path,
                    f"{_show(bound)} reaches max {_show(high)}, so the bands "
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
                    f"the last band must be open-ended ({bound_field}: null), not {_show(bound)}",
                )
            )
        if previous is not None and bound <= previous:
            errors.append(
                (
                    f_path,
                    f"{_show(bound)} is not greater than the previous band's "
                    f"{bound_field} {_show(previous)}; bands must ascend",
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
    wanted = show_if.get("in")
    if isinstance(wanted, list):
        for index, key in enumerate(wanted):
            if isinstance(key, str) and key not in keys:
                errors.append(
                    (
                        (*s_path, "in", index),
                        f"{key!r} is not an option of {target_key!r} "
                        f"(options: {', '.join(str(k) for k in keys)})",
                    )
                )
    return errors


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


# --------------------------------------------------------------------- public API


def validate_definition(data: Any, *, source: str) -> list[DefinitionError]:
    """Every problem in ``data``, in reading order; an empty list means valid."""
    if not isinstance(data, dict):
        if data is None:
            message = "the definition is empty"
        else:
            message = f"the definition must be a mapping at the top level, not {_kind(data)}"
        return [DefinitionError(source, "", message)]
    raw = _nul_errors(data) + _schema_errors(data) + _semantic_errors(data)
    unique: dict[tuple[Path_, str], None] = {}
    for path, message in raw:
        unique.setdefault((path, message), None)
    ordered = sorted(unique, key=lambda item: _path_sort_key(item[0]))
    return [DefinitionError(source, format_path(path), message) for path, message in ordered]


def parse_definition(text: str, *, fmt: Literal["yaml", "json"], source: str) -> dict:
    """Parse and validate a definition; return it as written (status kept).

    Raises DefinitionInvalid with every problem found, including syntax errors with
    their line number.
    """
    if fmt not in ("yaml", "json"):
        raise ValueError(f"fmt must be 'yaml' or 'json', not {fmt!r}")
    if len(text) > MAX_DEFINITION_CHARS:
        raise DefinitionInvalid(
            [
                DefinitionError(
                    source, "", f"the definition is larger than {MAX_DEFINITION_CHARS} characters"
                )
            ]
        )
    if fmt == "yaml":
        data, parse_errors, lines = _parse_yaml(text, source)
    else:
        data, parse_errors = _parse_json(text, source)
        lines = {}
    if parse_errors:
        raise DefinitionInvalid(parse_errors)
    errors = validate_definition(data, source=source)
    if errors:
        located = [_with_line(error, lines) for error in errors]
        # With line numbers at hand, report in file order (stable for equal lines).
        located.sort(key=lambda error: error.line or 0)
        raise DefinitionInvalid(located)
    return data


def load_definition_file(path: str | Path) -> dict:
    """Read a .yaml/.yml or .json definition file, validate it and return it."""
    file_path = Path(path)
    source = file_path.name
    suffix = file_path.suffix.lower()
    if suffix in (".yaml", ".yml"):
        fmt: Literal["yaml", "json"] = "yaml"
    elif suffix == ".json":
        fmt = "json"
    else:
        raise DefinitionInvalid(
            [
                DefinitionError(
                    source, "", f"unsupported file extension {suffix!r}; use .yaml, .yml or .json"
                )
            ]
        )
    try:
        # utf-8-sig: editors on some platforms prepend a byte-order mark.
        text = file_path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DefinitionInvalid(
            [DefinitionError(source, "", f"the file is not valid UTF-8 (byte {exc.start})")]
        ) from None
    return parse_definition(text, fmt=fmt, source=source)


def canonical_definition(data: dict, *, validate: bool = True) -> dict:
    """The hashed form: defaults filled in, ``status`` removed, nothing else changed.

    Defaults (contract): description and help "", required true, weight 1, evidence [] and
    references {}. The rules are deliberately the same as governance/scoring/hashing.py, so
    the loader and the scoring engine compute the same content hash for the same file; a
    test keeps them in step. Pass ``validate=False`` only for data just validated.
    """
    if validate:
        errors = validate_definition(data, source="<definition>")
        if errors:
            raise DefinitionInvalid(errors)
    result = copy.deepcopy(data)
    result.pop("status", None)
    result.setdefault("description", "")
    for section in result["sections"]:
        section.setdefault("description", "")
        for question in section["questions"]:
            for name, default in _QUESTION_DEFAULTS:
                if name not in question:
                    question[name] = copy.deepcopy(default)
    return result


_QUESTION_DEFAULTS: tuple[tuple[str, Any], ...] = (
    ("help", ""),
    ("required", True),
    ("weight", DEFAULT_WEIGHT),
    ("evidence", []),
    ("references", {}),
)


def canonical_json(obj: Any) -> str:
    """The contract's canonical JSON serialisation."""
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def content_hash(data: dict) -> str:
    """SHA-256 hex of the canonical definition (status excluded)."""
    canonical = canonical_definition(data)
    return hashlib.sha256(canonical_json(canonical).encode("utf-8")).hexdigest()


def dump_definition(data: dict, fmt: Literal["yaml", "json"]) -> str:
    """Export a valid definition as YAML or JSON; parsing it back gives the same hash.

    Fields are written in the documented order and nothing is added or dropped, so a
    library file round-trips to an equivalent file (status included when present).
    """
    if fmt not in ("yaml", "json"):
        raise ValueError(f"fmt must be 'yaml' or 'json', not {fmt!r}")
    errors = validate_definition(data, source="<export>")
    if errors:
        raise DefinitionInvalid(errors)
    ordered = _ordered(copy.deepcopy(data))
    if fmt == "json":
        return json.dumps(ordered, indent=2, ensure_ascii=False) + "\n"
    return yaml.dump(
        ordered,
        Dumper=_Dumper,
        sort_keys=False,
        allow_unicode=True,
        width=100,
        default_flow_style=False,
    )


def _ordered(node: Any) -> Any:
    if isinstance(node, dict):
        names = sorted(node, key=lambda name: (_FIELD_RANK.get(name, len(_FIELD_RANK)), name))
        return {name: _ordered(node[name]) for name in names}
    if isinstance(node, list):
        return [_ordered(item) for item in node]
    return node


# ---------------------------------------------------------------------- YAML I/O


def _yaml12_loader(base: type) -> type:
    """A safe loader class that reads scalars the YAML 1.2 way.

    PyYAML follows YAML 1.1, where unquoted yes/no/on/off are booleans and 2025-01-30
    is a date. Option keys 'yes' and 'no' and date-like text must stay strings, so only
    true/false are booleans here and timestamps are not resolved.
    """
    loader = type(f"YAML12{base.__name__}", (base,), {})
    loader.yaml_implicit_resolvers = {
        first: [
            (tag, regexp)
            for tag, regexp in resolvers
            if tag not in ("tag:yaml.org,2002:bool", "tag:yaml.org,2002:timestamp")
        ]
        for first, resolvers in base.yaml_implicit_resolvers.items()
    }
    loader.add_implicit_resolver(
        "tag:yaml.org,2002:bool",
        re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
        list("tTfF"),
    )
    return loader


# libyaml parses the core library file about ten times faster than pure Python. The pure
# Python parser is kept to word syntax errors, so messages do not depend on whether the
# installed PyYAML was built with libyaml.
_FastLoader = _yaml12_loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader))
_PyLoader = _yaml12_loader(yaml.SafeLoader)


class _Dumper(yaml.SafeDumper):
    """SafeDumper laid out like the library files: indented lists, literal blocks.

    Its resolver is the YAML 1.1 one, so strings such as 'yes' or '2025-01-30' are
    quoted on output and read back as strings by any YAML parser.
    """

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        # PyYAML writes list items flush with their parent key by default.
        super().increase_indent(flow, False)


def _represent_str(dumper: yaml.SafeDumper, value: str) -> Any:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _represent_str)


def _parse_yaml(text: str, source: str) -> tuple[Any, list[DefinitionError], dict[str, int]]:
    loader = _FastLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None, [DefinitionError(source, "", "the definition is empty")], {}
        errors, lines = _scan_nodes(node, (), source, set())
        if errors:
            return None, errors, lines
        data = loader.construct_document(node)
    except yaml.MarkedYAMLError as exc:
        return None, [_yaml_error(_python_yaml_error(text) or exc, source)], {}
    except yaml.YAMLError as exc:  # e.g. reader errors on control characters
        return None, [DefinitionError(source, "", f"YAML error: {exc}")], {}
    finally:
        loader.dispose()
    return data, [], lines


def _python_yaml_error(text: str) -> yaml.MarkedYAMLError | None:
    loader = _PyLoader(text)
    try:
        loader.get_single_node()
    except yaml.MarkedYAMLError as exc:
        return exc
    except yaml.YAMLError:
        return None
    finally:
        loader.dispose()
    return None


def _yaml_error(exc: yaml.MarkedYAMLError, source: str) -> DefinitionError:
    mark = exc.problem_mark or exc.context_mark
    problem = exc.problem or exc.context or "invalid YAML"
    if exc.context and exc.problem:
        problem = f"{exc.problem} ({exc.context})"
    if mark is None:
        return DefinitionError(source, "", f"YAML syntax error: {problem}")
    return DefinitionError(
        source,
        "",
        f"YAML syntax error at line {mark.line + 1}, column {mark.column + 1}: {problem}",
        line=mark.line + 1,
    )


def _scan_nodes(
    node: yaml.Node, path: Path_, source: str, visited: set[int]
) -> tuple[list[DefinitionError], dict[str, int]]:
    """Map paths to line numbers; catch duplicate mapping keys and aliases.

    PyYAML silently keeps the last of two equal keys, which would hide an author's
    mistake (two 'risk:' lines in one option, say), so duplicates are errors. An alias
    shows up as a node reached a second time; aliases are refused because expanding them
    lets a small upload become a huge document, and they are never needed here.
    """
    if id(node) in visited:
        message = (
            "YAML aliases (*name) are not supported in definitions "
            f"(the anchor is at line {node.start_mark.line + 1})"
        )
        return [DefinitionError(source, format_path(path), message)], {}
    visited.add(id(node))
    errors: list[DefinitionError] = []
    lines: dict[str, int] = {format_path(path): node.start_mark.line + 1}
    if isinstance(node, yaml.MappingNode):
        seen: dict[Any, int] = {}
        for key_node, value_node in node.value:
            name: Any = key_node.value if isinstance(key_node, yaml.ScalarNode) else "?"
            line = key_node.start_mark.line + 1
            if name in seen:
                message = f"duplicate mapping key {name!r} (first at line {seen[name]})"
                errors.append(
                    DefinitionError(source, format_path((*path, name)), message, line=line)
                )
                continue
            seen[name] = line
            sub_errors, sub_lines = _scan_nodes(value_node, (*path, name), source, visited)
            errors.extend(_located(sub_errors, line))
            lines.update(sub_lines)
            lines[format_path((*path, name))] = line
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            sub_errors, sub_lines = _scan_nodes(item, (*path, index), source, visited)
            errors.extend(sub_errors)
            lines.update(sub_lines)
    return errors, lines


def _located(errors: list[DefinitionError], line: int) -> list[DefinitionError]:
    return [
        error
        if error.line is not None
        else DefinitionError(error.source, error.path, error.message, line=line)
        for error in errors
    ]


_LAST_PART = re.compile(r"(\.[^.\[\]]+|\[\d+\])$")


def _with_line(error: DefinitionError, lines: dict[str, int]) -> DefinitionError:
    if not lines:
        return error
    path = error.path
    while True:
        if path in lines:
            return DefinitionError(error.source, error.path, error.message, line=lines[path])
        shorter = _LAST_PART.sub("", path)
        if shorter == path:
            return error
        path = shorter


# ---------------------------------------------------------------------- JSON I/O


def _parse_json(text: str, source: str) -> tuple[Any, list[DefinitionError]]:
    duplicates: list[str] = []

    def pairs_hook(pairs: list[tuple[str, Any]]) -> dict:
        out: dict[str, Any] = {}
        for name, value in pairs:
            if name in out:
                duplicates.append(name)
            out[name] = value
        return out

    def reject_constant(name: str) -> Any:
        raise ValueError(f"{name} is not valid JSON")

    try:
        data = json.loads(text, object_pairs_hook=pairs_hook, parse_constant=reject_constant)
    except json.JSONDecodeError as exc:
        return None, [
            DefinitionError(
                source,
                "",
                f"JSON syntax error at line {exc.lineno}, column {exc.colno}: {exc.msg}",
                line=exc.lineno,
            )
        ]
    except ValueError as exc:
        return None, [DefinitionError(source, "", f"JSON error: {exc}")]
    if duplicates:
        return None, [
            DefinitionError(source, "", f"duplicate key {name!r} in a JSON object")
            for name in duplicates
        ]
    if data is None:
        return None, [DefinitionError(source, "", "the definition is empty")]
    return data, []
