"""Rows for API tests, made through the services (never by hand) so they are realistic."""

from __future__ import annotations

import copy
import itertools

from governance.assessments import services as assessment_services
from governance.questionnaires.services import questionnaire_publish_definition
from governance.vendors import services as vendor_services

FINDING = {
    "title": "Customer data used for training",
    "text": "The vendor trains on customer content.",
    "recommendation": "Disable training contractually.",
}

DEFINITION = {
    "key": "api-test",
    "version": "1.0.0",
    "title": "API test questionnaire",
    "status": "published",
    "sections": [
        {
            "key": "main",
            "title": "Main",
            "questions": [
                {
                    "key": "privacy.training",
                    "text": "Does the vendor train on customer data?",
                    "type": "single_choice",
                    "domain": "privacy",
                    "weight": 3,
                    "options": [
                        {"key": "no", "label": "No", "risk": 0},
                        {"key": "opt_out", "label": "Opt-out", "risk": 60, "finding": FINDING},
                        {
                            "key": "always",
                            "label": "Always",
                            "risk": 100,
                            "knockout": "critical",
                            "finding": FINDING,
                        },
                        {"key": "unknown", "label": "Don't know", "risk": 75, "special": "unknown"},
                    ],
                },
                {
                    "key": "geopolitics.sanctions",
                    "text": "Is the vendor on a sanctions list?",
                    "type": "yes_no",
                    "domain": "geopolitics",
                    "screening": {"no_match": ["no"]},
                    "options": [
                        {
                            "key": "yes",
                            "label": "Yes",
                            "risk": 100,
                            "knockout": "critical",
                            "finding": FINDING,
                        },
                        {"key": "no", "label": "No", "risk": 0},
                    ],
                },
                {
                    "key": "security.incident_days",
                    "text": "Days to notify an incident?",
                    "type": "number",
                    "domain": "security",
                    "number": {
                        "min": 0,
                        "max": 365,
                        "unit": "days",
                        "bands": [{"max": 3, "risk": 0}, {"max": None, "risk": 40}],
                    },
                },
                {
                    "key": "regulatory.notes",
                    "text": "Anything else?",
                    "type": "text",
                    "domain": "regulatory",
                    "required": False,
                },
            ],
        }
    ],
}

COMPLETE_ANSWERS = [
    {"question": "privacy.training", "value": "opt_out", "comment": "Per the DPA."},
    {"question": "geopolitics.sanctions", "value": "no"},
    {"question": "security.incident_days", "value": 2},
    {"question": "regulatory.notes", "value": "None."},
]

VENDOR = {"name": "DeepSeek", "headquarters_country": "CN", "status": "prospect", "tags": ["llm"]}
OFFERING = {
    "name": "DeepSeek API",
    "kind": "hosted_api",
    "deployment": "vendor_cloud",
    "pricing_model": "usage_based",
}
USE_CASE = {
    "name": "Support drafts",
    "purpose": "Draft replies to customers.",
    "data_categories": ["personal"],
    "business_criticality": "medium",
    "eu_ai_act_class": "limited",
    "people_affected": "many",
}


def wide_definition(questions: int, key: str = "api-wide") -> dict:
    """A questionnaire of `questions` single-choice questions (for batch-size tests)."""
    return {
        "key": key,
        "version": "1.0.0",
        "title": f"{questions} questions",
        "status": "published",
        "sections": [
            {
                "key": "main",
                "title": "Main",
                "questions": [
                    {
                        "key": f"security.q{i:03d}",
                        "text": f"Question {i}?",
                        "type": "single_choice",
                        "domain": "security",
                        "options": [
                            {"key": "good", "label": "Good", "risk": 0},
                            {"key": "poor", "label": "Poor", "risk": 40},
                        ],
                    }
                    for i in range(questions)
                ],
            }
        ],
    }


_serial = itertools.count(1)


def unique(prefix: str) -> str:
    return f"{prefix} {next(_serial)}"


def findings_definition(questions: int, key: str = "api-findings") -> dict:
    """A questionnaire whose "poor" answers each raise a finding."""
    definition = wide_definition(questions, key=key)
    for question in definition["sections"][0]["questions"]:
        question["options"][1] = {"key": "poor", "label": "Poor", "risk": 60, "finding": FINDING}
    return definition


def questionnaire(definition: dict | None = None, organisation_id=None):
    return questionnaire_publish_definition(
        data=copy.deepcopy(definition or DEFINITION),
        source="tests",
        organisation_id=organisation_id,
    ).questionnaire


def member(people, org, role="viewer"):
    from django.contrib.auth import get_user_model

    from governance.accounts.models import Membership

    user = get_user_model().objects.create_user(unique("member").replace(" ", "-"))
    return Membership.objects.create(user=user, organisation=org, role=role)


def evidence(people, org, assessment_=None):
    from django.core.files.uploadedfile import SimpleUploadedFile

    assessment_ = assessment_ or assessment(people, org)
    return assessment_services.evidence_add(
        actor=owner_of(people, org),
        assessment=assessment_,
        question_key="privacy.training",
        upload=SimpleUploadedFile("dpa.txt", b"Data processing agreement, signed."),
    )


def owner_of(people, org):
    return people.assessor if org == people.org else people.outsider


def vendor(people, org, **overrides):
    data = {**VENDOR, "name": unique("Vendor"), **overrides}
    return vendor_services.vendor_create(
        actor=owner_of(people, org), organisation_id=org.pk, data=data
    )


def offering(people, org, vendor_=None, **overrides):
    vendor_ = vendor_ or vendor(people, org)
    return vendor_services.offering_create(
        actor=owner_of(people, org), vendor=vendor_, data={**OFFERING, **overrides}
    )


def use_case(people, org, offering_=None, **overrides):
    offering_ = offering_ or offering(people, org)
    return vendor_services.use_case_create(
        actor=owner_of(people, org),
        organisation_id=org.pk,
        data={**USE_CASE, "offering": offering_, **overrides},
    )


def contact(people, org, vendor_=None):
    vendor_ = vendor_ or vendor(people, org)
    return vendor_services.contact_create(
        actor=owner_of(people, org), vendor=vendor_, data={"name": "Jane DPO"}
    )


def assessment(people, org, questionnaire_=None, vendor_=None):
    questionnaire_ = questionnaire_ or questionnaire()
    vendor_ = vendor_ or vendor(people, org)
    return assessment_services.assessment_create(
        actor=owner_of(people, org),
        organisation_id=org.pk,
        vendor=vendor_,
        questionnaire=questionnaire_,
    )


def scored_assessment(people, org, questionnaire_=None, vendor_=None, answers=None):
    """An assessment answered, submitted and scored (tasks run in-process in tests)."""
    from django.test import TestCase

    item = assessment(people, org, questionnaire_, vendor_)
    actor = owner_of(people, org)
    assessment_services.answers_save(
        actor=actor, assessment=item, answers=answers or COMPLETE_ANSWERS
    )
    # The test's transaction never commits; run the on-commit scoring task explicitly.
    with TestCase.captureOnCommitCallbacks(execute=True):
        assessment_services.assessment_submit(actor=actor, assessment=item)
    item.refresh_from_db()
    return item
