"""Turn a questionnaire definition into immutable lookup structures for the engine.

Everything that depends only on the questionnaire (option lookups, band limits, finding
severities, visibility dependencies, domain membership) is worked out here once, so that
`score()` does no more per call than the answers require. Callers cache the result by
content hash.

This is not the questionnaire validator (that lives with the questionnaire library); it only
rejects what would make scoring impossible or ambiguous.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import replace
from types import MappingProxyType
from typing import Any, TypeGuard

from .domains import CHOICE_TYPES, DOMAIN_INDEX, DOMAIN_KEYS, QUESTION_TYPES, SPECIAL_OPTIONS
from .hashing import DEFAULT_REQUIRED, DEFAULT_WEIGHT, canonical_json, definition_content_hash
from .outcome import Knockout
from .structures import (
    KIND_CHOICE,
    KIND_DATE,
    KIND_MULTI,
    KIND_NUMBER,
    KIND_TEXT,
    SPECIAL_NA,
    SPECIAL_NONE,
    SPECIAL_UNKNOWN,
    Band,
    BandLookup,
    CompiledQuestion,
    CompiledQuestionnaire,
    DefinitionError,
    FindingFields,
    FindingTemplate,
    Option,
    PlanEntry,
    SelectionLookup,
    finding_severity,
)

_KINDS = {
    "single_choice": KIND_CHOICE,
    "yes_no": KIND_CHOICE,
    "multiple_choice": KIND_MULTI,
    "number": KIND_NUMBER,
    "date": KIND_DATE,
    "text": KIND_TEXT,
}
_SPECIAL_CODES = {None: SPECIAL_NONE, "unknown": SPECIAL_UNKNOWN, "not_applicable": SPECIAL_NA}
# JSON string encoder used by canonical JSON (ensure_ascii=False), for precomputed fragments.
_json_str = json.encoder.encode_basestring


def _is_number(value: object) -> TypeGuard[int | float]:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _finding(raw: object, where: str, problems: list[str]) -> FindingTemplate | None:
    if raw is None:
        return None
    if not isinstance(raw, Mapping) or not isinstance(raw.get("title"), str):
        problems.append(f"{where}: a finding needs at least a title.")
        return None
    return FindingTemplate(
        title=raw["title"],
        text=str(raw.get("text") or ""),
        recommendation=str(raw.get("recommendation") or ""),
    )


def _options(raw: object, where: str, qtype: str, problems: list[str]) -> tuple[Option, ...]:
    if not isinstance(raw, list) or not raw:
        problems.append(f"{where}: {qtype} needs a non-empty list of options.")
        return ()
    result: list[Option] = []
    seen: set[str] = set()
    for position, item in enumerate(raw):
        if not isinstance(item, Mapping) or not isinstance(item.get("key"), str):
            problems.append(f"{where}: option {position + 1} needs a key.")
            continue
        key = item["key"]
        here = f'{where}, option "{key}"'
        if key in seen:
            problems.append(f"{here}: duplicate option key.")
            continue
        seen.add(key)
        risk = item.get("risk")
        if not (_is_number(risk) and 0 <= risk <= 100):
            problems.append(f"{here}: risk must be a number from 0 to 100.")
            continue
        special = item.get("special")
        if special is not None and special not in SPECIAL_OPTIONS:
            problems.append(f"{here}: special must be unknown or not_applicable.")
            continue
        knockout = item.get("knockout")
        if knockout is not None and knockout not in ("high", "critical"):
            problems.append(f"{here}: knockout must be high or critical.")
            continue
        result.append(
            Option(
                key=key,
                label=str(item.get("label") or key),
                risk=risk,
                special=special,
                knockout=knockout,
                finding=_finding(item.get("finding"), here, problems),
                position=position,
                severity=finding_severity(risk, knockout),
                special_code=_SPECIAL_CODES[special],
            )
        )
    if qtype == "yes_no" and not {"yes", "no"} <= seen:
        problems.append(f'{where}: yes_no questions need the options "yes" and "no".')
    return tuple(result)


def _bands(raw: object, limit: str, where: str, problems: list[str]) -> tuple[Band, ...]:
    if not isinstance(raw, list) or not raw:
        problems.append(f"{where}: needs a non-empty list of bands.")
        return ()
    bands: list[Band] = []
    previous = -math.inf
    for index, item in enumerate(raw):
        here = f"{where}, band {index}"
        if not isinstance(item, Mapping):
            problems.append(f"{here}: must be a mapping.")
            return ()
        top = item.get(limit)
        risk = item.get("risk")
        last = index == len(raw) - 1
        if top is None and not last:
            problems.append(f"{here}: only the last band may have {limit}: null.")
        if top is not None and not _is_number(top):
            problems.append(f"{here}: {limit} must be a number or null.")
            return ()
        if last and top is not None:
            problems.append(f"{here}: the last band must have {limit}: null.")
        if top is not None and top <= previous:
            problems.append(f"{here}: bands must be in ascending order of {limit}.")
        previous = top if top is not None else math.inf
        if not (_is_number(risk) and 0 <= risk <= 100):
            problems.append(f"{here}: risk must be a number from 0 to 100.")
            return ()
        bands.append(
            Band(
                index,
                top,
                risk,
                _finding(item.get("finding"), here, problems),
                finding_severity(risk, None),
            )
        )
    return tuple(bands)


def _question(
    raw: Mapping[str, Any], position: int, section: str, problems: list[str]
) -> CompiledQuestion | None:
    key = raw.get("key")
    if not isinstance(key, str) or not key:
        problems.append(f'Question {position + 1} in section "{section}" has no key.')
        return None
    where = f'Question "{key}"'
    qtype = raw.get("type")
    if qtype not in QUESTION_TYPES:
        problems.append(f"{where}: type must be one of: {', '.join(QUESTION_TYPES)}.")
        return None
    domain = raw.get("domain")
    if domain not in DOMAIN_INDEX:
        problems.append(f"{where}: domain must be one of: {', '.join(DOMAIN_KEYS)}.")
        return None
    weight = raw.get("weight", DEFAULT_WEIGHT)
    if qtype != "text" and not (_is_number(weight) and 0 < weight <= 10):
        problems.append(f"{where}: weight must be > 0 and <= 10.")
        return None
    required = raw.get("required", DEFAULT_REQUIRED)
    if not isinstance(required, bool):
        problems.append(f"{where}: required must be true or false.")
        return None
    extra: dict[str, Any] = {}
    if qtype in CHOICE_TYPES:
        options = _options(raw.get("options"), where, qtype, problems)
        extra["options"] = options
        extra["option_map"] = MappingProxyType({o.key: o for o in options})
    elif qtype == "number":
        spec = raw.get("number")
        if not isinstance(spec, Mapping):
            problems.append(f"{where}: number questions need a number: {{bands: ...}} block.")
            return None
        low, high = spec.get("min"), spec.get("max")
        for name, bound in (("min", low), ("max", high)):
            if bound is not None and not _is_number(bound):
                problems.append(f"{where}: number {name} must be a number.")
                return None
        if low is not None and high is not None and low > high:
            problems.append(f"{where}: number min is above max.")
        extra["number_min"], extra["number_max"] = low, high
        extra["unit"] = str(spec.get("unit") or "")
        extra["bands"] = _bands(spec.get("bands"), "max", where, problems)
    elif qtype == "date":
        spec = raw.get("date")
        if not isinstance(spec, Mapping):
            problems.append(f"{where}: date questions need a date: {{bands: ...}} block.")
            return None
        extra["bands"] = _bands(spec.get("bands"), "max_age_days", where, problems)
    show_if = raw.get("show_if")
    if show_if is not None:
        values = show_if.get("in") if isinstance(show_if, Mapping) else None
        target = show_if.get("question") if isinstance(show_if, Mapping) else None
        if not isinstance(target, str) or not isinstance(values, list) or not values:
            problems.append(f"{where}: show_if needs a question and a non-empty `in` list.")
            return None
        extra["show_if_question"] = target
        extra["show_if_values"] = tuple(values)
        extra["show_if_allowed"] = frozenset(values)
    return _precompute(
        CompiledQuestion(
            key=key,
            text=str(raw.get("text") or ""),
            help=str(raw.get("help") or ""),
            type=qtype,
            kind=_KINDS[qtype],
            domain=domain,
            weight=weight,
            required=required,
            position=position,
            section=section,
            evidence=tuple(str(e) for e in raw.get("evidence") or ()),
            **extra,
        )
    )


def _precompute(q: CompiledQuestion) -> CompiledQuestion:
    """Attach what the engine would otherwise rebuild on every call: the JSON of each option
    key, and each option's and band's finding fields and knock-out entry."""

    def fields(suffix: str, item: Option | Band) -> FindingFields | None:
        f = item.finding
        if f is None:
            return None
        return (
            f"{q.key}:{suffix}",
            q.key,
            q.domain,
            item.severity,
            f.title,
            f.text,
            f.recommendation,
        )

    options = tuple(
        replace(
            o,
            json=_json_str(o.key),
            answer_json=f"{_json_str(q.key)}:{_json_str(o.key)}",
            finding_fields=fields(o.key, o),
            flagged=o.finding is not None or o.knockout is not None,
            scored_row=None
            if o.special is not None
            else (
                (q.key, q.text, q.domain, o.key, o.label, o.risk, q.weight, "scored"),
                DOMAIN_INDEX[q.domain],
                q.weight * o.risk,
            ),
            knockout_entry=None
            if o.knockout is None
            else Knockout(q.key, o.key, o.knockout, o.finding.title if o.finding else o.label),
        )
        for o in q.options
    )
    return replace(
        q,
        options=options,
        option_map=MappingProxyType({o.key: o for o in options}),
        bands=tuple(replace(b, finding_fields=fields(str(b.index), b)) for b in q.bands),
    )


def compile_question(raw: Mapping[str, Any]) -> CompiledQuestion:
    """Compile one question definition on its own (show_if is not resolved)."""
    problems: list[str] = []
    question = _question(raw, 0, "", problems)
    if problems or question is None:
        raise DefinitionError(problems or ["The question cannot be compiled."])
    return question


def _plan_entry(q: CompiledQuestion, rank: int) -> PlanEntry:
    """The engine's view of one question (see PlanEntry)."""
    # Lookups are stored as plain tuples, unpacked by the engine (see PlanEntry).
    lookup: Any
    if q.kind == KIND_CHOICE:
        lookup = dict(q.option_map)
    elif q.kind == KIND_MULTI:
        lookup = tuple(SelectionLookup(dict(q.option_map), {}))
    elif q.kind in (KIND_NUMBER, KIND_DATE):
        lookup = tuple(
            BandLookup(
                limits=tuple(math.inf if b.max is None else b.max for b in q.bands),
                bands=q.bands,
                low=-math.inf if q.number_min is None else q.number_min,
                high=math.inf if q.number_max is None else q.number_max,
            )
        )
    else:
        lookup = None
    recommendation = "Obtain evidence from the vendor and answer the question."
    if q.evidence:
        recommendation += f" Evidence to request: {'; '.join(q.evidence)}."
    return PlanEntry(
        question=q,
        key=q.key,
        kind=q.kind,
        domain=DOMAIN_INDEX[q.domain],
        weight=q.weight,
        required=q.required,
        lookup=lookup,
        key_json=_json_str(q.key) + ":",
        rank=rank,
        unknown_fields=(
            f"{q.key}:unknown",
            q.key,
            q.domain,
            f"Unanswered: {q.text}",
            recommendation,
        ),
    )


