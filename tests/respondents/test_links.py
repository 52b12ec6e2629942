"""Vendor respondent links: created by an assessor (the secret shown once), used without an
account for one assessment only, and refused with a clear page once expired or revoked, or
when used too fast."""

from __future__ import annotations

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from governance.accounts.models import AuditEvent
from governance.assessments.models import Answer
from governance.respondents.models import RespondentLink, hash_link_token
from governance.respondents.services import respondent_link_create, respondent_link_revoke
from tests.web.fixtures import answer_all, first_option_answers, section_post


@pytest.fixture
def link(people, assessment):
    return respondent_link_create(
        actor=people.assessor,
        assessment=assessment,
        contact_name="Jeanne Martin",
        contact_email="jeanne@example.com",
    )


def start_url(raw):
    return reverse("respondents:start", args=[raw])


def section_url(raw, key):
    return reverse("respondents:section", args=[raw, key])


def test_an_assessor_creates_a_link_that_is_shown_once(client, people, assessment):
    client.force_login(people.assessor)
    response = client.post(
        reverse("respondents:link-create", args=[assessment.pk]),
        {
            "contact_name": "Jeanne Martin",
            "contact_email": "jeanne@example.com",
            "expires_in_days": 7,
        },
    )
    assert response.status_code == 201
    assert "no-store" in response["Cache-Control"]
    url = re.search(r'value="(http[^"]+/respond/[^"]+/)"', response.content.decode()).group(1)
    raw = url.rstrip("/").rsplit("/", 1)[1]
    link = RespondentLink.objects.get()
    assert link.token_hash == hash_link_token(raw)
    assert raw not in str(AuditEvent.objects.filter(action="respondent_link.create").get().after)
    assert 6 <= (link.expires_at - timezone.now()).days <= 7
    # The assessment page lists the link but can never show the secret again.
    page = client.get(reverse("assessments:detail", args=[assessment.pk])).content.decode()
    assert "Jeanne Martin" in page
    assert raw not in page


