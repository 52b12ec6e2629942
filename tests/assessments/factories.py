"""Builders for assessment tests: a small published questionnaire (from a definition dict,
independent of the YAML library), a vendor with an offering and use case, and answers."""

from __future__ import annotations

import copy

from governance.assessments import services
from governance.questionnaires.models import Questionnaire, QuestionnaireStatus
from governance.scoring import definition_content_hash
from governance.vendors.models import Offering, UseCase, Vendor


def _finding(title: str) -> dict:
    return {
        "title": title,
        "text": f"{title}: the vendor's answer leaves a gap.",
        "recommendation": "Agree a contractual control and verify it.",
    }


UNKNOWN = {"key": "unknown", "label": "Don't know", "risk": 75, "special": "unknown"}
NOT_APPLICABLE = {
    "key": "not_applicable",
    "label": "Not applicable",
    "risk": 0,
    "special": "not_applicable",
}

DEFINITION = {
    "key": "pipeline-test",
    "version": "1.0.0",
    "title": "Pipeline test questionnaire",
    "description": "",
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
                    "evidence": ["Data processing agreement"],
                    "options": [
                        {"key": "no_training", "label": "No", "risk": 0},
                        {
                            "key": "opt_out",
                            "label": "Yes, with an opt-out",
                            "risk": 60,
                            "finding": _finding("Customer data used for training by default"),
                        },
                        {
                            "key": "always",
                            "label": "Yes, with no opt-out",
                            "risk": 100,
                            "knockout": "critical",
                            "finding": _finding("Customer data always used for training"),
                        },
                        UNKNOWN,
                        NOT_APPLICABLE,
                    ],
                },
                {
                    "key": "privacy.leaves_jurisdiction",
                    "text": "Does data leave our jurisdiction?",
                    "type": "yes_no",
                    "domain": "privacy",
                    "weight": 2,
                    "options": [
                        {
                            "key": "yes",
                            "label": "Yes",
                            "risk": 70,
                            "finding": _finding("Data leaves the jurisdiction"),
                        },
                        {"key": "no", "label": "No", "risk": 0},
                        UNKNOWN,
                    ],
                },
                {
                    "key": "privacy.transfer_mechanism",
                    "text": "Which transfer mechanism applies?",
                    "type": "single_choice",
                    "domain": "privacy",
                    "show_if": {"question": "privacy.leaves_jurisdiction", "in": ["yes"]},
                    "options": [
                        {"key": "adequacy", "label": "Adequacy decision", "risk": 10},
                        {
                            "key": "none",
                            "label": "None",
                            "risk": 90,
                            "finding": _finding("No transfer mechanism"),
                        },
                    ],
                },
                {
                    "key": "geopolitics.entity_list",
                    "text": "Is the vendor or its parent on a sanctions or entity list?",
                    "type": "yes_no",
                    "domain": "geopolitics",
                    "weight": 5,
                    "options": [
                        {
                            "key": "yes",
                            "label": "Yes",
                            "risk": 100,
                            "knockout": "critical",
                            "finding": _finding("Vendor on an entity list"),
                        },
                        {"key": "no", "label": "No", "risk": 0},
                    ],
                },
                {
                    "key": "lock_in.exit_days",
                    "text": "How many days to migrate away?",
                    "type": "number",
                    "domain": "lock_in",
                    "number": {
                        "min": 0,
                        "max": 3650,
                        "unit": "days",
                        "bands": [
                            {"max": 30, "risk": 0},
                            {"max": 90, "risk": 30},
                            {"max": None, "risk": 80, "finding": _finding("Slow exit")},
                        ],
                    },
                },
                {
                    "key": "security.last_audit",
                    "text": "When was the last independent security audit?",
                    "type": "date",
                    "domain": "security",
                    "date": {
                        "bands": [
                            {"max_age_days": 365, "risk": 0},
                            {"max_age_days": None, "risk": 60, "finding": _finding("Old audit")},
                        ]
                    },
                },
                {
                    "key": "regulatory.certifications",
                    "text": "Which certifications does the vendor hold?",
                    "type": "multiple_choice",
                    "domain": "regulatory",
                    "options": [
                        {"key": "iso27001", "label": "ISO 27001", "risk": 0},
                        {"key": "soc2", "label": "SOC 2", "risk": 10},
                        {
                            "key": "none",
                            "label": "None",
                            "risk": 80,
                            "finding": _finding("No certification"),
                        },
                    ],
                },
                {
                    "key": "cost.pricing",
                    "text": "How predictable is the price?",
                    "type": "single_choice",
                    "domain": "cost",
                    "required": False,
                    "options": [
                        {"key": "fixed", "label": "Fixed", "risk": 0},
                        {"key": "volatile", "label": "Volatile", "risk": 40},
                    ],
                },
                {
                    "key": "security.notes",
                    "text": "Anything else?",
                    "type": "text",
                    "domain": "security",
                    "required": False,
                },
            ],
        }
    ],
}

