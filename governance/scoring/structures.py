"""Immutable compiled forms of a questionnaire definition (built by compile.py)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from .outcome import Knockout

# Question kinds as the engine sees them (yes_no scores exactly like single_choice).
KIND_CHOICE, KIND_MULTI, KIND_NUMBER, KIND_DATE, KIND_TEXT = range(5)
SPECIAL_NONE, SPECIAL_UNKNOWN, SPECIAL_NA = 0, 1, 2

# A finding's fields except due_days, which comes from the policy at scoring time.
FindingFields = tuple[str, str, str, str, str, str, str]


class DefinitionError(ValueError):
    """The definition cannot be scored; `.problems` lists every reason."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__(" ".join(problems))
        self.problems = problems


def finding_severity(risk: float, knockout: str | None) -> str:
    if knockout == "critical":
        return "critical"
    if knockout == "high" or risk >= 75:
        return "high"
    if risk >= 50:
        return "medium"
    return "low"


@dataclass(frozen=True, slots=True)
class FindingTemplate:
    title: str
    text: str
    recommendation: str


@dataclass(frozen=True, slots=True)
class Option:
    key: str
    label: str
    risk: int | float
    special: str | None
    knockout: str | None
    finding: FindingTemplate | None
    position: int
    # Severity of this option's finding or knock-out; fixed by the definition, not the policy.
    severity: str
    special_code: int
    # Precomputed for the engine: the key as a JSON string, the finding and the knock-out.
    json: str = field(repr=False, default="")
    answer_json: str = field(repr=False, default="")  # '"question.key":"option_key"'
    flagged: bool = field(repr=False, default=False)  # has a finding or a knock-out
    # For a plain (non-special) option: the engine's row for a question answered with it,
    # ((key, text, domain, option key, label, risk, weight, "scored"), domain index,
    # weight * risk), shared by every assessment that gives this answer.
    scored_row: tuple[Any, ...] | None = field(repr=False, default=None)
    finding_fields: FindingFields | None = field(repr=False, default=None)
    knockout_entry: Knockout | None = field(repr=False, default=None)


@dataclass(frozen=True, slots=True)
class Band:
    index: int
    max: int | float | None  # max value (number) or max age in days (date); None = no limit
    risk: int | float
    finding: FindingTemplate | None
    severity: str
    finding_fields: FindingFields | None = field(repr=False, default=None)
    # Bands never knock out; the field lets the engine treat options and bands alike.
    knockout_entry: None = field(repr=False, default=None)


@dataclass(frozen=True, slots=True)
class CompiledQuestion:
    key: str
    text: str
    help: str
    type: str
    kind: int
    domain: str
    weight: int | float
    required: bool
    position: int
    section: str
    evidence: tuple[str, ...]
    options: tuple[Option, ...] = ()
    option_map: Mapping[str, Option] = field(default_factory=lambda: MappingProxyType({}))
    show_if_question: str | None = None
    show_if_values: tuple[str, ...] = ()
    number_min: int | float | None = None
    number_max: int | float | None = None
    unit: str = ""
    bands: tuple[Band, ...] = ()
    # True when a later question's show_if refers to this one.
    controls: bool = False


@dataclass(frozen=True, slots=True)
class CompiledQuestionnaire:
    key: str
    version: str
    title: str
    content_hash: str
    questions: tuple[CompiledQuestion, ...]
    by_key: Mapping[str, CompiledQuestion]
    # Number of questions (of any type) per domain, in DOMAINS order.
    domain_question_counts: tuple[int, ...]
    # Flat per-question tuples for the engine's hot loop; see compile._plan_entry.
    plan: tuple[tuple[Any, ...], ...] = field(repr=False, compare=False)
    controller_count: int = field(repr=False, compare=False, default=0)
    # Canonical JSON of {"key", "version", "content_hash"} for the input document.
    reference_json: str = field(repr=False, compare=False, default="")
