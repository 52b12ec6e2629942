"""Writes on questionnaires: publishing validated definitions as immutable versions.

A published (or retired) version never changes. Loading a file whose content differs from
the stored version of the same number is refused, naming the file and the version; a draft
may still be replaced.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from governance.accounts.audit import audit_record
from governance.accounts.tenancy import Capability, require

from . import definition as qdef
from .models import Questionnaire, QuestionnaireStatus

if TYPE_CHECKING:
    from django.contrib.auth.models import User

logger = logging.getLogger(__name__)

LIBRARY_DIR = Path(__file__).resolve().parent / "library"


class VersionConflict(ValidationError):
    """A definition would change a version that is already published."""


@dataclass(frozen=True)
class PublishOutcome:
    questionnaire: Questionnaire
    action: Literal["created", "unchanged", "updated"]


def _version_order(version: str) -> list[int]:
    return [int(part) for part in version.split(".")]


def _question_count(canonical: dict) -> int:
    return sum(len(section["questions"]) for section in canonical["sections"])


def questionnaire_publish_definition(
    *, data: dict, source: str, organisation_id: int | None = None, actor: User | None = None
) -> PublishOutcome:
    """Store one validated definition as a questionnaire version (idempotent)."""
    canonical = qdef.canonical_definition(data)
    digest = qdef.content_hash(canonical)
    status = data.get("status") or QuestionnaireStatus.DRAFT
    with transaction.atomic():
        existing = (
            Questionnaire.objects.select_for_update()
            .filter(  # type: ignore[misc]  # organisation_id None: the library, IS NULL
                organisation_id=organisation_id, key=canonical["key"], version=canonical["version"]
            )
            .first()
        )
        if existing is not None and existing.content_hash == digest:
            if (
                existing.status == QuestionnaireStatus.DRAFT
                and status == QuestionnaireStatus.PUBLISHED
            ):
                existing.status = status
                existing.published_at = timezone.now()
                existing.save(update_fields=["status", "published_at"])
                _audit(actor, organisation_id, "questionnaire.publish", existing)
                return PublishOutcome(existing, "updated")
            return PublishOutcome(existing, "unchanged")
        if existing is not None and existing.status != QuestionnaireStatus.DRAFT:
            raise VersionConflict(
                {
                    "version": [
                        f"{source}: version {existing.version} of '{existing.key}' is already "
                        f"{existing.status} and can never change; give the changed "
                        "questionnaire a new version number."
                    ]
                }
            )
        fields = {
            "title": canonical["title"],
            "description": canonical.get("description", ""),
            "status": status,
            "content_hash": digest,
            "definition": canonical,
            "question_count": _question_count(canonical),
            "version_order": _version_order(canonical["version"]),
            "source": source[:300],
            "published_at": timezone.now() if status == QuestionnaireStatus.PUBLISHED else None,
        }
        if existing is not None:
            for name, value in fields.items():
                setattr(existing, name, value)
            existing.full_clean()
            existing.save()
            _audit(actor, organisation_id, "questionnaire.update_draft", existing)
            return PublishOutcome(existing, "updated")
        questionnaire = Questionnaire(
            organisation_id=organisation_id,
            key=canonical["key"],
            version=canonical["version"],
            **fields,
        )
        questionnaire.full_clean()
        questionnaire.save()
        _audit(actor, organisation_id, "questionnaire.create", questionnaire)
        return PublishOutcome(questionnaire, "created")


def _audit(
    actor: User | None, organisation_id: int | None, action: str, questionnaire: Questionnaire
) -> None:
    if organisation_id is None:
        # The product library belongs to no organisation; its history is the repository's.
        logger.info("%s %s %s", action, questionnaire.key, questionnaire.version)
        return
    audit_record(
        actor=actor,
        organisation_id=organisation_id,
        action=action,
        obj=questionnaire,
        after={
            "key": questionnaire.key,
            "version": questionnaire.version,
            "status": questionnaire.status,
            "content_hash": questionnaire.content_hash,
        },
    )


def library_paths() -> list[Path]:
    return sorted(
        p for p in LIBRARY_DIR.iterdir() if p.suffix.lower() in {".yaml", ".yml", ".json"}
    )


def questionnaire_load_file(path: Path) -> PublishOutcome:
    """Load one library file into the product library. Raises DefinitionInvalid or
    VersionConflict with messages that name the file."""
    data = qdef.load_definition_file(path)
    return questionnaire_publish_definition(data=data, source=path.name)


def _definition_errors(exc: qdef.DefinitionInvalid) -> ValidationError:
    return ValidationError({"definition": [str(error) for error in exc.errors]})


def questionnaire_import(
    *, actor: User, organisation_id: int, text: str, fmt: Literal["yaml", "json"], source: str
) -> Questionnaire:
    """Import an organisation's own questionnaire from YAML or JSON text (admins only)."""
    require(actor, Capability.MANAGE, organisation_id)
    if fmt not in ("yaml", "json"):
        raise ValidationError({"format": ["Choose yaml or json."]})
    try:
        data = qdef.parse_definition(text, fmt=fmt, source=source or f"upload.{fmt}")
    except qdef.DefinitionInvalid as exc:
        raise _definition_errors(exc) from exc
    return questionnaire_publish_definition(
        data=data, source=source, organisation_id=organisation_id, actor=actor
    ).questionnaire


def questionnaire_export(questionnaire: Questionnaire, fmt: Literal["yaml", "json"]) -> str:
    """The stored definition as YAML or JSON; importing it gives the same content hash."""
    data = dict(questionnaire.definition)
    data["status"] = (
        QuestionnaireStatus.PUBLISHED
        if questionnaire.status == QuestionnaireStatus.RETIRED
        else questionnaire.status
    )
    return qdef.dump_definition(data, fmt)
