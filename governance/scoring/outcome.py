"""The result of scoring: a frozen outcome and its published dictionary form.

The outcome keeps full precision so that tests and callers can check exact identities (the
contributions sum to the scores); `to_dict()` is what gets stored and shown, rounded to two
decimals.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, NamedTuple


class DomainScore(NamedTuple):
    key: str
    label: str
    score: float | None
    weight: int | float
    questions: int
    scored: int
    unknown: int
    not_applicable: int


class Inherent(NamedTuple):
    score: float | None
    tier: int
    level: str
    factors: dict[str, int | float]


class Driver(NamedTuple):
    question: str
    text: str
    domain: str
    answer: object
    answer_label: str
    risk: int | float
    weight: int | float
    status: str
    domain_contribution: float
    overall_contribution: float


class Knockout(NamedTuple):
    question: str
    option: str
    severity: str
    title: str


class Finding(NamedTuple):
    key: str
    question: str
    domain: str
    severity: str
    title: str
    text: str
    recommendation: str
    due_days: int


def _r(value: Any) -> Any:
    return round(value, 2) if type(value) is float else value


@dataclass(frozen=True, slots=True)
class ScoreOutcome:
    engine_version: str
    input_hash: str
    overall: float | None
    residual_band: str | None
    inherent: Inherent
    rating: str
    recommended_decision: str
    review_interval_days: int
    domains: tuple[DomainScore, ...]
    drivers: tuple[Driver, ...]
    knockouts: tuple[Knockout, ...]
    findings: tuple[Finding, ...]

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON data as published (API, PDF attachment), floats to two decimals."""
        inh = self.inherent
        return {
            "engine_version": self.engine_version,
            "input_hash": self.input_hash,
            "overall": _r(self.overall),
            "residual_band": self.residual_band,
            "inherent": {
                "score": _r(inh.score),
                "tier": inh.tier,
                "level": inh.level,
                "factors": dict(inh.factors),
            },
            "rating": self.rating,
            "recommended_decision": self.recommended_decision,
            "review_interval_days": self.review_interval_days,
            "domains": {
                d.key: {
                    "label": d.label,
                    "score": _r(d.score),
                    "weight": _r(d.weight),
                    "questions": d.questions,
                    "scored": d.scored,
                    "unknown": d.unknown,
                    "not_applicable": d.not_applicable,
                }
                for d in self.domains
            },
            "drivers": [
                {
                    "question": question,
                    "text": text,
                    "domain": domain,
                    "answer": list(answer) if type(answer) is tuple else answer,
                    "answer_label": label,
                    "risk": risk if type(risk) is int else round(risk, 2),
                    "weight": weight if type(weight) is int else round(weight, 2),
                    "status": status,
                    "domain_contribution": round(dc, 2),
                    "overall_contribution": round(oc, 2),
                }
                for (
                    question,
                    text,
                    domain,
                    answer,
                    label,
                    risk,
                    weight,
                    status,
                    dc,
                    oc,
                ) in self.drivers
            ],
            "knockouts": [dict(zip(_KNOCKOUT_FIELDS, k, strict=True)) for k in self.knockouts],
            "findings": [dict(zip(_FINDING_FIELDS, f, strict=True)) for f in self.findings],
        }


_KNOCKOUT_FIELDS = Knockout._fields
_FINDING_FIELDS = Finding._fields
