"""Invitations through the API: admins of the organisation list, send and revoke them; the
invitee accepts with the token from their mail. Other organisations' invitations are a 404,
anonymous callers a 401, and no answer tells whether an e-mail address has an account."""

from __future__ import annotations

import pytest
from django.core import mail
from rest_framework.test import APIClient

from governance.accounts.models import AuditEvent, Invitation, Membership
from tests.accounts.invite import invite, last_token
from tests.api.mixins import ROLES, assert_conforms

URL = "/api/v1/invitations/"


def as_user(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def send(people, client_for, django_capture_on_commit_callbacks):
    """send(email, role="viewer", who="admin") → (response, token or None)."""

    def make(email: str, role: str = "viewer", who: str = "admin", **extra):
        sent = len(mail.outbox)
        with django_capture_on_commit_callbacks(execute=True):
            response = client_for(who).post(URL, {"email": email, "role": role, **extra})
        token = last_token() if len(mail.outbox) > sent else None
        return response, token

    return make


@pytest.fixture
def pending(people, django_capture_on_commit_callbacks):
    """An invitation of people.org, and one of the other organisation."""
    invite(
        actor=people.admin,
        organisation=people.org,
        email="own@example.com",
        capture=django_capture_on_commit_callbacks,
    )
    invite(
        actor=people.outsider,
        organisation=people.other_org,
        email="theirs@example.com",
        capture=django_capture_on_commit_callbacks,
    )
    return (
        Invitation.objects.get(email="own@example.com"),
        Invitation.objects.get(email="theirs@example.com"),
    )


# --------------------------------------------------------------------------- sending


def test_an_admin_invites_by_email_and_the_link_is_mailed(people, send):
    response, token = send("New.Person@Example.com", role="assessor")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["email"] == "new.person@example.com"
    assert (body["organisation"], body["role"], body["status"]) == (
        people.org.pk,
        "assessor",
        "pending",
    )
    assert body["invited_by"] == "admin"
    assert "token" not in body  # the link goes to the mailbox only
    assert_conforms(response)
    message = mail.outbox[-1]
    assert message.to == ["new.person@example.com"]
    assert "Acme Bank" in message.subject
    assert token and f"/invitations/{token}/" in message.body
    invitation = Invitation.objects.get(pk=body["id"])
    assert token not in invitation.token_hash  # only the hash is stored
    event = AuditEvent.objects.get(action="invitation.create")
    assert event.after == {
        "email": "new.person@example.com",
        "role": "assessor",
        "expires_at": invitation.expires_at.isoformat(),
    }
    # Nobody joined: that takes the invitee's acceptance.
    assert Membership.objects.filter(organisation=people.org).count() == 4


def test_the_answer_is_the_same_for_an_existing_account_and_an_unknown_address(
    people, send, django_user_model
):
    people.viewer.email = "viewer@example.com"
    people.viewer.save()
    people.outsider.email = "outsider@example.com"
    people.outsider.save()
    answers = {}
    for email in ("outsider@example.com", "viewer@example.com", "nobody@example.com"):
        response, token = send(email, role="admin")
        assert response.status_code == 201
        assert token
        body = response.json()
        for varying in ("id", "email", "created_at", "expires_at"):
            body.pop(varying)
        answers[email] = (response.status_code, body, sorted(response.headers.keys()))
    assert answers["outsider@example.com"] == answers["nobody@example.com"]
    assert answers["viewer@example.com"] == answers["nobody@example.com"]
    # The mails say the same too, bar the link.
    bodies = {m.body.split("/invitations/")[0] for m in mail.outbox}
    assert len(bodies) == 1


def test_sending_needs_admin_of_the_organisation(people, send):
    for role in ROLES:
        response, token = send(f"{role}-pick@example.com", who=role)
        assert response.status_code == (201 if role == "admin" else 403), (role, response.content)
        assert (token is not None) == (role == "admin")
        assert_conforms(response)
    response, token = send("x@example.com", organisation=people.other_org.pk)
    assert response.status_code == 400
    assert response.json()["errors"] == {
        "organisation": [f'Invalid pk "{people.other_org.pk}" - object does not exist.']
    }
    assert token is None
    assert APIClient().post(URL, {"email": "x@example.com", "role": "viewer"}).status_code == 401


def test_an_admin_of_several_organisations_names_one(people, send):
    Membership.objects.create(user=people.admin, organisation=people.other_org, role="admin")
    response, token = send("x@example.com")
    assert response.status_code == 400
    assert response.json()["errors"] == {
        "organisation": ["You belong to several organisations; name one."]
    }
    assert token is None
    response, _ = send("x@example.com", organisation=people.other_org.pk)
    assert response.status_code == 201
    assert response.json()["organisation"] == people.other_org.pk


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"email": "not an address", "role": "viewer"}, "email"),
        ({"email": "a@example.com", "role": "owner"}, "role"),
        ({"role": "viewer"}, "email"),
        ({"email": "a@example.com"}, "role"),
        ({"email": ["a@example.com"], "role": "viewer"}, "email"),
        ({"email": "a@example.com", "role": "viewer", "organisation": "x"}, "organisation"),
    ],
)
def test_bad_input_is_a_400_on_its_field(people, client_for, payload, field):
    response = client_for("admin").post(URL, payload, format="json")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert list(response.json()["errors"]) == [field]
    assert not Invitation.objects.exists()
    assert not mail.outbox


