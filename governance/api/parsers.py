"""The API's JSON parser: bounded in size and nesting before anything else sees the body.

DRF's parser reads the stream in full (Django's DATA_UPLOAD_MAX_MEMORY_SIZE does not apply to
it) and lets a deeply nested document through to code that recurses over it, where it ends in
a RecursionError and a 500. No request body the API accepts comes near either limit.
"""

import codecs
import json
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from rest_framework import parsers
from rest_framework.exceptions import ParseError
from rest_framework.utils.json import strict_constant

TOO_LARGE = "The JSON body is larger than {limit} bytes."
TOO_DEEP = "The JSON body is nested more than {limit} levels deep."


def nesting_depth(value: Any) -> int:
    """How deep lists and objects nest in a parsed document (a scalar is 0), without
    recursion, so that measuring a hostile document cannot itself overflow the stack."""
    deepest = 0
    stack: list[tuple[Any, int]] = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        children: Iterable[Any]
        if isinstance(item, dict):
            children = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        depth += 1
        deepest = max(deepest, depth)
        stack.extend((child, depth) for child in children)
    return deepest


class BoundedJSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        encoding = (parser_context or {}).get("encoding", settings.DEFAULT_CHARSET)
        max_bytes = settings.API_MAX_JSON_BYTES
        # One byte more than allowed is enough to know the body is too large.
        raw = stream.read(max_bytes + 1) if stream is not None else b""
        if len(raw) > max_bytes:
            raise ParseError(TOO_LARGE.format(limit=max_bytes), code="too_large")
        try:
            text = codecs.decode(raw, encoding)
            data = json.loads(text, parse_constant=strict_constant if self.strict else None)
        except RecursionError as exc:
            raise ParseError(
                TOO_DEEP.format(limit=settings.API_MAX_JSON_DEPTH), code="too_deep"
            ) from exc
        except ValueError as exc:  # UnicodeDecodeError and JSONDecodeError alike
            raise ParseError(f"JSON parse error - {exc}") from exc
        if nesting_depth(data) > settings.API_MAX_JSON_DEPTH:
            raise ParseError(TOO_DEEP.format(limit=settings.API_MAX_JSON_DEPTH), code="too_deep")
        return data
