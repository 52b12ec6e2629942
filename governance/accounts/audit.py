"""Writing audit events. Services call `audit_record()` inside their transaction, so an
event exists exactly when its write committed."""

from __future__ import annotations

import datetime
import decimal
import uuid
from typing import Any

from django.db import models
from django.db.models.fields.files import FieldFile

from .models import AuditEvent


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, FieldFile):
        return value.name or None
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if hasattr(value, "code"):  # django-countries Country
        return value.code
    return value


def snapshot(obj: models.Model, *, exclude: tuple[str, ...] = ()) -> dict[str, Any]:
    """The concrete field values of a row, as JSON-safe data for before/after."""
    data = {}
    for field in obj._meta.concrete_fields:
        if field.name in exclude:
            continue
        data[field.attname] = _jsonable(getattr(obj, field.attname))
    return data


def audit_event(
    *,
    actor,
    organisation_id: int,
    action: str,
    obj: models.Model,
    before: dict | None = None,
    after: dict | None = None,
    actor_label: str | None = None,
    **extra: Any,
) -> AuditEvent:
    """The event of one write, not yet saved: `audit_record` saves it at once, bulk writers
    (the scoring pipeline) collect many and save them in one statement."""
    if actor_label is None:
        actor_label = actor.get_username() if actor is not None else "system"
    if before is not None and after is not None:
        # Keep only what changed, so the trail reads as a list of edits.
        changed = {k for k in after if before.get(k) != after.get(k)}
        before = {k: before.get(k) for k in changed}
        after = {k: after[k] for k in changed}
    return AuditEvent(
        organisation_id=organisation_id,
        actor=actor if actor is not None and actor.is_authenticated else None,
        actor_label=actor_label[:200],
        action=action,
        object_type=obj._meta.label,
        object_id=str(obj.pk),
        object_repr=str(obj)[:300],
        before=_jsonable(before),
        after=_jsonable(after),
        **extra,
    )


def audit_record(**kwargs: Any) -> AuditEvent:
    """Write the event of one write (see `audit_event` for the arguments)."""
    event = audit_event(**kwargs)
    event.save(force_insert=True)
    return event
