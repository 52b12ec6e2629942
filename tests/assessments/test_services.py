import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from governance.accounts.models import AuditEvent
from governance.assessments import selectors, services
from governance.assessments.models import (
    Answer,
    Assessment,
    AssessmentStatus,
    Evidence,
    Finding,
    ScoringPolicy,
)
from governance.errors import AnswersInvalid, StateConflict
from governance.scoring import DEFAULT_POLICY
from tests.assessments.factories import (
    HIGH_RISK,
    LOW_RISK,
    answered,
    items,
    make_assessment,
    make_questionnaire,
    make_vendor,
)

pytestmark = pytest.mark.django_db


def stored(assessment) -> dict:
    return dict(Answer.objects.filter(assessment=assessment).values_list("question_key", "value"))


def submitted(people, values=None):
    assessment = answered(people, values)
    services.assessment_submit(actor=people.assessor, assessment=assessment)
    return assessment


def scored(people, values=None, *, submitter=None, django_capture_on_commit_callbacks):
    assessment = answered(people, values)
    with django_capture_on_commit_callbacks(execute=True):
        services.assessment_submit(actor=submitter or people.assessor, assessment=assessment)
    assessment.refresh_from_db()
    assert assessment.status == AssessmentStatus.SCORED, assessment.failure_message
    return assessment


# --- create ------------------------------------------------------------------------------------


def test_it_creates_an_assessment_with_an_audit_event(people):
    assessment = make_assessment(people)
    assert assessment.status == AssessmentStatus.DRAFT
    assert assessment.created_by == people.assessor
    event = AuditEvent.objects.get(action="assessment.create")
    assert event.object_id == str(assessment.pk)
    assert event.actor == people.assessor


def test_it_refuses_a_draft_questionnaire(people):
    questionnaire = make_questionnaire(status="draft")
    vendor, _, _ = make_vendor(people.org)
    with pytest.raises(ValidationError) as err:
        services.assessment_create(
            actor=people.assessor,
            organisation_id=people.org.pk,
            vendor=vendor,
            questionnaire=questionnaire,
        )
    assert "questionnaire" in err.value.message_dict


def test_it_refuses_another_organisations_vendor_and_foreign_offering(people):
    questionnaire = make_questionnaire()
    foreign, _, _ = make_vendor(people.other_org, "Foreign")
    with pytest.raises(ValidationError) as err:
        services.assessment_create(
            actor=people.assessor,
            organisation_id=people.org.pk,
            vendor=foreign,
            questionnaire=questionnaire,
        )
    assert "vendor" in err.value.message_dict
    vendor, _, _ = make_vendor(people.org, "Ours")
    _, other_offering, _ = make_vendor(people.org, "Theirs")
    with pytest.raises(ValidationError) as err:
        services.assessment_create(
            actor=people.assessor,
            organisation_id=people.org.pk,
            vendor=vendor,
            questionnaire=questionnaire,
            offering=other_offering,
        )
    assert "offering" in err.value.message_dict


@pytest.mark.parametrize("role", ["viewer", "reviewer"])
def test_viewers_and_reviewers_cannot_create(people, role):
    with pytest.raises(PermissionDenied):
        make_assessment(people, actor=people.by_role(role))


# --- answers -----------------------------------------------------------------------------------


def test_it_saves_answers_and_moves_to_in_progress(people):
    assessment = answered(people)
    assert assessment.status == AssessmentStatus.IN_PROGRESS
    assert stored(assessment) == LOW_RISK
    event = AuditEvent.objects.get(action="assessment.answers")
    assert event.after["privacy.training"] == {"value": "no_training", "comment": ""}
    assert event.after["status"] == AssessmentStatus.IN_PROGRESS


def test_it_updates_removes_and_comments_in_one_batch(people):
    assessment = answered(people)
    services.answers_save(
        actor=people.assessor,
        assessment=assessment,
        answers=[
            {"question": "lock_in.exit_days", "value": 45.0, "comment": "Per contract"},
            {"question": "regulatory.certifications", "value": None},
            {"question": "privacy.training", "comment": "Checked the DPA"},
        ],
    )
    answers = selectors.answer_map(assessment=assessment)
    assert answers["lock_in.exit_days"].value == 45  # integral float normalised to int
    assert answers["lock_in.exit_days"].comment == "Per contract"
    assert "regulatory.certifications" not in answers
    assert answers["privacy.training"].value == "no_training"
    assert answers["privacy.training"].comment == "Checked the DPA"