def test_inviting_the_same_address_again_replaces_the_link(people, send):
    _, first = send("again@example.com")
    _, second = send("again@example.com", role="reviewer")
    assert first != second
    newcomer = APIClient()
    newcomer.force_authenticate(people.outsider)
    old = newcomer.post(f"{URL}accept/", {"token": first})
    assert old.status_code == 400
    assert "withdrawn" in old.json()["errors"]["token"][0]
    assert newcomer.post(f"{URL}accept/", {"token": second}).status_code == 200
    assert Membership.objects.get(user=people.outsider, organisation=people.org).role == "reviewer"


# --------------------------------------------------------------------------- reading, revoking


def test_only_admins_list_their_organisations_invitations(people, client_for, pending):
    own, theirs = pending
    response = client_for("admin").get(URL)
    assert response.status_code == 200
    assert [row["id"] for row in response.json()["results"]] == [own.pk]
    assert_conforms(response)
    for role in ("assessor", "reviewer", "viewer"):
        refused = client_for(role).get(URL)
        assert refused.status_code == 403, role
        assert_conforms(refused)
    assert [r["id"] for r in as_user(people.outsider).get(URL).json()["results"]] == [theirs.pk]
    assert APIClient().get(URL).status_code == 401


@pytest.mark.parametrize("role", ROLES)
def test_retrieve_is_for_admins_of_the_organisation(people, client_for, pending, role):
    own, theirs = pending
    response = client_for(role).get(f"{URL}{own.pk}/")
    assert response.status_code == (200 if role == "admin" else 403)
    assert_conforms(response)
    other = client_for(role).get(f"{URL}{theirs.pk}/")
    assert other.status_code == 404
    assert other.json() == {"detail": "Not found.", "code": "not_found"}
    assert APIClient().get(f"{URL}{own.pk}/").status_code == 401


@pytest.mark.parametrize("role", ROLES)
def test_revoke_is_for_admins_of_the_organisation(people, client_for, pending, role):
    own, theirs = pending
    assert client_for(role).post(f"{URL}{theirs.pk}/revoke/").status_code == 404
    assert APIClient().post(f"{URL}{own.pk}/revoke/").status_code == 401
    response = client_for(role).post(f"{URL}{own.pk}/revoke/")
    assert response.status_code == (200 if role == "admin" else 403), response.content
    assert_conforms(response)
    own.refresh_from_db()
    assert (own.revoked_at is not None) == (role == "admin")
    theirs.refresh_from_db()
    assert theirs.revoked_at is None


def test_a_revoked_link_is_refused_and_revoking_twice_is_a_409(people, client_for, send):
    response, token = send("gone@example.com")
    pk = response.json()["id"]
    revoked = client_for("admin").post(f"{URL}{pk}/revoke/")
    assert revoked.json()["status"] == "revoked"
    again = client_for("admin").post(f"{URL}{pk}/revoke/")
    assert again.status_code == 409
    assert (
        again.json()["detail"] == "Only a pending invitation can be revoked; this one is revoked."
    )
    assert_conforms(again)
    accept = as_user(people.outsider).post(f"{URL}accept/", {"token": token})
    assert accept.status_code == 400
    assert accept.json()["errors"] == {
        "token": ["This invitation was withdrawn by an admin of the organisation."]
    }
    assert AuditEvent.objects.filter(action="invitation.revoke").count() == 1


