"""JSON I/O: a strict parser (no duplicate keys, no NaN or Infinity)."""

from __future__ import annotations

import json
from typing import Any

from .errors import DefinitionError


def parse_json(text: str, source: str) -> tuple[Any, list[DefinitionError]]:
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
