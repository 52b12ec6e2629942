"""Fixtures shared by the page tests and the respondent tests: a vendor with an offering and
a use case, the library's quick-screen questionnaire, and helpers to answer it."""

from __future__ import annotations

import pytest

from governance.assessments.forms import VALUE_PREFIX, all_questions
from governance.questionnaires.services import LIBRARY_DIR, questionnaire_load_file
from governance.scoring import compile_questionnaire

QUICK_SCREEN = "ai-vendor-quick-screen.yaml"


@pytest.fixture
def questionnaire(db):
    return questionnaire_load_file(LIBRARY_DIR / QUICK_SCREEN).questionnaire


@pytest.fixture
def vendor(people):
    from governance.vendors.services import offering_create, use_case_create, vendor_create

    vendor = vendor_create(
        actor=people.admin,
        organisation_id=people.org.pk,
        data={"name": "Mistral AI", "headquarters_country": "FR", "status": "active"},
    )
    offering = offering_create(
        actor=people.admin,
        vendor=vendor,
        data={
            "name": "Le Chat Enterprise",
            "kind": "hosted_api",
            "deployment": "vendor_cloud",
            "pricing_model": "subscription",
            "processing_regions": ["EU"],
        },
    )
    use_case_create(
        actor=people.admin,
        organisation_id=people.org.pk,
        data={
            "offering": offering,
            "name": "Drafting internal memos",
            "purpose": "Summarise internal documents.",
            "data_categories": ["internal"],
            "business_criticality": "low",
            "eu_ai_act_class": "minimal",
            "people_affected": "few",
            "exposure": "internal",
        },
    )
    return vendor


@pytest.fixture
def other_vendor(people):
    from governance.vendors.services import vendor_create

    return vendor_create(
        actor=people.outsider,
        organisation_id=people.other_org.pk,
        data={"name": "Secret Vendor", "headquarters_country": "US"},
    )


@pytest.fixture
def assessment(people, vendor, questionnaire):
    from governance.assessments.services import assessment_create

    return assessment_create(
        actor=people.assessor,
        organisation_id=people.org.pk,
        vendor=vendor,
        questionnaire=questionnaire,
        offering=vendor.offerings.first(),
        use_case=vendor.offerings.first().use_cases.first(),
    )


def first_option_answers(definition: dict) -> dict:
    """A complete answer set: the first option of every visible choice question, 0 for
    numbers, a fixed date, some text."""
    values: dict = {}
    compiled = compile_questionnaire(definition)
    for question in all_questions(definition):
        if question["key"] not in compiled.visible(values):
            continue
        qtype = question["type"]
        if qtype in ("single_choice", "yes_no"):
            values[question["key"]] = question["options"][0]["key"]
        elif qtype == "multiple_choice":
            values[question["key"]] = [question["options"][0]["key"]]
        elif qtype == "number":
            values[question["key"]] = question["number"]["min"]
        elif qtype == "date":
            values[question["key"]] = "2026-06-01"
        else:
            values[question["key"]] = "Answered in the test."
    return values


def section_post(section: dict, values: dict, action: str = "next") -> dict:
    data: dict = {"action": action}
    for question in section["questions"]:
        value = values.get(question["key"])
        if value is None:
            continue
        data[VALUE_PREFIX + question["key"]] = value if isinstance(value, list) else str(value)
    return data


def answer_all(assessment, *, actor=None, actor_label=None) -> None:
    from governance.assessments.services import answers_save

    values = first_option_answers(assessment.questionnaire.definition)
    answers_save(
        actor=actor,
        assessment=assessment,
        answers=[{"question": k, "value": v} for k, v in values.items()],
        actor_label=actor_label,
    )


def chained_assessment(people):
    """Two sections: a gate and its follow-up on the first, the follow-up's own follow-up on
    the second. The stored follow-up answer predates closing the gate."""
    from governance.assessments.models import Answer
    from governance.assessments.services import assessment_create
    from governance.questionnaires.services import questionnaire_publish_definition
    from governance.vendors.services import vendor_create
    from tests.scoring.factories import choice, definition, yes_no

    data = definition(
        yes_no("privacy.gate", specials=False),
        choice("privacy.child", show_if=("privacy.gate", ["yes"])),
        key="chained-test",
    )
    data["sections"].append(
        {
            "key": "later",
            "title": "Later",
            "questions": [choice("privacy.grandchild", show_if=("privacy.child", ["high"]))],
        }
    )
    questionnaire = questionnaire_publish_definition(data=data, source="test").questionnaire
    vendor = vendor_create(
        actor=people.admin,
        organisation_id=people.org.pk,
        data={"name": "Chained Co", "headquarters_country": "GB"},
    )
    assessment = assessment_create(
        actor=people.assessor,
        organisation_id=people.org.pk,
        vendor=vendor,
        questionnaire=questionnaire,
    )
    Answer.objects.bulk_create(
        [
            Answer(assessment=assessment, question_key="privacy.gate", value="no"),
            Answer(assessment=assessment, question_key="privacy.child", value="high"),
        ]
    )
    return assessment
