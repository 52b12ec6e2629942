"""Immutable compiled forms of a questionnaire definition (built by compile.py)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, NamedTuple

from .domains import FINDING_HIGH_RISK, FINDING_RISK_THRESHOLD
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
    if knockout == "high" or risk >= FINDING_HIGH_RISK:
        return "high"
    if risk >= FINDING_RISK_THRESHOLD:
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
    show_if_allowed: frozenset[str] = frozenset()
    number_min: int | float | None = None
    number_max: int | float | None = None
    unit: str = ""
    bands: tuple[Band, ...] = ()
    # True when a later question's show_if refers to this one.
    controls: bool = False

    def shown_by(self, controller_value: object) -> bool:
        """Whether this conditional question is asked when its controller has this answer
        (None: not answered). A multiple-choice controller shows it when any selected
        option is listed in `show_if.in`. Whether the controller itself is asked is the
        questionnaire's business (CompiledQuestionnaire.hidden)."""
        if isinstance(controller_value, str):
            return controller_value in self.show_if_allowed
        if isinstance(controller_value, (list, tuple)):
            try:
                return not self.show_if_allowed.isdisjoint(controller_value)
            except TypeError:  # unhashable items: not an answer this rule can match
                return False
        return False

    def answer_label(self, value: object) -> str:
        """The answer in words, as pages and reports show it: option labels (specials such
        as "Don't know" included; a multiple choice joined with "; " in the given order),
        a number with its unit, a date or text as given, "" when not answered."""
        if value is None or value == "" or value == []:
            return ""
        if self.options:
            if isinstance(value, (list, tuple)):
                return "; ".join([self._option_label(item) for item in value])
            return self._option_label(value)
        if self.unit:
            return f"{value} {self.unit}"
        return str(value)

    def _option_label(self, value: object) -> str:
        option = self.option_map.get(value) if isinstance(value, str) else None
        return option.label if option is not None else str(value)


class BandLookup(NamedTuple):
    """How the engine places a number or a date age: `bands[bisect_left(limits, value)]`."""

    limits: tuple[float, ...]  # each band's upper limit, inf for the last
    bands: tuple[Band, ...]
    low: float  # the number's min (-inf without one)
    high: float  # the number's max (inf without one)


class SelectionLookup(NamedTuple):
    """A multiple-choice question's options by key, and the memo of what the engine derives
    from each selection (filled by explain.selection)."""

    options: dict[str, Option]
    memo: dict[tuple[str, ...], tuple[Any, ...]]


class PlanEntry(NamedTuple):
    """The engine's view of one question, built once by compile._plan_entry and stored as a
    plain tuple with these fields in this order, which the engine's hot loop unpacks
    (`PlanEntry(*entry)` reads one by name). Plain because Python 3.11 unpacks and indexes
    an exact tuple several times faster than a NamedTuple's fields, on every question of
    every call."""

    question: CompiledQuestion
    key: str
    kind: int
    domain: int  # index in DOMAIN_KEYS
    weight: int | float
    required: bool
    # By kind: options by key (choice), SelectionLookup (multiple choice), BandLookup
    # (number, date), None (text); the named ones as plain tuples, like the entry itself.
    lookup: Any
    key_json: str  # the key as a JSON string followed by ":", for the hashed answers
    rank: int  # the key's position in sorted order: answers are hashed in key order
    unknown_fields: tuple[str, str, str, str, str]  # the "don't know" finding's fields


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
    # The engine's per-question view (PlanEntry fields as plain tuples), in questionnaire order.
    plan: tuple[tuple[Any, ...], ...] = field(repr=False, compare=False)
    # Canonical JSON of {"key", "version", "content_hash"} for the input document.
    reference_json: str = field(repr=False, compare=False, default="")
    # The questions with a show_if, in questionnaire order, and every question key.
    conditional: tuple[CompiledQuestion, ...] = field(repr=False, compare=False, default=())
    keys: frozenset[str] = field(repr=False, compare=False, default=frozenset())

    def hidden(self, answers: Mapping[str, object]) -> frozenset[str]:
        """The keys of the questions that show_if hides, given these answers.

        This is the visibility rule, for the engine, the pages, the report and the demo
        alike: a conditional question is hidden when its controller is not answered with
        one of the listed options, or when its controller is itself hidden (a controller
        always comes earlier, so one pass in questionnaire order settles every chain).
        Answers to hidden questions do not count, whatever they say.
        """
        hidden: set[str] = set()
        get = answers.get
        for q in self.conditional:
            controller = q.show_if_question
            assert controller is not None  # a conditional question names its controller
            if controller in hidden or not q.shown_by(get(controller)):
                hidden.add(q.key)
        return frozenset(hidden)

    def visible(self, answers: Mapping[str, object]) -> frozenset[str]:
        """The keys of the questions that are asked, given these answers (see `hidden`)."""
        return self.keys - self.hidden(answers)

    def answer_label(self, key: str, value: object) -> str:
        """The answer to question `key` in words (CompiledQuestion.answer_label)."""
        return self.by_key[key].answer_label(value)