def test_it_rejects_every_bad_item_and_saves_nothing(people):
    assessment = answered(people)
    before = stored(assessment)
    with pytest.raises(AnswersInvalid) as err:
        services.answers_save(
            actor=people.assessor,
            assessment=assessment,
            answers=[
                {"question": "privacy.training", "value": "opt_out"},  # fine on its own
                {"question": "privacy.nonexistent", "value": "x"},
                {"question": "regulatory.certifications", "value": ["iso27001", "bogus"]},
                {"question": "lock_in.exit_days", "value": 99999},
                {"question": "privacy.transfer_mechanism", "value": "adequacy"},  # hidden
            ],
        )
    problems = {(e["index"], e["question"], e["field"]) for e in err.value.errors}
    assert problems == {
        (1, "privacy.nonexistent", "question"),
        (2, "regulatory.certifications", "value"),
        (3, "lock_in.exit_days", "value"),
        (4, "privacy.transfer_mechanism", "question"),
    }
    messages = " ".join(e["message"] for e in err.value.errors)
    assert "maximum 3650" in messages
    assert stored(assessment) == before


def test_it_rejects_a_comment_it_cannot_store(people):
    # The API's serializer reports these with the batch's shape; a batch built by a web form
    # reaches the service unchecked.
    assessment = make_assessment(people)
    with pytest.raises(AnswersInvalid) as err:
        services.answers_save(
            actor=people.assessor,
            assessment=assessment,
            answers=[
                {"question": "privacy.training", "value": "no_training"},
                {"question": "cost.pricing", "value": "fixed", "comment": "x" * 20_001},
                {"question": "privacy.leaves_jurisdiction", "value": "no", "comment": "a\x00"},
            ],
        )
    assert [(e["index"], e["field"]) for e in err.value.errors] == [(1, "comment"), (2, "comment")]
    assert not Answer.objects.exists()


def test_a_comment_needs_an_answer(people):
    assessment = make_assessment(people)
    with pytest.raises(AnswersInvalid) as err:
        services.answers_save(
            actor=people.assessor,
            assessment=assessment,
            answers=[{"question": "privacy.training", "comment": "Asked them"}],
        )
    assert err.value.errors[0]["field"] == "value"


def test_hiding_a_question_removes_its_stored_answer(people):
    assessment = answered(people, HIGH_RISK)
    assert "privacy.transfer_mechanism" in stored(assessment)
    services.answers_save(
        actor=people.assessor,
        assessment=assessment,
        answers=[{"question": "privacy.leaves_jurisdiction", "value": "no"}],
    )
    assert "privacy.transfer_mechanism" not in stored(assessment)


