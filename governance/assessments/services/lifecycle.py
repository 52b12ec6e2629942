"""An assessment's life: created, submitted for scoring (or retried), decided, reopened
as a new revision."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from governance.accounts.audit import audit_record, snapshot
from governance.accounts.tenancy import Capability, require
from governance.errors import AnswersInvalid, StateConflict
from governance.questionnaires.models import QuestionnaireStatus
from governance.scoring import validate_answers

from ..models import (
    Answer,
    Assessment,
    AssessmentStatus,
    Decision,
    Evidence,
)
from .common import (
    SubmitOutcome,
    compiled_for,
    enqueue_scoring_on_commit,
    lock_assessment,
    lock_editable,
    refresh_caller_copy,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from governance.questionnaires.models import Questionnaire
    from governance.vendors.models import Offering, UseCase, Vendor


def assessment_create(
    *,
    actor: User,
    organisation_id: int,
    vendor: Vendor,
    questionnaire: Questionnaire,
    offering: Offering | None = None,
    use_case: UseCase | None = None,
    title: str = "",
) -> Assessment:
    require(actor, Capability.EDIT, organisation_id)
    errors: dict[str, list[str]] = {}
    if vendor.organisation_id != organisation_id:
        errors["vendor"] = ["Choose a vendor of your organisation."]
    if questionnaire.status != QuestionnaireStatus.PUBLISHED:
        errors["questionnaire"] = ["Only a published questionnaire version can be used."]
    elif questionnaire.organisation_id not in (None, organisation_id):
        errors["questionnaire"] = ["Choose a questionnaire of the library or your organisation."]
    if offering is not None and offering.vendor_id != vendor.pk:
        errors["offering"] = ["Choose an offering of this vendor."]
    if use_case is not None:
        if use_case.organisation_id != organisation_id:
            errors["use_case"] = ["Choose a use case of your organisation."]
        elif offering is not None and use_case.offering_id != offering.pk:
            errors["use_case"] = ["Choose a use case of this offering."]
        elif offering is None and use_case.offering.vendor_id != vendor.pk:
            errors["use_case"] = ["Choose a use case of this vendor."]
    if errors:
        raise ValidationError(errors)
    assessment = Assessment(
        organisation_id=organisation_id,
        vendor=vendor,
        offering=offering,
        use_case=use_case,
        questionnaire=questionnaire,
        title=(title or "").strip(),
        created_by=actor,
    )
    assessment.full_clean()
    with transaction.atomic():
        assessment.save()
        audit_record(
            actor=actor,
            organisation_id=organisation_id,
            action="assessment.create",
            obj=assessment,
            after=snapshot(assessment),
        )
    return assessment


def assessment_submit(*, actor: User, assessment: Assessment) -> SubmitOutcome:
    require(actor, Capability.EDIT, assessment.organisation_id)
    with transaction.atomic():
        locked = lock_editable(assessment, "The assessment is already {status}.")
        compiled = compiled_for(locked)
        rows = Answer.objects.filter(assessment_id=locked.pk).values_list("question_key", "value")
        values = {k: v for k, v in rows if v is not None}
        problems = validate_answers(compiled, values, complete=True)
        if problems:
            raise AnswersInvalid(
                [
                    {"index": None, "question": p.question, "field": p.field, "message": p.message}
                    for p in problems
                ],
                message=f"The assessment cannot be submitted: {len(problems)} "
                f"problem{'s' if len(problems) != 1 else ''} to fix.",
            )
        before = snapshot(locked)
        AssessmentStatus.require_transition(locked.status, AssessmentStatus.SUBMITTED)
        locked.status = AssessmentStatus.SUBMITTED
        locked.submitted_by = actor
        locked.submitted_at = timezone.now()
        locked.scoring_started_at = None
        locked.failure_message = ""
        locked.full_clean()
        locked.save()
        audit_record(
            actor=actor,
            organisation_id=locked.organisation_id,
            action="assessment.submit",
            obj=locked,
            before=before,
            after=snapshot(locked),
        )
        outcome = SubmitOutcome(assessment=locked)
        enqueue_scoring_on_commit(outcome, "submit")
    refresh_caller_copy(assessment, locked)
    return outcome


def assessment_retry(*, actor: User, assessment: Assessment) -> SubmitOutcome:
    """Score a failed assessment again (or re-send one whose scoring was delayed)."""
    require(actor, Capability.EDIT, assessment.organisation_id)
    with transaction.atomic():
        locked = lock_assessment(assessment)
        AssessmentStatus.require_state(
            locked.status,
            AssessmentStatus.RETRYABLE,
            "Only a failed assessment can be retried; this one is {status}.",
        )
        AssessmentStatus.require_transition(locked.status, AssessmentStatus.SUBMITTED)
        before = snapshot(locked)
        locked.status = AssessmentStatus.SUBMITTED
        locked.failure_message = ""
        locked.scoring_started_at = None
        locked.save(update_fields=["status", "failure_message", "scoring_started_at", "updated_at"])
        audit_record(
            actor=actor,
            organisation_id=locked.organisation_id,
            action="assessment.retry",
            obj=locked,
            before=before,
            after=snapshot(locked),
        )
        outcome = SubmitOutcome(assessment=locked)
        enqueue_scoring_on_commit(outcome, "retry")
    refresh_caller_copy(assessment, locked)
    return outcome


def assessment_decide(
    *, actor: User, assessment: Assessment, decision: str, conditions: str = "", rationale: str = ""
) -> Assessment:
    require(actor, Capability.DECIDE, assessment.organisation_id)
    conditions = (conditions or "").strip()
    rationale = (rationale or "").strip()
    if decision not in Decision.values:
        raise ValidationError({"decision": [f"Choose one of: {', '.join(Decision.values)}."]})
    if decision == Decision.APPROVED_WITH_CONDITIONS and not conditions:
        raise ValidationError({"conditions": ["State the conditions of the approval."]})
    with transaction.atomic():
        locked = lock_assessment(assessment)
        AssessmentStatus.require_transition(
            locked.status,
            AssessmentStatus.DECIDED,
            "Only a scored assessment can be decided; this one is {status}.",
        )
        if decision != Decision.REJECTED and locked.submitted_by_id == actor.pk:
            # Four eyes: whoever put the answers forward cannot also sign them off.
            raise PermissionDenied(
                "You submitted this assessment, so another reviewer must approve it."
            )
        result = locked.latest_result
        if result is None:
            raise StateConflict("The assessment has no score yet.", status=locked.status)
        before = snapshot(locked)
        now = timezone.now()
        locked.status = AssessmentStatus.DECIDED
        locked.decision = decision
        locked.decision_conditions = conditions
        locked.decision_rationale = rationale
        locked.decided_by = actor
        locked.decided_at = now
        interval = result.outcome.get("review_interval_days")
        if interval:
            locked.next_review_date = timezone.localdate(now) + dt.timedelta(days=interval)
        locked.full_clean()
        locked.save()
        audit_record(
            actor=actor,
            organisation_id=locked.organisation_id,
            action="assessment.decide",
            obj=locked,
            before=before,
            after=snapshot(locked),
        )
    refresh_caller_copy(assessment, locked)
    return assessment


def assessment_reopen(*, actor: User, assessment: Assessment) -> Assessment:
    """Start the next revision of a decided assessment with its answers and evidence.

    The decided revision, its results and findings stay exactly as they were."""
    require(actor, Capability.EDIT, assessment.organisation_id)
    with transaction.atomic():
        locked = lock_assessment(assessment)
        # Not a move: the decided revision stays decided and the next one starts.
        AssessmentStatus.require_state(
            locked.status,
            {AssessmentStatus.DECIDED},
            "Only a decided assessment can be reopened.",
        )
        if Assessment.objects.filter(previous_id=locked.pk).exists():
            raise StateConflict(
                "This assessment has already been reopened; continue with its next revision.",
                status=locked.status,
            )
        revision = Assessment(
            organisation_id=locked.organisation_id,
            vendor_id=locked.vendor_id,
            offering_id=locked.offering_id,
            use_case_id=locked.use_case_id,
            questionnaire_id=locked.questionnaire_id,
            title=locked.title,
            status=AssessmentStatus.IN_PROGRESS,
            revision=locked.revision + 1,
            previous=locked,
            created_by=actor,
        )
        revision.full_clean()
        revision.save()
        now = timezone.now()
        Answer.objects.bulk_create(
            Answer(
                assessment=revision,
                question_key=a.question_key,
                value=a.value,
                comment=a.comment,
                updated_by_label=a.updated_by_label,
                comment_by_label=a.comment_by_label,
                updated_at=now,
            )
            for a in Answer.objects.filter(assessment_id=locked.pk)
        )
        # Evidence rows point at the same stored files: content-addressed, never rewritten.
        Evidence.objects.bulk_create(
            Evidence(
                organisation_id=e.organisation_id,
                assessment=revision,
                question_key=e.question_key,
                file=e.file.name,
                original_name=e.original_name,
                content_type=e.content_type,
                size=e.size,
                sha256=e.sha256,
                uploaded_by_label=e.uploaded_by_label,
            )
            for e in Evidence.objects.filter(assessment_id=locked.pk)
        )
        audit_record(
            actor=actor,
            organisation_id=locked.organisation_id,
            action="assessment.reopen",
            obj=revision,
            after={**snapshot(revision), "reopened_from": locked.pk},
        )
    return revision
