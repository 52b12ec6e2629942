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
import json
from pathlib import Path
from typing import Any, Literal

import yaml

from governance.scoring.hashing import canonical_definition as _canonical_definition
from governance.scoring.hashing import canonical_json, definition_content_hash

from .constants import (
    CHOICE_TYPES,
    DEFAULT_WEIGHT,
    DOMAIN_KEYS,
    FIELD_RANK,
    FINDING_RISK_THRESHOLD,
    KEY_PATTERN,
    KNOCKOUT_SEVERITIES,
    MAX_DEFINITION_CHARS,
    NON_BLANK_PATTERN,
    QUESTION_KEY_PATTERN,
    QUESTION_TYPES,
    QUESTIONNAIRE_KEY_PATTERN,
    REFERENCE_KEYS,
    SCHEMA_PATH,
    SPECIAL_OPTIONS,
    STATUSES,
    VERSION_PATTERN,
    WEIGHT_MAX,
    Path_,
)
from .errors import DefinitionError, DefinitionInvalid
from .json_io import parse_json
from .paths import format_path, kind_of, path_sort_key
from .schema import load_schema, nul_errors, schema_errors
from .semantic import semantic_errors
from .yaml_io import DefinitionDumper, parse_yaml, with_line

__all__ = [
    "CHOICE_TYPES",
    "DEFAULT_WEIGHT",
    "DOMAIN_KEYS",
    "FINDING_RISK_THRESHOLD",
    "KEY_PATTERN",
    "KNOCKOUT_SEVERITIES",
    "MAX_DEFINITION_CHARS",
    "NON_BLANK_PATTERN",
    "QUESTIONNAIRE_KEY_PATTERN",
    "QUESTION_KEY_PATTERN",
    "QUESTION_TYPES",
    "REFERENCE_KEYS",
    "SCHEMA_PATH",
    "SPECIAL_OPTIONS",
    "STATUSES",
    "VERSION_PATTERN",
    "WEIGHT_MAX",
    "DefinitionError",
    "DefinitionInvalid",
    "canonical_definition",
    "canonical_json",
    "content_hash",
    "dump_definition",
    "format_path",
    "load_definition_file",
    "load_schema",
    "parse_definition",
    "validate_definition",
]


def validate_definition(data: Any, *, source: str) -> list[DefinitionError]:
    """Every problem in ``data``, in reading order; an empty list means valid."""
    if not isinstance(data, dict):
        if data is None:
            message = "the definition is empty"
        else:
            message = f"the definition must be a mapping at the top level, not {kind_of(data)}"
        return [DefinitionError(source, "", message)]
    raw = nul_errors(data) + schema_errors(data) + semantic_errors(data)
    unique: dict[tuple[Path_, str], None] = {}
    for path, message in raw:
        unique.setdefault((path, message), None)
    ordered = sorted(unique, key=lambda item: path_sort_key(item[0]))
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
        data, parse_errors, lines = parse_yaml(text, source)
    else:
        data, parse_errors = parse_json(text, source)
        lines = {}
    if parse_errors:
        raise DefinitionInvalid(parse_errors)
    errors = validate_definition(data, source=source)
    if errors:
        located = [with_line(error, lines) for error in errors]
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

    The form itself is governance/scoring/hashing.py's (one rule for the loader and the
    engine, so both compute the same content hash); this adds validation first. Pass
    ``validate=False`` only for data just validated.
    """
    if validate:
        _raise_if_invalid(data)
    return _canonical_definition(data)


def content_hash(data: dict) -> str:
    """SHA-256 hex of the canonical definition (status excluded); validates ``data`` first."""
    _raise_if_invalid(data)
    return definition_content_hash(data)


def _raise_if_invalid(data: dict) -> None:
    errors = validate_definition(data, source="<definition>")
    if errors:
        raise DefinitionInvalid(errors)


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
        Dumper=DefinitionDumper,
        sort_keys=False,
        allow_unicode=True,
        width=100,
        default_flow_style=False,
    )


def _ordered(node: Any) -> Any:
    if isinstance(node, dict):
        names = sorted(node, key=lambda name: (FIELD_RANK.get(name, len(FIELD_RANK)), name))
        return {name: _ordered(node[name]) for name in names}
    if isinstance(node, list):
        return [_ordered(item) for item in node]
    return node