def test_answer_query_count_does_not_grow_with_the_batch(people):
    questions = [
        {
            "key": f"security.q{i:03d}",
            "text": f"Question {i}?",
            "type": "single_choice",
            "domain": "security",
            "options": [
                {"key": "a", "label": "A", "risk": 0},
                {"key": "b", "label": "B", "risk": 20},
            ],
        }
        for i in range(120)
    ]
    definition = {
        "key": "wide",
        "version": "1.0.0",
        "title": "Wide",
        "status": "published",
        "sections": [{"key": "s", "title": "S", "questions": questions}],
    }
    questionnaire = make_questionnaire(definition)

    def run(count: int, value: str) -> int:
        assessment = make_assessment(people, questionnaire, vendor_name=f"V{count}{value}")
        # First save creates, the second updates: count both.
        services.answers_save(
            actor=people.assessor,
            assessment=assessment,
            answers=[{"question": q["key"], "value": "a"} for q in questions[: count // 2]],
        )
        with CaptureQueriesContext(connection) as ctx:
            services.answers_save(
                actor=people.assessor,
                assessment=assessment,
                answers=[{"question": q["key"], "value": value} for q in questions[:count]],
            )
        return len(ctx.captured_queries)

    assert run(4, "b") == run(100, "b")


def test_viewers_and_reviewers_cannot_answer(people):
    assessment = make_assessment(people)
    for user in (people.viewer, people.reviewer, people.outsider):
        with pytest.raises(PermissionDenied):
            services.answers_save(actor=user, assessment=assessment, answers=items(LOW_RISK))
    assert not Answer.objects.exists()


def test_a_respondent_link_may_answer_without_an_account(people):
    assessment = make_assessment(people)
    services.answers_save(
        actor=None, assessment=assessment, answers=items(LOW_RISK), actor_label="respondent:7"
    )
    assert Answer.objects.filter(updated_by_label="respondent:7").count() == len(LOW_RISK)
    with pytest.raises(PermissionDenied):
        services.answers_save(actor=None, assessment=assessment, answers=items(LOW_RISK))


def test_answers_are_frozen_after_submission(people):
    assessment = submitted(people)
    with pytest.raises(StateConflict) as err:
        services.answers_save(
            actor=people.assessor,
            assessment=assessment,
            answers=[{"question": "privacy.training", "value": "opt_out"}],
        )
    assert err.value.status == AssessmentStatus.SUBMITTED
    assert stored(assessment)["privacy.training"] == "no_training"


# --- submit ------------------------------------------------------------------------------------


def test_submit_lists_every_missing_required_question_and_changes_nothing(people):
    assessment = answered(people, {"privacy.training": "no_training", "cost.pricing": "fixed"})
    with pytest.raises(AnswersInvalid) as err:
        services.assessment_submit(actor=people.assessor, assessment=assessment)
    missing = {e["question"] for e in err.value.errors}
    assert missing == {
        "privacy.leaves_jurisdiction",
        "geopolitics.entity_list",
        "lock_in.exit_days",
        "security.last_audit",
        "regulatory.certifications",
    }
    assessment.refresh_from_db()
    assert assessment.status == AssessmentStatus.IN_PROGRESS
    assert not AuditEvent.objects.filter(action="assessment.submit").exists()


def test_submit_requires_the_shown_conditional_question(people):
    values = dict(LOW_RISK, **{"privacy.leaves_jurisdiction": "yes"})
    assessment = answered(people, values)
    with pytest.raises(AnswersInvalid) as err:
        services.assessment_submit(actor=people.assessor, assessment=assessment)
    assert [e["question"] for e in err.value.errors] == ["privacy.transfer_mechanism"]


def test_submit_records_who_and_when(people):
    assessment = submitted(people)
    assert assessment.status == AssessmentStatus.SUBMITTED
    assert assessment.submitted_by == people.assessor
    assert assessment.submitted_at is not None
    event = AuditEvent.objects.get(action="assessment.submit")
    assert event.before["status"] == AssessmentStatus.IN_PROGRESS
    assert event.after["status"] == AssessmentStatus.SUBMITTED


def test_submit_twice_is_a_conflict(people):
    assessment = submitted(people)
    with pytest.raises(StateConflict):
        services.assessment_submit(actor=people.assessor, assessment=assessment)


def test_viewers_cannot_submit(people):
    assessment = answered(people)
    with pytest.raises(PermissionDenied):
        services.assessment_submit(actor=people.viewer, assessment=assessment)


# --- decide ------------------------------------------------------------------------------------


def test_reviewer_approves_with_conditions_and_the_review_date_follows_the_rating(
    people, django_capture_on_commit_callbacks
):
    assessment = scored(
        people, django_capture_on_commit_callbacks=django_capture_on_commit_callbacks
    )
    with pytest.raises(ValidationError) as err:
        services.assessment_decide(
            actor=people.reviewer, assessment=assessment, decision="approved_with_conditions"
        )
    assert "conditions" in err.value.message_dict
    services.assessment_decide(
        actor=people.reviewer,
        assessment=assessment,
        decision="approved_with_conditions",
        conditions="Disable training in the admin console.",
        rationale="Low residual risk.",
    )
    assessment.refresh_from_db()
    assert assessment.status == AssessmentStatus.DECIDED
    assert assessment.decided_by == people.reviewer
    interval = assessment.latest_result.outcome["review_interval_days"]
    assert assessment.next_review_date == dt.date.today() + dt.timedelta(days=interval)
    assert AuditEvent.objects.filter(action="assessment.decide").exists()


def test_assessors_cannot_decide(people, django_capture_on_commit_callbacks):
    assessment = scored(
        people, django_capture_on_commit_callbacks=django_capture_on_commit_callbacks
    )
    with pytest.raises(PermissionDenied):
        services.assessment_decide(
            actor=people.assessor, assessment=assessment, decision="approved"
        )


def test_the_submitter_cannot_approve_but_may_reject(people, django_capture_on_commit_callbacks):
    assessment = scored(
        people,
        submitter=people.admin,
        django_capture_on_commit_callbacks=django_capture_on_commit_callbacks,
    )
    for decision in ("approved", "approved_with_conditions"):
        with pytest.raises(PermissionDenied, match="another reviewer"):
            services.assessment_decide(
                actor=people.admin, assessment=assessment, decision=decision, conditions="x"
            )
    services.assessment_decide(actor=people.admin, assessment=assessment, decision="rejected")
    assert assessment.decision == "rejected"


def test_an_unscored_assessment_cannot_be_decided(people):
    assessment = submitted(people)
    with pytest.raises(StateConflict):
        services.assessment_decide(
            actor=people.reviewer, assessment=assessment, decision="rejected"
        )


# --- reopen ------------------------------------------------------------------------------------


def test_reopen_creates_a_revision_and_leaves_the_decided_one_untouched(
    people, django_capture_on_commit_callbacks, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    assessment = answered(people)
    services.evidence_add(
        actor=people.assessor,
        assessment=assessment,
        question_key="privacy.training",
        upload=SimpleUploadedFile("dpa.pdf", b"%PDF-1.7\n..."),
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.assessment_submit(actor=people.assessor, assessment=assessment)
    services.assessment_decide(actor=people.reviewer, assessment=assessment, decision="approved")
    decided_state = Assessment.objects.filter(pk=assessment.pk).values().get()

    revision = services.assessment_reopen(actor=people.assessor, assessment=assessment)
    assert revision.revision == 2
    assert revision.previous_id == assessment.pk
    assert revision.status == AssessmentStatus.IN_PROGRESS
    assert stored(revision) == stored(assessment)
    copied = Evidence.objects.get(assessment=revision)
    original = Evidence.objects.get(assessment=assessment)
    assert copied.file.name == original.file.name
    assert copied.sha256 == original.sha256
    assert Assessment.objects.filter(pk=assessment.pk).values().get() == decided_state
    # The new revision is editable, the old one is not.
    services.answers_save(
        actor=people.assessor,
        assessment=revision,
        answers=[{"question": "privacy.training", "value": "opt_out"}],
    )
    assert stored(assessment)["privacy.training"] == "no_training"
    with pytest.raises(StateConflict):
        services.assessment_reopen(actor=people.assessor, assessment=assessment)


def test_only_a_decided_assessment_can_be_reopened(people):
    assessment = answered(people)
    with pytest.raises(StateConflict):
        services.assessment_reopen(actor=people.assessor, assessment=assessment)


# --- evidence ----------------------------------------------------------------------------------

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.mark.parametrize(
    ("name", "content", "mime"),
    [
        ("report.pdf", b"%PDF-1.4 soc2", "application/pdf"),
        ("shot.png", PNG, "image/png"),
        ("photo.jpg", b"\xff\xd8\xff\xe0" + b"\x00" * 16, "image/jpeg"),
        ("notes.txt", "Überprüft: ok\n".encode(), "text/plain"),
        ("list.csv", b"a,b\n1,2\n", "text/csv"),
        # The declared name does not matter: a PNG called .pdf is a PNG.
        ("fake.pdf", PNG, "image/png"),
    ],
)
def test_evidence_type_comes_from_the_content(people, media, name, content, mime):
    import hashlib

    assessment = make_assessment(people)
    evidence = services.evidence_add(
        actor=people.assessor,
        assessment=assessment,
        question_key="privacy.training",
        upload=SimpleUploadedFile(name, content, content_type="application/octet-stream"),
    )
    assert evidence.content_type == mime
    digest = hashlib.sha256(content).hexdigest()
    assert evidence.sha256 == digest
    assert evidence.file.name.endswith(digest)
    assert evidence.original_name == name
    assert (media / evidence.file.name).read_bytes() == content
    assert AuditEvent.objects.filter(action="evidence.add").exists()


def test_office_documents_are_recognised_inside_their_zip(people, media):
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    assessment = make_assessment(people)
    evidence = services.evidence_add(
        actor=people.assessor,
        assessment=assessment,
        question_key="privacy.training",
        upload=SimpleUploadedFile("dpa.docx", buffer.getvalue()),
    )
    assert evidence.content_type.endswith("wordprocessingml.document")


@pytest.mark.parametrize(
    "content",
    [
        b"MZ\x90\x00\x03\x00\x00\x00",  # a Windows executable
        b"<!DOCTYPE html><script>alert(1)</script>",
        b"<svg onload=alert(1)>",
        b"PK\x03\x04 not really an office file",
        b"\xff\xfe\x00\x00 binary",
        b"",
    ],
)
def test_evidence_of_other_types_is_refused(people, media, content):
    assessment = make_assessment(people)
    with pytest.raises(ValidationError) as err:
        services.evidence_add(
            actor=people.assessor,
            assessment=assessment,
            question_key="privacy.training",
            upload=SimpleUploadedFile("x.pdf", content),
        )
    assert "file" in err.value.message_dict
    assert not Evidence.objects.exists()


def test_evidence_over_the_size_limit_is_refused(people, media, settings):
    settings.EVIDENCE_MAX_BYTES = 100
    assessment = make_assessment(people)
    with pytest.raises(ValidationError, match="limit"):
        services.evidence_add(
            actor=people.assessor,
            assessment=assessment,
            question_key="privacy.training",
            upload=SimpleUploadedFile("big.txt", b"a" * 101),
        )
    assert not Evidence.objects.exists()


def test_evidence_for_an_unknown_question_or_after_submission_is_refused(people, media):
    assessment = answered(people)
    upload = SimpleUploadedFile("n.txt", b"note")
    with pytest.raises(ValidationError):
        services.evidence_add(
            actor=people.assessor, assessment=assessment, question_key="nope.x", upload=upload
        )
    services.assessment_submit(actor=people.assessor, assessment=assessment)
    with pytest.raises(StateConflict):
        services.evidence_add(
            actor=people.assessor,
            assessment=assessment,
            question_key="privacy.training",
            upload=SimpleUploadedFile("n.txt", b"note"),
        )


def test_evidence_is_opened_only_for_members(people, media):
    assessment = make_assessment(people)
    evidence = services.evidence_add(
        actor=people.assessor,
        assessment=assessment,
        question_key="privacy.training",
        upload=SimpleUploadedFile("n.txt", b"note"),
    )
    _found, handle = selectors.evidence_open(user=people.viewer, pk=evidence.pk)
    with handle:
        assert handle.read() == b"note"
    with pytest.raises(Evidence.DoesNotExist):
        selectors.evidence_open(user=people.outsider, pk=evidence.pk)


# --- scoping -----------------------------------------------------------------------------------


def test_outsiders_get_does_not_exist(people, django_capture_on_commit_callbacks):
    assessment = scored(
        people, HIGH_RISK, django_capture_on_commit_callbacks=django_capture_on_commit_callbacks
    )
    with pytest.raises(Assessment.DoesNotExist):
        selectors.assessment_get(user=people.outsider, pk=assessment.pk)
    assert selectors.assessment_get(user=people.viewer, pk=assessment.pk) == assessment
    assert not selectors.finding_list(user=people.outsider).exists()
    assert selectors.finding_list(user=people.viewer).exists()


# --- findings ----------------------------------------------------------------------------------


def test_finding_update_sets_owner_and_status(people, django_capture_on_commit_callbacks):
    assessment = scored(
        people, HIGH_RISK, django_capture_on_commit_callbacks=django_capture_on_commit_callbacks
    )
    finding = Finding.objects.filter(assessment=assessment).first()
    services.finding_update(
        actor=people.assessor,
        finding=finding,
        data={
            "owner": people.admin,
            "status": "mitigating",
            "due_date": "2027-01-31",
            "note": "On it",
        },
    )
    finding.refresh_from_db()
    assert finding.owner == people.admin
    assert finding.status == "mitigating"
    assert finding.due_date == dt.date(2027, 1, 31)
    assert AuditEvent.objects.filter(action="finding.update").exists()
    with pytest.raises(ValidationError):
        services.finding_update(
            actor=people.assessor, finding=finding, data={"owner": people.outsider}
        )
    with pytest.raises(PermissionDenied):
        services.finding_update(actor=people.assessor, finding=finding, data={"status": "accepted"})
    with pytest.raises(PermissionDenied):
        services.finding_update(actor=people.viewer, finding=finding, data={"note": "x"})
    services.finding_update(actor=people.reviewer, finding=finding, data={"status": "accepted"})
    assert finding.status == "accepted"


# --- policy ------------------------------------------------------------------------------------


def test_policy_is_versioned_and_validated(people):
    first = services.policy_current(organisation_id=people.org.pk)
    assert first.version == 1
    assert first.body["domain_weights"] == DEFAULT_POLICY["domain_weights"]
    body = dict(first.body, domain_weights=dict(first.body["domain_weights"], geopolitics=6))
    second = services.policy_update(
        actor=people.admin, organisation_id=people.org.pk, body=body, note="Geopolitics first"
    )
    assert second.version == 2
    assert second.body["version"] == 2
    assert services.policy_current(organisation_id=people.org.pk) == second
    assert ScoringPolicy.objects.get(pk=first.pk).body == first.body
    with pytest.raises(ValidationError) as err:
        services.policy_update(
            actor=people.admin,
            organisation_id=people.org.pk,
            body=dict(body, residual_thresholds=[90, 10]),
        )
    assert "body" in err.value.message_dict
    with pytest.raises(PermissionDenied):
        services.policy_update(actor=people.assessor, organisation_id=people.org.pk, body=body)
    assert AuditEvent.objects.filter(action="policy.update").count() == 1


def test_scoring_context_uses_the_use_case_and_submission_date(people):
    assessment = submitted(people)
    context = selectors.scoring_context(assessment)
    assert context["as_of"] == assessment.submitted_at.date().isoformat()
    assert context["use_case"]["business_criticality"] == "medium"
