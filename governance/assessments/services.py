"""Writes on assessments: answers, evidence, submission, decisions, findings and the policy.

Every function checks the actor's role, validates, writes inside one transaction together
with its audit event, and hands Celery work over only once that transaction has committed.
"""

from __future__ import annotations

import copy
import datetime as dt
import hashlib
import logging
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from governance.accounts.audit import audit_record, snapshot
from governance.accounts.models import Membership, Organisation
from governance.accounts.tenancy import Capability, can, require
from governance.bulk import bulk_insert, bulk_update
from governance.errors import AnswersInvalid, StateConflict
from governance.questionnaires.models import QuestionnaireStatus
from governance.scoring import DEFAULT_POLICY, normalise_answer, validate_answers, validate_policy

from . import filetypes
from .models import (
    EDITABLE_STATUSES,
    Answer,
    Assessment,
    AssessmentStatus,
    Decision,
    Evidence,
    Finding,
    FindingStatus,
    ScoringPolicy,
)
from .selectors import compiled_questionnaire

logger = logging.getLogger(__name__)

MAX_COMMENT_LENGTH = 20_000
DECIDABLE_STATUSES = frozenset({AssessmentStatus.SCORED})
RESCORABLE_STATUSES = (AssessmentStatus.SCORED, AssessmentStatus.DECIDED)


@dataclass
class SubmitOutcome:
    """What a submission achieved. `enqueued` is False when the broker could not be reached:
    the submission is saved and the periodic sweep scores it later ("scoring delayed").

    It is filled in when the transaction commits; a caller that wraps the service in its own
    transaction sees the final value only after that commits."""

    assessment: Assessment
    enqueued: bool = False


def _label(actor, actor_label: str | None) -> str:
    if actor_label:
        return actor_label
    return actor.get_username() if actor is not None else "system"


def _require_writer(actor, actor_label: str | None, organisation_id: int) -> None:
    # A vendor respondent acts through a link, without an account; the view that resolved
    # the link has already checked it, and says so with actor=None plus the link's label.
    if actor is None:
        if not actor_label or not actor_label.startswith("respondent:"):
            raise PermissionDenied("Sign in to change this assessment.")
        return
    require(actor, Capability.EDIT, organisation_id)


def _lock(assessment: Assessment) -> Assessment:
    """Reload the row under a lock so that a concurrent submit and save cannot interleave."""
    # The questionnaire comes along in the same query, so a save costs the same number of
    # queries whether or not its compiled form is already cached.
    return (
        Assessment.objects.select_for_update(of=("self",))
        .select_related("questionnaire", "vendor")
        .get(pk=assessment.pk)
    )


def _compiled(assessment: Assessment):
    return compiled_questionnaire(assessment.questionnaire)


def _refresh_caller_copy(target: Assessment, source: Assessment) -> None:
    for field in source._meta.concrete_fields:
        setattr(target, field.attname, getattr(source, field.attname))


def _enqueue(task, *args) -> bool:
    """Hand a task to the broker; False (and a log line) when the broker is unreachable."""
    try:
        task.apply_async(args=args)
    except Exception:  # the broker's failure modes are many; the row keeps the state
        logger.warning(
            "Could not enqueue %s%r; the sweep will retry", task.name, args, exc_info=True
        )
        return False
    return True


def _enqueue_scoring_on_commit(outcome: SubmitOutcome, reason: str) -> None:
    from .tasks import score_assessment

    pk = outcome.assessment.pk

    def send():
        outcome.enqueued = _enqueue(score_assessment, pk, reason)

    # robust: even if sending raised past our own guard, the committed submission stands.
    transaction.on_commit(send, robust=True)


# --- Assessments ------------------------------------------------------------------------------


