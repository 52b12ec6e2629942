"""Writes on organisations and memberships, plus the generic create/update/delete that every
tenant service builds on: permission check, full_clean, atomic save, audit event."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TypeVar

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction

from governance.errors import StateConflict

from .audit import audit_record, snapshot
from .models import Membership, Organisation, Role
from .tenancy import Capability, require

M = TypeVar("M", bound=models.Model)


def _integrity_to_validation(exc: IntegrityError) -> ValidationError:
    # A constraint that full_clean could not see (a race between two writers) still
    # becomes a readable error rather than a 500.
    return ValidationError("This conflicts with an existing record; reload and try again.")


def tenant_create(
    *,
    actor,
    organisation_id: int,
    obj: M,
    action: str,
    capability: str = Capability.EDIT,
    exclude: Iterable[str] = (),
) -> M:
    require(actor, capability, organisation_id)
    obj.full_clean(exclude=list(exclude))
    try:
        with transaction.atomic():
            obj.save()
            audit_record(
                actor=actor,
                organisation_id=organisation_id,
                action=action,
                obj=obj,
                after=snapshot(obj),
            )
    except IntegrityError as exc:
        raise _integrity_to_validation(exc) from exc
    return obj


def tenant_update(
    *,
    actor,
    organisation_id: int,
    obj: M,
    data: dict,
    action: str,
    capability: str = Capability.EDIT,
    exclude: Iterable[str] = (),
) -> M:
    require(actor, capability, organisation_id)
    before = snapshot(obj)
    for field, value in data.items():
        setattr(obj, field, value)
    obj.full_clean(exclude=list(exclude))
    try:
        with transaction.atomic():
            obj.save()
            audit_record(
                actor=actor,
                organisation_id=organisation_id,
                action=action,
                obj=obj,
                before=before,
                after=snapshot(obj),
            )
    except IntegrityError as exc:
        raise _integrity_to_validation(exc) from exc
    return obj


def tenant_delete(
    *,
    actor,
    organisation_id: int,
    obj: models.Model,
    action: str,
    capability: str = Capability.EDIT,
) -> None:
    require(actor, capability, organisation_id)
    try:
        with transaction.atomic():
            audit_record(
                actor=actor,
                organisation_id=organisation_id,
                action=action,
                obj=obj,
                before=snapshot(obj),
            )
            obj.delete()
    except models.ProtectedError as exc:
        raise ValidationError(
            f"{obj} cannot be deleted while assessments refer to it; offboard it instead."
        ) from exc


def _keep_an_admin(membership: Membership, new_role: str | None) -> None:
    """Refuse a change that would leave the organisation without an admin: nobody could
    manage its members or policy any more. Locks the admins' rows, so two admins demoting
    each other at the same time cannot both succeed."""
    if membership.role != Role.ADMIN or new_role == Role.ADMIN:
        return
    admins = set(
        Membership.objects.select_for_update()
        .filter(organisation_id=membership.organisation_id, role=Role.ADMIN)
        .values_list("pk", flat=True)
    )
    if not admins - {membership.pk}:
        raise StateConflict(
            "An organisation keeps at least one admin; make someone else admin first.",
            status="last_admin",
        )


def membership_change_role(*, actor, membership: Membership, role: str) -> Membership:
    require(actor, Capability.MANAGE, membership.organisation_id)
    with transaction.atomic():
        _keep_an_admin(membership, role)
        return tenant_update(
            actor=actor,
            organisation_id=membership.organisation_id,
            obj=membership,
            data={"role": role},
            action="membership.update",
            capability=Capability.MANAGE,
        )


def membership_remove(*, actor, membership: Membership) -> None:
    require(actor, Capability.MANAGE, membership.organisation_id)
    with transaction.atomic():
        _keep_an_admin(membership, None)
        tenant_delete(
            actor=actor,
            organisation_id=membership.organisation_id,
            obj=membership,
            action="membership.delete",
            capability=Capability.MANAGE,
        )


def user_add(*, username: str, password: str, organisation_name: str, role: str, email: str = ""):
    """Create a user, the organisation if it does not exist yet, and the membership."""
    User = get_user_model()
    errors: dict[str, list[str]] = {}
    if role not in Role.values:
        errors["role"] = [f"Unknown role {role!r}; choose one of: {', '.join(Role.values)}."]
    if User.objects.filter(username__iexact=username).exists():
        errors["username"] = [f"A user named {username!r} already exists."]
    if not organisation_name.strip():
        errors["organisation"] = ["Name the organisation."]
    user = User(username=username, email=email)
    try:
        user.full_clean(exclude=["password"])
    except ValidationError as exc:
        for field, messages in exc.message_dict.items():
            errors.setdefault(field, []).extend(messages)
    if not password:
        errors["password"] = ["A password is required."]
    else:
        from django.contrib.auth.password_validation import validate_password

        try:
            validate_password(password, user)
        except ValidationError as exc:
            errors["password"] = exc.messages
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        organisation, _ = Organisation.objects.get_or_create(name=organisation_name.strip())
        user.set_password(password)
        user.save()
        membership = Membership.objects.create(user=user, organisation=organisation, role=role)
        audit_record(
            actor=None,
            organisation_id=organisation.pk,
            action="membership.create",
            obj=membership,
            after={"user": username, "role": role},
        )
    return user, organisation, membership
