"""Page forms for assessments: the questionnaire wizard (one section at a time), starting an
assessment, the decision, findings and respondent invitations.

The wizard renders straight from the pinned questionnaire definition; which questions are
asked, and how an answer reads, come from its compiled form (the same show_if rule as the
engine's). Parsing turns the posted fields into the `answers_save` batch; validation of the
values is the service's job, and its errors come back here to be shown next to each question.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, cast

from django import forms

from governance.respondents.services import DEFAULT_DAYS, MAX_DAYS, MIN_DAYS
from governance.scoring import CompiledQuestionnaire
from governance.scoring.domains import CHOICE_TYPES, REFERENCE_FRAMEWORK

from .models import Decision, FindingStatus
from .selectors import compiled_questionnaire

if TYPE_CHECKING:
    from governance.questionnaires.models import Questionnaire

    from .services.answers import AnswerItem

VALUE_PREFIX = "q__"
COMMENT_PREFIX = "c__"
EVIDENCE_PREFIX = "e__"


def html_id(key: str) -> str:
    # Question keys contain dots, which would need escaping in CSS selectors.
    return "q-" + key.replace(".", "--")


def sections_of(definition: dict) -> list[dict]:
    return list(definition.get("sections") or [])


def all_questions(definition: dict) -> list[dict]:
    return [q for section in sections_of(definition) for q in section.get("questions", [])]


@dataclass
class OptionView:
    key: str
    label: str
    checked: bool
    special: str | None
    input_id: str


@dataclass
class QuestionView:
    question: dict
    section_key: str
    value: Any = None
    comment: str = ""
    errors: list[str] = field(default_factory=list)
    evidence: list = field(default_factory=list)
    visible: bool = True
    answered: bool = False

    def __getattr__(self, name):
        # Template access to the definition's own fields (text, help, type, ...).
        question = self.__dict__.get("question") or {}
        if name in question:
            return question[name]
        raise AttributeError(name)

    @property
    def key(self) -> str:
        return self.question["key"]

    @property
    def id(self) -> str:
        return html_id(self.key)

    @property
    def name(self) -> str:
        return VALUE_PREFIX + self.key

    @property
    def comment_name(self) -> str:
        return COMMENT_PREFIX + self.key

    @property
    def evidence_name(self) -> str:
        return EVIDENCE_PREFIX + self.key

    @property
    def required(self) -> bool:
        return self.question.get("required", True)

    @property
    def is_choice(self) -> bool:
        return self.question["type"] in CHOICE_TYPES

    @property
    def input_type(self) -> str:
        return "checkbox" if self.question["type"] == "multiple_choice" else "radio"

    @property
    def options(self) -> list[OptionView]:
        chosen = self.value if isinstance(self.value, list) else [self.value]
        return [
            OptionView(
                key=o["key"],
                label=o["label"],
                checked=o["key"] in chosen,
                special=o.get("special"),
                input_id=f"{self.id}-{index}",
            )
            for index, o in enumerate(self.question.get("options") or [])
        ]

    @property
    def number(self) -> dict:
        return self.question.get("number") or {}

    @property
    def references(self) -> list[tuple[str, list[str]]]:
        refs = self.question.get("references") or {}
        return [(REFERENCE_FRAMEWORK.labels.get(k, k), v) for k, v in refs.items() if v]

    @property
    def show_if(self) -> dict | None:
        return self.question.get("show_if")

    @property
    def show_if_json(self) -> str:
        return json.dumps((self.show_if or {}).get("in", []))

    @property
    def display_value(self) -> str:
        value = self.value
        if value is None:
            return ""
        return str(value)


def section_views(
    questionnaire: Questionnaire,
    section_key: str,
    *,
    values: dict[str, Any],
    comments: dict[str, str],
    saved_values: dict[str, Any],
    errors: dict[str, list[str]] | None = None,
    evidence: dict[str, list] | None = None,
) -> list[QuestionView]:
    """The questions of one section ready to render. `values` are what the page shows (typed
    values after a failed save, else stored ones); visibility follows the stored answers
    merged with them, exactly as the browser script recomputes it."""
    errors = errors or {}
    evidence = evidence or {}
    shown = compiled_questionnaire(questionnaire).visible({**saved_values, **values})
    section = next(s for s in sections_of(questionnaire.definition) if s["key"] == section_key)
    return [
        QuestionView(
            question=q,
            section_key=section_key,
            value=values.get(q["key"]),
            comment=comments.get(q["key"], ""),
            errors=errors.get(q["key"], []),
            evidence=evidence.get(q["key"], []),
            visible=q["key"] in shown,
            answered=saved_values.get(q["key"]) not in (None, "", []),
        )
        for q in section.get("questions", [])
    ]


def controller_values(
    compiled: CompiledQuestionnaire, section: dict, saved_values: dict[str, Any]
) -> dict[str, Any]:
    """The answers to controlling questions outside this section, for the browser's show_if.

    A controller that is itself hidden counts as unanswered (None), so the browser hides its
    dependents here as the server does; controllers on the page it follows live.
    """
    here = {q["key"] for q in section.get("questions", [])}
    shown = compiled.visible(saved_values)
    return {
        key: saved_values.get(key) if key in shown else None
        for key in (
            q["show_if"]["question"] for q in section.get("questions", []) if q.get("show_if")
        )
        if key not in here
    }


def progress(questionnaire: Questionnaire, saved_values: dict[str, Any]) -> dict:
    """Answered visible questions per section and overall, for the progress bar."""
    shown = compiled_questionnaire(questionnaire).visible(saved_values)
    per_section = []
    total = answered = 0
    for section in sections_of(questionnaire.definition):
        keys = [q["key"] for q in section.get("questions", []) if q["key"] in shown]
        done = sum(1 for k in keys if saved_values.get(k) not in (None, "", []))
        per_section.append(
            {"key": section["key"], "title": section["title"], "total": len(keys), "done": done}
        )
        total += len(keys)
        answered += done
    percent = round(100 * answered / total) if total else 0
    return {"sections": per_section, "total": total, "answered": answered, "percent": percent}


def _parse_number(raw: str) -> int | float:
    text = raw.strip().replace(",", "")
    try:
        return int(text)
    except ValueError:
        number = float(text)
        if number != number or number in (float("inf"), float("-inf")):
            raise ValueError(raw) from None
        return number


def parse_section(section: dict, data) -> tuple[list[AnswerItem], dict[str, list[str]], dict, dict]:
    """Read one section's posted fields.

    Returns the answers_save batch, the errors found while reading (a number that is not a
    number), and the typed values and comments to show again if the save fails. A question
    whose inputs were not posted (left empty, or disabled because show_if hides it) is sent
    as None, which removes any stored answer.
    """
    items: list[AnswerItem] = []
    errors: dict[str, list[str]] = {}
    typed: dict[str, Any] = {}
    comments: dict[str, str] = {}
    for question in section.get("questions", []):
        key = question["key"]
        name = VALUE_PREFIX + key
        qtype = question["type"]
        value: Any
        if qtype == "multiple_choice":
            value = [v for v in data.getlist(name) if v] or None
            typed[key] = value or []
        else:
            raw = data.get(name, "")
            typed[key] = raw
            value = raw if raw.strip() else None
            if value is not None and qtype == "number":
                try:
                    value = _parse_number(raw)
                except ValueError:
                    errors[key] = ["Enter a number, for example 30 or 2.5."]
                    continue
            elif value is not None and qtype != "text":
                value = value.strip()
        item: AnswerItem = {"question": key, "value": value}
        comment_name = COMMENT_PREFIX + key
        if comment_name in data and value is not None:
            comments[key] = data.get(comment_name, "")
            item["comment"] = comments[key]
        items.append(item)
    return items, errors, typed, comments


def errors_by_question(exc_errors: list[dict]) -> tuple[dict[str, list[str]], list[str]]:
    by_question: dict[str, list[str]] = {}
    general: list[str] = []
    for error in exc_errors:
        key = error.get("question")
        if key:
            by_question.setdefault(key, []).append(error.get("message", "Invalid answer."))
        else:
            general.append(error.get("message", "Invalid answer."))
    return by_question, general


class StartAssessmentForm(forms.Form):
    questionnaire: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label="Questionnaire",
        queryset=None,
        empty_label=None,
        help_text="Only published versions can be used. The assessment pins this version.",
    )
    offering: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label="Offering",
        queryset=None,
        required=False,
        empty_label="The vendor as a whole",
        help_text="Assess one offering, or leave empty to assess the vendor in general.",
    )
    use_case: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label="Use case",
        queryset=None,
        required=False,
        empty_label="No use case (inherent risk assumed high)",
        help_text="The intended use sets the inherent risk tier; without one it is assumed high.",
    )
    title = forms.CharField(
        label="Title",
        required=False,
        max_length=200,
        help_text="Optional label, e.g. 'Q3 renewal'.",
    )

    def __init__(self, *args, questionnaires, offerings, use_cases, **kwargs):
        super().__init__(*args, **kwargs)
        # The model choice fields declared above (self.fields is typed by the base class).
        fields: dict[str, Any] = self.fields
        fields["questionnaire"].queryset = questionnaires
        fields["questionnaire"].label_from_instance = lambda q: (
            f"{q.title} — v{q.version} ({q.question_count} questions)"
        )
        fields["offering"].queryset = offerings
        fields["offering"].label_from_instance = lambda o: o.name
        fields["use_case"].queryset = use_cases
        fields["use_case"].label_from_instance = lambda u: f"{u.name} ({u.offering.name})"


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label="Decision", choices=Decision.choices, widget=forms.RadioSelect
    )
    conditions = forms.CharField(
        label="Conditions",
        required=False,
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Required when approving with conditions: what must be true, and by when.",
    )
    rationale = forms.CharField(
        label="Rationale",
        required=False,
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Why you decided so; it goes into the audit trail and the report.",
    )


class FindingForm(forms.Form):
    status = forms.ChoiceField(label="Status", choices=FindingStatus.choices)
    owner = forms.TypedChoiceField(label="Owner", required=False, coerce=int, empty_value=None)
    due_date = forms.DateField(
        label="Due", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    note = forms.CharField(
        label="Note", required=False, max_length=10000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, members, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["owner"]).choices = [("", "Unassigned"), *members]


class RespondentLinkForm(forms.Form):
    contact_name = forms.CharField(label="Contact name", max_length=200)
    contact_email = forms.EmailField(label="Contact e-mail", required=False)
    expires_in_days = forms.IntegerField(
        label="Valid for (days)",
        min_value=MIN_DAYS,
        max_value=MAX_DAYS,
        initial=DEFAULT_DAYS,
        help_text=f"Between {MIN_DAYS} and {MAX_DAYS} days. You can revoke it at any time.",
    )
