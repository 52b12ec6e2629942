"""YAML I/O: a YAML 1.2-style safe parser with line numbers, and the export dumper."""

from __future__ import annotations

import re
from typing import Any

import yaml

from .constants import Path_
from .errors import DefinitionError
from .paths import format_path


def _yaml12_loader(base: type[Any]) -> type[Any]:
    """A safe loader class that reads scalars the YAML 1.2 way.

    PyYAML follows YAML 1.1, where unquoted yes/no/on/off are booleans and 2025-01-30
    is a date. Option keys 'yes' and 'no' and date-like text must stay strings, so only
    true/false are booleans here and timestamps are not resolved.
    """
    loader: type[Any] = type(f"YAML12{base.__name__}", (base,), {})
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


class DefinitionDumper(yaml.SafeDumper):
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


DefinitionDumper.add_representer(str, _represent_str)


def parse_yaml(text: str, source: str) -> tuple[Any, list[DefinitionError], dict[str, int]]:
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


def with_line(error: DefinitionError, lines: dict[str, int]) -> DefinitionError:
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
