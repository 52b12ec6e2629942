"""Schema layer: the published JSON Schema, and its errors translated into short messages."""

from __future__ import annotations

import json
import re
from functools import lru_cache
from typing import Any

import jsonschema

from .constants import (
    FIELD_RANK,
    FINDING_RISK_THRESHOLD,
    KEY_PATTERN,
    NON_BLANK_PATTERN,
    QUESTION_KEY_PATTERN,
    QUESTIONNAIRE_KEY_PATTERN,
    SCHEMA_PATH,
    VERSION_PATTERN,
    WEIGHT_MAX,
    Path_,
)
from .paths import TYPE_NOUNS, kind_of, resolve_path, show_value


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
    shown = show_value(value)
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
            question = resolve_path(data, path[:end])
            if isinstance(question, dict) and isinstance(question.get("type"), str):
                return question["type"]
            return ""
    return ""


def nul_errors(data: Any, path: Path_ = ()) -> list[tuple[Path_, str]]:
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
                out.extend(nul_errors(value, (*path, key)))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            out.extend(nul_errors(value, (*path, index)))
    return out


def schema_errors(data: Any) -> list[tuple[Path_, str]]:
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
    # An error from iter_errors always carries these; the stubs also allow "unset".
    value: Any = error.instance
    kind: Any = error.validator
    rule: Any = error.validator_value
    schema: Any = error.schema
    last = path[-1] if path else None

    if kind == "required":
        missing = [name for name in rule if name not in value]
        return [((*path, name), _required_message(value, name)) for name in missing]

    if kind == "additionalProperties":
        allowed = sorted(schema.get("properties", {}), key=lambda n: FIELD_RANK.get(n, 99))
        extras = [name for name in value if name not in schema.get("properties", {})]
        return [
            ((*path, name), f"unknown field (allowed here: {', '.join(allowed)})")
            for name in extras
        ]

    if kind == "not":
        # Only used as {"not": {"required": [field]}} to forbid a field in a context.
        field = rule["required"][0]
        if len(path) >= 2 and path[-2] == "options":
            special = value.get("special") if isinstance(value, dict) else None
            return [((*path, field), f"not allowed on a special option ({special})")]
        qtype = value.get("type") if isinstance(value, dict) else ""
        return [((*path, field), f"not allowed for a {qtype} question")]

    if kind == "enum":
        if last == "status" and value == "retired":
            return [(path, "'retired' is set only in the database; a file is draft or published")]
        template = _ENUM_MESSAGES.get(str(last), "{value} is not one of: {options}")
        options = ", ".join(str(v) for v in rule)
        return [(path, template.format(value=show_value(value), options=options))]

    if kind == "type":
        if path == ():
            return [
                (path, f"the definition must be a mapping at the top level, not {kind_of(value)}")
            ]
        if last == "version":
            return [
                (
                    path,
                    f"{show_value(value)} is not a semantic version MAJOR.MINOR.PATCH "
                    "(e.g. 1.0.0); quote it in YAML",
                )
            ]
        expected = rule
        names: list[str] = expected if isinstance(expected, list) else [expected]
        noun = " or ".join(TYPE_NOUNS.get(name, name) for name in names)
        if isinstance(value, (dict, list, tuple)):
            return [(path, f"expected {noun}, got {kind_of(value)}")]
        return [(path, f"{show_value(value)} is not {noun}")]

    if kind == "pattern":
        return [(path, _pattern_message(path, value, rule))]

    if kind in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"):
        if last == "risk":
            return [(path, f"{show_value(value)} is not between 0 and 100")]
        if last == "weight":
            return [(path, f"{show_value(value)} is not between 0 (exclusive) and {WEIGHT_MAX}")]
        if last == "max_age_days":
            return [(path, f"{show_value(value)} must be 0 or more")]
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
