"""The assessment context: the as-of date and the use case that drives inherent risk."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from .answers import is_iso_date, parse_date
from .domains import FACTOR_FIELDS, FACTOR_VALUES, INHERENT_FACTORS

_DATA, _CRITICALITY, _AI_ACT, _PEOPLE, _EXPOSURE = (
    frozenset(FACTOR_VALUES[factor]) for factor in INHERENT_FACTORS
)
_fromisoformat = dt.date.fromisoformat


def validate_context(context: object) -> list[str]:
    """Every problem with an assessment context, as readable messages."""
    if not isinstance(context, Mapping):
        return ["The context must be a mapping with as_of and use_case."]
    errors: list[str] = []
    for key in context:
        if key not in ("as_of", "use_case"):
            errors.append(f'Unknown context field "{key}".')
    if "as_of" not in context:
        errors.append('Missing context field "as_of".')
    elif parse_date(context["as_of"]) is None:
        errors.append(f"as_of: {context['as_of']!r} is not a date in the form YYYY-MM-DD.")
    if "use_case" not in context:
        errors.append('Missing context field "use_case" (use null when there is none).')
        return errors
    use_case = context["use_case"]
    if use_case is None:
        return errors
    if not isinstance(use_case, Mapping):
        return [*errors, "use_case must be null or a mapping."]
    fields = set(FACTOR_FIELDS.values())
    for key in use_case:
        if key not in fields:
            errors.append(f'Unknown use_case field "{key}".')
    for factor in INHERENT_FACTORS:
        name = FACTOR_FIELDS[factor]
        allowed = FACTOR_VALUES[factor]
        if name not in use_case:
            errors.append(f'use_case: missing "{name}".')
            continue
        value = use_case[name]
        if factor == "data":
            if not isinstance(value, list) or not value:
                errors.append("use_case.data_categories must be a non-empty list.")
                continue
            bad = [v for v in value if v not in allowed]
        else:
            bad = [] if isinstance(value, str) and value in allowed else [value]
        for v in bad:
            errors.append(f"use_case.{name}: {v!r} is not one of: {', '.join(allowed)}.")
    return errors


def read_context(context: Any) -> tuple[dt.date, Mapping[str, Any] | None]:
    """(as_of date, use case or None); raises ValueError listing every problem."""
    # The common, well-formed case is checked without building any messages.
    try:
        if type(context) is dict and len(context) == 2:
            as_of = context["as_of"]
            use_case = context["use_case"]
            if is_iso_date(as_of):
                day = _fromisoformat(as_of)
                if use_case is None or (
                    type(use_case) is dict
                    and len(use_case) == 5
                    and type(categories := use_case["data_categories"]) is list
                    and categories
                    and _DATA.issuperset(categories)
                    and use_case["business_criticality"] in _CRITICALITY
                    and use_case["eu_ai_act_class"] in _AI_ACT
                    and use_case["people_affected"] in _PEOPLE
                    and use_case["exposure"] in _EXPOSURE
                ):
                    return day, use_case
    except (KeyError, TypeError, ValueError):
        pass
    problems = validate_context(context) or ["The context is not valid."]
    raise ValueError(" ".join(problems))