def test_an_invitation_form_with_errors_keeps_the_typed_values(client, people, assessment):
    client.force_login(people.assessor)
    response = client.post(
        reverse("respondents:link-create", args=[assessment.pk]),
        {"contact_name": "Jeanne", "contact_email": "bad", "expires_in_days": 999},
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert 'value="Jeanne"' in body
    assert "expires_in_days" in response.context["form"].errors
    assert not RespondentLink.objects.exists()


def test_viewers_and_reviewers_cannot_create_links(client, people, assessment):
    for role in ("viewer", "reviewer"):
        client.force_login(people.by_role(role))
        response = client.post(
            reverse("respondents:link-create", args=[assessment.pk]),
            {"contact_name": "X", "expires_in_days": 7},
        )
        assert response.status_code == 403


def test_another_organisation_cannot_create_or_revoke_links(client, people, assessment, link):
    client.force_login(people.outsider)
    response = client.post(
        reverse("respondents:link-create", args=[assessment.pk]),
        {"contact_name": "X", "expires_in_days": 7},
    )
    assert response.status_code == 404
    response = client.post(reverse("respondents:link-revoke", args=[assessment.pk, link[0].pk]))
    assert response.status_code == 404


def test_the_vendor_answers_without_an_account(client, assessment, link):
    row, raw = link
    page = client.get(start_url(raw))
    assert page.status_code == 200
    assert b"You do not need an account" in page.content
    assert b"Log out" not in page.content
    section = assessment.questionnaire.definition["sections"][0]
    values = first_option_answers(assessment.questionnaire.definition)
    response = client.post(section_url(raw, section["key"]), section_post(section, values))
    assert response.status_code == 302
    assert response["Location"].startswith(f"/respond/{raw}/")
    answers = Answer.objects.filter(assessment=assessment)
    assert answers.count() == len([q for q in section["questions"] if q["key"] in values])
    assert {a.updated_by_label for a in answers} == {f"respondent:{row.pk}"}
    row.refresh_from_db()
    assert row.last_used_at is not None
    event = AuditEvent.objects.filter(action="assessment.answers").latest("id")
    assert event.actor is None
    assert event.actor_label == f"respondent:{row.pk}"


def test_errors_are_shown_to_the_vendor_with_typed_values_kept(client, assessment, link):
    _, raw = link
    section = assessment.questionnaire.definition["sections"][0]
    number = next(q for q in section["questions"] if q["type"] == "number")
    data = section_post(section, first_option_answers(assessment.questionnaire.definition))
    data["q__" + number["key"]] = "-5"
    response = client.post(section_url(raw, section["key"]), data)
    assert response.status_code == 400
    assert 'value="-5"' in response.content.decode()


def test_the_vendor_reviews_but_cannot_submit(client, people, assessment, link):
    _, raw = link
    answer_all(assessment, actor=None, actor_label=f"respondent:{link[0].pk}")
    page = client.get(reverse("respondents:review", args=[raw]))
    assert page.status_code == 200
    assert b"All done" in page.content
    assert b"Submit for scoring" not in page.content
    # The assessor then submits; the link can no longer change answers.
    from governance.assessments.services import assessment_submit

    assessment_submit(actor=people.assessor, assessment=assessment)
    section = assessment.questionnaire.definition["sections"][0]
    response = client.post(section_url(raw, section["key"]), {"action": "next"}, follow=True)
    assert b"can no longer change" in response.content
    assert b"read only" in response.content
    start = client.get(start_url(raw))
    assert b"has been submitted" in start.content


def test_a_link_reaches_only_its_own_assessment(client, people, assessment, link, vendor):
    from governance.assessments.services import assessment_create

    _, raw = link
    other = assessment_create(
        actor=people.assessor,
        organisation_id=people.org.pk,
        vendor=vendor,
        questionnaire=assessment.questionnaire,
    )
    # No respondent URL names an assessment: the token alone picks it. Saving through the
    # link writes to the link's assessment, and the staff pages stay behind the log-in.
    section = assessment.questionnaire.definition["sections"][0]
    values = first_option_answers(assessment.questionnaire.definition)
    client.post(section_url(raw, section["key"]), section_post(section, values))
    assert Answer.objects.filter(assessment=assessment).exists()
    assert not Answer.objects.filter(assessment=other).exists()
    for name in ("assessments:detail", "assessments:review"):
        response = client.get(reverse(name, args=[other.pk]))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


def test_an_expired_link_shows_a_clear_page(client, link):
    row, raw = link
    RespondentLink.objects.filter(pk=row.pk).update(
        expires_at=timezone.now() - datetime.timedelta(minutes=1)
    )
    response = client.get(start_url(raw))
    assert response.status_code == 410
    assert b"This link has expired" in response.content
    section_response = client.post(section_url(raw, "privacy"), {"action": "next"})
    assert section_response.status_code == 410


def test_a_revoked_link_shows_a_clear_page(client, people, link):
    row, raw = link
    respondent_link_revoke(actor=people.assessor, link=row)
    response = client.get(start_url(raw))
    assert response.status_code == 403
    assert b"This link is no longer active" in response.content
    assert AuditEvent.objects.filter(action="respondent_link.revoke").count() == 1


def test_revoking_from_the_assessment_page(client, people, assessment, link):
    row, raw = link
    client.force_login(people.assessor)
    response = client.post(reverse("respondents:link-revoke", args=[assessment.pk, row.pk]))
    assert response.status_code == 302
    client.logout()
    assert client.get(start_url(raw)).status_code == 403


def test_an_unknown_token_is_a_friendly_404(client, db):
    response = client.get(start_url("not-a-real-token"))
    assert response.status_code == 404
    assert b"This link is not recognised" in response.content


def test_each_link_is_rate_limited(client, settings, link):
    _, raw = link
    settings.RESPONDENT_LINK_RATE_PER_MINUTE = 3
    for _ in range(3):
        assert client.get(start_url(raw)).status_code == 200
    response = client.get(start_url(raw))
    assert response.status_code == 429
    assert b"Please slow down" in response.content


def test_each_address_is_rate_limited_even_when_guessing_tokens(client, settings, db):
    settings.RESPONDENT_IP_RATE_PER_MINUTE = 5
    statuses = [client.get(start_url(f"guess-{i}")).status_code for i in range(7)]
    assert statuses == [404] * 5 + [429] * 2
    other = client.get(start_url("guess-x"), REMOTE_ADDR="10.1.2.3")
    assert other.status_code == 404


def test_a_link_cannot_be_created_for_a_submitted_assessment(client, people, assessment):
    from governance.assessments.services import assessment_submit
    from governance.errors import StateConflict

    answer_all(assessment, actor=people.assessor)
    assessment_submit(actor=people.assessor, assessment=assessment)
    with pytest.raises(StateConflict):
        respondent_link_create(actor=people.assessor, assessment=assessment, contact_name="X")
    client.force_login(people.assessor)
    response = client.post(
        reverse("respondents:link-create", args=[assessment.pk]),
        {"contact_name": "X", "expires_in_days": 7},
    )
    assert response.status_code == 400
    assert b"no longer open for answers" in response.content


def test_the_vendor_can_attach_evidence(client, assessment, link):
    from django.core.files.uploadedfile import SimpleUploadedFile

    row, raw = link
    section = assessment.questionnaire.definition["sections"][0]
    question = section["questions"][0]["key"]
    data = section_post(section, first_option_answers(assessment.questionnaire.definition))
    data["e__" + question] = SimpleUploadedFile("policy.txt", b"Retention: 30 days.\n")
    response = client.post(section_url(raw, section["key"]), data)
    assert response.status_code == 302
    evidence = assessment.evidence.get()
    assert evidence.uploaded_by_label == f"respondent:{row.pk}"