# --------------------------------------------------------------------------- accepting


def test_the_invitee_accepts_and_joins_with_the_role(people, send, django_user_model):
    newcomer = django_user_model.objects.create_user("newcomer", email="new@example.com")
    _, token = send("new@example.com", role="assessor")
    client = as_user(newcomer)
    response = client.post(f"{URL}accept/", {"token": token})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["joined"] is True
    assert body["membership"]["organisation"] == people.org.pk
    assert body["membership"]["role"] == "assessor"
    assert_conforms(response)
    assert Membership.objects.get(user=newcomer).role == "assessor"
    actions = list(
        AuditEvent.objects.filter(actor=newcomer).order_by("id").values_list("action", flat=True)
    )
    assert actions == ["membership.create", "invitation.accept"]
    # Single use: the same link again, by anyone, is refused.
    for who in (newcomer, people.outsider):
        again = as_user(who).post(f"{URL}accept/", {"token": token})
        assert again.status_code == 400
        assert again.json()["errors"] == {"token": ["This invitation has already been used."]}
    assert not Membership.objects.filter(user=people.outsider, organisation=people.org).exists()


def test_a_user_of_another_organisation_joins_only_by_accepting(
    people, django_capture_on_commit_callbacks
):
    # The invitation the attacker of the issue would now have to send.
    people.viewer.email = "viewer@acme.example"
    people.viewer.save()
    attacker = as_user(people.outsider)
    with django_capture_on_commit_callbacks(execute=True):
        response = attacker.post(URL, {"email": "viewer@acme.example", "role": "admin"})
    assert response.status_code == 201
    with_token = {"token": last_token()}
    # Until the viewer accepts, they are not in Other Corp and their API calls are unchanged.
    assert not Membership.objects.filter(user=people.viewer, organisation=people.other_org)
    viewer = as_user(people.viewer)
    listing = viewer.get("/api/v1/vendors/")
    assert listing.status_code == 200
    # The attacker cannot accept on the viewer's behalf: accepting adds the caller.
    assert attacker.post(f"{URL}accept/", with_token).json()["joined"] is False
    assert not Membership.objects.filter(user=people.viewer, organisation=people.other_org)


def test_an_expired_link_is_refused(people, send, settings):
    settings.INVITATION_MAX_AGE_DAYS = 0
    _, token = send("late@example.com")
    response = as_user(people.outsider).post(f"{URL}accept/", {"token": token})
    assert response.status_code == 400
    assert response.json()["errors"] == {
        "token": ["This invitation has expired; ask an admin of the organisation for a new one."]
    }
    assert not Membership.objects.filter(user=people.outsider, organisation=people.org).exists()


def test_an_existing_member_accepting_keeps_their_role(people, send, client_for):
    _, token = send("anyone@example.com", role="admin")
    response = client_for("viewer").post(f"{URL}accept/", {"token": token})
    assert response.status_code == 200
    assert response.json()["joined"] is False
    assert response.json()["membership"]["role"] == "viewer"
    assert Membership.objects.get(user=people.viewer, organisation=people.org).role == "viewer"


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        ({}, "This field is required."),
        ({"token": ""}, "This field may not be blank."),
        ({"token": "not-a-token"}, "This invitation link is not valid."),
        ({"token": ["x"]}, "Not a valid string."),
    ],
)
def test_a_bad_token_is_a_400_on_the_token(people, client_for, payload, message):
    response = client_for("viewer").post(f"{URL}accept/", payload, format="json")
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["token"]
    assert response.json()["errors"]["token"][0].startswith(message)
    assert_conforms(response)


def test_accepting_needs_a_signed_in_user(people, send):
    _, token = send("anon@example.com")
    response = APIClient().post(f"{URL}accept/", {"token": token})
    assert response.status_code == 401
    assert Invitation.objects.get().status == "pending"
