"""Writes on organisations, memberships and invitations, plus the generic create/update/delete
that every tenant service builds on: permission check, full_clean, atomic save, audit event.

Nobody is put into an organisation without their consent: an admin invites an e-mail
address, and the account that opens the link accepts (or a new account is created from it).
"""

from __future__ import annotations

import datetime
import logging
import secrets
from collections.abc import Iterable
from typing import TYPE_CHECKING, TypeVar

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, models, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from governance.errors import StateConflict

from .audit import audit_record, snapshot
from .models import Invitation, InvitationStatus, Membership, Organisation, Role, hash_token
from .tenancy import Capability, forget_memberships, require

logger = logging.getLogger(__name__)

if TYPE_CHECKING:
    from django.contrib.auth.models import User

M = TypeVar("M", bound=models.Model)


def _integrity_to_validation(exc: IntegrityError) -> ValidationError:
    # A constraint that full_clean could not see (a race between two writers) still
    # becomes a readable error rather than a 500.
    return ValidationError("This conflicts with an existing record; reload and try again.")


def tenant_create(
    *,
    actor: User,
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
    actor: User,
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
    actor: User,
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


def membership_change_role(*, actor: User, membership: Membership, role: str) -> Membership:
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


def membership_remove(*, actor: User, membership: Membership) -> None:
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


def _new_user(*, username: str, password: str, email: str, errors: dict[str, list[str]]) -> User:
    """An unsaved user with the password set, or the problems added to `errors`."""
    User = get_user_model()
    if User.objects.filter(username__iexact=username).exists():
        errors.setdefault("username", []).append(f"A user named {username!r} already exists.")
    user = User(username=username, email=email)
    try:
        user.full_clean(exclude=["password"])
    except ValidationError as exc:
        for field, messages in exc.message_dict.items():
            errors.setdefault(field, []).extend(messages)
    if not password:
        errors["password"] = ["A password is required."]
    else:
        try:
            validate_password(password, user)
        except ValidationError as exc:
            errors["password"] = exc.messages
    user.set_password(password)
    return user


def user_add(
    *, username: str, password: str, organisation_name: str, role: str, email: str = ""
) -> tuple[User, Organisation, Membership]:
    """Create a user, the organisation if it does not exist yet, and the membership."""
    errors: dict[str, list[str]] = {}
    if role not in Role.values:
        errors["role"] = [f"Unknown role {role!r}; choose one of: {', '.join(Role.values)}."]
    if not organisation_name.strip():
        errors["organisation"] = ["Name the organisation."]
    user = _new_user(username=username, password=password, email=email, errors=errors)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        organisation, _ = Organisation.objects.get_or_create(name=organisation_name.strip())
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


# --------------------------------------------------------------------------- leaving, choosing


def membership_leave(*, user: User, membership: Membership) -> None:
    """The member leaves the organisation of their own accord; its last admin cannot."""
    if membership.user_id != user.pk:
        raise PermissionDenied(
            "You can only leave an organisation yourself; an admin removes others."
        )
    with transaction.atomic():
        _keep_an_admin(membership, None)
        audit_record(
            actor=user,
            organisation_id=membership.organisation_id,
            action="membership.leave",
            obj=membership,
            before=snapshot(membership),
        )
        membership.delete()
    forget_memberships(user)


def membership_choose(*, user: User, organisation_id: int) -> Membership:
    """Remember the organisation the person chose to work in, so that their next log-in opens
    in it. A preference, not a change to the organisation's data: no audit event."""
    membership = Membership.objects.filter(user=user, organisation_id=organisation_id).first()
    if membership is None:
        raise PermissionDenied("You are not a member of that organisation.")
    membership.last_chosen_at = timezone.now()
    Membership.objects.filter(pk=membership.pk).update(last_chosen_at=membership.last_chosen_at)
    return membership


# --------------------------------------------------------------------------- invitations

INVALID_LINK = "This invitation link is not valid. Ask an admin of the organisation for a new one."
UNUSABLE: dict[str, str] = {
    InvitationStatus.ACCEPTED: "This invitation has already been used.",
    InvitationStatus.REVOKED: "This invitation was withdrawn by an admin of the organisation.",
    InvitationStatus.EXPIRED: "This invitation has expired; ask an admin of the organisation "
    "for a new one.",
}


def normalise_email(email: str) -> str:
    # Addresses compare case-insensitively in practice; storing one spelling keeps a second
    # invitation to the same person recognisable as the same address.
    return email.strip().lower()


def invitation_link(token: str) -> str:
    return f"{settings.SITE_URL}{reverse('accounts:invitation-accept', args=[token])}"


def _send_invitation(invitation_id: int, token: str) -> None:
    """Mail the link. Runs after the commit: a rolled-back invitation sends nothing, and a mail
    server that fails is logged rather than undoing the invitation (an admin can send it
    again, which replaces the link)."""
    invitation = Invitation.objects.select_related("organisation", "invited_by").get(
        pk=invitation_id
    )
    context = {
        "invitation": invitation,
        "organisation": invitation.organisation,
        "role": invitation.get_role_display(),
        "invited_by": invitation.invited_by.get_username() if invitation.invited_by else "",
        "link": invitation_link(token),
        "expires_at": invitation.expires_at,
    }
    subject = f"Invitation to join {invitation.organisation.name} on AI Vendor Governance"
    body = render_to_string("accounts/email/invitation.txt", context)
    try:
        send_mail(subject, body, None, [invitation.email])
    except Exception:
        logger.exception("Could not send invitation %s to its address", invitation_id)


def invitation_create(*, actor: User, organisation_id: int, email: str, role: str) -> Invitation:
    """Invite an e-mail address to join with a role; the link goes out by mail after commit.

    The answer is the same whether the address belongs to an account, to a member already, or
    to nobody yet, so inviting cannot be used to find out who has an account. A new invitation
    to the same address replaces the pending one, whose link stops working.
    """
    require(actor, Capability.MANAGE, organisation_id)
    token = secrets.token_urlsafe(32)
    now = timezone.now()
    invitation = Invitation(
        organisation_id=organisation_id,
        email=normalise_email(email),
        role=role,
        token_hash=hash_token(token),
        invited_by=actor,
        created_at=now,
        expires_at=now + datetime.timedelta(days=settings.INVITATION_MAX_AGE_DAYS),
    )
    invitation.full_clean()
    with transaction.atomic():
        replaced = list(
            Invitation.objects.select_for_update()
            .pending()
            .filter(organisation_id=organisation_id, email=invitation.email)
        )
        for old in replaced:
            old.revoked_at = now
            old.save(update_fields=["revoked_at"])
            audit_record(
                actor=actor,
                organisation_id=organisation_id,
                action="invitation.revoke",
                obj=old,
                after={"reason": "replaced by a new invitation"},
            )
        invitation.save()
        audit_record(
            actor=actor,
            organisation_id=organisation_id,
            action="invitation.create",
            obj=invitation,
            after={
                "email": invitation.email,
                "role": invitation.role,
                "expires_at": invitation.expires_at,
            },
        )
        transaction.on_commit(lambda: _send_invitation(invitation.pk, token))
    return invitation


def invitation_revoke(*, actor: User, invitation: Invitation) -> Invitation:
    require(actor, Capability.MANAGE, invitation.organisation_id)
    with transaction.atomic():
        invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
        status = invitation.status
        if status != InvitationStatus.PENDING:
            raise StateConflict(
                f"Only a pending invitation can be revoked; this one is {status}.", status=status
            )
        invitation.revoked_at = timezone.now()
        invitation.save(update_fields=["revoked_at"])
        audit_record(
            actor=actor,
            organisation_id=invitation.organisation_id,
            action="invitation.revoke",
            obj=invitation,
            after={"revoked_at": invitation.revoked_at},
        )
    return invitation


def _usable_invitation(token: str, *, lock: bool) -> Invitation:
    """The pending invitation the token opens, or a ValidationError on `token` saying why not."""
    rows = Invitation.objects.select_related("organisation")
    if lock:
        rows = rows.select_for_update(of=("self",))
    invitation = rows.filter(token_hash=hash_token(token or "")).first()
    if invitation is None:
        raise ValidationError({"token": [INVALID_LINK]})
    status = invitation.status
    if status != InvitationStatus.PENDING:
        raise ValidationError({"token": [UNUSABLE[status]]})
    return invitation


def _accept(invitation: Invitation, user: User) -> tuple[Membership, bool]:
    """Inside the caller's transaction, with the invitation locked."""
    membership = Membership.objects.filter(
        user=user, organisation_id=invitation.organisation_id
    ).first()
    created = membership is None
    if membership is None:
        membership = Membership(
            user=user, organisation_id=invitation.organisation_id, role=invitation.role
        )
        membership.full_clean()
        membership.save()
        audit_record(
            actor=user,
            organisation_id=invitation.organisation_id,
            action="membership.create",
            obj=membership,
            after={
                "user": user.get_username(),
                "role": membership.role,
                "invitation": invitation.pk,
            },
        )
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    audit_record(
        actor=user,
        organisation_id=invitation.organisation_id,
        action="invitation.accept",
        obj=invitation,
        # An existing member keeps their role: an invitation never changes it behind an
        # admin's back; the role change is an admin's separate, audited edit.
        after={"user": user.get_username(), "membership": membership.pk, "joined": created},
    )
    forget_memberships(user)
    return membership, created


def invitation_accept(*, user: User, token: str) -> tuple[Membership, bool]:
    """The signed-in account accepts the invitation and joins with its role; returns the
    membership and whether it is new (an existing member keeps the role they have).

    The link is the proof that its holder received the mail, so the signed-in account accepts
    even when its own e-mail address differs (the page shows both before asking). Accepting
    does not change the organisation the person works in; they choose to switch.
    """
    with transaction.atomic():
        invitation = _usable_invitation(token, lock=True)
        return _accept(invitation, user)


def invitation_signup(*, token: str, username: str, password: str) -> tuple[User, Membership]:
    """Create an account from the invitation (its e-mail address is the invited one) and join."""
    invitation = _usable_invitation(token, lock=False)
    errors: dict[str, list[str]] = {}
    user = _new_user(username=username, password=password, email=invitation.email, errors=errors)
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            invitation = _usable_invitation(token, lock=True)
            user.save()
            membership, _ = _accept(invitation, user)
    except IntegrityError as exc:  # the same username taken at the same moment
        raise ValidationError(
            {"username": ["This username was just taken; choose another."]}
        ) from exc
    return user, membership
