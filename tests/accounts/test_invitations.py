"""Invitations, leaving and the active organisation, through the services and the pages."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from governance.accounts import services
from governance.accounts.models import AuditEvent, Invitation, Membership
from tests.accounts.invite import invite


@pytest.fixture
def invite_to(people, django_capture_on_commit_callbacks):
    """invite_to(email, role="viewer", organisation=people.org) → the link's token."""

    def make(email: str, role: str = "viewer", organisation=None):
        organisation = organisation or people.org
        admin = people.admin if organisation == people.org else people.outsider
        return invite(
            actor=admin,
            organisation=organisation,
            email=email,
            role=role,
            capture=django_capture_on_commit_callbacks,
        )

    return make


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


# --------------------------------------------------------------------------- services


def test_only_admins_invite(people):
    for user in (people.assessor, people.reviewer, people.viewer, people.outsider):
        with pytest.raises(PermissionDenied):
            services.invitation_create(
                actor=user, organisation_id=people.org.pk, email="a@example.com", role="viewer"
            )
    assert not Invitation.objects.exists()


def test_a_bad_address_or_role_is_refused_on_its_field(people):
    with pytest.raises(ValidationError) as caught:
        services.invitation_create(
            actor=people.admin, organisation_id=people.org.pk, email="nope", role="owner"
        )
    assert set(caught.value.message_dict) == {"email", "role"}


def test_the_link_works_once(people, invite_to):
    token = invite_to("once@example.com", role="reviewer")
    membership, joined = services.invitation_accept(user=people.outsider, token=token)
    assert joined and membership.role == "reviewer"
    with pytest.raises(ValidationError) as caught:
        services.invitation_accept(user=people.outsider, token=token)
    assert caught.value.message_dict == {"token": ["This invitation has already been used."]}
    invitation = Invitation.objects.get()
    assert invitation.accepted_by == people.outsider
    assert invitation.status == "accepted"


def test_the_link_expires(people, invite_to, settings):
    settings.INVITATION_MAX_AGE_DAYS = 7
    token = invite_to("later@example.com")
    invitation = Invitation.objects.get()
    assert (invitation.expires_at - invitation.created_at).days == 7
    Invitation.objects.filter(pk=invitation.pk).update(expires_at=invitation.created_at)
    with pytest.raises(ValidationError, match="expired"):
        services.invitation_accept(user=people.outsider, token=token)
    assert not Membership.objects.filter(user=people.outsider, organisation=people.org).exists()


def test_a_token_for_one_invitation_opens_no_other(people, invite_to):
    token = invite_to("one@example.com")
    with pytest.raises(ValidationError, match="not valid"):
        services.invitation_accept(user=people.outsider, token=token[:-1])
    with pytest.raises(ValidationError, match="not valid"):
        services.invitation_accept(user=people.outsider, token="")


def test_accepting_does_not_change_a_role_already_held(people, invite_to):
    token = invite_to("viewer@example.com", role="admin")
    membership, joined = services.invitation_accept(user=people.viewer, token=token)
    assert not joined
    assert membership.role == "viewer"
    event = AuditEvent.objects.get(action="invitation.accept")
    assert event.after["joined"] is False


def test_a_member_leaves_but_the_last_admin_cannot(people):
    from governance.errors import StateConflict

    own = Membership.objects.get(user=people.outsider)
    with pytest.raises(StateConflict, match="at least one admin"):
        services.membership_leave(user=people.outsider, membership=own)
    viewer = Membership.objects.get(user=people.viewer)
    with pytest.raises(PermissionDenied):
        services.membership_leave(user=people.admin, membership=viewer)
    services.membership_leave(user=people.viewer, membership=viewer)
    assert not Membership.objects.filter(user=people.viewer).exists()
    assert AuditEvent.objects.filter(action="membership.leave", actor=people.viewer).count() == 1


def test_the_invitation_mail_names_the_organisation_the_role_and_the_expiry(people, invite_to):
    token = invite_to("mail@example.com", role="assessor")
    message = mail.outbox[-1]
    assert message.to == ["mail@example.com"]
    assert "admin invites you to join Acme Bank on AI Vendor Governance as assessor" in message.body
    assert f"http://localhost:8000/invitations/{token}/" in message.body
    assert "The link works once" in message.body


def test_a_rolled_back_invitation_sends_nothing(people, django_capture_on_commit_callbacks):
    from django.db import transaction

    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        services.invitation_create(
            actor=people.admin,
            organisation_id=people.org.pk,
            email="x@example.com",
            role="viewer",
        )
        raise RuntimeError("the request failed later")
    assert not Invitation.objects.exists()
    assert not mail.outbox


# --------------------------------------------------------------------------- the members page


