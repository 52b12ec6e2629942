"""Small questionnaire definitions, contexts and policies in the contract's format.

Every helper returns plain dicts (the same shape as the YAML library), so tests read like the
questionnaires they describe and exercise compile_questionnaire on real input.
"""

from __future__ import annotations

import copy
from typing import Any

from governance.scoring import DEFAULT_POLICY, compile_questionnaire

AS_OF = "2026-11-29"


def finding(
    title: str = "Finding", text: str = "What is wrong.", recommendation: str = "What to do."
) -> dict[str, str]:
    return {"title": title, "text": text, "recommendation": recommendation}


def option(
    key: str,
    risk: int = 0,
    *,
    label: str | None = None,
    special: str | None = None,
    knockout: str | None = None,
    with_finding: bool | None = None,
    title: str | None = None,
) -> dict[str, Any]:
    """An option; it carries a finding when risk >= 50 or a knock-out is set (as the
    contract requires), or when `with_finding` says so."""
    result: dict[str, Any] = {
        "key": key,
        "label": label or key.replace("_", " ").title(),
        "risk": risk,
    }
    if special:
        result["special"] = special
    if knockout:
        result["knockout"] = knockout
    if with_finding is None:
        with_finding = special is None and (risk >= 50 or knockout is not None)
    if with_finding:
        result["finding"] = finding(title or f"{key} finding")
    return result


def unknown(risk: int = 75) -> dict[str, Any]:
    return option("unknown", risk, label="Don't know", special="unknown")


def not_applicable() -> dict[str, Any]:
    return option("not_applicable", 0, label="Not applicable", special="not_applicable")


def question(
    key: str,
    qtype: str,
    domain: str = "privacy",
    *,
    weight: float | None = None,
    required: bool | None = None,
    show_if: tuple[str, list[str]] | None = None,
    text: str | None = None,
    evidence: list[str] | None = None,
    **extra: Any,
) -> dict[str, Any]:
    result: dict[str, Any] = {
        "key": key,
        "text": text or f"Question {key}?",
        "type": qtype,
        "domain": domain,
    }
    if weight is not None:
        result["weight"] = weight
    if required is not None:
        result["required"] = required
    if evidence is not None:
        result["evidence"] = evidence
    if show_if is not None:
        result["show_if"] = {"question": show_if[0], "in": list(show_if[1])}
    result.update(extra)
    return result


def choice(
    key: str, domain: str = "privacy", options: list[dict[str, Any]] | None = None, **kwargs: Any
) -> dict[str, Any]:
    """A single_choice question; default options low (0), medium (40), high (80)."""
    if options is None:
        options = [option("low", 0), option("medium", 40), option("high", 80)]
    return question(key, "single_choice", domain, options=options, **kwargs)


def multi(
    key: str, domain: str = "privacy", options: list[dict[str, Any]] | None = None, **kwargs: Any
) -> dict[str, Any]:
    if options is None:
        options = [option("a", 10), option("b", 30), option("c", 70)]
    return question(key, "multiple_choice", domain, options=options, **kwargs)


def yes_no(
    key: str,
    domain: str = "privacy",
    *,
    yes: int = 100,
    no: int = 0,
    yes_knockout: str | None = None,
    specials: bool = True,
    **kwargs: Any,
) -> dict[str, Any]:
    options = [option("yes", yes, knockout=yes_knockout), option("no", no)]
    if specials:
        options += [unknown(), not_applicable()]
    return question(key, "yes_no", domain, options=options, **kwargs)


def number(
    key: str,
    domain: str = "privacy",
    *,
    bands: list[tuple[float | None, int]] | None = None,
    minimum: float | None = 0,
    maximum: float | None = 3650,
    unit: str = "days",
    **kwargs: Any,
) -> dict[str, Any]:
    if bands is None:
        bands = [(30, 0), (90, 30), (None, 80)]
    spec: dict[str, Any] = {
        "unit": unit,
        "bands": [
            {
                "max": top,
                "risk": risk,
                **({"finding": finding(f"{key} band")} if risk >= 50 else {}),
            }
            for top, risk in bands
        ],
    }
    if minimum is not None:
        spec["min"] = minimum
    if maximum is not None:
        spec["max"] = maximum
    return question(key, "number", domain, number=spec, **kwargs)


def date(
    key: str,
    domain: str = "privacy",
    *,
    bands: list[tuple[int | None, int]] | None = None,
    **kwargs: Any,
) -> dict[str, Any]:
    if bands is None:
        bands = [(365, 0), (730, 40), (None, 80)]
    spec = {
        "bands": [
            {
                "max_age_days": top,
                "risk": risk,
                **({"finding": finding(f"{key} band")} if risk >= 50 else {}),
            }
            for top, risk in bands
        ]
    }
    return question(key, "date", domain, date=spec, **kwargs)


def text(key: str, domain: str = "privacy", **kwargs: Any) -> dict[str, Any]:
    return question(key, "text", domain, **kwargs)


def definition(
    *questions: dict[str, Any], key: str = "test-questionnaire", version: str = "1.0.0"
) -> dict[str, Any]:
    """A questionnaire with every question in one section, in the given order."""
    return {
        "key": key,
        "version": version,
        "title": "Test questionnaire",
        "description": "",
        "status": "published",
        "sections": [{"key": "main", "title": "Main", "questions": list(questions)}],
    }


def compiled(*questions: dict[str, Any], **kwargs: Any):
    return compile_questionnaire(definition(*questions, **kwargs))


def use_case(**overrides: Any) -> dict[str, Any]:
    result: dict[str, Any] = {
        "data_categories": ["internal"],
        "business_criticality": "medium",
        "eu_ai_act_class": "minimal",
        "people_affected": "few",
        "exposure": "internal",
    }
    result.update(overrides)
    return result


def context(case: dict[str, Any] | None = None, as_of: str = AS_OF) -> dict[str, Any]:
    return {"as_of": as_of, "use_case": case}


def policy(**overrides: Any) -> dict[str, Any]:
    result = copy.deepcopy(DEFAULT_POLICY)
    result.update(copy.deepcopy(overrides))
    return result


def all_questions(definition_: dict[str, Any]) -> list[dict[str, Any]]:
    return [q for section in definition_["sections"] for q in section["questions"]]
