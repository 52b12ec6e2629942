"""Answers and evidence, from the web forms, the API or a vendor respondent link."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Required, TypedDict

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from governance.accounts.audit import audit_record, snapshot
from governance.bulk import bulk_insert, bulk_update
from governance.errors import AnswerProblem, AnswersInvalid
from governance.scoring import CompiledQuestionnaire, normalise_answer, validate_answers

from .. import filetypes
from ..models import (
    Answer,
    Assessment,
    AssessmentStatus,
    Evidence,
)
from .common import actor_display, compiled_for, lock_editable, refresh_caller_copy, require_writer

if TYPE_CHECKING:
    from django.contrib.auth.models import User
    from django.core.files.uploadedfile import UploadedFile

# Answer.comment's max_length; bulk writes skip full_clean(), so it is checked here.
MAX_COMMENT_LENGTH = 20_000


class AnswerItem(TypedDict, total=False):
    """One item of a batch, its shape already checked (by the API's serializer, or by the
    form that built it).

    `value` None removes the answer; left out, the stored value stays and only the comment
    changes. `comment` None or left out keeps the stored comment.
    """

    question: Required[str]
    value: object
    comment: str | None


def comment_problem(comment: object) -> str | None:
    """What is wrong with an answer's comment, or None. The API reports it with the rest of
    a batch's shape; the service checks it again for the batches the web forms build."""
    if comment is None:
        return None
    if not isinstance(comment, str):
        return "The comment must be text."
    if len(comment) > MAX_COMMENT_LENGTH or "\x00" in comment:
        return f"The comment must be at most {MAX_COMMENT_LENGTH:,} characters of text."
    return None


@dataclass
class _Changes:
    """What a batch does to the stored answers, and how the audit event records it."""

    creates: list[Answer] = field(default_factory=list)
    updates: list[Answer] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    saved: list[Answer] = field(default_factory=list)  # every answer the batch names, as stored
    before: dict[str, object] = field(default_factory=dict)
    after: dict[str, object] = field(default_factory=dict)


def answers_save(
    *,
    actor: User | None,
    assessment: Assessment,
    answers: Sequence[AnswerItem],
    actor_label: str | None = None,
) -> list[Answer]:
    """Insert, change or remove (value None) many answers at once.

    The query count does not depend on the batch size: one locked read of the assessment,
    one read of its answers, then bulk writes. Every item is validated against the answers
    as they will be after the save, so a batch that makes a stored answer invalid is refused
    as a whole; stored answers to questions that the batch hides are removed, because those
    questions are no longer asked.

    The items arrive shaped (see AnswerItem); what is judged here is what needs the
    questionnaire and the stored answers, plus the comment limit every front end shares.
    """
    require_writer(actor, actor_label, assessment.organisation_id)
    label = actor_display(actor, actor_label)
    _check_comments(answers)
    with transaction.atomic():
        locked = lock_editable(
            assessment, "The assessment is {status}; its answers can no longer change."
        )
        compiled = compiled_for(locked)
        existing = {a.question_key: a for a in Answer.objects.filter(assessment_id=locked.pk)}
        hidden = _check_against_questionnaire(compiled, existing, answers)
        changes = _plan(compiled, existing, answers, hidden, assessment=locked, label=label)
        _store(changes, assessment=locked)
        _start_if_draft(changes, assessment=locked)
        if changes.before or changes.after:
            audit_record(
                actor=actor,
                actor_label=label,
                organisation_id=locked.organisation_id,
                action="assessment.answers",
                obj=locked,
                before=changes.before,
                after=changes.after,
            )
    refresh_caller_copy(assessment, locked)
    return changes.saved


def _check_comments(answers: Sequence[AnswerItem]) -> None:
    problems = [
        AnswerProblem(index=index, question=item["question"], field="comment", message=message)
        for index, item in enumerate(answers)
        if (message := comment_problem(item.get("comment"))) is not None
    ]
    if problems:
        raise AnswersInvalid(problems)


