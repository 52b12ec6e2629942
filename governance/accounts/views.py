"""Pages for members and invitations: the members page (everyone reads it; admins invite,
change roles and remove), leaving an organisation, and the page an invitation link opens."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from governance.errors import StateConflict
from governance.web.access import apply_validation_error, get_or_404, page
from governance.web.requests import MemberRequest, SignedInRequest, ViewRequest

from . import selectors, services
from .forms import InvitationForm, RoleForm, SignupForm
from .middleware import SESSION_KEY
from .models import Role
from .tenancy import Capability, can, memberships_of


def _members_page(request: MemberRequest, invite_form: InvitationForm | None = None, status=200):
    manages = can(request.user, Capability.MANAGE, request.organisation_id)
    context = {
        "members": selectors.membership_list(
            user=request.user, organisation_id=request.organisation_id
        ).order_by("user__username"),
        "manages": manages,
        "roles": Role.choices,
        "own_membership": selectors.membership_own(user=request.user)
        .filter(organisation_id=request.organisation_id)
        .first(),
    }
    if manages:
        context["invite_form"] = invite_form or InvitationForm()
        context["invitations"] = (
            selectors.invitation_list(user=request.user, organisation_id=request.organisation_id)
            .pending()
            .order_by("email")
        )
    return render(request, "accounts/members.html", context, status=status)


@page()
def member_list(request: MemberRequest) -> HttpResponse:
    return _members_page(request)


@page(Capability.MANAGE)
@require_POST
def invitation_create(request: MemberRequest) -> HttpResponse:
    form = InvitationForm(request.POST)
    if form.is_valid():
        try:
            invitation = services.invitation_create(
                actor=request.user,
                organisation_id=request.organisation_id,
                email=form.cleaned_data["email"],
                role=form.cleaned_data["role"],
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            # The same words whether or not the address has an account.
            messages.success(request, f"Invitation sent to {invitation.email}.")
            return redirect("accounts:members")
    return _members_page(request, invite_form=form, status=400)


@page(Capability.MANAGE)
@require_POST
def invitation_revoke(request: MemberRequest, invitation_pk: int) -> HttpResponse:
    invitation = get_or_404(
        lambda **kw: selectors.invitation_list(
            user=request.user, organisation_id=request.organisation_id
        ).get(**kw),
        pk=invitation_pk,
    )
    try:
        services.invitation_revoke(actor=request.user, invitation=invitation)
    except StateConflict as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"The invitation to {invitation.email} was revoked.")
    return redirect("accounts:members")


def _member_of_active_organisation(request: MemberRequest, pk: int):
    return get_or_404(
        lambda **kw: selectors.membership_list(
            user=request.user, organisation_id=request.organisation_id
        ).get(**kw),
        pk=pk,
    )


@page(Capability.MANAGE)
@require_POST
def member_role(request: MemberRequest, pk: int) -> HttpResponse:
    membership = _member_of_active_organisation(request, pk)
    form = RoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose one of the roles.")
        return redirect("accounts:members")
    try:
        services.membership_change_role(
            actor=request.user, membership=membership, role=form.cleaned_data["role"]
        )
    except (StateConflict, ValidationError) as exc:
        messages.error(request, exc.message if isinstance(exc, StateConflict) else exc.messages[0])
    else:
        messages.success(request, f"{membership.user.get_username()} is now {membership.role}.")
    return redirect("accounts:members")


@page(Capability.MANAGE)
@require_POST
def member_remove(request: MemberRequest, pk: int) -> HttpResponse:
    membership = _member_of_active_organisation(request, pk)
    try:
        services.membership_remove(actor=request.user, membership=membership)
    except StateConflict as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"{membership.user.get_username()} was removed.")
    return redirect("accounts:members")


@page()
@require_POST
def organisation_leave(request: MemberRequest) -> HttpResponse:
    """Leave the active organisation."""
    membership = get_or_404(
        lambda **kw: selectors.membership_own(user=request.user).get(**kw),
        organisation_id=request.organisation_id,
    )
    try:
        services.membership_leave(user=request.user, membership=membership)
    except StateConflict as exc:
        messages.error(request, str(exc))
        return redirect("accounts:members")
    request.session.pop(SESSION_KEY, None)
    messages.success(request, f"You left {membership.organisation.name}.")
    if memberships_of(request.user):
        return redirect("dashboard")
    return redirect("accounts:no-organisation")


@login_required
def no_organisation(request: SignedInRequest) -> HttpResponse:
    return render(request, "accounts/no_organisation.html")


def invitation_accept(request: ViewRequest, token: str) -> HttpResponse:
    """The page an invitation link opens: it names the organisation and the role, and the
    signed-in account accepts with a button; without an account, one is created here."""
    invitation = selectors.invitation_by_token(token=token)
    if invitation is None:
        return render(request, "accounts/invitation_invalid.html", status=404)
    if invitation.status != "pending":
        return render(
            request,
            "accounts/invitation_unusable.html",
            {"invitation": invitation, "message": services.UNUSABLE[invitation.status]},
            status=410,
        )
    user = request.user
    context: dict = {"invitation": invitation, "token": token}
    if user.is_authenticated:
        email = (user.email or "").strip().lower()
        context["email_differs"] = email != invitation.email
        context["already_member"] = invitation.organisation_id in memberships_of(user)
        if request.method == "POST":
            try:
                membership, joined = services.invitation_accept(user=user, token=token)
            except ValidationError as exc:
                messages.error(request, exc.message_dict["token"][0])
                return redirect("dashboard")
            return render(
                request,
                "accounts/invitation_accepted.html",
                {
                    "membership": membership,
                    "joined": joined,
                    "is_active": membership.organisation_id == request.organisation_id,
                },
            )
        return render(request, "accounts/invitation_accept.html", context)
    form = SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            new_user, membership = services.invitation_signup(
                token=token,
                username=form.cleaned_data["username"],
                password=form.cleaned_data["password"],
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            login(request, new_user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(
                request,
                f"Welcome, {new_user.get_username()}: you are {membership.get_role_display()} "
                f"of {membership.organisation.name}.",
            )
            return redirect("dashboard")
    context["form"] = form
    return render(
        request,
        "accounts/invitation_accept.html",
        context,
        status=400 if request.method == "POST" else 200,
    )
