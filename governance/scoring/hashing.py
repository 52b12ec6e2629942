"""Canonical JSON and the hashes that make questionnaires and score results verifiable.

The input document itself is built beside the answer rules (answers.input_document), since
its answers are normalised ones; this module only serialises and hashes.

Anyone holding a report's embedded input document can re-serialise it with `canonical_json`
and compare the SHA-256 with the stored input hash, so the serialisation rules here are part
of the product's audit trail: changing them changes every hash.
"""

from __future__ import annotations

import copy
import hashlib
import json
import marshal
from collections.abc import Mapping
from typing import Any

ENGINE_VERSION = "1.0.0"

# One encoder instance: json.dumps would rebuild it (and re-check its arguments) on every call.
# allow_nan=False because NaN/Infinity are not JSON and would make the hash unverifiable
# by other tools.
_ENCODER = json.JSONEncoder(
    sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
)
_encode = _ENCODER.encode
_sha256 = hashlib.sha256


def canonical_json(obj: Any) -> str:
    """`json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False)`."""
    return _encode(obj)


# Canonical JSON of recently used policies, keyed by their marshal serialisation. A policy
# is the largest part of every input document and is usually the same across a batch; marshal
# is several times faster than sorted JSON and exact about content *and* types (1, 1.0 and
# True serialise differently), so equal keys always mean equal canonical JSON. Anything
# marshal cannot represent (mapping subclasses and the like) is simply encoded every time.
_POLICY_JSON: dict[bytes, str] = {}
_POLICY_JSON_SIZE = 32


def policy_json(policy: Mapping[str, Any]) -> str:
    """`canonical_json(policy)`, memoised by exact content."""
    try:
        fingerprint = marshal.dumps(policy)  # type: ignore[arg-type]  # other mappings: ValueError
    except ValueError:
        return _encode(policy)
    cached = _POLICY_JSON.get(fingerprint)
    if cached is None:
        cached = _encode(policy)
        if len(_POLICY_JSON) >= _POLICY_JSON_SIZE:
            _POLICY_JSON.clear()
        _POLICY_JSON[fingerprint] = cached
    return cached


def sha256_hex(text: str) -> str:
    return _sha256(text.encode("utf-8")).hexdigest()


# The format's defaults for a question (docs/questionnaires.md); the canonical form writes
# them out, so a definition hashes the same whether or not it spells them.
DEFAULT_WEIGHT = 1
DEFAULT_REQUIRED = True
QUESTION_DEFAULTS: tuple[tuple[str, Any], ...] = (
    ("help", ""),
    ("required", DEFAULT_REQUIRED),
    ("weight", DEFAULT_WEIGHT),
    ("evidence", []),
    ("references", {}),
)


def canonical_definition(definition: Mapping[str, Any]) -> dict[str, Any]:
    """The definition with the format's defaults filled in and without `status`.

    The one canonical form: the questionnaire loader and the engine both use it. This is the
    content that `content_hash` covers: publishing, retiring or re-importing a
    questionnaire must not change its hash, while any change to what is asked or how it is
    scored must.
    """
    result = copy.deepcopy(dict(definition))
    result.pop("status", None)
    result.setdefault("description", "")
    for section in result.get("sections") or ():
        if not isinstance(section, dict):
            continue
        section.setdefault("description", "")
        for question in section.get("questions") or ():
            if not isinstance(question, dict):
                continue
            for key, default in QUESTION_DEFAULTS:
                if key not in question:
                    question[key] = copy.deepcopy(default)
    return result


def definition_content_hash(definition: Mapping[str, Any]) -> str:
    """SHA-256 hex of the canonical JSON of `canonical_definition(definition)`."""
    return sha256_hex(_encode(canonical_definition(definition)))


def input_hash(doc: Mapping[str, Any]) -> str:
    """SHA-256 hex of the canonical JSON of an input document."""
    return sha256_hex(_encode(doc))
