"""Paths into a definition (formatting, reading order) and value wording for messages."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from .constants import FIELD_RANK, Path_


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


def path_sort_key(path: Path_) -> tuple:
    # Indexes sort numerically and field names in the order authors write them, so the
    # error list reads top to bottom like the file.
    key = []
    for part in path:
        if isinstance(part, int) and not isinstance(part, bool):
            key.append((0, part, ""))
        else:
            name = str(part)
            key.append((1, FIELD_RANK.get(name, len(FIELD_RANK)), name))
    return tuple(key)


def show_value(value: Any) -> str:
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


def kind_of(value: Any) -> str:
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


TYPE_NOUNS = {
    "string": "a string",
    "integer": "an integer",
    "number": "a number",
    "boolean": "true or false",
    "array": "a list",
    "object": "a mapping",
    "null": "null",
}


def resolve_path(data: Any, path: Path_) -> Any:
    node = data
    for part in path:
        try:
            node = node[part]
        except (KeyError, IndexError, TypeError):
            return None
    return node