# Every required visible question answered, low risk.
LOW_RISK = {
    "privacy.training": "no_training",
    "privacy.leaves_jurisdiction": "no",
    "geopolitics.entity_list": "no",
    "lock_in.exit_days": 20,
    "security.last_audit": "2026-06-01",
    "regulatory.certifications": ["iso27001", "soc2"],
}
HIGH_RISK = {
    "privacy.training": "opt_out",
    "privacy.leaves_jurisdiction": "yes",
    "privacy.transfer_mechanism": "none",
    "geopolitics.entity_list": "no",
    "lock_in.exit_days": 200,
    "security.last_audit": "2020-01-01",
    "regulatory.certifications": ["none"],
}


def items(values: dict) -> list[dict]:
    return [{"question": key, "value": value} for key, value in values.items()]


def make_questionnaire(definition: dict | None = None, *, organisation=None, **overrides):
    definition = copy.deepcopy(definition or DEFINITION)
    definition.update(overrides)
    count = sum(len(s["questions"]) for s in definition["sections"])
    questionnaire, _ = Questionnaire.objects.get_or_create(
        organisation=organisation,
        key=definition["key"],
        version=definition["version"],
        defaults={
            "version_order": [int(p) for p in definition["version"].split(".")],
            "title": definition["title"],
            "description": definition.get("description", ""),
            "status": definition.get("status", QuestionnaireStatus.PUBLISHED),
            "content_hash": definition_content_hash(definition),
            "definition": definition,
            "question_count": count,
        },
    )
    return questionnaire


def make_vendor(org, name: str = "Example AI"):
    vendor = Vendor.objects.create(organisation=org, name=name, headquarters_country="US")
    offering = Offering.objects.create(
        vendor=vendor,
        name=f"{name} API",
        kind="hosted_api",
        deployment="vendor_cloud",
        pricing_model="usage_based",
    )
    use_case = UseCase.objects.create(
        organisation=org,
        offering=offering,
        name=f"{name} use",
        purpose="Drafting.",
        data_categories=["internal"],
        business_criticality="medium",
        eu_ai_act_class="minimal",
        people_affected="few",
        exposure="internal",
    )
    return vendor, offering, use_case


def make_assessment(people, questionnaire=None, *, vendor_name: str = "Example AI", actor=None):
    questionnaire = questionnaire or make_questionnaire()
    vendor, offering, use_case = make_vendor(people.org, vendor_name)
    return services.assessment_create(
        actor=actor or people.assessor,
        organisation_id=people.org.pk,
        vendor=vendor,
        questionnaire=questionnaire,
        offering=offering,
        use_case=use_case,
    )


def answered(people, values: dict | None = None, **kwargs):
    assessment = make_assessment(people, **kwargs)
    services.answers_save(
        actor=people.assessor, assessment=assessment, answers=items(values or LOW_RISK)
    )
    return assessment