def compile_questionnaire(
    definition: Mapping[str, Any], *, content_hash: str | None = None
) -> CompiledQuestionnaire:
    """Compile a questionnaire definition (docs/questionnaires.md) for scoring.

    `content_hash` may be passed when the caller already holds the stored hash; otherwise it
    is computed from the canonical definition. Raises `DefinitionError` listing every
    problem that prevents scoring.
    """
    if not isinstance(definition, Mapping):
        raise DefinitionError(["The questionnaire definition must be a mapping."])
    problems: list[str] = []
    for name in ("key", "version"):
        if not isinstance(definition.get(name), str) or not definition.get(name):
            problems.append(f"The questionnaire needs a {name} (text).")
    sections = definition.get("sections")
    if not isinstance(sections, list):
        raise DefinitionError([*problems, "The questionnaire needs a list of sections."])

    questions: list[CompiledQuestion] = []
    by_key: dict[str, CompiledQuestion] = {}
    for s_index, section in enumerate(sections):
        if not isinstance(section, Mapping) or not isinstance(section.get("questions"), list):
            problems.append(f"Section {s_index + 1} needs a list of questions.")
            continue
        section_key = str(section.get("key") or "")
        for raw in section["questions"]:
            if not isinstance(raw, Mapping):
                problems.append(f'Section "{section_key}" has a question that is not a mapping.')
                continue
            q = _question(raw, len(questions), section_key, problems)
            if q is None:
                continue
            if q.key in by_key:
                problems.append(f'Question "{q.key}" appears more than once.')
                continue
            questions.append(q)
            by_key[q.key] = q

    # Visibility is resolved in one forward pass, so a controlling question must come first.
    controllers: set[str] = set()
    for q in questions:
        target_key = q.show_if_question
        if target_key is None:
            continue
        target = by_key.get(target_key)
        if target is None or target.position >= q.position:
            problems.append(f'Question "{q.key}": show_if must refer to an earlier question.')
        elif target.type not in CHOICE_TYPES:
            problems.append(f'Question "{q.key}": show_if must refer to a choice question.')
        else:
            missing = [v for v in q.show_if_values if v not in target.option_map]
            if missing:
                problems.append(
                    f'Question "{q.key}": show_if lists unknown options of "{target_key}": '
                    f"{', '.join(map(str, missing))}."
                )
            controllers.add(target_key)
    if problems:
        raise DefinitionError(problems)

    questions = [replace(q, controls=True) if q.key in controllers else q for q in questions]
    by_key = {q.key: q for q in questions}
    counts = [0] * len(DOMAIN_KEYS)
    for q in questions:
        counts[DOMAIN_INDEX[q.domain]] += 1
    ranks = {key: rank for rank, key in enumerate(sorted(by_key))}
    key, version = definition["key"], definition["version"]
    content_hash = content_hash or definition_content_hash(definition)
    return CompiledQuestionnaire(
        key=key,
        version=version,
        title=str(definition.get("title") or ""),
        content_hash=content_hash,
        questions=tuple(questions),
        by_key=MappingProxyType(by_key),
        domain_question_counts=tuple(counts),
        plan=tuple(tuple(_plan_entry(q, ranks[q.key])) for q in questions),
        reference_json=canonical_json(
            {"key": key, "version": version, "content_hash": content_hash}
        ),
        conditional=tuple(q for q in questions if q.show_if_question is not None),
        keys=frozenset(by_key),
    )
