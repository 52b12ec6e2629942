"""What a vendor respondent sees: the questions and what the vendor side gave — never an
assessor's comment, evidence file name or username."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from governance.accounts.models import Membership
from governance.assessments.models import Answer
from governance.assessments.services import answers_save, evidence_add
from governance.respondents.services import respondent_link_create
from tests.web.fixtures import first_option_answers, section_post

STAFF_COMMENT = "Internal: their DPA looks weak, push on retention."
STAFF_FILE = "internal-risk-memo-q3.txt"
STAFF_USERNAME = "k.lindqvist"
VENDOR_COMMENT = "We keep prompts for 30 days."
VENDOR_FILE = "retention-policy.txt"


@pytest.fixture
def staff(people, django_user_model):
    user = django_user_model.objects.create_user(username=STAFF_USERNAME)
    Membership.objects.create(user=user, organisation=people.org, role="assessor")
    return user


@pytest.fixture
def setting(people, assessment, staff):
    """The first section's first question answered, commented and evidenced by staff; the
    second question the same by the vendor through its link."""
    row, raw = respondent_link_create(
        actor=people.assessor, assessment=assessment, contact_name="Jeanne Martin"
    )
    section = assessment.questionnaire.definition["sections"][0]
    values = first_option_answers(assessment.questionnaire.definition)
    staff_q, vendor_q = (q["key"] for q in section["questions"][:2])
    answers_save(
        actor=staff,
        assessment=assessment,
        answers=[{"question": staff_q, "value": values[staff_q], "comment": STAFF_COMMENT}],
    )
    evidence_add(
        actor=staff,
        assessment=assessment,
        question_key=staff_q,
        upload=SimpleUploadedFile(STAFF_FILE, b"Not for the vendor.\n"),
    )
    answers_save(
        actor=None,
        actor_label=row.actor_label,
        assessment=assessment,
        answers=[{"question": vendor_q, "value": values[vendor_q], "comment": VENDOR_COMMENT}],
    )
    evidence_add(
        actor=None,
        actor_label=row.actor_label,
        assessment=assessment,
        question_key=vendor_q,
        upload=SimpleUploadedFile(VENDOR_FILE, b"Retention: 30 days.\n"),
    )
    return raw, section, values, staff_q


def assert_only_the_vendor_side(html: str) -> None:
    assert STAFF_COMMENT not in html
    assert STAFF_FILE not in html
    assert STAFF_USERNAME not in html
    assert VENDOR_COMMENT in html


def test_the_section_page_shows_only_the_vendor_s_comments_and_evidence(client, setting):
    raw, section, _, _ = setting
    page = client.get(reverse("respondents:section", args=[raw, section["key"]]))
    assert page.status_code == 200
    html = page.content.decode()
    assert_only_the_vendor_side(html)
    assert VENDOR_FILE in html


def test_the_review_page_shows_only_the_vendor_s_comments(client, setting):
    raw, _, _, _ = setting
    page = client.get(reverse("respondents:review", args=[raw]))
    assert page.status_code == 200
    assert_only_the_vendor_side(page.content.decode())


def test_the_assessor_still_sees_both_sides(client, people, assessment, setting):
    _, section, _, _ = setting
    client.force_login(people.assessor)
    page = client.get(reverse("assessments:section", args=[assessment.pk, section["key"]]))
    html = page.content.decode()
    for text in (STAFF_COMMENT, STAFF_FILE, STAFF_USERNAME, VENDOR_COMMENT, VENDOR_FILE):
        assert text in html


def test_saving_the_section_keeps_the_comment_the_vendor_was_not_shown(client, assessment, setting):
    raw, section, values, staff_q = setting
    question = section["questions"][0]
    assert len(question.get("options", [])) > 1, "the test needs a choice to change"
    changed = question["options"][1]["key"]
    values = {**values, staff_q: [changed] if question["type"] == "multiple_choice" else changed}
    data = section_post(section, values, action="stay")
    # The comment box the vendor saw for the assessor's question was empty.
    data["c__" + staff_q] = ""
    response = client.post(reverse("respondents:section", args=[raw, section["key"]]), data)
    assert response.status_code == 302
    answer = Answer.objects.get(assessment=assessment, question_key=staff_q)
    assert answer.comment == STAFF_COMMENT
    # The vendor changed the value, and is not thereby the comment's author.
    assert answer.updated_by_label.startswith("respondent:")
    assert answer.comment_by_label == STAFF_USERNAME
    page = client.get(reverse("respondents:section", args=[raw, section["key"]]))
    assert_only_the_vendor_side(page.content.decode())
