"""Answers and evidence, from the web forms, the API or a vendor respondent link."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from governance.accounts.audit import audit_record, snapshot
from governance.bulk import bulk_insert, bulk_update
from governance.errors import AnswersInvalid
from governance.scoring import normalise_answer, validate_answers

from .. import filetypes
from ..models import (
    Answer,
    Assessment,
    AssessmentStatus,
    Evidence,
)
from .common import _compiled, _label, _lock_editable, _refresh_caller_copy, _require_writer

MAX_COMMENT_LENGTH = 20_000


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
        locked = _lock_editable(
            assessment, "The assessment is {status}; its answers can no longer change."
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
        locked = _lock_editable(
            assessment, "The assessment is {status}; evidence can no longer be added."
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