def _check_against_questionnaire(
    compiled: CompiledQuestionnaire, existing: dict[str, Answer], answers: Sequence[AnswerItem]
) -> list[str]:
    """Refuse the batch unless every item suits the questionnaire, judged on the answers as
    they will be after the save; return the stored answers whose questions it hides."""
    index_of = {item["question"]: index for index, item in enumerate(answers)}
    problems: list[AnswerProblem] = []
    merged = {k: a.value for k, a in existing.items() if a.value is not None}
    for index, item in enumerate(answers):
        key = item["question"]
        if "value" not in item:
            if key not in existing:
                problems.append(
                    AnswerProblem(
                        index=index,
                        question=key,
                        field="value",
                        message="Give an answer before adding a comment.",
                    )
                )
        elif item["value"] is None:
            merged.pop(key, None)
        else:
            merged[key] = item["value"]

    hidden: list[str] = []
    for error in validate_answers(compiled, merged):
        if (
            error.question not in index_of
            and error.question in compiled.by_key
            and error.field == "question"
        ):
            # A stored answer whose question this batch hides: no longer asked.
            hidden.append(error.question)
            continue
        problems.append(
            AnswerProblem(
                index=index_of.get(error.question),
                question=error.question,
                field=error.field,
                message=error.message,
            )
        )
    if problems:
        raise AnswersInvalid(problems)
    return hidden


def _plan(
    compiled: CompiledQuestionnaire,
    existing: dict[str, Answer],
    answers: Sequence[AnswerItem],
    hidden: list[str],
    *,
    assessment: Assessment,
    label: str,
) -> _Changes:
    """The rows to insert, change and delete; an item that changes nothing writes nothing."""
    now = timezone.now()
    changes = _Changes(removed=list(hidden))
    for item in answers:
        key = item["question"]
        current = existing.get(key)
        if "value" in item and item["value"] is None:
            if current is not None:
                changes.removed.append(key)
            continue
        if "value" in item:
            value = normalise_answer(compiled.by_key[key], item["value"])
        else:
            assert current is not None  # a comment-only item: checked to be stored
            value = current.value
        comment = item.get("comment")
        if current is None:
            answer = Answer(
                assessment_id=assessment.pk,
                question_key=key,
                value=value,
                comment=comment or "",
                updated_by_label=label[:200],
                comment_by_label=label[:200] if comment else "",
                updated_at=now,
            )
            changes.creates.append(answer)
            changes.before[key] = None
            changes.after[key] = {"value": value, "comment": answer.comment}
        else:
            new_comment = current.comment if comment is None else comment
            if current.value != value or current.comment != new_comment:
                changes.before[key] = {"value": current.value, "comment": current.comment}
                current.value = value
                if current.comment != new_comment:
                    current.comment_by_label = label[:200] if new_comment else ""
                current.comment = new_comment
                current.updated_by_label = label[:200]
                current.updated_at = now
                changes.updates.append(current)
                changes.after[key] = {"value": value, "comment": new_comment}
            answer = current
        changes.saved.append(answer)
    for key in changes.removed:
        changes.before[key] = {"value": existing[key].value, "comment": existing[key].comment}
        changes.after[key] = None
    return changes


def _store(changes: _Changes, *, assessment: Assessment) -> None:
    if changes.creates:
        bulk_insert(Answer, changes.creates)
    if changes.updates:
        bulk_update(
            Answer,
            changes.updates,
            ["value", "comment", "updated_by_label", "comment_by_label", "updated_at"],
        )
    if changes.removed:
        Answer.objects.filter(
            assessment_id=assessment.pk, question_key__in=changes.removed
        ).delete()


def _start_if_draft(changes: _Changes, *, assessment: Assessment) -> None:
    """The first write to a draft's answers puts it in progress (recorded with them)."""
    if assessment.status == AssessmentStatus.DRAFT and (
        changes.creates or changes.updates or changes.removed
    ):
        AssessmentStatus.require_transition(assessment.status, AssessmentStatus.IN_PROGRESS)
        changes.before["status"] = assessment.status
        assessment.status = AssessmentStatus.IN_PROGRESS
        changes.after["status"] = assessment.status
        assessment.save(update_fields=["status", "updated_at"])


def evidence_add(
    *,
    actor: User | None,
    assessment: Assessment,
    question_key: str,
    upload: UploadedFile,
    actor_label: str | None = None,
) -> Evidence:
    """Attach a file to a question. The type comes from the content; the file is stored
    under its SHA-256, so identical uploads share one stored file."""
    require_writer(actor, actor_label, assessment.organisation_id)
    label = actor_display(actor, actor_label)
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
        locked = lock_editable(
            assessment, "The assessment is {status}; evidence can no longer be added."
        )
        compiled = compiled_for(locked)
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
