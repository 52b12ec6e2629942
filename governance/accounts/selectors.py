"""Reads of memberships and invitations, scoped to the user asking, and of the audit trail.

Audit events name their object by model label and primary key as text (see
`audit.audit_event`), so the audit reads take model instances and ask in the same terms.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.db import models
from django.db.models import F, Q, QuerySet

from .models import AuditEvent, Invitation, InvitationQuerySet, Membership, hash_token
from .tenancy import CAPABILITIES, Capability, memberships_of, organisation_ids

if TYPE_CHECKING:
    from django.contrib.auth.models import User


def managed_organisation_ids(user: User) -> list[int]:
    """The organisations in which the user manages members (admins)."""
    return [
        organisation_id
        for organisation_id, role in memberships_of(user).items()
        if Capability.MANAGE in CAPABILITIES[role]
    ]


def membership_list(*, user: User, organisation_id: int | None = None) -> QuerySet[Membership]:
    """Members of the user's organisations (of one of them if named); every member may read
    the list, a finding's owner is picked from it."""
    rows = Membership.objects.filter(organisation_id__in=organisation_ids(user))
    if organisation_id is not None:
        rows = rows.filter(organisation_id=organisation_id)
    return rows.select_related("user", "organisation")


def membership_own(*, user: User) -> QuerySet[Membership]:
    return Membership.objects.filter(user=user).select_related("organisation")


def invitation_list(*, user: User, organisation_id: int | None = None) -> InvitationQuerySet:
    """Invitations of the organisations the user administers; nobody else sees them."""
    rows = Invitation.objects.filter(organisation_id__in=managed_organisation_ids(user))
    if organisation_id is not None:
        rows = rows.filter(organisation_id=organisation_id)
    return rows.select_related("organisation", "invited_by", "accepted_by")


def invitation_by_token(*, token: str) -> Invitation | None:
    """The invitation a link opens, whatever its state, for the accept page to explain it."""
    if not token:
        return None
    return (
        Invitation.objects.select_related("organisation", "invited_by")
        .filter(token_hash=hash_token(token))
        .first()
    )


def remembered_organisation_id(*, user: User) -> int | None:
    """The organisation the person last chose to work in, else the one they joined first.

    Never the lowest id: that would let an organisation that added someone later (with a
    smaller id) become the one their pages open in and their new data lands in.
    """
    return (
        Membership.objects.filter(user=user)
        .order_by(F("last_chosen_at").desc(nulls_last=True), "created_at", "pk")
        .values_list("organisation_id", flat=True)
        .first()
    )


def audit_trail(
    *, organisation_id: int, objects: Iterable[models.Model], until: datetime.datetime
) -> list[AuditEvent]:
    """The organisation's events about any of `objects` recorded by `until`, oldest first."""
    ids_by_type: dict[str, list[str]] = defaultdict(list)
    for obj in objects:
        ids_by_type[obj._meta.label].append(str(obj.pk))
    condition = Q(pk__in=[])
    for object_type, ids in ids_by_type.items():
        condition |= Q(object_type=object_type, object_id__in=ids)
    return list(
        AuditEvent.objects.filter(organisation_id=organisation_id)
        .filter(condition, created_at__lte=until)
        .order_by("created_at", "id")
    )


def audit_latest(
    *, organisation_id: int, obj: models.Model, action: str, until: datetime.datetime
) -> AuditEvent | None:
    """The organisation's latest `action` event on `obj` recorded by `until`, if any."""
    return (
        AuditEvent.objects.filter(
            organisation_id=organisation_id,
            object_type=obj._meta.label,
            object_id=str(obj.pk),
            action=action,
            created_at__lte=until,
        )
        .order_by("-created_at", "-id")
        .first()
    )