def assessment_create(
    *,
    actor,
    organisation_id: int,
    vendor,
    questionnaire,
    offering=None,
    use_case=None,
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


def _item_errors(answers: list) -> tuple[list[dict], dict[str, int]]:
    """Shape problems of the submitted items, and question key → item index."""
    errors: list[dict] = []
    index_of: dict[str, int] = {}
    if not isinstance(answers, list):
        return [
            {
                "index": None,
                "question": "",
                "field": "question",
                "message": "Send a list of answers.",
            }
        ], {}
    for index, item in enumerate(answers):
        if not isinstance(item, dict):
            errors.append(
                {
                    "index": index,
                    "question": "",
                    "field": "question",
                    "message": "Each answer must be an object with a question key.",
                }
            )
            continue
        key = item.get("question")
        if not isinstance(key, str) or not key:
            errors.append(
                {
                    "index": index,
                    "question": "",
                    "field": "question",
                    "message": "Name the question (its key).",
                }
            )
            continue
        unknown = sorted(set(item) - {"question", "value", "comment"})
        if unknown:
            errors.append(
                {
                    "index": index,
                    "question": key,
                    "field": "question",
                    "message": f"Unknown field(s): {', '.join(unknown)}.",
                }
            )
        if key in index_of:
            errors.append(
                {
                    "index": index,
                    "question": key,
                    "field": "question",
                    "message": f"Question answered twice in one batch (also item {index_of[key]}).",
                }
            )
            continue
        index_of[key] = index
        comment = item.get("comment", "")
        if comment is None:
            comment = ""
        if not isinstance(comment, str):
            errors.append(
                {
                    "index": index,
                    "question": key,
                    "field": "comment",
                    "message": "The comment must be text.",
                }
            )
        elif len(comment) > MAX_COMMENT_LENGTH or "\x00" in comment:
            errors.append(
                {
                    "index": index,
                    "question": key,
                    "field": "comment",
                    "message": f"The comment must be at most {MAX_COMMENT_LENGTH:,} "
                    "characters of text.",
                }
            )
    return errors, index_of


def answers_save(
    *, actor, assessment: Assessment, answers: list[dict], actor_label: str | None = None
) -> list[Answer]:
    """Insert, change or remove (value None) many answers at once.

    The query count does not depend on the batch size: one locked read of the assessment,
    one read of its answers, then bulk writes. Every item is validated against the answers
    as they will be after the save, so a batch that makes a stored answer invalid is refused
    as a whole; stored answers to questions that the batch hides are removed, because those
    questions are no longer asked.
    """
    _require_writer(actor, actor_label, assessment.organisation_id)
    label = _label(actor, actor_label)
    shape_errors, index_of = _item_errors(answers)
    if shape_errors:
        raise AnswersInvalid(shape_errors)
    with transaction.atomic():
        locked = _lock(assessment)
        if locked.status not in EDITABLE_STATUSES:
            raise StateConflict(
                f"The assessment is {locked.get_status_display().lower()}; its answers can no "
                "longer change.",
                status=locked.status,
            )
        compiled = _compiled(locked)
        existing = {a.question_key: a for a in Answer.objects.filter(assessment_id=locked.pk)}
        merged = {k: a.value for k, a in existing.items() if a.value is not None}
        comment_only: list[dict] = []
        for item in answers:
            key = item["question"]
            if "value" not in item:
                if key not in existing:
                    comment_only.append(
                        {
                            "index": index_of[key],
                            "question": key,
                            "field": "value",
                            "message": "Give an answer before adding a comment.",
                        }
                    )
                continue
            if item["value"] is None:
                merged.pop(key, None)
            else:
                merged[key] = item["value"]

        problems = validate_answers(compiled, merged)
        errors: list[dict] = list(comment_only)
        hidden_stored: list[str] = []
        for problem in problems:
            if (
                problem.question not in index_of
                and problem.question in compiled.by_key
                and problem.field == "question"
            ):
                # A stored answer whose question this batch hides: no longer asked.
                hidden_stored.append(problem.question)
                continue
            errors.append(
                {
                    "index": index_of.get(problem.question),
                    "question": problem.question,
                    "field": problem.field,
                    "message": problem.message,
                }
            )
        if errors:
            raise AnswersInvalid(errors)

        now = timezone.now()
        creates: list[Answer] = []
        updates: list[Answer] = []
        removed: list[str] = list(hidden_stored)
        before: dict[str, object] = {}
        after: dict[str, object] = {}
        saved: list[Answer] = []
        for item in answers:
            key = item["question"]
            current = existing.get(key)
            if "value" in item and item["value"] is None:
                if current is not None:
                    removed.append(key)
                continue
            value = (
                normalise_answer(compiled.by_key[key], item["value"])
                if "value" in item
                else current.value
            )
            comment = item.get("comment")
            if current is None:
                answer = Answer(
                    assessment_id=locked.pk,
                    question_key=key,
                    value=value,
                    comment=comment or "",
                    updated_by_label=label[:200],
                    updated_at=now,
                )
                creates.append(answer)
                before[key] = None
                after[key] = {"value": value, "comment": answer.comment}
            else:
                new_comment = current.comment if comment is None else comment
                if current.value == value and current.comment == new_comment:
                    saved.append(current)
                    continue
                before[key] = {"value": current.value, "comment": current.comment}
                current.value = value
                current.comment = new_comment
                current.updated_by_label = label[:200]
                current.updated_at = now
                updates.append(current)
                after[key] = {"value": value, "comment": new_comment}
                answer = current
            saved.append(answer)
        for key in removed:
            before[key] = {"value": existing[key].value, "comment": existing[key].comment}
            after[key] = None

        if creates:
            bulk_insert(Answer, creates)
        if updates:
            bulk_update(Answer, updates, ["value", "comment", "updated_by_label", "updated_at"])
        if removed:
            Answer.objects.filter(assessment_id=locked.pk, question_key__in=removed).delete()
        if locked.status == AssessmentStatus.DRAFT and (creates or updates or removed):
            before["status"] = locked.status
            locked.status = AssessmentStatus.IN_PROGRESS
            after["status"] = locked.status
            locked.save(update_fields=["status", "updated_at"])
        if before or after:
            audit_record(
                actor=actor,
                actor_label=label,
                organisation_id=locked.organisation_id,
                action="assessment.answers",
                obj=locked,
                before=before,
                after=after,
            )
    _refresh_caller_copy(assessment, locked)
    return saved


def evidence_add(
    *, actor, assessment: Assessment, question_key: str, upload, actor_label: str | None = None
) -> Evidence:
    """Attach a file to a question. The type comes from the content; the file is stored
    under its SHA-256, so identical uploads share one stored file."""
    _require_writer(actor, actor_label, assessment.organisation_id)
    label = _label(actor, actor_label)
    limit = settings.EVIDENCE_MAX_BYTES
    size = getattr(upload, "size", None)
    if size is not None and size > limit:
        raise ValidationError(
            {"file": [f"The file is {size:,} bytes; the limit is {limit:,} bytes."]}
        )
    # Read at most one byte past the limit: a wrong declared size cannot exhaust memory.
    chunks: list[bytes] = []
    total = 0
    for chunk in upload.chunks():
        total += len(chunk)
        if total > limit:
            raise ValidationError(
                {"file": [f"The file is larger than the limit of {limit:,} bytes."]}
            )
        chunks.append(chunk)
    content = b"".join(chunks)
    if not content:
        raise ValidationError({"file": ["The file is empty."]})
    original_name = (getattr(upload, "name", "") or "evidence").replace("\\", "/").split("/")[-1]
    try:
        content_type = filetypes.sniff(content, original_name)
    except filetypes.UnsupportedFileType as exc:
        raise ValidationError({"file": [str(exc)]}) from exc
    digest = hashlib.sha256(content).hexdigest()

    with transaction.atomic():
        locked = _lock(assessment)
        if locked.status not in EDITABLE_STATUSES:
            raise StateConflict(
                f"The assessment is {locked.get_status_display().lower()}; evidence can no "
                "longer be added.",
                status=locked.status,
            )
        compiled = _compiled(locked)
        if question_key not in compiled.by_key:
            raise ValidationError({"question_key": [f'Unknown question "{question_key}".']})
        evidence = Evidence(
            organisation_id=locked.organisation_id,
            assessment=locked,
            question_key=question_key,
            original_name=original_name[:255],
            content_type=content_type,
            size=len(content),
            sha256=digest,
            uploaded_by_label=label[:200],
        )
        name = evidence.file.field.generate_filename(evidence, original_name)
        storage = evidence.file.storage
        if storage.exists(name):
            evidence.file.name = name  # same content already stored: share it
        else:
            evidence.file.save(name, ContentFile(content), save=False)
        evidence.full_clean()
        evidence.save()
        audit_record(
            actor=actor,
            actor_label=label,
            organisation_id=locked.organisation_id,
            action="evidence.add",
            obj=evidence,
            after=snapshot(evidence),
        )
    return evidence


def assessment_submit(*, actor, assessment: Assessment) -> SubmitOutcome:
    require(actor, Capability.EDIT, assessment.organisation_id)
    with transaction.atomic():
        locked = _lock(assessment)
        if locked.status not in EDITABLE_STATUSES:
            raise StateConflict(
                f"The assessment is already {locked.get_status_display().lower()}.",
                status=locked.status,
            )
        compiled = _compiled(locked)
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
        _enqueue_scoring_on_commit(outcome, "submit")
    _refresh_caller_copy(assessment, locked)
    return outcome


def assessment_retry(*, actor, assessment: Assessment) -> SubmitOutcome:
    """Score a failed assessment again (or re-send one whose scoring was delayed)."""
    require(actor, Capability.EDIT, assessment.organisation_id)
    with transaction.atomic():
        locked = _lock(assessment)
        if locked.status not in (AssessmentStatus.FAILED, AssessmentStatus.SUBMITTED):
            raise StateConflict(
                f"Only a failed assessment can be retried; this one is "
                f"{locked.get_status_display().lower()}.",
                status=locked.status,
            )
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
        _enqueue_scoring_on_commit(outcome, "retry")
    _refresh_caller_copy(assessment, locked)
    return outcome


def assessment_decide(
    *, actor, assessment: Assessment, decision: str, conditions: str = "", rationale: str = ""
) -> Assessment:
    require(actor, Capability.DECIDE, assessment.organisation_id)
    conditions = (conditions or "").strip()
    rationale = (rationale or "").strip()
    if decision not in Decision.values:
        raise ValidationError({"decision": [f"Choose one of: {', '.join(Decision.values)}."]})
    if decision == Decision.APPROVED_WITH_CONDITIONS and not conditions:
        raise ValidationError({"conditions": ["State the conditions of the approval."]})
    with transaction.atomic():
        locked = _lock(assessment)
        if locked.status not in DECIDABLE_STATUSES:
            raise StateConflict(
                f"Only a scored assessment can be decided; this one is "
                f"{locked.get_status_display().lower()}.",
                status=locked.status,
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
    _refresh_caller_copy(assessment, locked)
    return assessment


def assessment_reopen(*, actor, assessment: Assessment) -> Assessment:
    """Start the next revision of a decided assessment with its answers and evidence.

    The decided revision, its results and findings stay exactly as they were."""
    require(actor, Capability.EDIT, assessment.organisation_id)
    with transaction.atomic():
        locked = _lock(assessment)
        if locked.status != AssessmentStatus.DECIDED:
            raise StateConflict("Only a decided assessment can be reopened.", status=locked.status)
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


# --- Findings -----------------------------------------------------------------------------------

FINDING_FIELDS = ("status", "owner", "due_date", "note")


def finding_update(*, actor, finding: Finding, data: dict) -> Finding:
    organisation_id = finding.organisation_id
    if not (
        can(actor, Capability.EDIT, organisation_id)
        or can(actor, Capability.DECIDE, organisation_id)
    ):
        raise PermissionDenied("Your role does not allow this (edit).")
    unknown = sorted(set(data) - set(FINDING_FIELDS))
    if unknown:
        raise ValidationError({name: ["Unknown field."] for name in unknown})
    data = dict(data)
    if "status" in data:
        if data["status"] not in FindingStatus.values:
            raise ValidationError(
                {"status": [f"Choose one of: {', '.join(FindingStatus.values)}."]}
            )
        if data["status"] == FindingStatus.ACCEPTED and finding.status != FindingStatus.ACCEPTED:
            # Accepting a risk is a decision, not an edit.
            require(actor, Capability.DECIDE, organisation_id)
    if "owner" in data and data["owner"] is not None:
        owner = data["owner"]
        owner_id = getattr(owner, "pk", owner)
        if not Membership.objects.filter(
            user_id=owner_id, organisation_id=organisation_id
        ).exists():
            raise ValidationError({"owner": ["The owner must be a member of your organisation."]})
        data["owner_id"] = owner_id
        del data["owner"]
    elif "owner" in data:
        data["owner_id"] = None
        del data["owner"]
    if "due_date" in data and isinstance(data["due_date"], str):
        try:
            data["due_date"] = dt.date.fromisoformat(data["due_date"]) if data["due_date"] else None
        except ValueError as exc:
            raise ValidationError({"due_date": ["Enter a date as YYYY-MM-DD."]}) from exc
    if "note" in data and data["note"] is None:
        data["note"] = ""
    with transaction.atomic():
        locked = Finding.objects.select_for_update().get(pk=finding.pk)
        before = snapshot(locked)
        for field, value in data.items():
            setattr(locked, field, value)
        if "status" in data and data["status"] != FindingStatus.CLOSED:
            locked.closed_automatically = False
        locked.full_clean()
        locked.save()
        audit_record(
            actor=actor,
            organisation_id=organisation_id,
            action="finding.update",
            obj=locked,
            before=before,
            after=snapshot(locked),
        )
    _refresh_caller_copy(finding, locked)
    return finding


# --- Scoring policy ----------------------------------------------------------------------------


def policy_current(*, organisation_id: int) -> ScoringPolicy:
    """The organisation's newest policy version, creating version 1 (the product default)
    the first time it is needed."""
    policy = (
        ScoringPolicy.objects.filter(organisation_id=organisation_id).order_by("-version").first()
    )
    if policy is not None:
        return policy
    body = copy.deepcopy(DEFAULT_POLICY)
    body["version"] = 1
    try:
        with transaction.atomic():
            policy, _ = ScoringPolicy.objects.get_or_create(
                organisation_id=organisation_id,
                version=1,
                defaults={"body": body, "note": "Product default policy."},
            )
    except IntegrityError:
        policy = ScoringPolicy.objects.get(organisation_id=organisation_id, version=1)
    return policy


def policy_update(*, actor, organisation_id: int, body: dict, note: str = "") -> ScoringPolicy:
    """Save a new version of the policy. Existing results keep naming the version they used;
    rescoring (rescore_request) applies the new one."""
    require(actor, Capability.MANAGE, organisation_id)
    if not isinstance(body, dict):
        raise ValidationError({"body": ["The policy must be an object."]})
    body = copy.deepcopy(body)
    current = policy_current(organisation_id=organisation_id)
    body["version"] = current.version + 1
    problems = validate_policy(body)
    if problems:
        raise ValidationError({"body": problems})
    policy = ScoringPolicy(
        organisation_id=organisation_id,
        version=current.version + 1,
        body=body,
        note=(note or "").strip(),
        created_by=actor,
    )
    policy.full_clean(exclude=["version"])
    try:
        with transaction.atomic():
            policy.save()
            audit_record(
                actor=actor,
                organisation_id=organisation_id,
                action="policy.update",
                obj=policy,
                before={"version": current.version, "body": current.body},
                after={"version": policy.version, "body": policy.body},
            )
    except IntegrityError as exc:
        raise ValidationError(
            "Someone else saved the policy at the same time; reload and try again."
        ) from exc
    return policy


# --- Rescoring ----------------------------------------------------------------------------------


def _chunks(ids: list[int], size: int) -> Iterable[list[int]]:
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def rescore_request(
    *, actor=None, organisation_id: int | None = None, batch_size: int = 200
) -> int:
    """Enqueue rescoring of every scored or decided assessment (of one organisation, or of
    all when called by the system) in batches. Returns how many were enqueued. Earlier
    results stay in the history; the new ones use the current policy."""
    if actor is not None:
        require(actor, Capability.MANAGE, organisation_id)
    if batch_size < 1:
        raise ValueError("batch_size must be positive")
    from .tasks import rescore_batch

    qs = Assessment.objects.filter(status__in=RESCORABLE_STATUSES, latest_result__isnull=False)
    if organisation_id is not None:
        qs = qs.filter(organisation_id=organisation_id)
    ids = list(qs.order_by("pk").values_list("pk", flat=True))
    with transaction.atomic():
        if organisation_id is not None:
            audit_record(
                actor=actor,
                organisation_id=organisation_id,
                action="assessment.rescore_request",
                obj=Organisation.objects.get(pk=organisation_id),
                after={"assessments": len(ids), "batch_size": batch_size},
            )
        for chunk in _chunks(ids, batch_size):
            transaction.on_commit(lambda chunk=chunk: _enqueue(rescore_batch, chunk), robust=True)
    return len(ids)


def scoring_context(assessment: Assessment) -> dict:
    """The engine's context: the as-of date for date questions and the use case facts.

    The as-of date is the submission date, so rescoring later (after a policy change) judges
    the answers as of when they were given and the input hash stays stable."""
    when = assessment.submitted_at or timezone.now()
    use_case = assessment.use_case
    return {
        "as_of": timezone.localdate(when).isoformat(),
        "use_case": use_case.scoring_context() if use_case is not None else None,
    }