def test_the_members_page_shows_admins_the_invite_form_and_pending_invitations(people, invite_to):
    invite_to("pending@example.com", role="reviewer")
    body = logged_in(people.admin).get(reverse("accounts:members")).content.decode()
    for expected in (
        "Invite someone",
        "pending@example.com",
        "Revoke",
        "Remove",
        "Leave Acme Bank",
    ):
        assert expected in body, expected
    body = logged_in(people.viewer).get(reverse("accounts:members")).content.decode()
    assert "assessor" in body and "reviewer" in body
    assert "Invite someone" not in body
    assert "pending@example.com" not in body
    assert "Leave Acme Bank" in body


def test_non_admins_cannot_invite_revoke_or_change_members(people, invite_to):
    invite_to("pending@example.com")
    invitation = Invitation.objects.get()
    viewer = Membership.objects.get(user=people.viewer)
    for user in (people.assessor, people.reviewer, people.viewer):
        client = logged_in(user)
        for url, data in (
            (reverse("accounts:members-invite"), {"email": "x@example.com", "role": "admin"}),
            (reverse("accounts:invitation-revoke", args=[invitation.pk]), {}),
            (reverse("accounts:member-role", args=[viewer.pk]), {"role": "admin"}),
            (reverse("accounts:member-remove", args=[viewer.pk]), {}),
        ):
            assert client.post(url, data).status_code == 403, (user, url)
    assert Invitation.objects.count() == 1
    assert Invitation.objects.get().status == "pending"
    assert Membership.objects.get(user=people.viewer).role == "viewer"


def test_inviting_from_the_page_answers_the_same_for_any_address(
    people, django_capture_on_commit_callbacks
):
    people.outsider.email = "outsider@example.com"
    people.outsider.save()
    client = logged_in(people.admin)
    answers = []
    for email in ("outsider@example.com", "nobody@example.com"):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                reverse("accounts:members-invite"), {"email": email, "role": "admin"}, follow=True
            )
        assert response.status_code == 200
        body = response.content.decode()
        assert f"Invitation sent to {email}." in body
        answers.append((response.redirect_chain, [str(m) for m in response.context["messages"]]))
    assert answers[0][0] == answers[1][0]
    assert len(mail.outbox) == 2
    assert not Membership.objects.filter(user=people.outsider, organisation=people.org).exists()


def test_an_admin_revokes_changes_a_role_and_removes_from_the_page(people, invite_to):
    invite_to("pending@example.com")
    invitation = Invitation.objects.get()
    viewer = Membership.objects.get(user=people.viewer)
    client = logged_in(people.admin)
    client.post(reverse("accounts:invitation-revoke", args=[invitation.pk]))
    assert Invitation.objects.get().status == "revoked"
    client.post(reverse("accounts:member-role", args=[viewer.pk]), {"role": "assessor"})
    assert Membership.objects.get(pk=viewer.pk).role == "assessor"
    client.post(reverse("accounts:member-remove", args=[viewer.pk]))
    assert not Membership.objects.filter(pk=viewer.pk).exists()
    own = Membership.objects.get(user=people.admin)
    response = client.post(
        reverse("accounts:member-role", args=[own.pk]), {"role": "viewer"}, follow=True
    )
    assert "at least one admin" in response.content.decode()
    assert Membership.objects.get(pk=own.pk).role == "admin"


def test_an_admin_of_another_organisation_finds_none_of_ours(people, invite_to):
    invite_to("pending@example.com")
    invitation = Invitation.objects.get()
    viewer = Membership.objects.get(user=people.viewer)
    client = logged_in(people.outsider)
    for url in (
        reverse("accounts:invitation-revoke", args=[invitation.pk]),
        reverse("accounts:member-role", args=[viewer.pk]),
        reverse("accounts:member-remove", args=[viewer.pk]),
    ):
        assert client.post(url, {"role": "viewer"}).status_code == 404
    members = client.get(reverse("accounts:members")).context["members"]
    assert [m.user.username for m in members] == ["outsider"]


# --------------------------------------------------------------------------- leaving


def test_a_member_leaves_from_the_page(people):
    Membership.objects.create(user=people.viewer, organisation=people.other_org, role="viewer")
    client = logged_in(people.viewer)
    response = client.post(reverse("accounts:organisation-leave"), follow=True)
    assert "You left Acme Bank." in response.content.decode()
    assert list(
        Membership.objects.filter(user=people.viewer).values_list("organisation", flat=True)
    ) == [people.other_org.pk]
    assert response.context["request"].organisation_id == people.other_org.pk


def test_the_last_admin_is_told_why_they_cannot_leave(people):
    response = logged_in(people.admin).post(reverse("accounts:organisation-leave"), follow=True)
    assert "An organisation keeps at least one admin" in response.content.decode()
    assert Membership.objects.filter(user=people.admin, organisation=people.org).exists()


def test_leaving_the_only_organisation_says_so(people):
    response = logged_in(people.viewer).post(reverse("accounts:organisation-leave"), follow=True)
    assert response.redirect_chain[-1][0] == reverse("accounts:no-organisation")
    assert "not a member of any organisation" in response.content.decode()


# --------------------------------------------------------------------------- accepting on the web


def test_the_accept_page_names_the_organisation_and_role_and_waits_for_the_click(people, invite_to):
    token = invite_to("viewer@example.com", role="reviewer", organisation=people.other_org)
    people.viewer.email = "someone-else@example.com"
    people.viewer.save()
    client = logged_in(people.viewer)
    url = reverse("accounts:invitation-accept", args=[token])
    body = client.get(url).content.decode()
    assert "Join Other Corp" in body
    assert "as <strong>reviewer</strong>" in body
    assert "viewer@example.com" in body
    # A different address is pointed out before anything happens.
    assert "not with the invited address" in body
    assert not Membership.objects.filter(user=people.viewer, organisation=people.other_org)


def test_accepting_keeps_the_user_in_their_organisation_until_they_switch(people, invite_to):
    token = invite_to("viewer@example.com", role="assessor", organisation=people.other_org)
    client = logged_in(people.viewer)
    assert client.get("/").context["request"].organisation_id == people.org.pk
    response = client.post(reverse("accounts:invitation-accept", args=[token]))
    body = response.content.decode()
    assert "You joined Other Corp" in body
    assert "Switch to Other Corp" in body
    assert (
        Membership.objects.get(user=people.viewer, organisation=people.other_org).role == "assessor"
    )
    # Still in Acme Bank: nothing switched behind the user's back, on this login or the next.
    assert client.get("/").context["request"].organisation_id == people.org.pk
    assert logged_in(people.viewer).get("/").context["request"].organisation_id == people.org.pk
    client.post(reverse("switch-organisation"), {"organisation": people.other_org.pk})
    assert client.get("/").context["request"].organisation_id == people.other_org.pk


def test_a_new_account_is_created_from_the_invitation(people, invite_to):
    token = invite_to("fresh@example.com", role="assessor")
    client = Client()
    url = reverse("accounts:invitation-accept", args=[token])
    body = client.get(url).content.decode()
    assert "Create account and join" in body
    assert 'value="fresh@example.com" readonly' in body
    assert f"{reverse('login')}?next={url}" in body.replace("%2F", "/")
    mismatch = client.post(
        url, {"username": "fresh", "password": "a-long-passphrase", "password_again": "other"}
    )
    assert mismatch.status_code == 400
    taken = client.post(
        url,
        {
            "username": "viewer",
            "password": "a-long-passphrase",
            "password_again": "a-long-passphrase",
        },
    )
    assert "already exists" in taken.content.decode()
    response = client.post(
        url,
        {
            "username": "fresh",
            "password": "a-long-passphrase",
            "password_again": "a-long-passphrase",
        },
        follow=True,
    )
    assert "Welcome, fresh" in response.content.decode()
    membership = Membership.objects.get(user__username="fresh")
    assert (membership.organisation, membership.role) == (people.org, "assessor")
    assert membership.user.email == "fresh@example.com"
    assert response.context["request"].organisation_id == people.org.pk
    assert client.get(url).status_code == 410  # used


def test_an_unknown_or_used_link_explains_itself(people, invite_to):
    client = Client()
    assert client.get(reverse("accounts:invitation-accept", args=["nope"])).status_code == 404
    token = invite_to("used@example.com")
    services.invitation_accept(user=people.outsider, token=token)
    response = client.get(reverse("accounts:invitation-accept", args=[token]))
    assert response.status_code == 410
    assert "already been used" in response.content.decode()
    # A POST on a used link creates nothing.
    client.post(
        reverse("accounts:invitation-accept", args=[token]),
        {
            "username": "late",
            "password": "a-long-passphrase",
            "password_again": "a-long-passphrase",
        },
    )
    assert not Membership.objects.filter(user__username="late").exists()


# ------------------------------------------------------------------- the active organisation


def test_the_pages_open_in_the_first_joined_organisation_not_the_lowest_id(
    people, django_user_model
):
    # An organisation with a lower id that the user joined later does not take over.
    user = django_user_model.objects.create_user("both")
    Membership.objects.create(user=user, organisation=people.other_org, role="viewer")
    Membership.objects.create(user=user, organisation=people.org, role="admin")
    assert people.org.pk < people.other_org.pk
    assert logged_in(user).get("/").context["request"].organisation_id == people.other_org.pk


def test_the_chosen_organisation_is_remembered_across_logins(people):
    Membership.objects.create(user=people.viewer, organisation=people.other_org, role="viewer")
    client = logged_in(people.viewer)
    body = client.get("/").content.decode()
    assert 'id="org-select"' in body
    client.post(reverse("switch-organisation"), {"organisation": people.other_org.pk})
    chosen = Membership.objects.get(user=people.viewer, organisation=people.other_org)
    assert chosen.last_chosen_at is not None
    assert logged_in(people.viewer).get("/").context["request"].organisation_id == (
        people.other_org.pk
    )


def test_the_switcher_appears_only_with_several_memberships(people):
    body = logged_in(people.viewer).get("/").content.decode()
    assert 'id="org-select"' not in body
    assert "Acme Bank" in body
